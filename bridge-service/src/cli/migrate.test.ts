/**
 * `relais migrate` as the real command: PGlite when DATABASE_URL is unset; one line on a bad config; `--dry-run`
 * lists what is pending and what it changes, and applies nothing.
 */
jest.mock('@electric-sql/pglite', () =>
  jest.requireActual<typeof import('../ledger/test-support')>('../ledger/test-support').nativePglite(),
)

import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client } from 'pg'
import type { Db } from '../ledger/db'
import { migrate, readMigrations } from '../ledger/migrate'
import { openPg } from '../ledger/pg'
import { openPglite } from '../ledger/pglite'
import { TEST_PG_URL } from '../ledger/test-support'

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

test('--help tells about --dry-run', () => {
  const r = relais(BASE_ENV, 'migrate', '--help')
  expect(r.status).toBe(0)
  expect(r.out).toMatch(/^Usage: relais migrate \[--dry-run\]/)
  expect(r.out).toContain('--dry-run   applies nothing')
})

test('a dry run on a new data directory lists every migration and creates nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'relais-data-'))
  const r = relais({ ...BASE_ENV, RELAIS_DATA_DIR: dir }, 'migrate', '--dry-run')
  expect(r.err).toBe('')
  expect(r.status).toBe(0)
  expect(r.out).toMatch(/^Dry run, nothing applied\. Ledger: no ledger yet \(PGlite in /)
  expect(listed(r.out)).toEqual((await readMigrations()).map((m) => m.file))
  expect(existsSync(join(dir, 'pglite'))).toBe(false)
})

test('a dry run refuses an unknown option (exit 2, one line)', () => {
  const r = relais(BASE_ENV, 'migrate', '--dry')
  expect(r.status).toBe(2)
  expect(r.err.trim().split('\n')).toHaveLength(1)
})

/** The migration files a dry run lists as pending (its lines "  NNN_name.sql"). */
const listed = (out: string) => [...out.matchAll(/^ {2}(\d{3,}_[a-z0-9_]+\.sql)$/gm)].map((m) => m[1])

async function versionsOf(db: Db): Promise<string[]> {
  const rows = await db.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version')
  return rows.map((r) => r.version)
}

/** A ledger as a bridge of 005 left it, on PGlite (a data directory) or PostgreSQL (a database of its own). */
interface OldLedger {
  readonly env: Record<string, string>
  readonly where: RegExp
  open(): Promise<Db>
  dispose(): Promise<void>
}

function pgliteLedger(): OldLedger {
  const dir = mkdtempSync(join(tmpdir(), 'relais-data-'))
  return {
    env: { RELAIS_DATA_DIR: dir },
    where: new RegExp(`PGlite in ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/pglite`),
    open: () => openPglite({ dataDir: join(dir, 'pglite') }),
    dispose: async () => undefined,
  }
}

function pgLedger(): OldLedger {
  const name = `relais_test_${randomBytes(6).toString('hex')}`
  const url = new URL(TEST_PG_URL)
  url.pathname = `/${name}`
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: TEST_PG_URL })
    await client.connect()
    try {
      await client.query(sql)
    } finally {
      await client.end()
    }
  }
  let created = false
  return {
    env: { DATABASE_URL: url.toString() },
    where: /PostgreSQL \(DATABASE_URL\)/,
    async open() {
      if (!created) await admin(`CREATE DATABASE ${name}`)
      created = true
      return openPg({ url: url.toString(), max: 1 })
    },
    dispose: async () => {
      if (created) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    },
  }
}

describe.each([
  ['PGlite', pgliteLedger],
  ['PostgreSQL', pgLedger],
])('a dry run on a %s ledger at version 005', (_name, make) => {
  let ledger: OldLedger
  beforeAll(async () => {
    ledger = make()
    const db = await ledger.open()
    await migrate(db, { upTo: '005' })
    await db.close()
  })
  afterAll(() => ledger?.dispose())

  it('lists exactly the pending migrations with what each changes, and applies none; migrate then applies them', async () => {
    const all = await readMigrations()
    const pending = all.filter((m) => Number(m.version) > 5).map((m) => m.file)
    const env = { ...BASE_ENV, ...ledger.env }

    const dry = relais(env, 'migrate', '--dry-run')
    expect(dry.err).toBe('')
    expect(dry.status).toBe(0)
    const lines = dry.out.split('\n')
    expect(lines[0]).toMatch(/^Dry run, nothing applied\. Ledger: /)
    expect(lines[0]).toMatch(ledger.where)
    expect(lines[0]).toContain(', at 005_overwrite_reason.sql.')
    expect(lines[1]).toBe(`${pending.length} pending migration(s), applied in this order in one transaction:`)
    expect(listed(dry.out)).toEqual(pending)
    // What each changes, under its file: the statements' kinds and objects.
    expect(dry.out).toContain(
      [
        '  006_reminder_sends.sql',
        '    CREATE TABLE reminder_sends (19 columns)',
        '    CREATE INDEX reminder_sends_period ON reminder_sends',
        '    CREATE INDEX reminder_sends_failed ON reminder_sends (partial)',
        '  007_reminder_sends_touched.sql',
        '    ALTER TABLE reminder_sends ADD COLUMN touched_at TIMESTAMPTZ NOT NULL DEFAULT now()',
        '    CREATE INDEX reminder_sends_pending ON reminder_sends (partial)',
        '  008_reminder_sms_delivery.sql',
        '    ALTER TABLE reminder_sends ADD COLUMN sms_id TEXT',
      ].join('\n'),
    )
    expect(dry.out).toContain('  009_security_reports.sql\n    CREATE TABLE security_reports (8 columns)\n')
    expect(dry.out).toContain('    CREATE TABLE bridge_secrets (9 columns)\n')

    // Nothing applied: still at 005, without the tables of 006 onwards.
    const db = await ledger.open()
    try {
      expect(await versionsOf(db)).toEqual(['001', '002', '003', '004', '005'])
      const [row] = await db.query<{ t: string | null }>(`SELECT to_regclass('reminder_sends')::text AS t`)
      expect(row!.t).toBeNull()
    } finally {
      await db.close()
    }

    // The real run applies exactly what the dry run listed.
    const real = relais(env, 'migrate')
    expect(real.status).toBe(0)
    expect(real.out).toMatch(new RegExp(`^Applied ${pending.join(', ').replace(/\./g, '\\.')} to `))
    const after = relais(env, 'migrate', '--dry-run')
    expect(after.out).toContain('No pending migration: the ledger is up to date.')
    expect(listed(after.out)).toEqual([])
  })
})
