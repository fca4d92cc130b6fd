/**
 * The zod schemas shared by several routers. Each router keeps its own schemas next to its handlers; a
 * schema made with `named` becomes a component of the OpenAPI document (one source of truth: the same
 * schema validates at run time and is turned into JSON Schema by openapi.ts).
 */
import { z } from 'zod'
import { DEFAULT_PAGE_SIZE } from '../ledger/paging'
import { QUARANTINE_REASONS, RECORD_STATUSES } from '../ledger/record-status'
import type { RecordSummary } from '../ledger/records'
import { RUN_MODES, RUN_STATUSES } from '../ledger/runs'

/**
 * A schema that becomes `components.schemas[id]` of the OpenAPI document (zod's `.meta({ id })`, in zod's
 * global registry, where `.meta({ description })` of fields also lives). Use the returned schema.
 */
export function named<T extends z.ZodType>(id: string, schema: T, description?: string): T {
  return schema.meta(description === undefined ? { id } : { id, description })
}

/** Dates travel as ISO 8601 strings (UTC). */
export const timestamp = z.iso.datetime()
export const iso = (date: Date): string => date.toISOString()
export const isoOrNull = (date: Date | null): string | null => (date ? date.toISOString() : null)

/** A ledger id (UUID text) in a path. Not checked as a UUID: an unknown id is simply not found (404). */
export const idParams = z.object({ id: z.string().min(1).max(100) })

export const ErrorBody = named(
  'Error',
  z.object({
    error: z.string().meta({ description: 'Stable code the app translates, e.g. unknown-source, malformed-json' }),
    message: z.string().meta({ description: 'English explanation' }),
    reason: z.string().optional().meta({ description: 'A finer code, e.g. replayed for a webhook signature' }),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    where: z.object({ line: z.number(), column: z.number(), position: z.number() }).optional(),
    changes: z
      .array(
        z.object({
          dataElement: z.string(),
          categoryOptionCombo: z.string(),
          period: z.string(),
          orgUnit: z.string(),
          then: z.string().nullable(),
          now: z.string().nullable(),
        }),
      )
      .optional()
      .meta({ description: 'dhis2-changed: the values DHIS2 holds now that differ from what the dry run read' }),
  }),
  'Every error answer.',
)

export const Pager = named(
  'Pager',
  z.object({
    page: z.number().int(),
    pageSize: z.number().int(),
    total: z.number().int(),
    pageCount: z.number().int(),
  }),
)

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

export function pagedOf<T extends z.ZodType>(id: string, item: T) {
  return named(id, z.object({ items: z.array(item), pager: Pager }))
}

export const RecordStatus = named('RecordStatus', z.enum(RECORD_STATUSES))
export const QuarantineReason = named('QuarantineReason', z.enum(QUARANTINE_REASONS))
export const RunMode = named('RunMode', z.enum(RUN_MODES))
export const RunStatus = named('RunStatus', z.enum(RUN_STATUSES))

export const StatusCounts = named(
  'StatusCounts',
  z.object({ ...Object.fromEntries(RECORD_STATUSES.map((s) => [s, z.number().int()])), total: z.number().int() }),
  'Records per status, and their total.',
)

export const RecordSummarySchema = named(
  'RecordSummary',
  z.object({
    id: z.string(),
    source: z.string(),
    sourceKey: z.string(),
    version: z.string(),
    contentHash: z.string(),
    status: RecordStatus,
    reason: z.string().nullable().meta({ description: 'Quarantine reason, or the reason it was discarded' }),
    period: z.string().nullable(),
    orgUnit: z.string().nullable(),
    rcCode: z.string().nullable(),
    attempts: z.number().int(),
    lastError: z.unknown(),
    runId: z.string().nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  }),
)

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
