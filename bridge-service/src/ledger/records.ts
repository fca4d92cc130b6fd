/**
 * `records`: one row per (source, source key, version), and its status changes with their `record_events`.
 *
 * - `insertMany` is the intake path: one statement per chunk of 1,000 (arrays through `unnest`), idempotent
 *   — a (source, source key, version) already stored is not stored again and answers its existing id, so a
 *   redelivered webhook or a re-read file adds nothing. Each new record gets its `received` event in the
 *   same statement. Call it inside a transaction together with `cursors.set` (see cursors.ts).
 * - `transition` / `transitionMany` move records `from → to` (record-status.ts decides what is legal) and write
 *   one `record_events` row per record in the SAME statement — so atomically, inside or outside a
 *   transaction. They compare-and-set on `from`: a record that another worker moved meanwhile is not
 *   touched (`transition` throws StaleTransitionError, `transitionMany` reports it as skipped).
 */
import { SQLSTATE, DbError, type Db } from './db'
import { Params, chunks, fromJson, json, toDate } from './sql'
import { pageBounds, paged, type PageRequest, type Paged } from './paging'
import {
  assertTransition,
  IN_FLIGHT_STATUSES,
  RECORD_STATUSES,
  type QuarantineReason,
  type RecordStatus,
} from './record-status'

export interface NewRecord {
  readonly source: string
  readonly sourceKey: string
  /** The source's version of the record (Kobo `_version`/edit hash, webhook event id, file row hash, …). */
  readonly version: string
  readonly contentHash: string
  /** The record as received, identifiers already pseudonymised. */
  readonly raw: unknown
  readonly period?: string | null
  readonly orgUnit?: string | null
  readonly rcCode?: string | null
  readonly runId?: string | null
  /**
   * Mapped before it was stored (intake in a process that also maps, map-worker.ts `mapBeforeStore`): the
   * record is inserted `mapped` with its payload, and its `received → mapped` event carries `detail`. One row
   * version instead of two: the received row's UPDATE rewrote the whole row into every index (issue 18).
   */
  readonly mapped?: { readonly payload: unknown; readonly detail: unknown }
}

export interface InsertOptions {
  /** Who or what brought the records in (the `received` event's actor). */
  readonly actor: string
  /** The actor of the `received → mapped` event of records inserted mapped (default: `actor`). */
  readonly mappedBy?: string
}

export interface InsertOutcome {
  readonly id: string
  /** False when this (source, source key, version) was already in the ledger (or earlier in the same call). */
  readonly inserted: boolean
  /** True when this call inserted it already `mapped` (NewRecord.mapped). */
  readonly mapped: boolean
  readonly sourceKey: string
  readonly version: string
}

/** A record without its payloads: what lists answer. */
export interface RecordSummary {
  readonly id: string
  readonly source: string
  readonly sourceKey: string
  readonly version: string
  readonly contentHash: string
  readonly status: RecordStatus
  /** Quarantine reason or discard reason. */
  readonly reason: string | null
  readonly period: string | null
  readonly orgUnit: string | null
  readonly rcCode: string | null
  readonly attempts: number
  readonly lastError: unknown
  readonly runId: string | null
  readonly createdAt: Date
  readonly updatedAt: Date
}

export interface LedgerRecord extends RecordSummary {
  /** null once the payload has gone to the archive (retention/payload-archive.ts). */
  readonly raw: unknown
  readonly mapped: unknown
  /** The archive file (relative to the archive folder) holding the raw payload, once archived. */
  readonly payloadArchive: string | null
}

export interface RecordFilter {
  readonly source?: string
  readonly sourceKey?: string
  readonly rcCode?: string
  readonly orgUnit?: string
  readonly period?: string
  readonly status?: RecordStatus | readonly RecordStatus[]
  readonly reason?: string
  readonly runId?: string
  /** Only records of these org units (a supervisor's subtree, api/scope.ts); an empty list matches nothing. */
  readonly orgUnitIn?: readonly string[]
}

export interface TransitionOptions {
  /** Who or what: a user name, `pipeline:map`, `pipeline:push`, … */
  readonly actor: string
  /** Required for quarantined (a QuarantineReason) and discarded; kept on the record for those two. */
  readonly reason?: QuarantineReason | string | null
  /** Stored on the event: DHIS2's message, the corrected values, … */
  readonly detail?: unknown
  /** Sets `records.mapped` (e.g. on received → mapped, or on release with a corrected payload). */
  readonly mapped?: unknown
  /** Sets `records.last_error` (null clears it). */
  readonly lastError?: unknown
  /** Sets attempts back to 0 (retry by hand of a failed record). */
  readonly resetAttempts?: boolean
}

