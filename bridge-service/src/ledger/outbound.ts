/**
 * `outbound_deliveries` and `outbound_cursors` (migration 012, issue 19 §4): the signed webhooks owed to partners,
 * and the ledger facts they are made from. SQL only; what an event says and how it is sent live in src/outbound/.
 */
import type { Db } from './db'
import { pageBounds, paged, type PageRequest, type Paged } from './paging'
import { Params, json, toDate, toDateOrNull } from './sql'

export const OUTBOUND_EVENTS = ['report.completed', 'run.finished', 'quarantine.growing'] as const
export type OutboundEvent = (typeof OUTBOUND_EVENTS)[number]
export const OUTBOUND_STATUSES = ['pending', 'delivered', 'failed'] as const
export type OutboundStatus = (typeof OUTBOUND_STATUSES)[number]

/** The history keeps this many attempts: enough to see a pattern, bounded so that a row stays small. */
const HISTORY_KEPT = 20

export interface NewOutboundDelivery {
  readonly subscription: string
  readonly event: OutboundEvent
  /** What the event is about; one delivery per subscription and key (a fact noticed twice is sent once). */
  readonly eventKey: string
  readonly payload: Record<string, unknown>
}

export interface AttemptNote {
  readonly at: string
  /** The receiver's HTTP status; null when no answer came (timeout, network). */
  readonly httpStatus: number | null
  readonly error: string | null
}

export interface OutboundDelivery extends NewOutboundDelivery {
  readonly id: string
  readonly status: OutboundStatus
  readonly attempts: number
  readonly round: number
  readonly lastError: string | null
  readonly lastStatus: number | null
  readonly history: AttemptNote[]
  readonly nextAttemptAt: Date | null
  readonly createdAt: Date
  readonly deliveredAt: Date | null
}

interface Row {
  id: string
  subscription: string
  event: OutboundEvent
  event_key: string
  payload: Record<string, unknown>
  status: OutboundStatus
  attempts: number
  round: number
  last_error: string | null
  last_status: number | null
  history: AttemptNote[] | null
  next_attempt_at: unknown
  created_at: unknown
  delivered_at: unknown
}

const COLUMNS = `id, subscription, event, event_key, payload, status, attempts, round, last_error, last_status, history,
  next_attempt_at, created_at, delivered_at`

const toDelivery = (r: Row): OutboundDelivery => ({
  id: r.id,
  subscription: r.subscription,
  event: r.event,
  eventKey: r.event_key,
  payload: r.payload,
  status: r.status,
  attempts: Number(r.attempts),
  round: Number(r.round),
  lastError: r.last_error,
  lastStatus: r.last_status === null ? null : Number(r.last_status),
  history: r.history ?? [],
  nextAttemptAt: toDateOrNull(r.next_attempt_at),
  createdAt: toDate(r.created_at),
  deliveredAt: toDateOrNull(r.delivered_at),
})

/** What one attempt came to: delivered, to be tried again at `nextAttemptAt`, or failed (for good, until retried). */
export type AttemptOutcome =
  | { readonly kind: 'delivered'; readonly note: AttemptNote }
  | { readonly kind: 'retry'; readonly note: AttemptNote; readonly nextAttemptAt: Date }
  | { readonly kind: 'failed'; readonly note: AttemptNote }

/** A completion registered in DHIS2, as the completion stage noted it in the record's history. */
export interface CompletionFact {
  readonly eventId: string
  readonly seq: number
  readonly at: Date
  readonly recordId: string
  readonly source: string
  readonly dataSet: string | null
  readonly period: string | null
  readonly orgUnit: string | null
  readonly orgUnitCode: string | null
  /** The registration's date as DHIS2 holds it (server-local). */
  readonly date: string | null
}

export interface FinishedRunFact {
  readonly id: string
  readonly source: string
  readonly mode: string
  readonly trigger: string
  readonly status: string
  readonly counts: Record<string, number> | null
  readonly startedAt: Date
  readonly finishedAt: Date
}

