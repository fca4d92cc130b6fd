/**
 * The zod schemas shared by several routers. Each router keeps its own schemas next to its handlers; a
 * schema made with `named` becomes a component of the OpenAPI document (one source of truth: the same
 * schema validates at run time and is turned into JSON Schema by openapi.ts).
 */
import { z } from 'zod'
import { DEFAULT_PAGE_SIZE } from '../ledger/paging'
import type { RecordSummary } from '../ledger/records'
import { RecordSummarySchema } from './contract'

// The contract's schemas, for the routers (they were defined here before the app took its types from them).
export * from './contract'

export const iso = (date: Date): string => date.toISOString()
export const isoOrNull = (date: Date | null): string | null => (date ? date.toISOString() : null)

/** A ledger id (UUID text) in a path. Not checked as a UUID: an unknown id is simply not found (404). */
export const idParams = z.object({ id: z.string().min(1).max(100) })

/**
 * Most items of one page through the API (the ledger allows 500): with free-form fields compacted (see
 * `compact`), 100 items stay far below the DHIS2 route's 256 KB cap.
 */
export const MAX_API_PAGE_SIZE = 100

/** `page` and `pageSize` of a paged list (query strings, hence coerced). */
export const pageQuery = {
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(MAX_API_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
}

/**
 * A free-form value (an error, an event's or audit entry's detail) as it goes into a list: itself when its
 * JSON is at most `maxChars`, else `{ truncated: true, chars, preview }`. Lists keep LIST_FIELD_CHARS; one
 * record's own answer keeps DETAIL_FIELD_CHARS (and its DHIS2 messages are read from the whole values).
 */
export function compact(value: unknown, maxChars: number): unknown {
  if (value === null || value === undefined) return value ?? null
  const json = JSON.stringify(value)
  if (json === undefined || json.length <= maxChars) return value
  return { truncated: true, chars: json.length, preview: json.slice(0, Math.floor(maxChars / 2)) }
}

export const LIST_FIELD_CHARS = 1000
export const DETAIL_FIELD_CHARS = 4000

/** A record in a list: its last error compacted. */
export function recordSummaryDto(
  r: RecordSummary,
  lastErrorChars = LIST_FIELD_CHARS,
): z.input<typeof RecordSummarySchema> {
  return {
    id: r.id,
    source: r.source,
    sourceKey: r.sourceKey,
    version: r.version,
    contentHash: r.contentHash,
    status: r.status,
    reason: r.reason,
    period: r.period,
    orgUnit: r.orgUnit,
    rcCode: r.rcCode,
    attempts: r.attempts,
    lastError: compact(r.lastError, lastErrorChars),
    runId: r.runId,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  }
}
