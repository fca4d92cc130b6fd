/** `audit_log`: who did what through the API or the CLI (append-only). */
import type { Db } from './db'
import { pageBounds, paged, type PageRequest, type Paged } from './paging'
import { Params, fromJson, json, toDate } from './sql'

export interface NewAuditEntry {
  /** The DHIS2 user name or the API key's name. */
  readonly actor: string
  readonly role?: string | null
  /** e.g. `run.start`, `quarantine.release`, `quarantine.discard`, `run.cancel`. */
  readonly action: string
  /** What it was done to, e.g. `record:<id>`, `run:<id>`, `source:kobo`. */
  readonly target?: string | null
  readonly detail?: unknown
}

export interface AuditEntry {
  readonly id: string
  readonly at: Date
  readonly actor: string
  readonly role: string | null
  readonly action: string
  readonly target: string | null
  readonly detail: unknown
}

export interface AuditFilter {
  readonly actor?: string
  readonly action?: string
  readonly target?: string
  readonly since?: Date
  readonly until?: Date
}

interface AuditRow {
  id: string
  at: unknown
  actor: string
  role: string | null
  action: string
  target: string | null
  detail: unknown
}

const toEntry = (r: AuditRow): AuditEntry => ({
  id: r.id,
  at: toDate(r.at),
  actor: r.actor,
  role: r.role,
  action: r.action,
  target: r.target,
  detail: fromJson(r.detail),
})

export function auditRepository(db: Db) {
  return {
    async append(entry: NewAuditEntry): Promise<AuditEntry> {
      const [row] = await db.query<AuditRow>(
        `INSERT INTO audit_log (actor, role, action, target, detail) VALUES ($1, $2, $3, $4, $5::jsonb)
         RETURNING id, at, actor, role, action, target, detail`,
        [entry.actor, entry.role ?? null, entry.action, entry.target ?? null, json(entry.detail)],
      )
      return toEntry(row!)
    },

    /** Newest first. `since` inclusive, `until` exclusive. */
    async list(filter: AuditFilter = {}, page: PageRequest = {}): Promise<Paged<AuditEntry>> {
      const bounds = pageBounds(page)
      const params = new Params()
      const clauses: string[] = []
      if (filter.actor !== undefined) clauses.push(`actor = ${params.add(filter.actor)}`)
      if (filter.action !== undefined) clauses.push(`action = ${params.add(filter.action)}`)
      if (filter.target !== undefined) clauses.push(`target = ${params.add(filter.target)}`)
      if (filter.since !== undefined) clauses.push(`at >= ${params.add(filter.since.toISOString())}::timestamptz`)
      if (filter.until !== undefined) clauses.push(`at < ${params.add(filter.until.toISOString())}::timestamptz`)
      const where = clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`
      const [count] = await db.query<{ total: number }>(
        `SELECT count(*)::int AS total FROM audit_log ${where}`,
        params.values,
      )
      const total = count?.total ?? 0
      const rows = await db.query<AuditRow>(
        `SELECT id, at, actor, role, action, target, detail FROM audit_log ${where}
          ORDER BY seq DESC LIMIT ${params.add(bounds.pageSize)} OFFSET ${params.add(bounds.offset)}`,
        params.values,
      )
      return paged(rows.map(toEntry), bounds, total)
    },
  }
}

export type AuditRepository = ReturnType<typeof auditRepository>
