/**
 * The ledger's maintenance report (issue 17 §4, « la maintenance des bases de données »): table statistics
 * (live and dead rows, last vacuum and analyse), index use and size, the slowest statements when
 * `pg_stat_statements` is installed, and advice — VACUUM (ANALYZE) where dead rows pile up, ANALYZE where the
 * planner's statistics are stale, an index never used or swollen beyond its table. `relais maintenance --apply`
 * and the nightly maintenance run the VACUUM/ANALYZE advice (never a REINDEX or a DROP: those are a person's call).
 * PGlite has no autovacuum: there, this is the only vacuum the ledger gets.
 */
import { quoteIdent } from '../backup/ledger-tables'
import type { Db } from '../ledger'

export interface TableStat {
  name: string
  liveRows: number
  deadRows: number
  lastVacuum: string | null
  lastAnalyze: string | null
  /** Rows changed since the last analyse. */
  modifiedSinceAnalyze: number
  bytes: number
}

export interface IndexStat {
  name: string
  table: string
  scans: number
  bytes: number
  unique: boolean
}

export interface SlowStatement {
  query: string
  calls: number
  meanMs: number
  totalMs: number
}

export interface Advice {
  kind: 'vacuum' | 'analyze' | 'unused-index' | 'index-bloat'
  target: string
  /** The statement that applies it (vacuum/analyze are applied by --apply; the others are for a person). */
  sql: string
  why: { fr: string; en: string }
}

export interface HealthReport {
  tables: TableStat[]
  indexes: IndexStat[]
  /** undefined: pg_stat_statements is not installed (how to: see `slowStatementsHelp`). */
  slowStatements?: SlowStatement[]
  advice: Advice[]
}

export const SLOW_STATEMENTS_HELP = {
  fr: "pg_stat_statements n'est pas installé : shared_preload_libraries = 'pg_stat_statements' dans postgresql.conf, redémarrage, puis CREATE EXTENSION pg_stat_statements",
  en: "pg_stat_statements is not installed: shared_preload_libraries = 'pg_stat_statements' in postgresql.conf, a restart, then CREATE EXTENSION pg_stat_statements",
}

const num = (v: unknown) => Number(v ?? 0)
const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString())

/** Advice from the figures (pure). */
export function adviseOn(tables: readonly TableStat[], indexes: readonly IndexStat[]): Advice[] {
  const advice: Advice[] = []
  for (const t of tables) {
    const rows = t.liveRows + t.deadRows
    if (t.deadRows >= 1_000 && t.deadRows / Math.max(rows, 1) >= 0.2)
      advice.push({
        kind: 'vacuum',
        target: t.name,
        sql: `VACUUM (ANALYZE) ${quoteIdent(t.name)}`,
        why: {
          fr: `${t.deadRows} lignes mortes sur ${rows} (${Math.round((100 * t.deadRows) / rows)} %) : place à récupérer`,
          en: `${t.deadRows} dead rows of ${rows} (${Math.round((100 * t.deadRows) / rows)} %): space to reclaim`,
        },
      })
    else if (t.modifiedSinceAnalyze >= 1_000 && t.modifiedSinceAnalyze >= 0.1 * Math.max(t.liveRows, 1))
      advice.push({
        kind: 'analyze',
        target: t.name,
        sql: `ANALYZE ${quoteIdent(t.name)}`,
        why: {
          fr: `${t.modifiedSinceAnalyze} lignes modifiées depuis la dernière analyse : statistiques du planificateur périmées`,
          en: `${t.modifiedSinceAnalyze} rows changed since the last analyse: the planner's statistics are stale`,
        },
      })
  }
  const tableBytes = new Map(tables.map((t) => [t.name, t.bytes]))
  for (const i of indexes) {
    if (i.scans === 0 && !i.unique && i.bytes >= 1024 * 1024)
      advice.push({
        kind: 'unused-index',
        target: i.name,
        sql: `DROP INDEX ${quoteIdent(i.name)}`,
        why: {
          fr: `index jamais utilisé depuis la remise à zéro des statistiques (${Math.round(i.bytes / 1024 / 1024)} Mio) : à confirmer sur un mois`,
          en: `index never used since the statistics were reset (${Math.round(i.bytes / 1024 / 1024)} MiB): confirm over a month`,
        },
      })
    const table = tableBytes.get(i.table) ?? 0
    if (i.bytes >= 8 * 1024 * 1024 && table > 0 && i.bytes > 2 * table)
      advice.push({
        kind: 'index-bloat',
        target: i.name,
        sql: `REINDEX INDEX CONCURRENTLY ${quoteIdent(i.name)}`,
        why: {
          fr: `l'index pèse plus de deux fois sa table : gonflé, à reconstruire`,
          en: 'the index weighs more than twice its table: swollen, to rebuild',
        },
      })
  }
  return advice
}

