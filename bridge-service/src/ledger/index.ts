/**
 * The ledger: PostgreSQL (DATABASE_URL) or embedded PGlite (under RELAIS_DATA_DIR), the source of truth.
 *
 * ```ts
 * const db = await openLedger(env)                  // migrates unless { migrate: false }
 * const ledger = repositories(db)
 * await db.transaction(async (tx) => {
 *   const { records, cursors } = repositories(tx)
 *   await records.insertMany(batch, { actor: 'source:kobo' })
 *   await cursors.set('kobo', cursor)
 * })
 * ```
 */
import fs from 'node:fs'
import type { LedgerDatabase } from '../config/env'
import { auditRepository } from './audit'
import { cursorsRepository } from './cursors'
import { deliveriesRepository } from './deliveries'
import { LedgerUsageError, type Db } from './db'
import { eventsRepository } from './events'
import { importedValuesRepository } from './imported-values'
import { reminderSendsRepository } from './reminder-sends'
import { migrate } from './migrate'
import { openPg } from './pg'
import { openPglite } from './pglite'
import { recordsRepository } from './records'
import { runsRepository } from './runs'
import { snapshotsRepository } from './snapshots'
import { connectLedgerSocket, ledgerSocketPath } from './socket'

export interface OpenLedgerOptions {
  /** Where the ledger lives, as `loadEnv` answers it (`BridgeEnv.database`). */
  readonly database: LedgerDatabase
  /** Apply pending migrations before answering; default true (`relais migrate` passes false and calls migrate). */
  readonly migrate?: boolean
  /** pg pool size; default 10. */
  readonly poolSize?: number
  /**
   * When a running `relais serve` holds the embedded ledger, use it through its socket (operators' commands).
   * Never for `serve` itself: two bridges on one PGlite ledger is what the lock prevents.
   */
  readonly throughRunningBridge?: boolean
}

/** Opens the ledger chosen by DATABASE_URL (PostgreSQL) or its absence (PGlite), migrated by default. */
export async function openLedger(options: OpenLedgerOptions): Promise<Db> {
  const { database } = options
  let db: Db
  if (database.kind === 'postgres') db = openPg({ url: database.url, max: options.poolSize })
  else {
    try {
      db = await openPglite({ dataDir: database.dataDir })
    } catch (error) {
      // Held by a running `relais serve`: use it through its socket (ledger/socket.ts); it has migrated.
      const held = error instanceof LedgerUsageError && /already open in process/.test(error.message)
      if (!held || !options.throughRunningBridge) throw error
      if (!fs.existsSync(ledgerSocketPath(database.dataDir))) throw error
      return connectLedgerSocket(database.dataDir)
    }
  }
  if (options.migrate ?? true) {
    try {
      await migrate(db)
    } catch (error) {
      await db.close()
      throw error
    }
  }
  return db
}

/** Every repository over one handle (the database, or a transaction's `tx`). Cheap: build one per use. */
export function repositories(db: Db) {
  return {
    runs: runsRepository(db),
    records: recordsRepository(db),
    events: eventsRepository(db),
    cursors: cursorsRepository(db),
    deliveries: deliveriesRepository(db),
    audit: auditRepository(db),
    snapshots: snapshotsRepository(db),
    importedValues: importedValuesRepository(db),
    reminderSends: reminderSendsRepository(db),
  }
}

export type LedgerRepositories = ReturnType<typeof repositories>

export { atomic, DbError, LedgerUsageError, SQLSTATE, type Db, type SqlParam } from './db'
export { migrate, MigrationError, MIGRATIONS_DIR, readMigrations } from './migrate'
export * from './record-status'
export type { Paged, Pager, PageRequest } from './paging'
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './paging'
