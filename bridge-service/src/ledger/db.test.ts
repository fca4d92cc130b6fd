jest.mock('@electric-sql/pglite', () =>
  jest.requireActual<typeof import('./test-support')>('./test-support').nativePglite(),
)

import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { DbError, LedgerUsageError, SQLSTATE, toDbError, type Db } from './db'
import { importedValuesRepository } from './imported-values'
import { migrate, MigrationError, MIGRATIONS_DIR, readMigrations } from './migrate'
import { TEST_DATABASES, type TestDatabase } from './test-support'

const TABLES = [
  'runs',
  'records',
  'record_events',
  'source_cursors',
  'imported_sets',
  'audit_log',
  'metadata_snapshots',
  'schema_migrations',
]

/** A migrations directory with the real migrations plus `extra` files. */
async function migrationsWith(extra: Record<string, string>): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'relais-migrations-'))
  for (const file of await fs.readdir(MIGRATIONS_DIR))
    await fs.copyFile(path.join(MIGRATIONS_DIR, file), path.join(dir, file))
  for (const [file, sql] of Object.entries(extra)) await fs.writeFile(path.join(dir, file), sql)
  return dir
}

const exists = async (db: Db, table: string) =>
  (await db.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [table]))[0]?.t !== null

describe.each(TEST_DATABASES)('ledger database on %s', (_name, make) => {
  let t: TestDatabase
  let db: Db

  beforeAll(async () => {
    t = make()
    db = await t.open()
  }, 60_000)
  afterAll(() => t?.dispose())

  describe('migrations', () => {
    it('applies every migration, in order, to a fresh database', async () => {
      const files = (await readMigrations()).map((m) => m.file)
      expect(files[0]).toBe('001_init.sql')
      for (const table of TABLES) expect(await exists(db, table)).toBe(false)

      expect(await migrate(db)).toEqual({ applied: files })

      for (const table of TABLES) expect(await exists(db, table)).toBe(true)
      const rows = await db.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version')
      expect(rows.map((r) => r.version)).toEqual(files.map((f) => f.slice(0, 3)))
    })

    it('does nothing when run again', async () => {
      expect(await migrate(db)).toEqual({ applied: [] })
      expect(await migrate(db)).toEqual({ applied: [] })
    })

    it('rolls a failing migration back entirely and names its file', async () => {
      // Numbered after every real migration (900, 901), so that adding one never collides with these.
      const dir = await migrationsWith({
        '900_fine.sql': 'CREATE TABLE relais_probe_fine (a int);',
        '901_broken.sql': 'CREATE TABLE relais_probe_broken (a int);\nSELECT 1 / 0;',
      })
      const failure = migrate(db, { dir })
      await expect(failure).rejects.toThrow(MigrationError)
      await expect(failure).rejects.toMatchObject({ file: '901_broken.sql' })
      await expect(failure).rejects.toThrow(/901_broken\.sql.*division by zero/)

      // Nothing of 900 nor 901 is left: the database is as it was.
      expect(await exists(db, 'relais_probe_fine')).toBe(false)
      expect(await exists(db, 'relais_probe_broken')).toBe(false)
      const versions = await db.query<{ version: string }>('SELECT version FROM schema_migrations')
      const real = (await readMigrations()).map((m) => m.file.slice(0, 3))
      expect(versions.map((v) => v.version).sort()).toEqual(real)
      await fs.rm(dir, { recursive: true })
    })

    it('refuses a migration edited after it was applied', async () => {
      const dir = await migrationsWith({})
      await fs.appendFile(path.join(dir, '001_init.sql'), '\n-- edited\n')
      await expect(migrate(db, { dir })).rejects.toMatchObject({
        name: 'MigrationError',
        file: '001_init.sql',
        message: expect.stringMatching(/001_init\.sql was changed after it was applied/),
      })
      await fs.rm(dir, { recursive: true })
    })

    it('refuses a badly named migration file', async () => {
      const dir = await migrationsWith({ '2_oops.sql': 'SELECT 1;' })
      await expect(migrate(db, { dir })).rejects.toMatchObject({ file: '2_oops.sql' })
      await fs.rm(dir, { recursive: true })
    })

    it('applies a migration once when two processes start at the same time', async () => {
      const dir = await migrationsWith({
        '900_once.sql': 'CREATE TABLE relais_probe_once (a int);\nINSERT INTO relais_probe_once VALUES (1);',
      })
      const other = await t.openAnother()
      const results = await Promise.all([migrate(db, { dir }), migrate(other, { dir })])
      expect(results.map((r) => r.applied).sort()).toEqual([[], ['900_once.sql']])
      expect(await db.query('SELECT a FROM relais_probe_once')).toEqual([{ a: 1 }])
      // Leave the shared database as the other tests expect it.
      await db.exec("DROP TABLE relais_probe_once; DELETE FROM schema_migrations WHERE version = '900';")
      await fs.rm(dir, { recursive: true })
    })
  })

  describe('migration 003 (imported values, one row per record)', () => {
    it('carries what DHIS2 holds from us over from the per-value table', async () => {
      const old = make()
      const odb = await old.open()
      try {
        const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'relais-migrations-'))
        for (const file of ['001_init.sql', '002_imported_values_by_org_unit.sql'])
          await fs.copyFile(path.join(MIGRATIONS_DIR, file), path.join(dir, file))
        await migrate(odb, { dir })
        await odb.query(
          `INSERT INTO imported_values (data_element, period, org_unit, category_option_combo, attribute_option_combo,
                                        content_hash, record_id, source)
           VALUES ('DE1', '202609', 'OU1', 'COC', 'AOC', 'h1', 'r1', 'kobo'),
                  ('DE2', '202609', 'OU1', 'COC', 'AOC', 'h2', 'r1', 'kobo'),
                  ('DE1', '202609', 'OU1', 'COC2', 'AOC', 'h3', 'r2', 'csv'),
                  ('DE1', '202608', 'OU1', 'COC', 'AOC', 'h4', NULL, 'csv')`,
        )
        // Every migration after 002, whatever their number today.
        const later = (await readMigrations()).map((m) => m.file).filter((f) => f >= '003')
        expect(await migrate(odb)).toEqual({ applied: later })
        expect(later.slice(0, 2)).toEqual(['003_imported_sets.sql', '004_webhook_deliveries.sql'])
        expect(await exists(odb, 'imported_values')).toBe(false)
        const key = (de: string, period: string, coc = 'COC') => ({
          dataElement: de,
          period,
          orgUnit: 'OU1',
          categoryOptionCombo: coc,
          attributeOptionCombo: 'AOC',
        })
        const found = await importedValuesRepository(odb).lookup([
          key('DE1', '202609'),
          key('DE2', '202609'),
          key('DE1', '202609', 'COC2'),
          key('DE1', '202608'),
          key('DE3', '202609'),
        ])
        expect([...found.values()].map((v) => [v.dataElement, v.period, v.contentHash, v.recordId, v.source])).toEqual([
          ['DE1', '202609', 'h1', 'r1', 'kobo'],
          ['DE2', '202609', 'h2', 'r1', 'kobo'],
          ['DE1', '202609', 'h3', 'r2', 'csv'],
          ['DE1', '202608', 'h4', null, 'csv'],
        ])
        await fs.rm(dir, { recursive: true })
      } finally {
        await old.dispose()
      }
    }, 60_000)
  })

  describe('transactions', () => {
    beforeAll(() => db.exec('CREATE TABLE tx_probe (k text PRIMARY KEY, n int NOT NULL DEFAULT 0)'))
    beforeEach(() => db.exec('DELETE FROM tx_probe'))
    const keys = async () => (await db.query<{ k: string }>('SELECT k FROM tx_probe ORDER BY k')).map((r) => r.k)

    it('commits what the callback did and answers its result', async () => {
      const result = await db.transaction(async (tx) => {
        expect(tx.inTransaction).toBe(true)
        await tx.query('INSERT INTO tx_probe (k) VALUES ($1), ($2)', ['a', 'b'])
        return 'done'
      })
      expect(result).toBe('done')
      expect(await keys()).toEqual(['a', 'b'])
    })

    it('rolls back everything when the callback throws (a crash mid-transaction), and rethrows', async () => {
      const crash = new Error('killed')
      await expect(
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO tx_probe (k) VALUES ($1)', ['a'])
          await tx.query('UPDATE tx_probe SET n = 5')
          throw crash
        }),
      ).rejects.toBe(crash)
      expect(await keys()).toEqual([])
    })

    it('rolls back when a statement fails, with a DbError carrying the SQLSTATE', async () => {
      const failure = db.transaction(async (tx) => {
        await tx.query('INSERT INTO tx_probe (k) VALUES ($1)', ['a'])
        await tx.query('INSERT INTO tx_probe (k) VALUES ($1)', ['a'])
      })
      await expect(failure).rejects.toBeInstanceOf(DbError)
      await expect(failure).rejects.toMatchObject({ code: SQLSTATE.uniqueViolation, constraint: 'tx_probe_pkey' })
      expect(await keys()).toEqual([])
    })

    it('the database stays usable after a failed transaction', async () => {
      await expect(db.transaction((tx) => tx.query('SELECT 1 / 0'))).rejects.toMatchObject({ code: '22012' })
      await db.transaction((tx) => tx.query('INSERT INTO tx_probe (k) VALUES ($1)', ['after']))
      expect(await keys()).toEqual(['after'])
    })

    it('refuses nested transactions and the outer handle inside a transaction, then rolls back', async () => {
      await expect(
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO tx_probe (k) VALUES ($1)', ['a'])
          await expect(tx.transaction(async () => undefined)).rejects.toThrow(LedgerUsageError)
          await expect(db.transaction(async () => undefined)).rejects.toThrow(/nested transactions/)
          await expect(db.query('SELECT 1')).rejects.toThrow(/use the `tx` handle/)
          throw new Error('stop')
        }),
      ).rejects.toThrow('stop')
      expect(await keys()).toEqual([])
    })

    it('refuses a transaction handle used after its transaction ended', async () => {
      let leaked: Db | undefined
      await db.transaction(async (tx) => {
        leaked = tx
      })
      await expect(leaked!.query('SELECT 1')).rejects.toThrow(/after its transaction ended/)
    })

    it('runs concurrent transactions without losing an update', async () => {
      await db.query("INSERT INTO tx_probe (k, n) VALUES ('counter', 0)")
      await Promise.all(
        Array.from({ length: 8 }, () =>
          db.transaction(async (tx) => {
            const [row] = await tx.query<{ n: number }>("SELECT n FROM tx_probe WHERE k = 'counter' FOR UPDATE")
            await tx.query("UPDATE tx_probe SET n = $1 WHERE k = 'counter'", [row!.n + 1])
          }),
        ),
      )
      expect(await db.query("SELECT n FROM tx_probe WHERE k = 'counter'")).toEqual([{ n: 8 }])
    })

    it('answers the same JavaScript values on both adapters', async () => {
      const [row] = await db.query<Record<string, unknown>>(
        `SELECT count(*)::int AS n, $1::jsonb AS j, $2::text[] AS arr, now() AS at, NULL::text AS nothing,
                gen_random_uuid()::text AS id`,
        [JSON.stringify({ a: [1, 'x'] }), ['p', 'q']],
      )
      expect(row).toMatchObject({ n: 1, j: { a: [1, 'x'] }, arr: ['p', 'q'], nothing: null })
      expect(Object.prototype.toString.call(row!.at)).toBe('[object Date]')
      expect(row!.id).toMatch(/^[0-9a-f-]{36}$/)
    })
  })
})

describe('toDbError', () => {
  it('wraps database errors only', () => {
    const nodeError = Object.assign(new Error('operation not permitted'), { code: 'EPERM' })
    expect(toDbError(nodeError)).toBe(nodeError)
    const pgError = Object.assign(new Error('duplicate key'), { code: '23505', severity: 'ERROR', constraint: 'k' })
    expect(toDbError(pgError)).toMatchObject({ name: 'DbError', code: '23505', constraint: 'k', cause: pgError })
  })
})
