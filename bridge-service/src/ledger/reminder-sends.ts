/** `reminder_sends`: every reminder planned, sent, failed or held out (issue 15 §1). */
import type { Db } from './db'
import { pageBounds, paged, type PageRequest, type Paged } from './paging'
import { Params, fromJson, json, toDate, toDateOrNull } from './sql'

export type ReminderSendStatus = 'pending' | 'sent' | 'failed' | 'held-out'
export type ReminderSendKind = 'reminder' | 'escalation' | 'summary' | 'manual' | 'holdout'
export type ReminderChannel = 'message' | 'sms' | 'none'

export interface NewReminderSend {
  readonly ruleId: string
  readonly kind: ReminderSendKind
  readonly period: string
  readonly orgUnit: string
  readonly zone: string
  readonly recipient: string
  readonly channel: ReminderChannel
  /** Programme-local date, YYYY-MM-DD. */
  readonly day: string
  readonly template: string
  /** Kept until the send has gone, for its retries; null once sent, and for held-out rows. */
  readonly subject?: string | null
  readonly text?: string | null
  readonly actor?: string
}

export interface ReminderSend extends NewReminderSend {
  readonly id: string
  readonly status: ReminderSendStatus
  readonly attempts: number
  readonly answer: unknown
  readonly error: string | null
  readonly actor: string
  readonly createdAt: Date
  readonly sentAt: Date | null
  /** SMS only: DHIS2's uid of the outbound SMS, and its status there (SENT, FAILED, DELIVERED…), once found. */
  readonly smsId: string | null
  readonly delivery: string | null
}

/** DHIS2's outbound SMS statuses that may still change (OutboundSmsStatus); the others are final. */
export const OPEN_DELIVERY = ['OUTBOUND', 'SENT', 'PENDING', 'SCHEDULED'] as const

export interface ReminderSendFilter {
  readonly period?: string
  readonly day?: string
  readonly status?: ReminderSendStatus
  readonly orgUnit?: string
  /** Only sends about these RC (the caller's scope); undefined: all. */
  readonly orgUnitIn?: readonly string[]
}

interface Row {
  id: string
  rule_id: string
  kind: ReminderSendKind
  period: string
  org_unit: string
  zone: string
  recipient: string
  channel: ReminderChannel
  day: unknown
  template: string
  subject: string | null
  text: string | null
  status: ReminderSendStatus
  attempts: number
  answer: unknown
  error: string | null
  actor: string
  created_at: unknown
  sent_at: unknown
  sms_id: string | null
  delivery: string | null
}

const COLUMNS = `id, rule_id, kind, period, org_unit, zone, recipient, channel, to_char(day, 'YYYY-MM-DD') AS day,
  template, subject, text, status, attempts, answer, error, actor, created_at, sent_at, sms_id, delivery`

const toSend = (r: Row): ReminderSend => ({
  id: String(r.id),
  ruleId: r.rule_id,
  kind: r.kind,
  period: r.period,
  orgUnit: r.org_unit,
  zone: r.zone,
  recipient: r.recipient,
  channel: r.channel,
  day: String(r.day),
  template: r.template,
  subject: r.subject,
  text: r.text,
  status: r.status,
  attempts: Number(r.attempts),
  answer: fromJson(r.answer),
  error: r.error,
  actor: r.actor,
  createdAt: toDate(r.created_at),
  sentAt: toDateOrNull(r.sent_at),
  smsId: r.sms_id,
  delivery: r.delivery,
})

