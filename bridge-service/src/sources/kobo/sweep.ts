/**
 * The edit sweep (shared/domain/sources.md §1, kobo-odk-api.md §E gotchas 3–5). Kobo edits in place and
 * exposes no edit time: `_id` stays, `_uuid` changes. So the sweep lists `_id` + `_uuid` of every submission
 * (`fields=["_id","_uuid"]`, 1,000 per page), compares with the versions we hold, and fetches in full only
 * the submissions that differ.
 *
 * - changed: a known `_id` with another `_uuid` (an edit) → the new version, which replaces the old one;
 * - added: an `_id` we never took (a back-dated import, or one a pull missed) → taken now;
 * - deleted: a known `_id` absent from the listing and still absent when asked for directly. The second
 *   look matters: Kobo pages by offset, so a delete during the listing shifts rows and one row is skipped
 *   — it must not be reported deleted.
 * A listing that fails part-way throws (the caller retries): deletions are never concluded from a partial
 * listing.
 */
import type { KoboClient, KoboSubmission } from './client'

export interface SweepResult {
  changed: KoboSubmission[]
  added: KoboSubmission[]
  deleted: number[]
  unchanged: number
  /** Submissions the server listed. */
  listed: number
}

export interface SweepOptions {
  /** `_id`s per `$in` query when fetching full submissions (keeps URLs short). Default 200. */
  fetchChunk?: number
}

export interface ListingDiff {
  changed: number[]
  added: number[]
  missing: number[]
  unchanged: number
}

/** Pure comparison of what we hold (`_id` → `_uuid`) with what the server lists. */
export function diffListing(known: ReadonlyMap<number, string>, listed: ReadonlyMap<number, string>): ListingDiff {
  const diff: ListingDiff = { changed: [], added: [], missing: [], unchanged: 0 }
  for (const [id, uuid] of listed) {
    const ours = known.get(id)
    if (ours === undefined) diff.added.push(id)
    else if (ours !== uuid) diff.changed.push(id)
    else diff.unchanged++
  }
  for (const id of known.keys()) if (!listed.has(id)) diff.missing.push(id)
  return diff
}

export async function sweep(
  client: KoboClient,
  assetUid: string,
  known: ReadonlyMap<number, string>,
  options: SweepOptions = {},
): Promise<SweepResult> {
  const listed = new Map<number, string>()
  for await (const page of client.pages(assetUid, { fields: ['_id', '_uuid'], sort: { _id: 1 } }))
    for (const s of page.results) listed.set(s._id, s._uuid)

  const diff = diffListing(known, listed)
  const wanted = [...diff.changed, ...diff.added, ...diff.missing]
  const fetched = await fetchByIds(client, assetUid, wanted, options.fetchChunk ?? 200)

  const result: SweepResult = { changed: [], added: [], deleted: [], unchanged: diff.unchanged, listed: listed.size }
  for (const id of wanted) {
    const doc = fetched.get(id)
    const ours = known.get(id)
    if (!doc) {
      // Gone by now: a deletion if we held it; an added row deleted meanwhile is simply nothing.
      if (ours !== undefined) result.deleted.push(id)
    } else if (ours === undefined) result.added.push(doc)
    else if (ours !== doc._uuid) result.changed.push(doc)
    else result.unchanged++
  }
  result.deleted.sort((a, b) => a - b)
  return result
}

async function fetchByIds(
  client: KoboClient,
  assetUid: string,
  ids: readonly number[],
  chunk: number,
): Promise<Map<number, KoboSubmission>> {
  const found = new Map<number, KoboSubmission>()
  for (let i = 0; i < ids.length; i += chunk) {
    const query = { _id: { $in: ids.slice(i, i + chunk) } }
    for await (const page of client.pages(assetUid, { query, sort: { _id: 1 } }))
      for (const s of page.results) found.set(s._id, s)
  }
  return found
}
