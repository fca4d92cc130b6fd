/**
 * `relais backup` / `relais restore` on both ledgers (PostgreSQL and PGlite), and across them: a ledger with
 * records (JSON payloads, accents, quotes, newlines), events, a cursor, audit entries, is backed up, restored into
 * an empty database, and read back identical table by table — counts, hashes, identities that continue after the
 * restored ones. A damaged file, a non-empty target and a manifest that lies are refused, leaving nothing behind.
 */
jest.mock('@electric-sql/pglite', () =>
  jest.requireActual<typeof import('../ledger/test-support')>('../ledger/test-support').nativePglite(),
)

import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { migrate, repositories, type Db } from '../ledger'
import type { NewRecord } from '../ledger/records'
import { pgliteTestDatabase, pgTestDatabase, TEST_DATABASES, type TestDatabase } from '../ledger/test-support'
import { backupLedger, manifestPathOf } from './backup'
import { RestoreError, restoreLedger } from './restore'

const hash = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex')

function records(n: number): NewRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const raw = { code_rc: `RC-AQ-${String(i).padStart(5, '0')}`, note: `Zoé « ${i} » "quoted"\nline`, n: i * 1.5 }
    return { source: 'kobo-rapport-rc', sourceKey: `sub-${i}`, version: 'v1', contentHash: hash(raw), raw }
  })
}

async function fill(db: Db, n: number): Promise<void> {
  await migrate(db)
  const ledger = repositories(db)
  await ledger.records.insertMany(records(n), { actor: 'source:kobo' })
  await ledger.cursors.set('kobo-rapport-rc', { submittedAfter: '2026-11-30T10:00:00Z' })
  await ledger.audit.append({
    actor: 'gestionnaire',
    role: 'gestionnaire',
    action: 'run.start',
    target: 'x',
    detail: { a: [1, 'é'] },
  })
  // A serial key (bridge_secrets.id is a BIGSERIAL, not an identity).
  await db.query(
    `INSERT INTO bridge_secrets (kind, name, role, hash, expires, action, created_by)
     VALUES ('route', 'route', NULL, 'h1', NULL, 'accept', 'cli:ops')`,
  )
}

const tableRows = async (db: Db, table: string) =>
  (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n

describe.each(TEST_DATABASES)('backup and restore on %s', (_name, make) => {
  let source: TestDatabase
  let target: TestDatabase
  let db: Db
  const dir = mkdtempSync(join(tmpdir(), 'relais-backup-test-'))

  beforeAll(async () => {
    source = make()
    target = make === pgTestDatabase ? pgTestDatabase() : pgliteTestDatabase()
    db = await source.open()
    await fill(db, 2_345)
  }, 120_000)
  afterAll(async () => {
    await source?.dispose()
    await target?.dispose()
  })

  test('a backup restores into an empty ledger, identical table by table, and the ledger goes on', async () => {
    const manifest = await backupLedger(db, { outDir: dir })
    expect(manifest.tables.find((t) => t.name === 'records')!.rows).toBe(2_345)
    expect(manifest.tables.find((t) => t.name === 'record_events')!.rows).toBeGreaterThanOrEqual(2_345)
    expect(manifest.tables.find((t) => t.name === 'source_cursors')!.rows).toBe(1)
    const file = join(dir, manifest.file)

    const restored = await target.open()
    const report = await restoreLedger(restored, file)
    expect(report.tables).toEqual(manifest.tables.map(({ name, rows, sha256 }) => ({ name, rows, sha256 })))
    expect(await tableRows(restored, 'records')).toBe(2_345)
    const ledger = repositories(restored)
    expect((await ledger.cursors.get('kobo-rapport-rc'))?.cursor).toEqual({ submittedAfter: '2026-11-30T10:00:00Z' })
    const original = await db.query<{ raw: unknown }>(`SELECT raw FROM records WHERE source_key = 'sub-7'`)
    expect(await restored.query(`SELECT raw FROM records WHERE source_key = 'sub-7'`)).toEqual(original)
    // The identities continue after the restored rows: a new record and audit entry go in.
    const [added] = await ledger.records.insertMany(records(2_346).slice(2_345), { actor: 'source:kobo' })
    expect(added).toBeDefined()
    const seq = await restored.query<{ max: string }>('SELECT max(seq)::text AS max FROM records')
    const before = await db.query<{ max: string }>('SELECT max(seq)::text AS max FROM records')
    expect(BigInt(seq[0]!.max)).toBeGreaterThan(BigInt(before[0]!.max))
    await ledger.audit.append({ actor: 'cli:ops', role: 'system', action: 'restore', target: null, detail: null })
    // Serial keys too (bridge_secrets.id is a BIGSERIAL): a new secret goes in after the restored one.
    await restored.query(
      `INSERT INTO bridge_secrets (kind, name, role, hash, expires, action, created_by)
       VALUES ('route', 'route', NULL, 'h2', NULL, 'accept', 'cli:ops')`,
    )
  }, 120_000)

  test('refused: a target in use, a damaged file, a manifest that lies; nothing is left behind', async () => {
    const manifest = await backupLedger(db, { outDir: dir })
    const file = join(dir, manifest.file)
    // The target of the test before holds the restored ledger: refused.
    await expect(restoreLedger(await target.open(), file)).rejects.toThrow(/already holds \d+ table/)

    const empty = make === pgTestDatabase ? pgTestDatabase() : pgliteTestDatabase()
    try {
      const fresh = await empty.open()
      const damaged = join(dir, 'damaged.jsonl.gz')
      const bytes = readFileSync(file)
      bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff
      writeFileSync(damaged, bytes)
      writeFileSync(manifestPathOf(damaged), JSON.stringify({ ...manifest, file: 'damaged.jsonl.gz' }))
      await expect(restoreLedger(fresh, damaged)).rejects.toThrow(RestoreError)
      await expect(restoreLedger(fresh, damaged)).rejects.toThrow(/does not match its manifest/)

      // A manifest whose file is sound but whose table hash is wrong: loaded, checked, refused, and undone.
      const lying = join(dir, 'lying.jsonl.gz')
      writeFileSync(lying, readFileSync(file))
      const tables = manifest.tables.map((t) => (t.name === 'records' ? { ...t, sha256: '0'.repeat(64) } : t))
      writeFileSync(manifestPathOf(lying), JSON.stringify({ ...manifest, file: 'lying.jsonl.gz', tables }))
      await expect(restoreLedger(fresh, lying)).rejects.toThrow(/table records as restored differs/)
      const left = await fresh.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`,
      )
      expect(left).toEqual([])
      // …so the same target takes the sound backup at once.
      expect((await restoreLedger(fresh, file)).tables.find((t) => t.name === 'records')!.rows).toBe(2_345)
    } finally {
      await empty.dispose()
    }
  }, 120_000)
})

test('a PostgreSQL backup restores into PGlite (the embedded ledger) with the same hashes', async () => {
  const pg = pgTestDatabase()
  const lite = pgliteTestDatabase()
  try {
    const db = await pg.open()
    await fill(db, 300)
    const dir = mkdtempSync(join(tmpdir(), 'relais-backup-x-'))
    const manifest = await backupLedger(db, { outDir: dir })
    const report = await restoreLedger(await lite.open(), join(dir, manifest.file))
    expect(report.tables).toEqual(manifest.tables.map(({ name, rows, sha256 }) => ({ name, rows, sha256 })))
  } finally {
    await pg.dispose()
    await lite.dispose()
  }
}, 120_000)
