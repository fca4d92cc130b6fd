/**
 * The runbooks (docs/runbooks/, issue 17 §6) name only what exists: each runbook of the index is there, in French
 * and in English; every `relais <verb> [<sub-verb>]` of their commands is a verb of the CLI whose `--help` answers
 * 0 and names the sub-verb; every `docker compose <command> <service>` names a service of docker/compose.yml; every
 * alert they name is a rule of docker/monitoring/alerts.yml.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'

jest.setTimeout(120_000)

const ROOT = join(__dirname, '..', '..')
const DIR = join(ROOT, 'docs', 'runbooks')
const index = readFileSync(join(DIR, 'README.md'), 'utf8')
const runbooks = [...index.matchAll(/\]\(([a-z0-9-]+\.md)\)/g)].map((m) => m[1]!)
const text = (file: string) => readFileSync(join(DIR, file), 'utf8')

/** `relais <verb> [<sub>]` as written in the runbooks (in code spans and blocks). */
function relaisCommands(body: string): Array<{ verb: string; sub?: string }> {
  const found: Array<{ verb: string; sub?: string }> = []
  for (const [, verb = '', sub] of body.matchAll(/\brelais ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?/g))
    found.push({ verb, ...(sub ? { sub } : {}) })
  return found
}

const compose = parse(readFileSync(join(ROOT, 'docker', 'compose.yml'), 'utf8')) as {
  services: Record<string, unknown>
}
const alerts = (
  parse(readFileSync(join(ROOT, 'docker', 'monitoring', 'alerts.yml'), 'utf8')) as {
    groups: Array<{ rules: Array<{ alert?: string }> }>
  }
).groups.flatMap((g) => g.rules.map((r) => r.alert))

const helpCache = new Map<string, { status: number | null; text: string }>()
function help(verb: string) {
  let answer = helpCache.get(verb)
  if (!answer) {
    const r = spawnSync('npx', ['relais', verb, '--help'], { cwd: ROOT, encoding: 'utf8' })
    answer = { status: r.status, text: r.stdout + r.stderr }
    helpCache.set(verb, answer)
  }
  return answer
}

test('the index lists the eight runbooks the issue asks for, and each file exists', () => {
  expect(runbooks).toEqual([
    'dhis2-down.md',
    'redis-lost.md',
    'ledger-restore.md',
    'disk-full.md',
    'partner-garbage.md',
    'rotating-secrets.md',
    'upgrading-dhis2.md',
    'new-zone.md',
  ])
  for (const file of runbooks) expect({ file, exists: existsSync(join(DIR, file)) }).toEqual({ file, exists: true })
})

test.each(runbooks)('%s is in French then in English, with the same parts', (file) => {
  const [fr = '', en = ''] = text(file).split(/\n---\n/)
  for (const [part, french, english] of [
    ['steps', '**Étapes**', '**Steps**'],
    ['verify', '**Vérifier**', '**Verify**'],
    ['log', '**Journal**', '**Incident log**'],
  ])
    expect({ part, fr: fr.includes(french!), en: en.includes(english!) }).toEqual({ part, fr: true, en: true })
})

test.each(runbooks)('%s names only CLI verbs and sub-verbs that exist', (file) => {
  // Words that follow "relais" without being a command: prose, and the database user of `dropdb -U relais relais`.
  const prose = new Set(['app', 'bridge', 'communautaires', 'relais'])
  for (const { verb, sub } of relaisCommands(text(file)).filter((c) => !prose.has(c.verb))) {
    const answer = help(verb)
    expect({ verb, status: answer.status }).toEqual({ verb, status: 0 })
    // A sub-verb (backup verify, secrets rotate, quarantine release…) must be in the verb's help.
    const isWord = sub !== undefined && !sub.startsWith('-') && /^[a-z-]+$/.test(sub)
    if (isWord && !['with', 'for', 'to'].includes(sub!))
      expect({ verb, sub, inHelp: answer.text.includes(sub!) }).toEqual({ verb, sub, inHelp: true })
  }
})

test.each(runbooks)('%s names only compose services and alerts that exist', (file) => {
  const body = text(file)
  for (const [, service = ''] of body.matchAll(
    /docker compose (?:ps|logs --tail \d+|restart|stop|up -d|pull|exec(?: -T)?|run --rm(?: -e \S+)?) ([a-z0-9-]+)/g,
  ))
    expect({ service, known: service in compose.services }).toEqual({ service, known: true })
  for (const [alert] of body.matchAll(/\bRelais[A-Z][A-Za-z0-9]+/g))
    expect({ alert, known: alerts.includes(alert) }).toEqual({ alert, known: true })
})

test('the checker fails on a made-up verb, sub-verb or service', () => {
  expect(help('frobnicate').status).not.toBe(0)
  expect(help('backup').text.includes('explode')).toBe(false)
  expect('dhis2-backupz' in compose.services).toBe(false)
})
