/**
 * `Db` over an embedded PGlite database (DATABASE_URL unset): PostgreSQL compiled to WebAssembly, in this
 * process, file-backed under a data directory, or in memory (`memory://`) for tests.
 *
 * PGlite-specific facts this adapter deals with:
 * - one connection: PGlite serialises every query and transaction itself (a mutex), so a transaction blocks
 *   every other query of the process until it ends; keep transactions short;
 * - one process per data directory: PGlite has no lock of its own and two processes on one directory corrupt
 *   it, so a lock file `<dataDir>.lock` holding the owner's pid is taken on open (a stale one, whose process
 *   is gone, is taken over);
 * - startup takes a few seconds (WASM compile + initdb the first time): open it once per process.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { PGlite } from '@electric-sql/pglite'
import { LedgerUsageError, toDbError, transactionHandle, TransactionGuard, type Db, type SqlParam } from './db'
import { safeParams } from './safe-params'

export interface PgliteOptions {
  /** A directory (created if missing) or `memory://` for a throwaway in-memory database. */
  readonly dataDir: string
}

const MEMORY = 'memory://'

/** Data directories this process holds open. */
const openHere = new Set<string>()

/** Exclusive ownership of a data directory by this process. Answers a release function. */
function lockDataDir(dataDir: string): () => void {
  const lockPath = `${path.resolve(dataDir)}.lock`
  if (openHere.has(lockPath)) {
    throw new LedgerUsageError(`the embedded ledger ${dataDir} is already open in this process: open it once`)
  }
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' })
      openHere.add(lockPath)
      return () => {
        openHere.delete(lockPath)
        fs.rmSync(lockPath, { force: true })
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const owner = Number(fs.readFileSync(lockPath, 'utf8').trim())
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new LedgerUsageError(
          `the embedded ledger ${dataDir} is already open in process ${owner}: PGlite allows one process per data directory (set DATABASE_URL to share a PostgreSQL between processes)`,
        )
      }
      fs.rmSync(lockPath, { force: true }) // stale: its process is gone (or it was this process, before a crash)
    }
  }
  throw new LedgerUsageError(`could not lock the embedded ledger ${dataDir} (${lockPath})`)
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** PGlite's serialiser decides by `instanceof`, which is not safe across realms: send plain values. */
function plain(params: readonly SqlParam[] | undefined): unknown[] | undefined {
  // Never a NUL or lone surrogate: PostgreSQL would refuse the whole statement (safe-params.ts).
  return safeParams(params)
}

export async function openPglite(options: PgliteOptions): Promise<Db> {
  const memory = options.dataDir === MEMORY || options.dataDir.startsWith(MEMORY)
  let release = () => {}
  if (!memory) {
    fs.mkdirSync(options.dataDir, { recursive: true })
    release = lockDataDir(options.dataDir)
  }
  let pg: PGlite
  try {
    // Loaded here, not at the top: a bridge on PostgreSQL never opens PGlite, and its module (≈ 5 MB of heap
    // for code and source maps) would stay resident for nothing.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { PGlite: Embedded } = require('@electric-sql/pglite') as typeof import('@electric-sql/pglite')
    pg = await Embedded.create(memory ? options.dataDir : path.resolve(options.dataDir))
  } catch (error) {
    release()
    throw toDbError(error)
  }
  const guard = new TransactionGuard()

  const db: Db = {
    kind: 'pglite',
    inTransaction: false,
    async query<T>(sql: string, params?: readonly SqlParam[]) {
      guard.assertOutside('query()')
      try {
        return (await pg.query<T>(sql, plain(params))).rows
      } catch (error) {
        throw toDbError(error)
      }
    },
    async exec(sql) {
      guard.assertOutside('exec()')
      try {
        await pg.exec(sql)
      } catch (error) {
        throw toDbError(error)
      }
    },
    async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      guard.assertOutside('transaction()')
      try {
        return await pg.transaction(async (ptx) => {
          const { tx, end } = transactionHandle('pglite', {
            query: async <R>(sql: string, params?: readonly SqlParam[]) => {
              try {
                return (await ptx.query<R>(sql, plain(params))).rows
              } catch (error) {
                throw toDbError(error)
              }
            },
            exec: async (sql) => {
              try {
                await ptx.exec(sql)
              } catch (error) {
                throw toDbError(error)
              }
            },
          })
          try {
            return await guard.run(tx, () => fn(tx))
          } finally {
            end()
          }
        })
      } catch (error) {
        throw toDbError(error)
      }
    },
    async close() {
      try {
        if (!pg.closed) await pg.close()
      } finally {
        release()
      }
    },
  }
  return db
}
