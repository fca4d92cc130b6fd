import { join } from 'node:path'
import { loadRelaisConfig, parseRelaisConfig, RelaisConfigError, webhookSecrets } from './relais-config'

const ENV = { KOBO_TOKEN: 'kobo-token-value', WEBHOOK_PARTENAIRES_SECRET: 'webhook-secret-value-0123456789abcdef0123' }

test('the committed example config is valid, with defaults filled in', () => {
  const config = loadRelaisConfig(join(__dirname, '..', '..', 'relais.config.example.yaml'), ENV)
  expect(config.sources.map((s) => `${s.name}:${s.kind}`)).toEqual([
    'kobo-rapport-rc:kobo',
    'csv-partenaires:csv',
    'webhook-partenaires:webhook',
  ])
  expect(config.sources.every((s) => s.batchSize === 5000)).toBe(true)
  // Only the demo's Kobo source takes last month's (already locked) reports; the others keep the default.
  expect(config.sources.map((s) => s.allowLateData)).toEqual([true, false, false])
})

function problems(text: string, env: NodeJS.ProcessEnv = ENV): string[] {
  try {
    parseRelaisConfig(text, 'relais.config.yaml', env)
  } catch (error) {
    if (error instanceof RelaisConfigError) return error.problems
    throw error
  }
  return []
}

const kobo = (extra = '') => `sources:
  - name: kobo-a
    kind: kobo
    url: https://kf.example.org
    asset: abc
    tokenEnv: KOBO_TOKEN
    mapping: specs/kobo.yaml
${extra}`

test.each([
  [
    'a secret written in place of a variable name',
    kobo().replace('tokenEnv: KOBO_TOKEN', 'tokenEnv: s3cr3t-token'),
    'relais.config.yaml:6:15 sources.0.tokenEnv must be the NAME of an environment variable',
  ],
  [
    'a variable that is not set',
    kobo(),
    'relais.config.yaml:6:15 source "kobo-a" needs the environment variable KOBO_TOKEN, which is not set',
  ],
  [
    'a bad cron',
    kobo('    schedule: every hour'),
    'relais.config.yaml:8:15 sources.0.schedule must be a cron expression',
  ],
  [
    'an unknown kind',
    'sources:\n  - name: x1\n    kind: ftp\n    mapping: a.yaml',
    'relais.config.yaml:3:11 sources.0.kind',
  ],
  [
    'a URL that is not http(s)',
    kobo().replace('https://kf.example.org', 'ftp://kf'),
    'relais.config.yaml:4:10 sources.0.url must be the KoboToolbox server URL',
  ],
  [
    'two sources with one name',
    `${kobo()}  - name: kobo-a\n    kind: csv\n    mapping: b.yaml\n`,
    'relais.config.yaml:8:11 sources.1.name "kobo-a" is used by two sources',
  ],
  ['broken YAML', 'sources:\n  - name: [oops\n', 'relais.config.yaml:'],
])('%s → a line-precise message', (_name, text, expected) => {
  const env = _name === 'a variable that is not set' ? {} : ENV
  const found = problems(text, env)
  expect(found.length).toBeGreaterThan(0)
  expect(found[0]).toContain(expected)
  // Never echo a secret's value.
  expect(found.join('\n')).not.toContain('kobo-token-value')
})

test('a missing file names RELAIS_CONFIG and what to do', () => {
  expect(() => loadRelaisConfig('/nonexistent/relais.config.yaml', ENV)).toThrow(
    'RELAIS_CONFIG: cannot read /nonexistent/relais.config.yaml — set RELAIS_CONFIG',
  )
})

describe('webhook secrets (issue 11 §10)', () => {
  const hooks = (a: string, b: string) =>
    `sources:\n  - name: hook-a\n    kind: webhook\n    secretEnv: ${a}\n    mapping: a.yaml\n  - name: hook-b\n    kind: webhook\n    secretEnv: ${b}\n    mapping: a.yaml\n`
  const LONG_A = 'a'.repeat(20) + '0123456789abcdef'
  const LONG_B = 'b'.repeat(20) + '0123456789abcdef'

  test('a secret shorter than 32 characters is refused, without echoing it', () => {
    const found = problems(hooks('HOOK_A', 'HOOK_B'), { HOOK_A: 'short-secret-1', HOOK_B: LONG_B })
    expect(found).toEqual([
      expect.stringContaining('source "hook-a": its secret HOOK_A has 14 characters; at least 32'),
    ])
    expect(found.join('\n')).not.toContain('short-secret-1')
  })

  test('two sources sharing one secret are refused', () => {
    const found = problems(hooks('HOOK_A', 'HOOK_B'), { HOOK_A: LONG_A, HOOK_B: LONG_A })
    expect(found).toEqual([expect.stringContaining('source "hook-b" has the same secret as source "hook-a"')])
    expect(problems(hooks('HOOK_A', 'HOOK_B'), { HOOK_A: LONG_A, HOOK_B: LONG_B })).toEqual([])
  })

  test("during a rotation a source holds current,next: each is checked, and may not be another source's", () => {
    const LONG_C = 'c'.repeat(20) + '0123456789abcdef'
    expect(problems(hooks('HOOK_A', 'HOOK_B'), { HOOK_A: `${LONG_A},${LONG_C}`, HOOK_B: LONG_B })).toEqual([])
    expect(problems(hooks('HOOK_A', 'HOOK_B'), { HOOK_A: `${LONG_A},short`, HOOK_B: LONG_B })).toEqual([
      expect.stringContaining('source "hook-a": its secret HOOK_A has 5 characters'),
    ])
    expect(problems(hooks('HOOK_A', 'HOOK_B'), { HOOK_A: `${LONG_A},${LONG_B}`, HOOK_B: LONG_B })).toEqual([
      expect.stringContaining('source "hook-b" has the same secret as source "hook-a"'),
    ])
    expect(webhookSecrets(` ${LONG_A} , ${LONG_C} `)).toEqual([LONG_A, LONG_C])
  })
})
