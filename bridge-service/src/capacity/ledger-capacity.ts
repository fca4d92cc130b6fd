/**
 * What the ledger holds and how fast it grows (issue 17 §3): each table's rows and bytes (with its indexes and
 * TOAST), the records that arrived per month, and the RC reporting last month. A month's bytes are its records
 * times the ledger's bytes per record — the history, values and audit a record brings with it included.
 */
import type { Db } from '../ledger'
import type { MonthGrowth } from './projection'

export interface TableSize {
  name: string
  rows: number
  bytes: number
}

export interface LedgerCapacity {
  tables: TableSize[]
  ledgerBytes: number
  growth: MonthGrowth[]
  /** Distinct RC codes among the records of the last full month (0 when none). */
  activeRc: number
}

export async function readLedgerCapacity(db: Db, today: string): Promise<LedgerCapacity> {
  const sizes = await db.query<{ name: string; bytes: string | number }>(
    `SELECT c.relname AS name, pg_total_relation_size(c.oid)::bigint AS bytes
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind = 'r' AND n.nspname = current_schema() ORDER BY c.relname`,
  )
  const tables: TableSize[] = []
  for (const { name, bytes } of sizes) {
    const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${name.replace(/"/g, '""')}"`)
    tables.push({ name, rows: row?.n ?? 0, bytes: Number(bytes) })
  }
  const ledgerBytes = tables.reduce((n, t) => n + t.bytes, 0)
  const totalRecords = tables.find((t) => t.name === 'records')?.rows ?? 0
  const perRecord = totalRecords > 0 ? ledgerBytes / totalRecords : 0
  const months = await db.query<{ month: string; records: number }>(
    `SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month, count(*)::int AS records
     FROM records GROUP BY 1 ORDER BY 1`,
  )
  const lastFull = previousMonth(today.slice(0, 7))
  const [active] = await db.query<{ n: number }>(
    `SELECT count(DISTINCT rc_code)::int AS n FROM records
     WHERE rc_code IS NOT NULL AND to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM') = $1`,
    [lastFull],
  )
  return {
    tables,
    ledgerBytes,
    growth: months.map((m) => ({ month: m.month, records: m.records, bytes: Math.round(m.records * perRecord) })),
    activeRc: active?.n ?? 0,
  }
}

export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number]
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`
}