export function outboundLedger(db: Db) {
  return {
    /** Writes the deliveries not written yet (subscription + event key); answers the new ones. */
    async add(deliveries: readonly NewOutboundDelivery[]): Promise<OutboundDelivery[]> {
      if (deliveries.length === 0) return []
      const rows = await db.query<Row>(
        `INSERT INTO outbound_deliveries (subscription, event, event_key, payload, next_attempt_at)
         SELECT d->>'subscription', d->>'event', d->>'eventKey', d->'payload', clock_timestamp()
         FROM jsonb_array_elements($1::jsonb) AS d
         ON CONFLICT ON CONSTRAINT outbound_deliveries_once DO NOTHING
         RETURNING ${COLUMNS}`,
        [json(deliveries)],
      )
      return rows.map(toDelivery)
    },

    async get(id: string): Promise<OutboundDelivery | undefined> {
      const [row] = await db.query<Row>(`SELECT ${COLUMNS} FROM outbound_deliveries WHERE id = $1`, [id])
      return row ? toDelivery(row) : undefined
    },

    /** Newest first. */
    async search(
      filter: { readonly status?: OutboundStatus; readonly subscription?: string },
      page?: PageRequest,
    ): Promise<Paged<OutboundDelivery>> {
      const bounds = pageBounds(page)
      const p = new Params()
      const where: string[] = []
      if (filter.status) where.push(`status = ${p.add(filter.status)}`)
      if (filter.subscription) where.push(`subscription = ${p.add(filter.subscription)}`)
      const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''
      const [count] = await db.query<{ total: number }>(
        `SELECT count(*)::int AS total FROM outbound_deliveries ${clause}`,
        p.values,
      )
      const rows = await db.query<Row>(
        `SELECT ${COLUMNS} FROM outbound_deliveries ${clause} ORDER BY seq DESC
         LIMIT ${p.add(bounds.pageSize)} OFFSET ${p.add(bounds.offset)}`,
        p.values,
      )
      return paged(rows.map(toDelivery), bounds, count?.total ?? 0)
    },

    /** Every pending delivery (reconciliation), oldest first, a page at a time. */
    async pending(afterSeq: number, limit: number): Promise<(OutboundDelivery & { seq: number })[]> {
      const rows = await db.query<Row & { seq: string | number }>(
        `SELECT ${COLUMNS}, seq FROM outbound_deliveries WHERE status = 'pending' AND seq > $1 ORDER BY seq LIMIT $2`,
        [afterSeq, limit],
      )
      return rows.map((r) => ({ ...toDelivery(r), seq: Number(r.seq) }))
    },

    /**
     * Notes an attempt of round `round` (compare-and-set: a delivery retried by hand meanwhile, or already
     * settled by another process, is not touched); answers whether it was.
     */
    async recordAttempt(id: string, round: number, outcome: AttemptOutcome): Promise<boolean> {
      const status = outcome.kind === 'retry' ? 'pending' : outcome.kind
      const rows = await db.query<{ id: string }>(
        `UPDATE outbound_deliveries
         SET status = $3, attempts = attempts + 1, last_status = $4, last_error = $5,
             history = (SELECT COALESCE(jsonb_agg(h ORDER BY n), '[]'::jsonb) FROM (
               SELECT h, n FROM jsonb_array_elements(history || jsonb_build_array($6::jsonb)) WITH ORDINALITY AS e(h, n)
               ORDER BY n DESC LIMIT ${HISTORY_KEPT}) AS kept),
             next_attempt_at = $7,
             delivered_at = CASE WHEN $3 = 'delivered' THEN clock_timestamp() ELSE NULL END
         WHERE id = $1 AND round = $2 AND status = 'pending'
         RETURNING id`,
        [
          id,
          round,
          status,
          outcome.note.httpStatus,
          outcome.note.error,
          json(outcome.note),
          outcome.kind === 'retry' ? outcome.nextAttemptAt.toISOString() : null,
        ],
      )
      return rows.length === 1
    },

    /** A failed delivery, pending again for a new round of attempts (by hand); undefined unless it had failed. */
    async retry(id: string): Promise<OutboundDelivery | undefined> {
      const [row] = await db.query<Row>(
        `UPDATE outbound_deliveries
         SET status = 'pending', attempts = 0, round = round + 1, next_attempt_at = clock_timestamp()
         WHERE id = $1 AND status = 'failed'
         RETURNING ${COLUMNS}`,
        [id],
      )
      return row ? toDelivery(row) : undefined
    },

    /** The newest quarantine alert of a subscription for a source: when, and the count it gave. */
    async lastQuarantineAlert(
      subscription: string,
      source: string,
    ): Promise<{ at: Date; quarantined: number } | undefined> {
      const [row] = await db.query<{ created_at: unknown; quarantined: string | number }>(
        `SELECT created_at, payload->>'quarantined' AS quarantined FROM outbound_deliveries
         WHERE subscription = $1 AND event = 'quarantine.growing' AND payload->>'source' = $2
         ORDER BY seq DESC LIMIT 1`,
        [subscription, source],
      )
      return row ? { at: toDate(row.created_at), quarantined: Number(row.quarantined) } : undefined
    },

    /**
     * Where the search for facts of `kind` stopped, the row locked until the transaction ends (so that two
     * processes searching at once take turns); undefined the first time.
     */
    async lockCursor(kind: string): Promise<string | undefined> {
      await db.query(`INSERT INTO outbound_cursors (kind, position) VALUES ($1, '') ON CONFLICT (kind) DO NOTHING`, [
        kind,
      ])
      const [row] = await db.query<{ position: string }>(
        `SELECT position FROM outbound_cursors WHERE kind = $1 FOR UPDATE`,
        [kind],
      )
      return row && row.position !== '' ? row.position : undefined
    },

    async setCursor(kind: string, position: string): Promise<void> {
      await db.query(`UPDATE outbound_cursors SET position = $2, updated_at = clock_timestamp() WHERE kind = $1`, [
        kind,
        position,
      ])
    },

    /** The newest completion event's seq and the newest run end (a first search starts from now, not the past). */
    async factsHorizon(): Promise<{ completionSeq: number; runsFinishedAt: string }> {
      const [row] = await db.query<{ seq: string | number | null; finished: unknown }>(
        `SELECT (SELECT max(seq) FROM record_events WHERE reason = 'completion-registered') AS seq,
                (SELECT max(finished_at) FROM runs WHERE finished_at IS NOT NULL) AS finished`,
      )
      return {
        completionSeq: Number(row?.seq ?? 0),
        runsFinishedAt: (toDateOrNull(row?.finished) ?? new Date(0)).toISOString(),
      }
    },

    /** Completions registered after `afterSeq`, oldest first. */
    async completionsAfter(afterSeq: number, limit: number): Promise<CompletionFact[]> {
      const rows = await db.query<{
        id: string
        seq: string | number
        at: unknown
        record_id: string
        source: string
        data_set: string | null
        period: string | null
        org_unit: string | null
        org_unit_code: string | null
        date: string | null
      }>(
        `SELECT e.id, e.seq, e.at, e.record_id, r.source, r.mapped->>'dataSet' AS data_set, r.period, r.org_unit,
                r.mapped->>'orgUnitCode' AS org_unit_code, e.detail->>'date' AS date
         FROM record_events e JOIN records r ON r.id = e.record_id
         WHERE e.reason = 'completion-registered' AND e.seq > $1
         ORDER BY e.seq LIMIT $2`,
        [afterSeq, limit],
      )
      return rows.map((r) => ({
        eventId: r.id,
        seq: Number(r.seq),
        at: toDate(r.at),
        recordId: r.record_id,
        source: r.source,
        dataSet: r.data_set,
        period: r.period,
        orgUnit: r.org_unit,
        orgUnitCode: r.org_unit_code,
        date: r.date,
      }))
    },

    /** Runs that ended after `after` (ISO instant), oldest end first. */
    async runsFinishedAfter(after: string, limit: number): Promise<FinishedRunFact[]> {
      const rows = await db.query<{
        id: string
        source: string
        mode: string
        trigger: string
        status: string
        counts: Record<string, number> | null
        started_at: unknown
        finished_at: unknown
      }>(
        `SELECT id, source, mode, trigger, status, counts, started_at, finished_at FROM runs
         WHERE finished_at IS NOT NULL AND finished_at > $1::timestamptz
         ORDER BY finished_at, seq LIMIT $2`,
        [after, limit],
      )
      return rows.map((r) => ({
        id: r.id,
        source: r.source,
        mode: r.mode,
        trigger: r.trigger,
        status: r.status,
        counts: r.counts,
        startedAt: toDate(r.started_at),
        finishedAt: toDate(r.finished_at),
      }))
    },

    /** Quarantined records per source now. */
    async quarantinedPerSource(): Promise<Map<string, number>> {
      const rows = await db.query<{ source: string; n: number }>(
        `SELECT source, count(*)::int AS n FROM records WHERE status = 'quarantined' GROUP BY source`,
      )
      return new Map(rows.map((r) => [r.source, Number(r.n)]))
    },

    /** The database's clock (facts are dated by it, not by this process). */
    async now(): Promise<Date> {
      const [row] = await db.query<{ now: unknown }>('SELECT clock_timestamp() AS now')
      return toDate(row?.now)
    },
  }
}

export type OutboundLedger = ReturnType<typeof outboundLedger>
