// The bridge's answers as the console reads them (bridge-service/src/api/routes/*.ts and api/schemas.ts, whose
// zod schemas also generate the OpenAPI document). Only the fields the console uses are typed strictly.

export const RECORD_STATUSES = [
  'received',
  'mapped',
  'imported',
  'unchanged',
  'quarantined',
  'discarded',
  'failed',
] as const
export type RecordStatus = (typeof RECORD_STATUSES)[number]

export const QUARANTINE_REASONS = ['invalid', 'conflict', 'duplicate', 'late', 'overwrite'] as const
export type QuarantineReason = (typeof QUARANTINE_REASONS)[number]

export const RUN_STATUSES = ['running', 'completed', 'failed', 'cancelled'] as const
export type RunStatus = (typeof RUN_STATUSES)[number]

export type RunMode = 'dry-run' | 'import'

export const SOURCE_HEALTH = ['ok', 'attention', 'failing', 'running', 'never-run', 'disabled'] as const
export type SourceHealth = (typeof SOURCE_HEALTH)[number]

export type StatusCounts = Record<RecordStatus, number> & { total: number }

export interface Pager {
  page: number
  pageSize: number
  total: number
  pageCount: number
}

export interface Paged<T> {
  items: T[]
  pager: Pager
}

export interface Run {
  id: string
  source: string
  mode: RunMode
  trigger: string
  status: RunStatus
  actor: string
  detail: Record<string, unknown>
  finalCounts: StatusCounts | null
  startedAt: string
  finishedAt: string | null
}

/** A run in the history, with the live counts of its records (they move when a person releases or retries). */
export interface RunListItem extends Run {
  counts: StatusCounts
}

export interface RunDetail {
  run: Run
  counts: StatusCounts
}

export interface Source {
  name: string
  kind: 'kobo' | 'csv' | 'xlsx' | 'webhook'
  description: string | null
  enabled: boolean
  mapping: string
  allowLateData: boolean
  schedule: string | null
  maxUploadMegabytes: number | null
  lastRun: Run | null
  lastRunCounts: StatusCounts | null
  health: SourceHealth
}

export interface RecordSummary {
  id: string
  source: string
  sourceKey: string
  version: string
  contentHash: string
  status: RecordStatus
  /** The quarantine reason, or why it was discarded. */
  reason: string | null
  period: string | null
  orgUnit: string | null
  rcCode: string | null
  attempts: number
  lastError: unknown
  runId: string | null
  createdAt: string
  updatedAt: string
}

export interface RecordEvent {
  id: string
  at: string
  actor: string
  fromStatus: RecordStatus | null
  toStatus: RecordStatus
  reason: string | null
  detail: unknown
}

export interface Dhis2Message {
  at: string | null
  status: string | null
  message: string
  errorCode?: string
  property?: string
  dataElement?: string
  httpStatus?: number
}

export interface RecordDetail {
  record: RecordSummary & { raw: unknown; mapped: unknown }
  history: RecordEvent[]
  historyTotal: number
  dhis2Messages: Dhis2Message[]
  versions: Array<{ id: string; version: string; status: RecordStatus; createdAt: string }>
}

/** What the mapper says about a record (mappings/src/engine/issues.ts), as stored in lastError and release errors. */
export interface MappingIssue {
  code: string
  field?: string
  raw?: string
  dataElement?: string
  categoryOptionCombo?: string
  rule?: string
  /** DHIS2's own code and words, shown on request only. */
  dhis2?: { errorCode: string; message: string }
  message: { fr: string; en: string } | string
}

export interface ReleaseResult {
  id: string
  /** `mapped` when released; `quarantined` when the correction is still invalid. */
  status: string
  errors?: unknown[]
}

export interface DiscardResult {
  id: string
  status: RecordStatus
}

export interface UploadAccepted {
  id: string
  /** Rows in the ledger; null when the bridge answered before reading a large file to its end. */
  rows: number | null
}

/** Every error answer of the bridge. */
export interface BridgeErrorBody {
  error: string
  message: string
  reason?: string
  issues?: Array<{ path: string; message: string }>
}

export type DiffKind = 'new' | 'changed' | 'same' | 'overwrite' | 'refused'
export type DiffCounts = Record<DiffKind, number>

/** A dry run's diff against DHIS2 (GET /api/v1/runs/{id}/diff). */
export interface RunDiff {
  records: number
  totals: DiffCounts
  rows: Array<{
    orgUnit: string | null
    rcCode: string | null
    period: string | null
    records: number
    counts: DiffCounts
  }>
  lines: Array<{
    kind: Exclude<DiffKind, 'same'>
    rcCode: string | null
    dataElement: string
    categoryOptionCombo: string
    period: string
    orgUnit: string
    before: string | null
    after: string | null
  }>
  truncated: boolean
}
