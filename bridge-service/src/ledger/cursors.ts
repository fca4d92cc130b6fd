/**
 * `source_cursors`: how far each source has been read (Kobo: last `_submission_time`, …).
 *
 * The cursor moves in the SAME transaction as the records it covers, so that a crash can never leave the
 * cursor ahead of what was stored:
 *
 * ```ts
 * await db.transaction(async (tx) => {
 *   await recordsRepository(tx).insertMany(batch, { actor: 'source:kobo' })
 *   await cursorsRepository(tx).set('kobo', { submittedAfter: last })
 * })
 * ```
 */
import type { Db } from './db'
import { fromJson, json, toDate } from './sql'

export interface SourceCursor<T = unknown> {
  readonly source: string
  readonly cursor: T
  readonly updatedAt: Date
}

export function cursorsRepository(db: Db) {
  return {
    async get<T = unknown>(source: string): Promise<SourceCursor<T> | undefined> {
      const [row] = await db.query<{ source: string; cursor: unknown; updated_at: unknown }>(
        'SELECT source, cursor, updated_at FROM source_cursors WHERE source = $1',
        [source],
      )
      return row && { source: row.source, cursor: fromJson<T>(row.cursor) as T, updatedAt: toDate(row.updated_at) }
    },

    async set(source: string, cursor: unknown): Promise<void> {
      if (cursor === undefined || cursor === null) throw new TypeError(`the cursor of ${source} must not be empty`)
      await db.query(
        `INSERT INTO source_cursors (source, cursor, updated_at) VALUES ($1, $2::jsonb, now())
         ON CONFLICT (source) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = EXCLUDED.updated_at`,
        [source, json(cursor)],
      )
    },

    /** Forget a source's position (the next pull starts from the beginning). */
    async reset(source: string): Promise<void> {
      await db.query('DELETE FROM source_cursors WHERE source = $1', [source])
    },
  }
}

export type CursorsRepository = ReturnType<typeof cursorsRepository>