/** One record of a batch transition, with what is its own. */
export interface TransitionItem {
  readonly id: string
  readonly detail?: unknown
  readonly mapped?: unknown
  readonly lastError?: unknown
  /** Fill the searchable columns in the same UPDATE (null or absent: left as they are). */
  readonly period?: string | null
  readonly orgUnit?: string | null
  readonly rcCode?: string | null
}

export type StatusCounts = Record<RecordStatus, number> & { readonly total: number }

export interface InFlightRecord {
  readonly id: string
  readonly source: string
  readonly status: RecordStatus
  readonly runId: string | null
  readonly attempts: number
  readonly updatedAt: Date
}

export class RecordNotFoundError extends Error {
  override readonly name = 'RecordNotFoundError'
  constructor(readonly id: string) {
    super(`no record ${id} in the ledger`)
  }
}

/** The record is no longer in the status the caller read: someone else moved it first. */
export class StaleTransitionError extends Error {
  override readonly name = 'StaleTransitionError'
  constructor(
    readonly id: string,
    readonly expected: RecordStatus,
    readonly actual: RecordStatus,
  ) {
    super(`record ${id} is ${actual}, not ${expected}: it was moved meanwhile`)
  }
}

/** Records per INSERT statement of `insertMany` (a call with at most this many is one write statement). */
export const INSERT_CHUNK = 1000

const SUMMARY_COLUMNS = `id, source, source_key, version, content_hash, status, reason, period, org_unit, rc_code,
  attempts, last_error, run_id, created_at, updated_at`

interface SummaryRow {
  id: string
  source: string
  source_key: string
  version: string
  content_hash: string
  status: RecordStatus
  reason: string | null
  period: string | null
  org_unit: string | null
  rc_code: string | null
  attempts: number
  last_error: unknown
  run_id: string | null
  created_at: unknown
  updated_at: unknown
}

function toSummary(r: SummaryRow): RecordSummary {
  return {
    id: r.id,
    source: r.source,
    sourceKey: r.source_key,
    version: r.version,
    contentHash: r.content_hash,
    status: r.status,
    reason: r.reason,
    period: r.period,
    orgUnit: r.org_unit,
    rcCode: r.rc_code,
    attempts: r.attempts,
    lastError: fromJson(r.last_error),
    runId: r.run_id,
    createdAt: toDate(r.created_at),
    updatedAt: toDate(r.updated_at),
  }
}

const keyOf = (source: string, sourceKey: string, version: string) => JSON.stringify([source, sourceKey, version])

