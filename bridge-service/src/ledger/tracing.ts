/**
 * `tracing_cases`, `tracing_lists`, `tracing_cursors` (migration 014, issue 19 §3): the cases of patients lost to
 * follow-up that the RC trace. Rows hold pseudonyms, codes and dates only; the site's identifier only sealed.
 */
import type { Db } from './db'
import { pageBounds, paged, type PageRequest, type Paged } from './paging'
import { Params, json, toDate, toDateOrNull } from './sql'

export const TRACING_STATUSES = [
  'quarantined',
  'task-pending',
  'task-created',
  'task-failed',
  'outcome-pending',
  'outcome-sent',
  'outcome-failed',
] as const
export type TracingStatus = (typeof TRACING_STATUSES)[number]

export const TRACING_OUTCOMES = ['RETROUVE_REVENU', 'RETROUVE_REFUS', 'DEMENAGE', 'DECEDE', 'NON_RETROUVE'] as const
export type TracingOutcome = (typeof TRACING_OUTCOMES)[number]

export interface NewTracingCase {
  readonly site: string
  readonly pseudonym: string
  readonly tracingCode: string
  readonly sealedId: string
  readonly eventUid: string
  readonly sex: 'M' | 'F'
  readonly ageBand: 'A_MOINS15' | 'A_15_24' | 'A_25PLUS'
  readonly locality: string
  readonly missedAppointment: string
  readonly rcHint: string | null
  readonly areaHint: string | null
}

export interface TracingCase extends NewTracingCase {
  readonly id: string
  readonly seq: number
  readonly rcCode: string | null
  readonly rcOrgUnit: string | null
  readonly status: TracingStatus
  readonly reason: string | null
  readonly attempts: number
  readonly nextAttemptAt: Date | null
  readonly outcome: TracingOutcome | null
  readonly outcomeDate: string | null
  readonly receivedAt: Date
  readonly updatedAt: Date
  readonly taskCreatedAt: Date | null
  readonly outcomeSentAt: Date | null
}

export interface NewTracingList {
  readonly site: string
  readonly format: 'csv' | 'fhir'
  readonly rows: number
  readonly accepted: number
  readonly duplicates: number
  readonly quarantined: number
  readonly refused: readonly { rowNumber: number; codes: readonly string[] }[]
}

interface Row {
  id: string
  seq: string | number
  site: string
  pseudonym: string
  tracing_code: string
  sealed_id: string
  event_uid: string
  sex: 'M' | 'F'
  age_band: NewTracingCase['ageBand']
  locality: string
  missed_appointment: unknown
  rc_hint: string | null
  area_hint: string | null
  rc_code: string | null
  rc_org_unit: string | null
  status: TracingStatus
  reason: string | null
  attempts: number
  next_attempt_at: unknown
  outcome: TracingOutcome | null
  outcome_date: unknown
  received_at: unknown
  updated_at: unknown
  task_created_at: unknown
  outcome_sent_at: unknown
}

/** A DATE column as YYYY-MM-DD whichever driver read it (pg gives a local-midnight Date, PGlite a UTC one). */
function day(value: unknown): string {
  if (typeof value === 'string') return value.slice(0, 10)
  const d = value as Date
  return new Date(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate())).toISOString().slice(0, 10)
}

const COLUMNS = `id, seq, site, pseudonym, tracing_code, sealed_id, event_uid, sex, age_band, locality,
  missed_appointment::text AS missed_appointment, rc_hint, area_hint, rc_code, rc_org_unit, status, reason, attempts,
  next_attempt_at, outcome, outcome_date::text AS outcome_date, received_at, updated_at, task_created_at, outcome_sent_at`

const toCase = (r: Row): TracingCase => ({
  id: r.id,
  seq: Number(r.seq),
  site: r.site,
  pseudonym: r.pseudonym,
  tracingCode: r.tracing_code,
  sealedId: r.sealed_id,
  eventUid: r.event_uid,
  sex: r.sex,
  ageBand: r.age_band,
  locality: r.locality,
  missedAppointment: day(r.missed_appointment),
  rcHint: r.rc_hint,
  areaHint: r.area_hint,
  rcCode: r.rc_code,
  rcOrgUnit: r.rc_org_unit,
  status: r.status,
  reason: r.reason,
  attempts: r.attempts,
  nextAttemptAt: toDateOrNull(r.next_attempt_at),
  outcome: r.outcome,
  outcomeDate: r.outcome_date === null || r.outcome_date === undefined ? null : day(r.outcome_date),
  receivedAt: toDate(r.received_at),
  updatedAt: toDate(r.updated_at),
  taskCreatedAt: toDateOrNull(r.task_created_at),
  outcomeSentAt: toDateOrNull(r.outcome_sent_at),
})

