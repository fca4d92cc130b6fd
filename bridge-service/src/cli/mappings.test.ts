/** `relais mappings validate|preview`, run as the real command in a child process. */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const ROOT = join(__dirname, '..', '..', '..')
const BIN = join(ROOT, 'bridge-service', 'bin', 'relais.js')
const METADATA = join(ROOT, 'mappings', 'test-fixtures', 'small-seed-metadata.json')
const SPECS = join(ROOT, 'mappings', 'specs')
const SAMPLES = join(ROOT, 'mappings', 'samples')

function relais(...args: string[]): { status: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' })
    return { status: 0, stdout, stderr: '' }
  } catch (error) {
    const e = error as { status: number; stdout: string; stderr: string }
    return { status: e.status, stdout: e.stdout, stderr: e.stderr }
  }
}

jest.setTimeout(60_000)

test('validate: both committed specs compile against the seed metadata', () => {
  const r = relais(
    'mappings',
    'validate',
    join(SPECS, 'kobo-rapport-rc.yaml'),
    join(SPECS, 'csv-partenaires.yaml'),
    '--metadata',
    METADATA,
  )
  expect(r.status).toBe(0)
  expect(r.stdout).toMatch(/✓ .*kobo-rapport-rc\.yaml/)
  expect(r.stdout).toMatch(/✓ .*csv-partenaires\.yaml/)
})

test('validate: a data element DHIS2 no longer has is mapping drift, reported at its line, exit 1', () => {
  const spec = readFileSync(join(SPECS, 'csv-partenaires.yaml'), 'utf8').replace(
    'dataElement: RC_VAD',
    'dataElement: RC_VISITES',
  )
  const file = join(mkdtempSync(join(tmpdir(), 'relais-spec-')), 'drift.yaml')
  writeFileSync(file, spec)
  const line = spec.split('\n').findIndex((l) => l.includes('RC_VISITES')) + 1
  const r = relais('mappings', 'validate', file, '--metadata', METADATA, '--locale', 'en')
  expect(r.status).toBe(1)
  expect(r.stdout).toContain('✗')
  expect(r.stdout).toContain(`drift.yaml:${line}:`)
  expect(r.stdout).toContain('RC_VISITES')
})

test('preview: a readable French table of the clean Kobo sample', () => {
  const r = relais(
    'mappings',
    'preview',
    join(SPECS, 'kobo-rapport-rc.yaml'),
    join(SAMPLES, 'kobo-rapport-rc.clean.json'),
    '--metadata',
    METADATA,
    '--now',
    '2026-10-05T09:00:00',
  )
  expect(r.status).toBe(0)
  expect(r.stdout).toContain('kobo-rapport-rc v1 → RC_MENSUEL')
  expect(r.stdout).toContain('RC_PALU_TDR_POS')
})

test('preview --json: the mapped payload and the per-row issues of the messy sample', () => {
  const r = relais(
    'mappings',
    'preview',
    join(SPECS, 'csv-partenaires.yaml'),
    join(SAMPLES, 'partenaires.messy.records.json'),
    '--metadata',
    METADATA,
    '--now',
    '2026-10-05T09:00:00',
    '--json',
  )
  expect(r.status).toBe(0)
  const result = JSON.parse(r.stdout) as { summary: Record<string, number>; records: { errors: unknown[] }[] }
  expect(result.records.length).toBeGreaterThan(10)
  expect(result.records.some((rec) => rec.errors.length > 0)).toBe(true)
})

test('preview reads the messy CSV exactly as an upload: Windows-1252, `;`, and per-row outcomes', () => {
  const r = relais(
    'mappings',
    'preview',
    join(SPECS, 'csv-partenaires.yaml'),
    join(SAMPLES, 'partenaires.messy.csv'),
    '--metadata',
    METADATA,
    '--now',
    '2026-10-05T09:00:00',
    '--locale',
    'en',
  )
  expect(r.status).toBe(0)
  expect(r.stdout).toMatch(/^File partenaires\.messy\.csv: CSV, windows-1252, ;, \d+ row\(s\)/)
  expect(r.stdout).toMatch(/\d+ record\(s\): \d+ ok, [1-9]\d* invalid/)
})

test.each([
  [['mappings', 'validate', join(SPECS, 'kobo-rapport-rc.yaml')], '--metadata <snapshot.json> is required'],
  [
    ['mappings', 'preview', join(SPECS, 'kobo-rapport-rc.yaml'), '--metadata', '/nope.json'],
    'cannot read the metadata snapshot /nope.json',
  ],
  [['nothing'], 'unknown command "nothing"'],
])('bad usage %j → exit 2 and a clear message', (args, message) => {
  const r = relais(...args)
  expect(r.status).toBe(2)
  expect(r.stderr + r.stdout).toContain(message)
})
