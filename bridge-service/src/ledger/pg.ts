/** `Db` over a PostgreSQL server through a `pg` Pool (DATABASE_URL set). */
import { Pool, type PoolClient, type PoolConfig } from 'pg'
import { safeParams } from './safe-params'
import { toDbError, transactionHandle, TransactionGuard, type Db, type SqlParam } from './db'

export interface PgOptions {
  /** postgres:// URL (DATABASE_URL). */
  readonly url: string
  /** Pool size; default 10. */
  readonly max?: number
  /** Sent as application_name, visible in pg_stat_activity. */
  readonly applicationName?: string
}

async function run<T>(client: Pool | PoolClient, sql: string, params?: readonly SqlParam[]): Promise<T[]> {
  try {
    // Never a NUL or lone surrogate: PostgreSQL would refuse the whole statement (safe-params.ts).
    const result = await client.query(sql, safeParams(params))
    return result.rows as T[]
  } catch (error) {
    throw toDbError(error)
  }
}

export function openPg(options: PgOptions): Db {
  const config: PoolConfig = {
    connectionString: options.url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'relais-bridge',
  }
  const pool = new Pool(config)
  // An idle client losing its connection (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined)
  const guard = new TransactionGuard()

  const db: Db = {
    kind: 'pg',
    inTransaction: false,
    async query<T>(sql: string, params?: readonly SqlParam[]) {
      guard.assertOutside('query()')
      return run<T>(pool, sql, params)
    },
    async exec(sql) {
      guard.assertOutside('exec()')
      await run(pool, sql)
    },
    async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      guard.assertOutside('transaction()')
      const client = await pool.connect()
      let broken = false
      const { tx, end } = transactionHandle('pg', {
        query: <R>(sql: string, params?: readonly SqlParam[]) => run<R>(client, sql, params),
        exec: async (sql) => {
          await run(client, sql)
        },
      })
      try {
        await run(client, 'BEGIN')
        const result = await guard.run(tx, () => fn(tx))
        end()
        await run(client, 'COMMIT')
        return result
      } catch (error) {
        end()
        try {
          await client.query('ROLLBACK')
        } catch {
          broken = true // the connection is unusable: drop it from the pool
        }
        throw toDbError(error)
      } finally {
        client.release(broken)
      }
    },
    async close() {
      await pool.end()
    },
  }
  return db
}
