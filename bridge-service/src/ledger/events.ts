/** `record_events`: a record's history, one row per status change (written by records.transition*). */
import type { Db } from './db'
import type { RecordStatus } from './record-status'
import { fromJson, toDate } from './sql'

export interface RecordEvent {
  readonly id: string
  readonly recordId: string
  readonly at: Date
  readonly actor: string
  /** null for the record's arrival. */
  readonly fromStatus: RecordStatus | null
  readonly toStatus: RecordStatus
  readonly reason: string | null
  /** e.g. DHIS2's message for this record. */
  readonly detail: unknown
}

interface EventRow {
  id: string
  record_id: string
  at: unknown
  actor: string
  from_status: RecordStatus | null
  to_status: RecordStatus
  reason: string | null
  detail: unknown
}

export function eventsRepository(db: Db) {
  return {
    /** A record's history, oldest first. */
    async forRecord(recordId: string): Promise<RecordEvent[]> {
      const rows = await db.query<EventRow>(
        `SELECT id, record_id, at, actor, from_status, to_status, reason, detail
           FROM record_events WHERE record_id = $1 ORDER BY seq`,
        [recordId],
      )
      return rows.map((r) => ({
        id: r.id,
        recordId: r.record_id,
        at: toDate(r.at),
        actor: r.actor,
        fromStatus: r.from_status,
        toStatus: r.to_status,
        reason: r.reason,
        detail: fromJson(r.detail),
      }))
    },
  }
}

export type EventsRepository = ReturnType<typeof eventsRepository>
