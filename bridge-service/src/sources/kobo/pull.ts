/**
 * Incremental pull of new submissions by `_submission_time` (shared/domain/sources.md §1). The cursor is
 * plain data: the caller stores it (in the ledger, in the same transaction as the records) and gives it back.
 *
 * `_submission_time` is second-precision text (`2026-10-03T09:12:44`, UTC, compared as strings by Kobo).
 * Several submissions share a second, and one may become visible after we read that second (a slower
 * insert), so a plain `$gt last` would lose it. Instead the query is `$gte (last − overlap)` and the cursor
 * remembers the `_id`s already taken in that window: what is newer than the cursor is taken, ties and
 * late arrivals inside the window are taken once, nothing is taken twice. With `overlapSeconds: 0` this
 * is exactly "strictly after the cursor, ties resolved by `_id`".
 *
 * Each page is yielded with the cursor that covers it, so the caller can commit page by page and a failure
 * half-way loses nothing. What a time cursor can never see — edits, deletions, back-dated imports, a row
 * skipped when a delete shifts Kobo's offset pages — is the sweep's job (sweep.ts).
 */
import type { KoboClient, KoboSubmission } from './client'

export interface PullCursor {
  /** Latest `_submission_time` taken; null before the first pull. */
  submissionTime: string | null
  /** `[_id, _submission_time]` of submissions taken within the overlap window before `submissionTime`. */
  recent: Array<[number, string]>
}

export const EMPTY_CURSOR: PullCursor = { submissionTime: null, recent: [] }

export interface PullOptions {
  /** Re-read window before the cursor, for inserts that become visible late. Default 120 s. */
  overlapSeconds?: number
  pageSize?: number
}

export interface PullBatch {
  /** New submissions, in `_submission_time`, `_id` order. */
  submissions: KoboSubmission[]
  /** The cursor to store once these submissions are committed. */
  cursor: PullCursor
}

const KOBO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/

/** Kobo time minus some seconds, in Kobo's own format (never with `Z` or a fraction). */
export function koboTimeMinus(time: string, seconds: number): string {
  return new Date(Date.parse(`${time}Z`) - seconds * 1000).toISOString().slice(0, 19)
}

/** The `/data/` query for a pull from `cursor`. */
export function pullQuery(cursor: PullCursor, overlapSeconds: number): Record<string, unknown> {
  if (!cursor.submissionTime) return {}
  return { _submission_time: { $gte: koboTimeMinus(cursor.submissionTime, overlapSeconds) } }
}

/** The cursor after taking `taken` (pure). Old entries leave `recent` once out of the window. */
export function advanceCursor(
  cursor: PullCursor,
  taken: readonly KoboSubmission[],
  overlapSeconds: number,
): PullCursor {
  let latest = cursor.submissionTime
  const recent = [...cursor.recent]
  for (const s of taken) {
    const time = s._submission_time
    if (typeof time !== 'string' || !KOBO_TIME.test(time)) continue
    recent.push([s._id, time])
    if (latest === null || time > latest) latest = time
  }
  if (latest === null) return { submissionTime: null, recent: [] }
  const windowStart = koboTimeMinus(latest, overlapSeconds)
  return { submissionTime: latest, recent: recent.filter(([, time]) => time >= windowStart) }
}

export async function* pull(
  client: KoboClient,
  assetUid: string,
  cursor: PullCursor,
  options: PullOptions = {},
): AsyncGenerator<PullBatch> {
  const overlap = options.overlapSeconds ?? 120
  const seen = new Set(cursor.recent.map(([id]) => id))
  let current = cursor
  const pages = client.pages(assetUid, {
    query: pullQuery(cursor, overlap),
    sort: { _submission_time: 1, _id: 1 },
    limit: options.pageSize,
  })
  for await (const page of pages) {
    // `seen` also drops a row offered twice by shifting offset pages within this run.
    const fresh = page.results.filter((s) => !seen.has(s._id))
    if (fresh.length === 0) continue
    for (const s of fresh) seen.add(s._id)
    current = advanceCursor(current, fresh, overlap)
    yield { submissions: fresh, cursor: current }
  }
}

/** Convenience for tests and small sources: the whole pull at once. */
export async function pullAll(
  client: KoboClient,
  assetUid: string,
  cursor: PullCursor,
  options: PullOptions = {},
): Promise<PullBatch> {
  const submissions: KoboSubmission[] = []
  let last = cursor
  for await (const batch of pull(client, assetUid, cursor, options)) {
    submissions.push(...batch.submissions)
    last = batch.cursor
  }
  return { submissions, cursor: last }
}
