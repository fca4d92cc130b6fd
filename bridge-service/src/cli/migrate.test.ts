/** `relais migrate` as the real command: PGlite when DATABASE_URL is unset; one line on a bad config. */
import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const BIN = join(__dirname, '..', '..', 'bin', 'relais.js')
const BASE_ENV = {
  PATH: process.env.PATH ?? '',
  DHIS2_URL: 'http://127.0.0.1:9',
  DHIS2_TOKEN: 'd2pat_RelaisDemoBridgeTokenNotForProduct1234567890',
  RELAIS_ROUTE_SECRET: 'route-secret-for-tests-0123456789abcdef',
  RELAIS_PSEUDONYM_KEY: 'pseudonym-key-for-tests-0123456789abcdef',
}

function relais(env: Record<string, string>, ...args: string[]) {
  try {
    return {
      status: 0,
      out: execFileSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', stdio: 'pipe' }),
      err: '',
    }
  } catch (error) {
    const e = error as { status: number; stdout: string; stderr: string }
    return { status: e.status, out: e.stdout, err: e.stderr }
  }
}

jest.setTimeout(90_000)

test('applies the migrations to an embedded PGlite ledger, then finds it up to date', () => {
  const dir = mkdtempSync(join(tmpdir(), 'relais-data-'))
  const first = relais({ ...BASE_ENV, RELAIS_DATA_DIR: dir }, 'migrate')
  expect(first.err).toBe('')
  expect(first.status).toBe(0)
  expect(first.out).toMatch(/^Applied 001_init\.sql.* to PGlite in /)
  const second = relais({ ...BASE_ENV, RELAIS_DATA_DIR: dir }, 'migrate')
  expect(second.out).toMatch(/^Ledger up to date \(PGlite in /)
})

test('a missing required variable stops it with one line naming the variable', () => {
  const { DHIS2_URL: _omitted, ...env } = BASE_ENV
  const r = relais(env, 'migrate')
  expect(r.status).toBe(2)
  expect(r.err.trim().split('\n')).toHaveLength(1)
  expect(r.err).toContain('DHIS2_URL')
})
