/**
 * `runs`: one pull, upload or scheduled sync of a source, in `dry-run` or `import` mode.
 * Live counts per status are computed from `records` (indexed by run and status); the counts at the end of
 * the run are also stored on the run.
 */
import type { Db } from './db'
import { pageBounds, paged, type PageRequest, type Paged } from './paging'
import { recordsRepository, type RecordFilter, type StatusCounts } from './records'
import { Params, fromJson, json, toDate, toDateOrNull } from './sql'

import { RUN_MODES, RUN_STATUSES } from './record-status'

export { RUN_MODES, RUN_STATUSES }
export type RunMode = (typeof RUN_MODES)[number]

export type RunStatus = (typeof RUN_STATUSES)[number]

export interface NewRun {
  readonly source: string
  readonly mode: RunMode
  /** What started it: `api`, `cli`, `schedule`, `upload`, `webhook`, … */
  readonly trigger: string
  readonly actor: string
  readonly detail?: Record<string, unknown>
}

export interface Run {
  readonly id: string
  readonly source: string
  readonly mode: RunMode
  readonly trigger: string
  readonly status: RunStatus
  readonly actor: string
  readonly detail: Record<string, unknown>
  /** Stored when the run ended; null while it runs (use `counts()` for live ones). */
  readonly finalCounts: StatusCounts | null
  readonly startedAt: Date
  readonly finishedAt: Date | null
}

/** One record of a dry run with the diff its push wrote in its history (pipeline/push/dry-run-diff.ts). */
export interface RunDiffRow {
  readonly orgUnit: string | null
  readonly rcCode: string | null
  readonly period: string | null
  readonly diff: unknown
}

export interface RunFilter {
  readonly source?: string
  readonly status?: RunStatus
}

export class RunStateError extends Error {
  override readonly name = 'RunStateError'
}

interface RunRow {
  id: string
  source: string
  mode: RunMode
  trigger: string
  status: RunStatus
  actor: string
  detail: unknown
  counts: unknown
  started_at: unknown
  finished_at: unknown
}

const COLUMNS = 'id, source, mode, trigger, status, actor, detail, counts, started_at, finished_at'

const toRun = (r: RunRow): Run => ({
  id: r.id,
  source: r.source,
  mode: r.mode,
  trigger: r.trigger,
  status: r.status,
  actor: r.actor,
  detail: fromJson<Record<string, unknown>>(r.detail) ?? {},
  finalCounts: fromJson<StatusCounts>(r.counts),
  startedAt: toDate(r.started_at),
  finishedAt: toDateOrNull(r.finished_at),
})

/** Advisory lock class of « start a run of this source if none is running » (the object is the source's hash). */
const RUN_START_LOCK = 7_310_018

