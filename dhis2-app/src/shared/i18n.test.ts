// Guards the translations: French is the users' language, so every string must be translated in i18n/fr.po.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { readPo } from './testing/po'

const SRC = join(__dirname, '..')

// The literal first argument of every translation call in src. d2-app-scripts extracts the same calls into en.pot,
// from every file under src, tests and comments included: so never write a literal call example in a comment.
function keysUsedInSource(): string[] {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter(
    (file) => /\.tsx?$/.test(file) && !file.startsWith('locales'),
  )
  const keys = new Set<string>()
  for (const file of files) {
    const text = readFileSync(join(SRC, file), 'utf8')
    for (const match of text.matchAll(/i18n\.t\(\s*(['"])((?:\\.|(?!\1).)*)\1/gs)) {
      keys.add((match[2] ?? '').replace(/\\(['"\\])/g, '$1'))
    }
  }
  return [...keys].sort()
}

const placeholders = (text: string) => [...text.matchAll(/{{\s*-?\s*(\w+)\s*}}/g)].map((m) => m[1]).sort()

describe('translations', () => {
  const pot = readPo('en.pot')
  const fr = new Map(readPo('fr.po').map((entry) => [entry.key, entry]))

  it('has exactly the strings used in src in i18n/en.pot (run the build to regenerate it)', () => {
    const potKeys = pot.map((entry) => entry.key).filter((key) => !key.startsWith('__MANIFEST_'))
    const used = keysUsedInSource()
    expect(used.length).toBeGreaterThan(10)
    expect(potKeys.sort()).toEqual(used)
  })

  it('uses no ":" or "_" in a key: the extractor reads them as namespace and context separators', () => {
    expect(keysUsedInSource().filter((key) => /[:_]/.test(key))).toEqual([])
  })

  it('translates every string of i18n/en.pot in i18n/fr.po, keeping the {{placeholders}}', () => {
    const missing = pot.filter((entry) => !fr.get(entry.key)?.msgstr).map((entry) => entry.key)
    expect(missing).toEqual([])
    for (const entry of pot) {
      expect([entry.key, placeholders(fr.get(entry.key)?.msgstr ?? '')]).toEqual([entry.key, placeholders(entry.msgid)])
    }
  })

  it('has no stale strings in i18n/fr.po', () => {
    const potKeys = new Set(pot.map((entry) => entry.key))
    expect([...fr.keys()].filter((key) => !potKeys.has(key))).toEqual([])
  })
})
