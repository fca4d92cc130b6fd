/**
 * The bridge API's contract: the zod schemas of what it answers. The same schemas validate at run time, become
 * the OpenAPI document (openapi.ts), and type the app's calls (dhis2-app/src/sync/api/types.ts takes its types
 * from here): one contract, never a hand copy. Pure: zod and the ledger's constants only.
 */
import { z } from 'zod'
import { QUARANTINE_REASONS, RECORD_STATUSES, RUN_MODES, RUN_STATUSES } from '../ledger/record-status'

/**
 * A schema that becomes `components.schemas[id]` of the OpenAPI document (zod's `.meta({ id })`, in zod's
 * global registry, where `.meta({ description })` of fields also lives). Use the returned schema.
 */
export function named<T extends z.ZodType>(id: string, schema: T, description?: string): T {
  return schema.meta(description === undefined ? { id } : { id, description })
}

/** Dates travel as ISO 8601 strings (UTC). */
export const timestamp = z.iso.datetime()

/** A value DHIS2 holds now that differs from what a dry run read (an import confirming it is refused). */
export const Dhis2ChangeSchema = named(
  'Dhis2Change',
  z.object({
    dataElement: z.string(),
    categoryOptionCombo: z.string(),
    period: z.string(),
    orgUnit: z.string(),
    then: z.string().nullable(),
    now: z.string().nullable(),
  }),
)