export function runsRepository(db: Db) {
  const records = recordsRepository(db)

  /** Ends a running run with `status`, storing the counts; throws RunStateError if it is not running. */
  async function end(id: string, status: Exclude<RunStatus, 'running'>, detail?: Record<string, unknown>) {
    const counts = await records.countByStatus({ runId: id })
    const [row] = await db.query<RunRow>(
      `UPDATE runs SET status = $2, finished_at = clock_timestamp(), counts = $3::jsonb,
              detail = detail || COALESCE($4::jsonb, '{}'::jsonb)
        WHERE id = $1 AND status = 'running' RETURNING ${COLUMNS}`,
      [id, status, json(counts), json(detail)],
    )
    if (row) return toRun(row)
    const [current] = await db.query<{ status: RunStatus }>('SELECT status FROM runs WHERE id = $1', [id])
    throw new RunStateError(
      current ? `run ${id} is already ${current.status}, it cannot become ${status}` : `no run ${id} in the ledger`,
    )
  }

  return {
    async create(run: NewRun): Promise<Run> {
      const [row] = await db.query<RunRow>(
        `INSERT INTO runs (source, mode, trigger, actor, detail) VALUES ($1, $2, $3, $4, $5::jsonb) RETURNING ${COLUMNS}`,
        [run.source, run.mode, run.trigger, run.actor, JSON.stringify(run.detail ?? {})],
      )
      return toRun(row!)
    },

    /**
     * A run of the source unless one is running, checked and inserted under a per-source transaction lock: two
     * processes, or a pull and a sweep, starting at the same moment make one run, not two (issue 18).
     */
    async createIfIdle(run: NewRun): Promise<Run | undefined> {
      return db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1::int, hashtext($2))', [RUN_START_LOCK, run.source])
        const running = await tx.query(`SELECT 1 FROM runs WHERE source = $1 AND status = 'running' LIMIT 1`, [
          run.source,
        ])
        if (running.length > 0) return undefined
        return runsRepository(tx).create(run)
      })
    },

    async get(id: string): Promise<Run | undefined> {
      const [row] = await db.query<RunRow>(`SELECT ${COLUMNS} FROM runs WHERE id = $1`, [id])
      return row && toRun(row)
    },

    /** Newest first. */
    async list(filter: RunFilter = {}, page: PageRequest = {}): Promise<Paged<Run>> {
      const bounds = pageBounds(page)
      const params = new Params()
      const clauses: string[] = []
      if (filter.source !== undefined) clauses.push(`source = ${params.add(filter.source)}`)
      if (filter.status !== undefined) clauses.push(`status = ${params.add(filter.status)}`)
      const where = clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`
      const [count] = await db.query<{ total: number }>(
        `SELECT count(*)::int AS total FROM runs ${where}`,
        params.values,
      )
      const rows = await db.query<RunRow>(
        `SELECT ${COLUMNS} FROM runs ${where} ORDER BY seq DESC
          LIMIT ${params.add(bounds.pageSize)} OFFSET ${params.add(bounds.offset)}`,
        params.values,
      )
      return paged(rows.map(toRun), bounds, count?.total ?? 0)
    },

    /** Live counts per record status of a run, computed from `records`. */
    counts(id: string, scope: Pick<RecordFilter, 'orgUnitIn'> = {}): Promise<StatusCounts> {
      return records.countByStatus({ runId: id, ...scope })
    },

    /** The same for several runs (a page of the list) in one query. */
    countsOf(ids: readonly string[], scope: Pick<RecordFilter, 'orgUnitIn'> = {}): Promise<Map<string, StatusCounts>> {
      return records.countByRun(ids, scope)
    },

    /** A dry run's records with the diff of their last push (of these org units only, when given). */
    async diffRows(id: string, scope: Pick<RecordFilter, 'orgUnitIn'> = {}): Promise<RunDiffRow[]> {
      const params = new Params()
      const runParam = params.add(id)
      const scoped = scope.orgUnitIn !== undefined ? `AND r.org_unit = ANY(${params.add(scope.orgUnitIn)}::text[])` : ''
      const rows = await db.query<{
        org_unit: string | null
        rc_code: string | null
        period: string | null
        diff: unknown
      }>(
        `SELECT r.org_unit, r.rc_code, r.period, e.detail->'diff' AS diff
           FROM records r
           JOIN LATERAL (
             SELECT detail FROM record_events ev
              WHERE ev.record_id = r.id AND ev.detail ? 'diff'
              ORDER BY ev.seq DESC LIMIT 1
           ) e ON true
          WHERE r.run_id = ${runParam} ${scoped}
          ORDER BY r.rc_code NULLS LAST, r.period, r.seq`,
        params.values,
      )
      return rows.map((r) => ({ orgUnit: r.org_unit, rcCode: r.rc_code, period: r.period, diff: fromJson(r.diff) }))
    },

    /** The run read everything it had to (`completed`) or stopped on an error (`failed`, with detail). */
    finish(id: string, outcome: { status?: 'completed' | 'failed'; detail?: Record<string, unknown> } = {}) {
      return end(id, outcome.status ?? 'completed', outcome.detail)
    },

    /** Stops a running run; who and why go in its detail. Throws RunStateError when it already ended. */
    cancel(id: string, by: { actor: string; reason?: string }) {
      return end(id, 'cancelled', { cancelledBy: by.actor, ...(by.reason ? { cancelReason: by.reason } : {}) })
    },
  }
}

export type RunsRepository = ReturnType<typeof runsRepository>
