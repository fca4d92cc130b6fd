/**
 * `record_events`: a record's history, one row per status change (written by records.transition*), plus notes
 * that change nothing (`note`: from and to are the record's status, e.g. its submission deleted at the source).
 */
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
    /**
     * Adds a note to the history of each record (its status unchanged), once per `reason`: a record that already
     * has an event with that reason gets no second one. Answers the ids noted now.
     */
    async note(
      recordIds: readonly string[],
      note: { actor: string; reason: string; detail?: unknown },
    ): Promise<string[]> {
      if (recordIds.length === 0) return []
      const rows = await db.query<{ record_id: string }>(
        `INSERT INTO record_events (record_id, actor, from_status, to_status, reason, detail)
         SELECT r.id, $2, r.status, r.status, $3, $4::jsonb FROM records r
          WHERE r.id = ANY($1::text[])
            AND NOT EXISTS (SELECT 1 FROM record_events e WHERE e.record_id = r.id AND e.reason = $3)
         RETURNING record_id`,
        [recordIds, note.actor, note.reason, note.detail === undefined ? null : JSON.stringify(note.detail)],
      )
      return rows.map((r) => r.record_id)
    },

    /**
     * `note` for many records at once, each with its own detail: one statement instead of one per record (the
     * completion stage notes every record of a push; one by one it was 2,000 round trips per 100,000 values).
     * A record listed twice is noted once, with its first detail.
     */
    async noteEach(
      entries: readonly { readonly recordId: string; readonly detail?: unknown }[],
      note: { actor: string; reason: string },
    ): Promise<string[]> {
      const first = new Map<string, unknown>()
      for (const e of entries) if (!first.has(e.recordId)) first.set(e.recordId, e.detail)
      if (first.size === 0) return []
      const details = [...first.values()].map((d) => (d === undefined ? null : JSON.stringify(d)))
      const rows = await db.query<{ record_id: string }>(
        `INSERT INTO record_events (record_id, actor, from_status, to_status, reason, detail)
         SELECT r.id, $3, r.status, r.status, $4, i.detail::jsonb
           FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS i(id, detail, n)
           JOIN records r ON r.id = i.id
          WHERE NOT EXISTS (SELECT 1 FROM record_events e WHERE e.record_id = r.id AND e.reason = $4)
          ORDER BY i.n
         RETURNING record_id`,
        [[...first.keys()], details, note.actor, note.reason],
      )
      return rows.map((r) => r.record_id)
    },

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
