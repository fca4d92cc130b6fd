jest.mock('@electric-sql/pglite', () =>
  jest.requireActual<typeof import('./test-support')>('./test-support').nativePglite(),
)

import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Client } from 'pg'
import { openLedger, repositories } from './index'
import { readMigrations } from './migrate'
import { TEST_PG_URL, unique } from './test-support'

async function countMigrations(db: { query: <T>(sql: string) => Promise<T[]> }): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations')
  return row!.n
}

describe('openLedger', () => {
  it('opens PostgreSQL when DATABASE_URL is set, migrated', async () => {
    const name = unique('relais_test').replace('-', '_')
    const admin = new Client({ connectionString: TEST_PG_URL })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${name}`)
    try {
      const url = new URL(TEST_PG_URL)
      url.pathname = `/${name}`
      const db = await openLedger({ database: { kind: 'postgres', url: url.toString() } })
      expect(db.kind).toBe('pg')
      expect(await countMigrations(db)).toBe((await readMigrations()).length)
      await db.close()
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await admin.end()
    }
  })

  it('opens a file-backed PGlite when DATABASE_URL is unset: migrated, durable, one owner at a time', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'relais-ledger-'))
    const dataDir = path.join(dir, 'pglite')
    try {
      const db = await openLedger({ database: { kind: 'pglite', dataDir } })
      expect(db.kind).toBe('pglite')
      await expect(openLedger({ database: { kind: 'pglite', dataDir } })).rejects.toThrow(/already open/)
      await repositories(db).cursors.set('kobo', { start: 42 })
      await db.close()

      const again = await openLedger({ database: { kind: 'pglite', dataDir } })
      expect((await repositories(again).cursors.get('kobo'))?.cursor).toEqual({ start: 42 })
      expect(await countMigrations(again)).toBe((await readMigrations()).length)
      await again.close()
    } finally {
      await fs.rm(dir, { recursive: true, force: true })
    }
  }, 60_000)
})