export type TracingWork = 'task' | 'outcome'

export function tracingLedger(db: Db) {
  return {
    /** Inserts the cases not already known (by pseudonym); answers the new ones. */
    async addCases(cases: readonly NewTracingCase[]): Promise<TracingCase[]> {
      const added: TracingCase[] = []
      for (const c of cases) {
        const rows = await db.query<Row>(
          `INSERT INTO tracing_cases (site, pseudonym, tracing_code, sealed_id, event_uid, sex, age_band, locality,
             missed_appointment, rc_hint, area_hint, status)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::date, $10, $11, 'task-pending')
           ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
          [
            c.site,
            c.pseudonym,
            c.tracingCode,
            c.sealedId,
            c.eventUid,
            c.sex,
            c.ageBand,
            c.locality,
            c.missedAppointment,
            c.rcHint,
            c.areaHint,
          ],
        )
        if (rows[0]) added.push(toCase(rows[0]))
      }
      return added
    },

    async addList(list: NewTracingList): Promise<string> {
      const [row] = await db.query<{ id: string }>(
        `INSERT INTO tracing_lists (site, format, rows, accepted, duplicates, quarantined, refused)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) RETURNING id`,
        [list.site, list.format, list.rows, list.accepted, list.duplicates, list.quarantined, json(list.refused)],
      )
      return row!.id
    },

    async get(id: string): Promise<TracingCase | undefined> {
      const [row] = await db.query<Row>(`SELECT ${COLUMNS} FROM tracing_cases WHERE id = $1`, [id])
      return row ? toCase(row) : undefined
    },

    /**
     * Takes up to `limit` cases due for `work` and holds them for `leaseMs` (another process skips them). Tasks:
     * cases waiting for their event, and quarantined ones whose next look has come (an RC added since).
     */
    async claimDue(work: TracingWork, limit: number, leaseMs: number): Promise<TracingCase[]> {
      const statuses = work === 'task' ? `('task-pending', 'quarantined')` : `('outcome-pending')`
      const rows = await db.query<Row>(
        `UPDATE tracing_cases SET lease_until = clock_timestamp() + ($1::int * interval '1 millisecond')
          WHERE id IN (
            SELECT id FROM tracing_cases
             WHERE status IN ${statuses}
               AND (next_attempt_at IS NULL OR next_attempt_at <= clock_timestamp())
               AND (status <> 'quarantined' OR next_attempt_at IS NOT NULL)
               AND (lease_until IS NULL OR lease_until < clock_timestamp())
             ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED)
          RETURNING ${COLUMNS}`,
        [leaseMs, limit],
      )
      return rows.map(toCase).sort((a, b) => a.seq - b.seq)
    },

    async taskCreated(id: string, rcCode: string, rcOrgUnit: string): Promise<void> {
      await db.query(
        `UPDATE tracing_cases SET status = 'task-created', rc_code = $2, rc_org_unit = $3, reason = NULL, attempts = 0,
           next_attempt_at = NULL, lease_until = NULL, task_created_at = clock_timestamp(), updated_at = clock_timestamp()
         WHERE id = $1 AND status IN ('task-pending', 'quarantined')`,
        [id, rcCode, rcOrgUnit],
      )
    },

    /** No RC found (or another reason a person must look at): kept, looked at again at `nextLook`. */
    async quarantine(id: string, reason: string, nextLook: Date): Promise<void> {
      await db.query(
        `UPDATE tracing_cases SET status = 'quarantined', reason = $2, next_attempt_at = $3::timestamptz,
           lease_until = NULL, updated_at = clock_timestamp()
         WHERE id = $1 AND status IN ('task-pending', 'quarantined')`,
        [id, reason, nextLook.toISOString()],
      )
    },

    /** A transient failure: one more attempt, the next at `nextAttemptAt`. */
    async retryLater(id: string, error: string, nextAttemptAt: Date): Promise<void> {
      await db.query(
        `UPDATE tracing_cases SET attempts = attempts + 1, reason = $2, next_attempt_at = $3::timestamptz,
           lease_until = NULL, updated_at = clock_timestamp() WHERE id = $1`,
        [id, error, nextAttemptAt.toISOString()],
      )
    },

    async fail(id: string, status: 'task-failed' | 'outcome-failed', reason: string): Promise<void> {
      await db.query(
        `UPDATE tracing_cases SET status = $2, reason = $3, attempts = attempts + 1, next_attempt_at = NULL,
           lease_until = NULL, updated_at = clock_timestamp() WHERE id = $1`,
        [id, status, reason],
      )
    },

    /**
     * The outcome an RC recorded on the case's event: the case owes it to its site. A case already sent is sent
     * again only if the RC changed the outcome since. Answers whether the case changed.
     */
    async outcomeRead(eventUid: string, outcome: TracingOutcome, outcomeDate: string): Promise<boolean> {
      const rows = await db.query<{ id: string }>(
        `UPDATE tracing_cases SET status = 'outcome-pending', outcome = $2, outcome_date = $3::date, attempts = 0,
           reason = NULL, next_attempt_at = NULL, lease_until = NULL, outcome_read_at = clock_timestamp(),
           updated_at = clock_timestamp()
         WHERE event_uid = $1 AND (status IN ('task-pending', 'task-created', 'task-failed')
           OR (status IN ('outcome-pending', 'outcome-sent', 'outcome-failed')
               AND (outcome IS DISTINCT FROM $2 OR outcome_date IS DISTINCT FROM $3::date)))
         RETURNING id`,
        [eventUid, outcome, outcomeDate],
      )
      return rows.length > 0
    },

    /**
     * A person's decision for a case waiting for its RC (quarantined, or its task refused): this RC's code; the
     * task is tried again at once. Undefined when the case is not waiting.
     */
    async assignRc(id: string, rcCode: string): Promise<TracingCase | undefined> {
      const [row] = await db.query<Row>(
        `UPDATE tracing_cases SET rc_hint = $2, status = 'task-pending', reason = NULL, attempts = 0,
           next_attempt_at = NULL, lease_until = NULL, updated_at = clock_timestamp()
         WHERE id = $1 AND status IN ('quarantined', 'task-failed') RETURNING ${COLUMNS}`,
        [id, rcCode],
      )
      return row ? toCase(row) : undefined
    },

    async outcomeSent(id: string): Promise<void> {
      await db.query(
        `UPDATE tracing_cases SET status = 'outcome-sent', reason = NULL, next_attempt_at = NULL, lease_until = NULL,
           outcome_sent_at = clock_timestamp(), updated_at = clock_timestamp()
         WHERE id = $1 AND status = 'outcome-pending'`,
        [id],
      )
    },

    async search(
      filter: { status?: TracingStatus; site?: string; tracingCode?: string },
      page?: PageRequest,
    ): Promise<Paged<TracingCase>> {
      const bounds = pageBounds(page)
      const params = new Params()
      const clauses: string[] = []
      if (filter.status) clauses.push(`status = ${params.add(filter.status)}`)
      if (filter.site) clauses.push(`site = ${params.add(filter.site)}`)
      if (filter.tracingCode) clauses.push(`tracing_code = ${params.add(filter.tracingCode)}`)
      const where = clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`
      const [count] = await db.query<{ total: number }>(
        `SELECT count(*)::int AS total FROM tracing_cases ${where}`,
        params.values,
      )
      const rows = await db.query<Row>(
        `SELECT ${COLUMNS} FROM tracing_cases ${where} ORDER BY seq DESC
          LIMIT ${params.add(bounds.pageSize)} OFFSET ${params.add(bounds.offset)}`,
        params.values,
      )
      return paged(rows.map(toCase), bounds, count?.total ?? 0)
    },

    /** Cases per site, status and outcome: the indicators (cases traced, returned to care). */
    async counts(): Promise<{ site: string; status: TracingStatus; outcome: TracingOutcome | null; cases: number }[]> {
      return db.query(
        `SELECT site, status, outcome, count(*)::int AS cases FROM tracing_cases
          GROUP BY site, status, outcome ORDER BY site, status, outcome`,
      )
    },

    async cursor(program: string): Promise<string | undefined> {
      const [row] = await db.query<{ updated_after: string }>(
        `SELECT updated_after FROM tracing_cursors WHERE program = $1`,
        [program],
      )
      return row?.updated_after
    },

    /** Moves the cursor forward only (two processes reading at once never move it back). */
    async setCursor(program: string, updatedAfter: string): Promise<void> {
      await db.query(
        `INSERT INTO tracing_cursors (program, updated_after) VALUES ($1, $2)
         ON CONFLICT (program) DO UPDATE SET updated_after = GREATEST(tracing_cursors.updated_after, EXCLUDED.updated_after),
           updated_at = clock_timestamp()`,
        [program, updatedAfter],
      )
    },
  }
}

export type TracingLedger = ReturnType<typeof tracingLedger>