export const ErrorBody = named(
  'Error',
  z.object({
    error: z.string().meta({ description: 'Stable code the app translates, e.g. unknown-source, malformed-json' }),
    message: z.string().meta({ description: 'English explanation' }),
    reason: z.string().optional().meta({ description: 'A finer code, e.g. replayed for a webhook signature' }),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    where: z.object({ line: z.number(), column: z.number(), position: z.number() }).optional(),
    changes: z
      .array(Dhis2ChangeSchema)
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

export const RunSchema = named(
  'Run',
  z.object({
    id: z.string(),
    source: z.string(),
    mode: RunMode,
    trigger: z.string(),
    status: RunStatus,
    actor: z.string(),
    detail: z.record(z.string(), z.unknown()),
    finalCounts: StatusCounts.nullable().meta({ description: 'Stored when the run ended' }),
    startedAt: timestamp,
    finishedAt: timestamp.nullable(),
  }),
)

export const RunDetail = named(
  'RunDetail',
  z.object({ run: RunSchema, counts: StatusCounts.meta({ description: 'Live counts of its records per status' }) }),
)

export const RunListItem = named(
  'RunListItem',
  RunSchema.extend({
    counts: StatusCounts.meta({
      description:
        'Live counts of its records per status: they move after the run ended too, when a person releases or retries its records (finalCounts stay as they were at the end)',
    }),
  }),
)

export const DiffCountsSchema = named(
  'DiffCounts',
  z.object({
    new: z.number().int().meta({ description: 'Values DHIS2 does not hold yet' }),
    changed: z.number().int().meta({ description: 'Values that would replace a different value' }),
    same: z.number().int().meta({ description: 'Values DHIS2 already holds' }),
    overwrite: z.number().int().meta({ description: "Values that would replace a person's: held in quarantine" }),
    refused: z.number().int().meta({ description: "Values DHIS2's own checks refuse" }),
  }),
)

export const RunDiffSchema = named(
  'RunDiff',
  z.object({
    records: z.number().int(),
    totals: DiffCountsSchema,
    rows: z.array(
      z.object({
        orgUnit: z.string().nullable(),
        rcCode: z.string().nullable(),
        period: z.string().nullable(),
        records: z.number().int(),
        counts: DiffCountsSchema,
      }),
    ),
    lines: z.array(
      z.object({
        kind: z.enum(['new', 'changed', 'overwrite', 'refused']),
        rcCode: z.string().nullable(),
        dataElement: z.string(),
        categoryOptionCombo: z.string(),
        period: z.string(),
        orgUnit: z.string(),
        before: z.string().nullable(),
        after: z.string().nullable(),
      }),
    ),
    truncated: z.boolean().meta({ description: 'More lines than shown: the counts hold them all' }),
  }),
  'What a dry run found, value by value: totals, per RC and period, and the values that would change DHIS2.',
)

/** The newest events of a record that its detail carries. */
export const MAX_HISTORY = 50

export const RecordEventSchema = named(
  'RecordEvent',
  z.object({
    id: z.string(),
    at: timestamp,
    actor: z.string(),
    fromStatus: RecordStatus.nullable(),
    toStatus: RecordStatus,
    reason: z.string().nullable(),
    detail: z.unknown(),
  }),
)

export const Dhis2MessageSchema = named(
  'Dhis2Message',
  z.object({
    at: timestamp.nullable(),
    status: z.string().nullable(),
    message: z.string(),
    errorCode: z.string().optional(),
    property: z.string().optional(),
    dataElement: z.string().optional(),
    httpStatus: z.number().int().optional(),
  }),
)

export const RecordDetail = named(
  'RecordDetail',
  z.object({
    record: RecordSummarySchema.extend({ raw: z.unknown(), mapped: z.unknown() }),
    history: z.array(RecordEventSchema).meta({ description: `Oldest first; the newest ${MAX_HISTORY} events` }),
    historyTotal: z.number().int(),
    dhis2Messages: z.array(Dhis2MessageSchema),
    versions: z
      .array(z.object({ id: z.string(), version: z.string(), status: RecordStatus, createdAt: timestamp }))
      .meta({ description: 'Every stored version of the same source record, newest first' }),
  }),
)

export const SOURCE_HEALTH = ['ok', 'attention', 'failing', 'running', 'never-run', 'disabled'] as const

export type SourceHealth = (typeof SOURCE_HEALTH)[number]

export const SourceSchema = named(
  'Source',
  z.object({
    name: z.string(),
    kind: z.enum(['kobo', 'odk', 'csv', 'xlsx', 'webhook']),
    description: z.string().nullable(),
    enabled: z.boolean(),
    mapping: z.string().meta({ description: 'File name of the mapping spec (without its folder)' }),
    allowLateData: z.boolean(),
    schedule: z.string().nullable().meta({ description: 'Cron of the pull (Kobo)' }),
    maxUploadMegabytes: z.number().nullable().meta({ description: 'Upload limit (file sources)' }),
    lastRun: RunSchema.nullable(),
    lastRunCounts: StatusCounts.nullable().meta({ description: 'Live counts of the last run per status' }),
    health: z.enum(SOURCE_HEALTH),
  }),
)

export const BulkResult = named(
  'QuarantineBulkResult',
  z.object({
    results: z.array(
      z.object({
        id: z.string(),
        status: z.string().meta({ description: 'mapped / discarded; quarantined if still invalid; or the error code' }),
        error: z.string().optional(),
      }),
    ),
  }),
  'One outcome per record: one refused record never stops the others.',
)

export const ReleaseResult = named(
  'ReleaseResult',
  z.object({
    id: z.string(),
    status: z.string().meta({ description: 'mapped when released; quarantined when the correction is still invalid' }),
    errors: z.array(z.unknown()).optional().meta({ description: 'Why the correction is still invalid' }),
  }),
)

export const ReleasePreviewSchema = named(
  'ReleasePreview',
  z.object({
    id: z.string(),
    period: z.string().nullable(),
    orgUnit: z.string().nullable(),
    counts: DiffCountsSchema,
    lines: z
      .array(
        z.object({
          kind: z.enum(['new', 'changed', 'overwrite', 'refused']),
          dataElement: z.string(),
          categoryOptionCombo: z.string(),
          period: z.string(),
          orgUnit: z.string(),
          before: z.string().nullable().meta({ description: 'What DHIS2 holds now (null: nothing)' }),
          after: z.string().nullable().meta({ description: 'What the release would write (null: a deletion)' }),
          storedBy: z.string().nullable(),
          lastUpdated: z.string().nullable(),
        }),
      )
      .meta({ description: 'The values that would change what DHIS2 holds' }),
    errors: z.array(z.unknown()).optional().meta({ description: 'Still invalid: nothing would be sent' }),
  }),
  'What a release would write, read against DHIS2 now; nothing is written.',
)

export const DiscardResult = named('DiscardResult', z.object({ id: z.string(), status: RecordStatus }))

export const UploadAccepted = named(
  'UploadAccepted',
  z.object({
    id: z.string().meta({ description: 'The run; poll GET /api/v1/runs/{id}' }),
    rows: z.number().int().nullable().meta({
      description:
        'Rows committed to the ledger; null when the file is large and still being read (it is durable already: poll the run)',
    }),
  }),
)

export const UncompleteResult = named(
  'UncompleteResult',
  z.object({
    id: z.string(),
    status: z
      .enum(['uncompleted', 'not-complete'])
      .meta({ description: 'not-complete: DHIS2 held no completion of the report; nothing was sent' }),
  }),
)
