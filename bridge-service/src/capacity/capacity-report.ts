/**
 * The capacity report (issue 17 §3), assembled once for `relais capacity` and `GET /api/v1/operations/capacity`:
 * the ledger's size per table and growth per month, the programme's values in DHIS2 per month, Redis's memory,
 * the disk's headroom, the 12- and 24-month projection with the day the disk fills, the sizing for 1,000 / 20,000
 * / 100,000 RC, and the last backup (from the audit log).
 */
import { Redis } from 'ioredis'
import type { DiskStat } from '../api/metrics'
import { diskOf, lastBackup, type LastBackup } from '../backup/backup-log'
import type { Dhis2Client } from '../dhis2'
import type { Db } from '../ledger'
import { redisOptions } from '../pipeline/queues'
import { dhis2ValuesPerMonth } from './dhis2-volume'
import { readLedgerCapacity, type LedgerCapacity } from './ledger-capacity'
import { project, sizing, type Projection } from './projection'

export const SIZING_RC = [1_000, 20_000, 100_000] as const

export interface SizingLine {
  rc: number
  months12: number
  months24: number
}

export interface CapacityReport {
  /** UTC, YYYY-MM-DD. */
  today: string
  ledger: LedgerCapacity
  /** Undefined when DHIS2's analytics could not answer. */
  dhis2Values?: Array<{ period: string; values: number }>
  /** Undefined when Redis could not be reached. */
  redisBytes?: number
  /** Undefined when the data folder's filesystem could not be read. */
  disk?: DiskStat
  projection: Projection
  /** Empty when the cost of one RC's month is not known yet. */
  sizing: SizingLine[]
  /** Undefined when no backup was ever recorded. */
  lastBackup?: LastBackup
}

export interface CapacitySources {
  db: Db
  dhis2: Dhis2Client
  redisUrl: string
  /** The bridge's data folder (RELAIS_DATA_DIR): its filesystem's headroom is the disk's. */
  dataDir: string
  /** Default: now. */
  now?: () => Date
}

export async function redisUsedMemory(url: string): Promise<number | undefined> {
  const redis = new Redis({ ...redisOptions(url), lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3_000 })
  try {
    await redis.connect()
    const info = await redis.info('memory')
    const match = /^used_memory:(\d+)/m.exec(info)
    return match ? Number(match[1]) : undefined
  } catch {
    return undefined
  } finally {
    redis.disconnect()
  }
}

export async function capacityReport(sources: CapacitySources): Promise<CapacityReport> {
  const today = (sources.now?.() ?? new Date()).toISOString().slice(0, 10)
  const [ledger, dhis2Values, redisBytes, disk, backup] = await Promise.all([
    readLedgerCapacity(sources.db, today),
    dhis2ValuesPerMonth(sources.dhis2),
    redisUsedMemory(sources.redisUrl),
    diskOf(sources.dataDir).catch(() => undefined),
    lastBackup(sources.db),
  ])
  const projection = project({
    today,
    ledgerBytes: ledger.ledgerBytes,
    growth: ledger.growth,
    ...(disk ? { diskFreeBytes: disk.freeBytes } : {}),
    activeRc: ledger.activeRc,
  })
  const perRc = projection.bytesPerRcMonth
  const sizes = perRc
    ? SIZING_RC.map((rc) => ({ rc, months12: sizing(perRc, rc, 12), months24: sizing(perRc, rc, 24) }))
    : []
  return {
    today,
    ledger,
    ...(dhis2Values ? { dhis2Values } : {}),
    ...(redisBytes === undefined ? {} : { redisBytes }),
    ...(disk ? { disk } : {}),
    projection,
    sizing: sizes,
    ...(backup ? { lastBackup: backup } : {}),
  }
}
