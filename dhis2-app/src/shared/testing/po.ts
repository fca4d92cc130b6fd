// Test-only helpers: read the committed gettext files (i18n/en.pot, i18n/*.po) the way d2-app-scripts turns them
// into src/locales/<lang>/translations.json, so tests can check translations without running the build.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export interface PoEntry {
  /** The i18next key d2-app-scripts (i18next-conv) derives: `msgid`, or `msgid_msgctxt` when there is a context. */
  key: string
  msgid: string
  msgstr: string
}

const I18N_DIR = join(__dirname, '..', '..', '..', 'i18n')

const unquote = (line: string): string => JSON.parse(line.trim().replace(/\\'/g, "'")) as string

/** Parses the subset of gettext that d2-app-scripts writes: msgctxt/msgid/msgstr, with continuation lines. */
export function parsePo(text: string): PoEntry[] {
  const entries: PoEntry[] = []
  let current: Record<string, string> = {}
  let field: string | null = null
  const flush = () => {
    if (current.msgid) {
      const key = current.msgctxt ? `${current.msgid}_${current.msgctxt}` : current.msgid
      entries.push({ key, msgid: current.msgid, msgstr: current.msgstr ?? '' })
    }
    current = {}
    field = null
  }
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    const start = /^(msgctxt|msgid|msgstr)\s+(".*")$/.exec(line)
    if (start) {
      const [, name, value] = start as unknown as [string, string, string]
      if (name === 'msgctxt' || (name === 'msgid' && field !== 'msgctxt')) flush()
      field = name
      current[name] = unquote(value)
    } else if (line.startsWith('"') && field) {
      current[field] = (current[field] ?? '') + unquote(line)
    } else if (line === '') {
      field = null
    }
  }
  flush()
  return entries
}

export function readPo(fileName: string): PoEntry[] {
  return parsePo(readFileSync(join(I18N_DIR, fileName), 'utf8'))
}

/** Translations for one language, keyed like src/locales/<lang>/translations.json. */
export function translationsFrom(fileName: string): Record<string, string> {
  return Object.fromEntries(readPo(fileName).map(({ key, msgstr }) => [key, msgstr]))
}
