/**
 * Incremental pull of a form's new, edited and deleted submissions from ODK Central (shared/domain/sources.md;
 * kobo-odk-api.md §B3, §B4, §E5–§E7). The cursor is plain data: the caller stores it in the ledger in the
 * same transaction as the records, and gives it back.
 *
 * Unlike Kobo, Central tells what changed: `__system/submissionDate` (new), `__system/updatedAt` (an edit —
 * a new instanceID under the same `__id` — or a review), `__system/deletedAt` (a soft delete). One query
 * asks for all three since the newest time we have taken (a change made after our last read carries a
 * time at least as late as anything we read then). Naming `deletedAt` in the filter is also what makes
 * Central return deleted rows at all (cb `odataExcludeDeleted`).
 *
 * Central keeps microseconds and shows milliseconds, and stamps a row before its transaction commits, so
 * a row may turn up late or again: the query starts `overlapSeconds` before the cursor and the cursor
 * remembers (`__id`, version) pairs taken in that window, so nothing is lost and nothing taken twice.
 *
 * Pages are followed through `@odata.nextLink`, Central's keyset paging, which stays right while
 * submissions arrive (`$top/$skip` shifts, §E5). Its order is newest submission first, not the order of
 * changes, so the cursor can only move once the whole change set is read: the rows are read first, then
 * handed over oldest change first in batches, each with the cursor that covers it.
 */
import type { OdkClient, OdkRow } from './client'

export interface OdkCursor {
  /** Newest `__system/submissionDate` taken (ISO, ms, Z); null before the first pull. */
  submissionDate: string | null
  /** Newest `__system/updatedAt` taken. */
  updatedAt: string | null
  /** Newest `__system/deletedAt` noted. */
  deletedAt: string | null
  /** `[__id, version, change time]` taken within the overlap window before the newest change time. */
  recent: Array<[string, string, string]>
}

export const EMPTY_ODK_CURSOR: OdkCursor = { submissionDate: null, updatedAt: null, deletedAt: null, recent: [] }

export interface OdkPullOptions {
  /** Re-read window before the cursor, for rows that become visible late. Default 120 s. */
  overlapSeconds?: number
  /** `$top` of each OData page. */
  pageSize?: number
  /** Rows per batch handed to the caller (one ledger transaction each). Default 500. */
  batchSize?: number
}

export interface OdkPullBatch {
  /** New and edited submissions, oldest change first. */
  submissions: OdkRow[]
  /** Submissions deleted in Central (soft deletes, `__system/deletedAt` set). */
  deleted: OdkRow[]
  /** The cursor to store once this batch is committed. */
  cursor: OdkCursor
}

/** When a row last changed: its newest system time. */
export function changeTime(row: OdkRow): string {
  const s = row.__system
  return [s.submissionDate, s.updatedAt ?? '', s.deletedAt ?? ''].reduce((a, b) => (b > a ? b : a))
}

/** What makes a row worth taking again: an edit (updatedAt) or a delete. */
function versionKey(row: OdkRow): string {
  return `${row.__system.updatedAt ?? row.__system.submissionDate}|${row.__system.deletedAt ?? ''}`
}

function newest(cursor: OdkCursor): string | null {
  const times = [cursor.submissionDate, cursor.updatedAt, cursor.deletedAt].filter((t): t is string => t !== null)
  return times.length === 0 ? null : times.reduce((a, b) => (b > a ? b : a))
}

/** ISO time minus some seconds, with the explicit `Z` Central needs (§E6). */
export function odkTimeMinus(time: string, seconds: number): string {
  return new Date(Date.parse(time) - seconds * 1000).toISOString()
}

/** The `$filter` of a pull from `cursor`; none on the first pull (deleted rows then stay hidden, as wanted). */
export function pullFilter(cursor: OdkCursor, overlapSeconds: number): string | undefined {
  const last = newest(cursor)
  if (last === null) return undefined
  const since = odkTimeMinus(last, overlapSeconds)
  return ['submissionDate', 'updatedAt', 'deletedAt'].map((f) => `__system/${f} ge ${since}`).join(' or ')
}

/** The cursor after taking `rows` (pure). Old entries leave `recent` once out of the window. */
export function advanceOdkCursor(cursor: OdkCursor, rows: readonly OdkRow[], overlapSeconds: number): OdkCursor {
  const max = (a: string | null, b: string | null | undefined) => (b && (a === null || b > a) ? b : a)
  let { submissionDate, updatedAt, deletedAt } = cursor
  const recent = [...cursor.recent]
  for (const row of rows) {
    submissionDate = max(submissionDate, row.__system.submissionDate)
    updatedAt = max(updatedAt, row.__system.updatedAt)
    deletedAt = max(deletedAt, row.__system.deletedAt)
    recent.push([row.__id, versionKey(row), changeTime(row)])
  }
  const next: OdkCursor = { submissionDate, updatedAt, deletedAt, recent: [] }
  const last = newest(next)
  if (last === null) return EMPTY_ODK_CURSOR
  const windowStart = odkTimeMinus(last, overlapSeconds)
  next.recent = recent.filter(([, , time]) => time >= windowStart)
  return next
}

export async function* pullOdk(
  client: OdkClient,
  xmlFormId: string,
  cursor: OdkCursor,
  options: OdkPullOptions = {},
): AsyncGenerator<OdkPullBatch> {
  const overlap = options.overlapSeconds ?? 120
  const batchSize = options.batchSize ?? 500
  const taken = new Set(cursor.recent.map(([id, version]) => `${id} ${version}`))
  const filter = pullFilter(cursor, overlap)
  const byId = new Map<string, OdkRow>()
  for await (const page of client.pages(xmlFormId, { ...(filter ? { filter } : {}), top: options.pageSize }))
    for (const row of page.rows) if (!taken.has(`${row.__id} ${versionKey(row)}`)) byId.set(row.__id, row)
  const rows = [...byId.values()].sort(
    (a, b) => changeTime(a).localeCompare(changeTime(b)) || a.__id.localeCompare(b.__id),
  )
  let current = cursor
  for (let i = 0; i < rows.length; i += batchSize) {
    const batch = rows.slice(i, i + batchSize)
    current = advanceOdkCursor(current, batch, overlap)
    yield {
      submissions: batch.filter((r) => !r.__system.deletedAt),
      deleted: batch.filter((r) => Boolean(r.__system.deletedAt)),
      cursor: current,
    }
  }
}

/** Convenience for tests and small forms: the whole pull at once. */
export async function pullOdkAll(
  client: OdkClient,
  xmlFormId: string,
  cursor: OdkCursor,
  options: OdkPullOptions = {},
): Promise<OdkPullBatch> {
  const all: OdkPullBatch = { submissions: [], deleted: [], cursor }
  for await (const batch of pullOdk(client, xmlFormId, cursor, options)) {
    all.submissions.push(...batch.submissions)
    all.deleted.push(...batch.deleted)
    all.cursor = batch.cursor
  }
  return all
}