export async function readLedgerHealth(db: Db): Promise<HealthReport> {
  const tableRows = await db.query<Record<string, unknown>>(
    `SELECT s.relname AS name, s.n_live_tup AS live, s.n_dead_tup AS dead,
            greatest(s.last_vacuum, s.last_autovacuum) AS vacuumed,
            greatest(s.last_analyze, s.last_autoanalyze) AS analyzed,
            s.n_mod_since_analyze AS modified, pg_total_relation_size(s.relid) AS bytes
     FROM pg_stat_user_tables s WHERE s.schemaname = current_schema() ORDER BY s.relname`,
  )
  const tables: TableStat[] = tableRows.map((r) => ({
    name: String(r.name),
    liveRows: num(r.live),
    deadRows: num(r.dead),
    lastVacuum: iso(r.vacuumed),
    lastAnalyze: iso(r.analyzed),
    modifiedSinceAnalyze: num(r.modified),
    bytes: num(r.bytes),
  }))
  const indexRows = await db.query<Record<string, unknown>>(
    `SELECT s.indexrelname AS name, s.relname AS table, s.idx_scan AS scans,
            pg_relation_size(s.indexrelid) AS bytes, i.indisunique AS unique
     FROM pg_stat_user_indexes s JOIN pg_index i ON i.indexrelid = s.indexrelid
     WHERE s.schemaname = current_schema() ORDER BY s.relname, s.indexrelname`,
  )
  const indexes: IndexStat[] = indexRows.map((r) => ({
    name: String(r.name),
    table: String(r.table),
    scans: num(r.scans),
    bytes: num(r.bytes),
    unique: r.unique === true,
  }))
  let slowStatements: SlowStatement[] | undefined
  const [installed] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_extension WHERE extname = 'pg_stat_statements'`,
  )
  if ((installed?.n ?? 0) > 0) {
    try {
      const rows = await db.query<Record<string, unknown>>(
        `SELECT query, calls, mean_exec_time AS mean, total_exec_time AS total FROM pg_stat_statements
         WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
         ORDER BY total_exec_time DESC LIMIT 10`,
      )
      slowStatements = rows.map((r) => ({
        query: String(r.query).replace(/\s+/g, ' ').slice(0, 200),
        calls: num(r.calls),
        meanMs: Math.round(num(r.mean) * 10) / 10,
        totalMs: Math.round(num(r.total)),
      }))
    } catch {
      // Installed but not preloaded: the view refuses to answer. Said as "not installed".
      slowStatements = undefined
    }
  }
  return { tables, indexes, ...(slowStatements ? { slowStatements } : {}), advice: adviseOn(tables, indexes) }
}

/** Runs the VACUUM / ANALYZE advice (outside any transaction, as PostgreSQL requires for VACUUM). */
export async function applyMaintenance(db: Db, report: HealthReport): Promise<Advice[]> {
  const applied: Advice[] = []
  for (const advice of report.advice.filter((a) => a.kind === 'vacuum' || a.kind === 'analyze')) {
    await db.exec(advice.sql)
    applied.push(advice)
  }
  return applied
}