/** WHERE clause of a record filter. */
function whereOf(filter: RecordFilter, params: Params): string {
  const clauses: string[] = []
  if (filter.source !== undefined) clauses.push(`source = ${params.add(filter.source)}`)
  if (filter.sourceKey !== undefined) clauses.push(`source_key = ${params.add(filter.sourceKey)}`)
  if (filter.rcCode !== undefined) clauses.push(`rc_code = ${params.add(filter.rcCode)}`)
  if (filter.orgUnit !== undefined) clauses.push(`org_unit = ${params.add(filter.orgUnit)}`)
  if (filter.period !== undefined) clauses.push(`period = ${params.add(filter.period)}`)
  if (filter.reason !== undefined) clauses.push(`reason = ${params.add(filter.reason)}`)
  if (filter.runId !== undefined) clauses.push(`run_id = ${params.add(filter.runId)}`)
  if (filter.orgUnitIn !== undefined) clauses.push(`org_unit = ANY(${params.add(filter.orgUnitIn)}::text[])`)
  if (filter.status !== undefined) {
    const statuses: readonly RecordStatus[] = typeof filter.status === 'string' ? [filter.status] : filter.status
    for (const s of statuses) {
      if (!RECORD_STATUSES.includes(s)) throw new RangeError(`unknown record status ${JSON.stringify(s)}`)
    }
    clauses.push(`status = ANY(${params.add(statuses)}::text[])`)
  }
  return clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`
}

export function emptyCounts(): Record<RecordStatus, number> {
  return Object.fromEntries(RECORD_STATUSES.map((s) => [s, 0])) as Record<RecordStatus, number>
}

export function recordsRepository(db: Db) {
  /**
   * One chunk: insert what is new with its `received` event (and, for a record inserted mapped, its
   * `received → mapped` event after it), answer the ids of the new rows.
   */
  async function insertChunk(rows: readonly NewRecord[], options: InsertOptions): Promise<Map<string, string>> {
    // The rows as ONE JSON document: serialised natively, where text[]/jsonb[] parameters cost an escape
    // pass per element in the driver (the largest CPU item of intake).
    const inserted = await db.query<{ id: string; source: string; source_key: string; version: string }>(
      `WITH t AS (
         SELECT * FROM json_to_recordset($1::json)
           AS t(s text, k text, v text, h text, raw jsonb, pe text, ou text, rc text, run text, m jsonb, md jsonb)
       ), ins AS (
         INSERT INTO records (source, source_key, version, content_hash, raw, mapped, status, period, org_unit,
                              rc_code, run_id)
         -- a JSON null reads as SQL NULL: stored as the JSON value null, as before
         SELECT t.s, t.k, t.v, t.h, COALESCE(t.raw, 'null'::jsonb), t.m,
                CASE WHEN t.m IS NULL THEN 'received' ELSE 'mapped' END, t.pe, t.ou, t.rc, t.run
           FROM t
         ON CONFLICT (source, source_key, version) DO NOTHING
         RETURNING id, source, source_key, version, status
       ), ev AS (
         -- received before mapped, so that the events' seq tells the record's story in order
         INSERT INTO record_events (record_id, actor, from_status, to_status, detail)
         SELECT id, actor, from_status, to_status, detail FROM (
           SELECT ins.id, 0 AS step, $2 AS actor, NULL AS from_status, 'received' AS to_status, NULL::jsonb AS detail
             FROM ins
           UNION ALL
           SELECT ins.id, 1, $3, 'received', 'mapped', t.md
             FROM ins JOIN t ON t.s = ins.source AND t.k = ins.source_key AND t.v = ins.version
            WHERE ins.status = 'mapped'
         ) e ORDER BY id, step
       )
       SELECT id, source, source_key, version FROM ins`,
      [
        JSON.stringify(
          rows.map((r) => ({
            s: r.source,
            k: r.sourceKey,
            v: r.version,
            h: r.contentHash,
            raw: r.raw ?? null,
            pe: r.period ?? null,
            ou: r.orgUnit ?? null,
            rc: r.rcCode ?? null,
            run: r.runId ?? null,
            m: r.mapped?.payload ?? null,
            md: r.mapped?.detail ?? null,
          })),
        ),
        options.actor,
        options.mappedBy ?? options.actor,
      ],
    )
    return new Map(inserted.map((r) => [keyOf(r.source, r.source_key, r.version), r.id]))
  }

  async function existingIds(keys: readonly (readonly [string, string, string])[]): Promise<Map<string, string>> {
    if (keys.length === 0) return new Map()
    const rows = await db.query<{ id: string; source: string; source_key: string; version: string }>(
      `SELECT r.id, r.source, r.source_key, r.version
         FROM records r
         JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(source, source_key, version)
           ON r.source = k.source AND r.source_key = k.source_key AND r.version = k.version`,
      [keys.map((k) => k[0]), keys.map((k) => k[1]), keys.map((k) => k[2])],
    )
    return new Map(rows.map((r) => [keyOf(r.source, r.source_key, r.version), r.id]))
  }

  async function transitionMany(
    items: readonly TransitionItem[],
    from: RecordStatus,
    to: RecordStatus,
    options: TransitionOptions,
  ): Promise<{ moved: string[]; skipped: string[] }> {
    assertTransition(from, to, options.reason)
    if (items.length === 0) return { moved: [], skipped: [] }
    const keepReason = to === 'quarantined' || to === 'discarded'
    const has = (item: TransitionItem, key: 'mapped' | 'lastError') =>
      item[key] !== undefined || options[key] !== undefined
    const value = (item: TransitionItem, key: 'mapped' | 'lastError' | 'detail') =>
      item[key] !== undefined ? item[key] : options[key]
    const rows = await db.query<{ id: string }>(
      `WITH input AS (
         SELECT * FROM json_to_recordset($1::json)
           AS t(id text, mapped jsonb, set_mapped boolean, last_error jsonb, set_error boolean, detail jsonb,
                period text, org_unit text, rc_code text)
       ), moved AS (
         UPDATE records r
            SET status = $3, reason = $4, updated_at = now(),
                mapped = CASE WHEN input.set_mapped THEN input.mapped ELSE r.mapped END,
                last_error = CASE WHEN input.set_error THEN input.last_error ELSE r.last_error END,
                attempts = CASE WHEN $5::boolean THEN 0 ELSE r.attempts END,
                period = COALESCE(input.period, r.period), org_unit = COALESCE(input.org_unit, r.org_unit),
                rc_code = COALESCE(input.rc_code, r.rc_code)
           FROM input
          WHERE r.id = input.id AND r.status = $2
         RETURNING r.id, input.detail
       ), ev AS (
         INSERT INTO record_events (record_id, actor, from_status, to_status, reason, detail)
         SELECT id, $6, $2, $3, $7, detail FROM moved
       )
       SELECT id FROM moved`,
      [
        // ONE JSON document for the per-record columns (see insertChunk); JSON null reads as SQL NULL.
        JSON.stringify(
          items.map((i) => ({
            id: i.id,
            mapped: value(i, 'mapped') ?? null,
            set_mapped: has(i, 'mapped'),
            last_error: value(i, 'lastError') ?? null,
            set_error: has(i, 'lastError'),
            detail: value(i, 'detail') ?? null,
            period: i.period ?? null,
            org_unit: i.orgUnit ?? null,
            rc_code: i.rcCode ?? null,
          })),
        ),
        from,
        to,
        keepReason ? (options.reason ?? null) : null,
        options.resetAttempts === true,
        options.actor,
        options.reason ?? null,
      ],
    )
    const movedIds = new Set(rows.map((r) => r.id))
    return {
      moved: items.map((i) => i.id).filter((id) => movedIds.has(id)),
      skipped: items.map((i) => i.id).filter((id) => !movedIds.has(id)),
    }
  }

  return {
    /**
     * Stores new records (status `received`, or `mapped` when given mapped) and answers, for each input in
     * order, its id and whether it is new. Idempotent on (source, source key, version).
     */
    async insertMany(records: readonly NewRecord[], options: InsertOptions): Promise<InsertOutcome[]> {
      // Keep the first of repeated keys: one statement cannot insert a row and then conflict with it usefully.
      const firstOf = new Map<string, NewRecord>()
      for (const r of records) {
        const key = keyOf(r.source, r.sourceKey, r.version)
        if (!firstOf.has(key)) firstOf.set(key, r)
      }
      const unique = [...firstOf.values()]
      const ids = new Map<string, string>()
      for (const chunk of chunks(unique, INSERT_CHUNK)) {
        for (const [key, id] of await insertChunk(chunk, options)) ids.set(key, id)
      }
      const newKeys = new Set(ids.keys())
      const missing = unique
        .filter((r) => !ids.has(keyOf(r.source, r.sourceKey, r.version)))
        .map((r) => [r.source, r.sourceKey, r.version] as const)
      for (const chunk of chunks(missing, INSERT_CHUNK)) {
        for (const [key, id] of await existingIds(chunk)) ids.set(key, id)
      }
      const seen = new Set<string>()
      return records.map((r) => {
        const key = keyOf(r.source, r.sourceKey, r.version)
        const id = ids.get(key)
        if (id === undefined) {
          // Inserted by a concurrent transaction that has not committed: the caller retries its batch.
          throw new DbError(`record ${r.source}/${r.sourceKey}@${r.version} is being inserted concurrently`, {
            code: SQLSTATE.uniqueViolation,
          })
        }
        const inserted = newKeys.has(key) && !seen.has(key)
        seen.add(key)
        const mapped = inserted && firstOf.get(key)?.mapped !== undefined
        return { id, inserted, mapped, sourceKey: r.sourceKey, version: r.version }
      })
    },

    async get(id: string): Promise<LedgerRecord | undefined> {
      const [row] = await db.query<SummaryRow & { raw: unknown; mapped: unknown; payload_archive: string | null }>(
        `SELECT ${SUMMARY_COLUMNS}, raw, mapped, payload_archive FROM records WHERE id = $1`,
        [id],
      )
      return (
        row && {
          ...toSummary(row),
          raw: fromJson(row.raw),
          mapped: fromJson(row.mapped),
          payloadArchive: row.payload_archive,
        }
      )
    },

    /** Every stored version of one source record, newest first. */
    async versions(source: string, sourceKey: string): Promise<RecordSummary[]> {
      const rows = await db.query<SummaryRow>(
        `SELECT ${SUMMARY_COLUMNS} FROM records WHERE source = $1 AND source_key = $2 ORDER BY seq DESC`,
        [source, sourceKey],
      )
      return rows.map(toSummary)
    },

    /** Filters are ANDed; newest first. */
    async search(filter: RecordFilter = {}, page: PageRequest = {}): Promise<Paged<RecordSummary>> {
      const bounds = pageBounds(page)
      const params = new Params()
      const where = whereOf(filter, params)
      const [count] = await db.query<{ total: number }>(
        `SELECT count(*)::int AS total FROM records ${where}`,
        params.values,
      )
      const total = count?.total ?? 0
      const rows =
        bounds.offset >= total
          ? []
          : await db.query<SummaryRow>(
              `SELECT ${SUMMARY_COLUMNS} FROM records ${where}
                ORDER BY seq DESC
                LIMIT ${params.add(bounds.pageSize)} OFFSET ${params.add(bounds.offset)}`,
              params.values,
            )
      return paged(rows.map(toSummary), bounds, total)
    },

    /** Counts per status (every status present, 0 when none) over the records matching `filter`. */
    async countByStatus(filter: RecordFilter = {}): Promise<StatusCounts> {
      const params = new Params()
      const rows = await db.query<{ status: RecordStatus; n: number }>(
        `SELECT status, count(*)::int AS n FROM records ${whereOf(filter, params)} GROUP BY status`,
        params.values,
      )
      const counts = emptyCounts()
      let total = 0
      for (const r of rows) {
        counts[r.status] = r.n
        total += r.n
      }
      return { ...counts, total }
    },

    /** Counts per status of each of these runs (every run and status present, 0 when none): one query. */
    /** Counts per run and status; with `orgUnitIn`, of those org units' records only (api/scope.ts). */
    async countByRun(
      runIds: readonly string[],
      scope: Pick<RecordFilter, 'orgUnitIn'> = {},
    ): Promise<Map<string, StatusCounts>> {
      const byRun = new Map<string, Record<RecordStatus, number> & { total: number }>(
        runIds.map((id) => [id, { ...emptyCounts(), total: 0 }]),
      )
      if (runIds.length === 0) return byRun
      const scoped = scope.orgUnitIn !== undefined
      const rows = await db.query<{ run_id: string; status: RecordStatus; n: number }>(
        `SELECT run_id, status, count(*)::int AS n FROM records WHERE run_id = ANY($1::text[])
           ${scoped ? 'AND org_unit = ANY($2::text[])' : ''} GROUP BY run_id, status`,
        scoped ? [runIds, scope.orgUnitIn ?? []] : [runIds],
      )
      for (const r of rows) {
        const counts = byRun.get(r.run_id)
        if (!counts) continue
        counts[r.status] = r.n
        counts.total += r.n
      }
      return byRun
    },

    /**
     * The records the pipeline still owes work (received, mapped), by id, `limit` at a time: pass the last id
     * of a page as `afterId` to get the next. Reconciliation re-enqueues those without a live job.
     */
    async nonTerminal(options: { afterId?: string; limit?: number } = {}): Promise<InFlightRecord[]> {
      const limit = options.limit ?? 1000
      const rows = await db.query<{
        id: string
        source: string
        status: RecordStatus
        run_id: string | null
        attempts: number
        updated_at: unknown
      }>(
        `SELECT id, source, status, run_id, attempts, updated_at FROM records
          WHERE status = ANY($1::text[]) AND id > $2
          ORDER BY id LIMIT $3`,
        [IN_FLIGHT_STATUSES, options.afterId ?? '', limit],
      )
      return rows.map((r) => ({
        id: r.id,
        source: r.source,
        status: r.status,
        runId: r.run_id,
        attempts: r.attempts,
        updatedAt: toDate(r.updated_at),
      }))
    },

    /**
     * Moves one record `from → to` and writes its event, atomically. Throws IllegalTransitionError (not
     * allowed by the state machine), RecordNotFoundError, or StaleTransitionError (not in `from` any more).
     */
    async transition(id: string, from: RecordStatus, to: RecordStatus, options: TransitionOptions): Promise<void> {
      const { moved } = await transitionMany([{ id }], from, to, options)
      if (moved.length === 1) return
      const [row] = await db.query<{ status: RecordStatus }>('SELECT status FROM records WHERE id = $1', [id])
      if (!row) throw new RecordNotFoundError(id)
      throw new StaleTransitionError(id, from, row.status)
    },

    /**
     * Moves many records `from → to` in one statement, each with its own event (and optionally its own
     * detail, mapped payload, last error). Records not in `from` (or unknown) are left alone and answered
     * in `skipped`.
     */
    transitionMany,

    /** Counts one more delivery attempt and keeps its error; answers the new attempts per id. */
    async recordAttempt(ids: readonly string[], lastError: unknown): Promise<Map<string, number>> {
      if (ids.length === 0) return new Map()
      const rows = await db.query<{ id: string; attempts: number }>(
        `UPDATE records SET attempts = attempts + 1, last_error = $2::jsonb, updated_at = now()
          WHERE id = ANY($1::text[]) RETURNING id, attempts`,
        [ids, json(lastError)],
      )
      return new Map(rows.map((r) => [r.id, r.attempts]))
    },
  }
}

export type RecordsRepository = ReturnType<typeof recordsRepository>