function where(filter: ReminderSendFilter, params: Params): string {
  const clauses: string[] = []
  if (filter.period !== undefined) clauses.push(`period = ${params.add(filter.period)}`)
  if (filter.day !== undefined) clauses.push(`day = ${params.add(filter.day)}::date`)
  if (filter.status !== undefined) clauses.push(`status = ${params.add(filter.status)}`)
  if (filter.orgUnit !== undefined) clauses.push(`org_unit = ${params.add(filter.orgUnit)}`)
  if (filter.orgUnitIn !== undefined) clauses.push(`org_unit = ANY(${params.add([...filter.orgUnitIn])}::text[])`)
  return clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`
}

export function reminderSendsRepository(db: Db) {
  return {
    /**
     * Records sends before they go. Answers only the rows this call inserted: a row another process recorded
     * first (same RC, day, channel, recipient and kind) is left to that process.
     */
    async claim(
      sends: readonly NewReminderSend[],
      status: 'pending' | 'held-out' = 'pending',
    ): Promise<ReminderSend[]> {
      const claimed: ReminderSend[] = []
      for (const s of sends) {
        const rows = await db.query<Row>(
          `INSERT INTO reminder_sends
             (rule_id, kind, period, org_unit, zone, recipient, channel, day, template, subject, text, status, actor)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8::date, $9, $10, $11, $12, $13)
           ON CONFLICT ON CONSTRAINT reminder_sends_once DO NOTHING
           RETURNING ${COLUMNS}`,
          [
            s.ruleId,
            s.kind,
            s.period,
            s.orgUnit,
            s.zone,
            s.recipient,
            s.channel,
            s.day,
            s.template,
            status === 'held-out' ? null : (s.subject ?? null),
            status === 'held-out' ? null : (s.text ?? null),
            status,
            s.actor ?? 'scheduler',
          ],
        )
        if (rows[0]) claimed.push(toSend(rows[0]))
      }
      return claimed
    },

    async markSent(id: string, answer: unknown): Promise<void> {
      await db.query(
        `UPDATE reminder_sends SET status = 'sent', attempts = attempts + 1, answer = $2::jsonb, error = NULL,
           subject = NULL, text = NULL, sent_at = now(), touched_at = now() WHERE id = $1`,
        [id, json(answer)],
      )
    },

    async markFailed(id: string, error: string, answer: unknown = null): Promise<void> {
      await db.query(
        `UPDATE reminder_sends SET status = 'failed', attempts = attempts + 1, error = $2, answer = $3::jsonb,
           touched_at = now() WHERE id = $1`,
        [id, error.slice(0, 1000), json(answer)],
      )
    },

    /** DHIS2's record of a sent SMS: its uid and status there. */
    async markDelivery(id: string, smsId: string, delivery: string): Promise<void> {
      await db.query(
        `UPDATE reminder_sends SET sms_id = $2, delivery = $3, delivery_checked_at = now() WHERE id = $1`,
        [id, smsId, delivery.slice(0, 40)],
      )
    },

    /** SMS sent in the last `days` days whose status in DHIS2 may still change, least recently checked first. */
    async openDeliveries(days: number, limit: number): Promise<{ id: string; smsId: string }[]> {
      const rows = await db.query<{ id: string; sms_id: string }>(
        `SELECT id, sms_id FROM reminder_sends
          WHERE channel = 'sms' AND status = 'sent' AND sms_id IS NOT NULL AND delivery = ANY($1::text[])
            AND sent_at > now() - ($2::int * interval '1 day')
          ORDER BY delivery_checked_at NULLS FIRST, id LIMIT $3`,
        [[...OPEN_DELIVERY], days, limit],
      )
      return rows.map((r) => ({ id: String(r.id), smsId: r.sms_id }))
    },

    /** Takes a failed send for another try; false when another process took it first. */
    async claimRetry(id: string): Promise<boolean> {
      const rows = await db.query(
        `UPDATE reminder_sends SET status = 'pending', touched_at = now() WHERE id = $1 AND status = 'failed'
         RETURNING id`,
        [id],
      )
      return rows.length === 1
    },

    /**
     * Sends left `pending` longer than `minutes` (the process sending them died before DHIS2 answered) become
     * failures, to be retried; answers how many. DHIS2 may have taken one already: a rare duplicate is better
     * than a reminder lost.
     */
    async failInterrupted(minutes: number): Promise<number> {
      const rows = await db.query(
        `UPDATE reminder_sends SET status = 'failed', attempts = attempts + 1, error = 'interrupted', touched_at = now()
          WHERE status = 'pending' AND touched_at < now() - ($1::int * interval '1 minute') RETURNING id`,
        [minutes],
      )
      return rows.length
    },

    /** Failed sends of a day still worth another try, oldest first. */
    async retryable(day: string, maxAttempts: number): Promise<ReminderSend[]> {
      const rows = await db.query<Row>(
        `SELECT ${COLUMNS} FROM reminder_sends WHERE status = 'failed' AND day = $1::date AND attempts < $2 ORDER BY id`,
        [day, maxAttempts],
      )
      return rows.map(toSend)
    },

    /** Every send of a period (the planner's memory and the effect's input). */
    async ofPeriod(period: string): Promise<ReminderSend[]> {
      const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM reminder_sends WHERE period = $1 ORDER BY id`, [period])
      return rows.map(toSend)
    },

    /** Newest first. */
    async list(filter: ReminderSendFilter = {}, page: PageRequest = {}): Promise<Paged<ReminderSend>> {
      const bounds = pageBounds(page)
      const params = new Params()
      const clause = where(filter, params)
      const [count] = await db.query<{ total: number }>(
        `SELECT count(*)::int AS total FROM reminder_sends ${clause}`,
        params.values,
      )
      const rows = await db.query<Row>(
        `SELECT ${COLUMNS} FROM reminder_sends ${clause}
          ORDER BY id DESC LIMIT ${params.add(bounds.pageSize)} OFFSET ${params.add(bounds.offset)}`,
        params.values,
      )
      return paged(rows.map(toSend), bounds, count?.total ?? 0)
    },

    /** The periods with sends, newest first (for the effect's month list). */
    async periods(): Promise<string[]> {
      const rows = await db.query<{ period: string }>(
        `SELECT DISTINCT period FROM reminder_sends ORDER BY period DESC LIMIT 24`,
      )
      return rows.map((r) => r.period)
    },
  }
}

export type ReminderSendsRepository = ReturnType<typeof reminderSendsRepository>
