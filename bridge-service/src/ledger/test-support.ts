/**
 * For the ledger's tests only: the same suite runs on both adapters.
 *
 * - PostgreSQL: each test file creates its own throwaway database `relais_test_<random>` on the server of
 *   RELAIS_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres) and drops it at the end, so
 *   parallel jest workers never meet and nothing made by hand is needed.
 * - PGlite: one in-memory instance per test file (it takes seconds to start).
 *
 * PGlite in jest: PGlite loads its WASM with dynamic `import()`, which jest's module sandbox refuses without
 * `--experimental-vm-modules`. Each test file therefore has PGlite loaded by Node's own loader:
 *
 *   jest.mock('@electric-sql/pglite', () => require('./test-support').nativePglite())
 */
import { randomBytes } from 'node:crypto'
import { Client } from 'pg'
import type { Db } from './db'
import { openPg } from './pg'
import { openPglite } from './pglite'

export const TEST_PG_URL = process.env.RELAIS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

/** `@electric-sql/pglite` loaded outside jest's module registry (see above). */
export function nativePglite(): unknown {
  // jest replaces `module.createRequire` with its own require, but keeps Node's `Module._load`.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const nodeModule = require('node:module') as { _load(request: string, parent: null, isMain: boolean): unknown }
  return nodeModule._load(require.resolve('@electric-sql/pglite'), null, false)
}

export interface TestDatabase {
  readonly name: 'pg' | 'pglite'
  /** Opens the shared handle of this file (the database is created on first call). */
  open(): Promise<Db>
  /** Opens another handle on the same database (pg: another pool = another process; PGlite: the same). */
  openAnother(): Promise<Db>
  /** Closes every handle and drops the database. */
  dispose(): Promise<void>
}

function urlOf(base: string, database: string): string {
  const url = new URL(base)
  url.pathname = `/${database}`
  return url.toString()
}

async function admin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: TEST_PG_URL })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

export function pgTestDatabase(): TestDatabase {
  const database = `relais_test_${randomBytes(6).toString('hex')}`
  const handles: Db[] = []
  let created: Promise<void> | undefined
  const create = () => (created ??= admin(async (c) => void (await c.query(`CREATE DATABASE ${database}`))))
  const another = async () => {
    await create()
    const db = openPg({ url: urlOf(TEST_PG_URL, database), max: 5 })
    handles.push(db)
    return db
  }
  let shared: Db | undefined
  return {
    name: 'pg',
    open: async () => (shared ??= await another()),
    openAnother: another,
    async dispose() {
      await Promise.all(handles.map((h) => h.close()))
      if (created) await admin((c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`))
    },
  }
}

export function pgliteTestDatabase(): TestDatabase {
  let shared: Promise<Db> | undefined
  const open = () => (shared ??= openPglite({ dataDir: 'memory://' }))
  return {
    name: 'pglite',
    open,
    openAnother: open,
    async dispose() {
      if (shared) await (await shared).close()
    },
  }
}

export const TEST_DATABASES: readonly [string, () => TestDatabase][] = [
  ['pg', pgTestDatabase],
  ['pglite', pgliteTestDatabase],
]

/** A short random suffix, so that tests sharing a database do not see each other's rows. */
export const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`
