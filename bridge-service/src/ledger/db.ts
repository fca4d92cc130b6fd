/**
 * The ledger's database handle: the smallest interface both adapters (`pg.ts`, `pglite.ts`) implement, so that
 * repositories and migrations are written once, in plain PostgreSQL that runs on PostgreSQL 15+ and on PGlite.
 *
 * Rules every adapter follows:
 * - `query` runs ONE statement with `$1…` parameters and answers its rows. Parameters are strings, numbers,
 *   booleans, null or arrays of those; repositories send JSON as `JSON.stringify(...)` cast with `::jsonb` and
 *   times as ISO strings, so that both drivers serialise them the same way. Counts are cast to `int` in SQL
 *   (pg answers `bigint` as a string, PGlite as a number).
 * - `exec` runs a script of several statements without parameters (migrations).
 * - `transaction(fn)` runs `fn` between a real BEGIN and COMMIT, on one connection; if `fn` throws (or COMMIT
 *   fails) it rolls back and rethrows. Inside `fn` use only `tx`: a nested `transaction()` — on `tx` or on the
 *   outer handle — and a query on the outer handle are programming errors and throw `LedgerUsageError` (on
 *   PGlite the outer query would wait for the transaction forever; on PostgreSQL it would escape it).
 * - Errors from the database are `DbError`s carrying PostgreSQL's SQLSTATE `code`, `constraint` and `detail`.
 */
import { AsyncLocalStorage } from 'node:async_hooks'

export type SqlParam = string | number | boolean | null | readonly (string | number | boolean | null)[]

export interface Db {
  /** Runs one statement and answers its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly SqlParam[]): Promise<T[]>
  /** Runs a script of statements without parameters. */
  exec(sql: string): Promise<void>
  /** Runs `fn` in one transaction (BEGIN … COMMIT, ROLLBACK when it throws). Not re-entrant. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>
  /** True for the handle given to a `transaction()` callback. */
  readonly inTransaction: boolean
  /** `pg` or `pglite`: for logs and health checks only; code must not branch on it. */
  readonly kind: 'pg' | 'pglite'
  /** Releases the connections (pg) or closes the database (PGlite). */
  close(): Promise<void>
}

/** An error reported by PostgreSQL (or PGlite), normalised across both drivers. */
export class DbError extends Error {
  override readonly name = 'DbError'
  /** SQLSTATE, e.g. 23505 unique_violation, 23514 check_violation, 40P01 deadlock. */
  readonly code: string | undefined
  readonly constraint: string | undefined
  readonly detail: string | undefined

  constructor(message: string, fields: { code?: string; constraint?: string; detail?: string; cause?: unknown }) {
    super(message, { cause: fields.cause })
    this.code = fields.code
    this.constraint = fields.constraint
    this.detail = fields.detail
  }
}

/** A misuse of the `Db` interface (nested transaction, outer handle used inside a transaction, …). */
export class LedgerUsageError extends Error {
  override readonly name = 'LedgerUsageError'
}

/** SQLSTATE codes the repositories look at. */
export const SQLSTATE = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  checkViolation: '23514',
} as const

/** Wraps whatever a driver threw into a DbError (errors from PGlite may come from another realm in tests). */
export function toDbError(error: unknown): unknown {
  if (error instanceof DbError || error instanceof LedgerUsageError) return error
  if (typeof error !== 'object' || error === null) return error
  const e = error as { message?: unknown; code?: unknown; severity?: unknown; constraint?: unknown; detail?: unknown }
  if (typeof e.message !== 'string') return error
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined)
  // Only errors with a severity and a SQLSTATE come from the database; the others (ours, the caller's, Node's
  // such as EPERM) pass unchanged.
  if (typeof e.severity !== 'string' || !/^[0-9A-Z]{5}$/.test(String(e.code))) return error
  return new DbError(e.message, {
    code: str(e.code),
    constraint: str(e.constraint),
    detail: str(e.detail),
    cause: error,
  })
}

/**
 * The transaction bookkeeping both adapters share: which handle owns the current async context, so that a
 * nested transaction or a stray query on the outer handle fails loudly instead of deadlocking.
 */
export class TransactionGuard {
  private readonly context = new AsyncLocalStorage<object>()

  /** Throws when called (on the outer handle) from inside a transaction callback of the same database. */
  assertOutside(what: string): void {
    if (this.context.getStore() !== undefined) {
      throw new LedgerUsageError(
        `${what} on the outer ledger handle inside transaction(): use the \`tx\` handle given to the callback (nested transactions are not supported)`,
      )
    }
  }

  run<T>(owner: object, fn: () => Promise<T>): Promise<T> {
    return this.context.run(owner, fn)
  }
}

/** A handle given to a transaction callback: refuses nesting and use after the transaction ended. */
export function transactionHandle(
  kind: Db['kind'],
  run: { query: Db['query']; exec: Db['exec'] },
): { tx: Db; end: () => void } {
  let ended = false
  const check = (what: string) => {
    if (ended) throw new LedgerUsageError(`${what} on a transaction handle after its transaction ended`)
  }
  const tx: Db = {
    kind,
    inTransaction: true,
    query: async (sql, params) => {
      check('query()')
      return run.query(sql, params)
    },
    exec: async (sql) => {
      check('exec()')
      return run.exec(sql)
    },
    transaction: () =>
      Promise.reject(
        new LedgerUsageError('transaction() called inside a transaction: nested transactions are not supported'),
      ),
    close: () => Promise.reject(new LedgerUsageError('close() called on a transaction handle')),
  }
  return { tx, end: () => (ended = true) }
}

/** Runs `fn` in a transaction unless `db` already is one (then `fn` joins it). For repository methods. */
export function atomic<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.inTransaction ? fn(db) : db.transaction(fn)
}
