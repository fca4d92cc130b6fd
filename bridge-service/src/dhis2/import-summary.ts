/**
 * Reading DHIS2's answer to `POST /api/dataValueSets` (web-api reference §2.6, §2.7, §11.1) and turning
 * it into one outcome per value sent, then per record. Pure: no I/O.
 *
 * How DHIS2 reports (2.38–2.41):
 * - SUCCESS (HTTP 200): every value was written, counted `imported`/`updated`/`deleted`, or `ignored`
 *   because it was unchanged. `ignored` is not an error; a value is rejected only when its index is in
 *   `rejectedIndexes` or in a conflict's `indexes`.
 * - WARNING (HTTP 409!): some values were refused, **the others were saved**. Each refused value's
 *   0-based index is in its conflict's `indexes` (2.37+) and in `rejectedIndexes` (2.39+).
 * - ERROR (HTTP 409): the import was aborted before any value was written, usually by a data-set-level
 *   conflict (E7600–E7604) that has no `indexes`: every value is rejected with that message.
 * - `/api/37/…` and older answer a bare ImportSummary (HTTP 200 even on ERROR); 2.38+ wrap it in a
 *   WebMessage. `readImportSummary` accepts both.
 *
 * When a WARNING names conflicts but no index at all (a server older than 2.37), the refused values
 * cannot be told apart from the saved ones. Rather than guess, every value is reported rejected and the
 * result is flagged `ambiguous`: re-sending is safe (dataValueSets is an upsert; unchanged values come
 * back `ignored`), claiming "imported" for a refused value is not. The same holds when DHIS2 names
 * indexes beyond the values sent: the summary does not line up with the payload.
 */
import { z } from 'zod'

export type ImportStatus = 'SUCCESS' | 'WARNING' | 'ERROR'

export interface ImportCount {
  imported: number
  updated: number
  ignored: number
  deleted: number
}

/** One entry of `conflicts` (core@2.41 ImportConflict): `value` is the human message. */
export interface ImportConflict {
  object?: string
  objects?: Record<string, string>
  value?: string
  errorCode?: string
  property?: string
  indexes?: number[]
}

export interface ImportSummary {
  status: ImportStatus
  description?: string
  importCount: ImportCount
  conflicts: ImportConflict[]
  /** 2.39+; absent in 2.38 (and left out by some servers when empty). */
  rejectedIndexes?: number[]
  dataSetComplete?: string
  /** `importOptions.dryRun`: nothing was stored whatever the counts say. */
  dryRun: boolean
}

const count = z.number().int().nonnegative()
const index = z.number().int().nonnegative()

const conflictSchema = z.object({
  object: z.string().optional(),
  objects: z.record(z.string(), z.unknown()).optional(),
  value: z.string().optional(),
  errorCode: z.string().optional(),
  property: z.string().optional(),
  indexes: z.array(index).optional(),
})

const summarySchema = z.object({
  responseType: z.literal('ImportSummary').optional(),
  status: z.enum(['SUCCESS', 'WARNING', 'ERROR']),
  description: z.string().optional(),
  importCount: z
    .object({
      imported: count.default(0),
      updated: count.default(0),
      ignored: count.default(0),
      deleted: count.default(0),
    })
    .default({ imported: 0, updated: 0, ignored: 0, deleted: 0 }),
  conflicts: z.array(conflictSchema).optional(),
  rejectedIndexes: z.array(index).optional(),
  // A date string, "false", or (seen in older servers) a boolean.
  dataSetComplete: z.union([z.string(), z.boolean()]).optional(),
  importOptions: z.object({ dryRun: z.boolean().optional() }).optional(),
})

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** Is this body an ImportSummary itself (and not a WebMessage whose `status` is OK/WARNING/ERROR)? */
function looksLikeSummary(body: Record<string, unknown>): boolean {
  return body.responseType === 'ImportSummary' || (isObject(body.importCount) && body.httpStatusCode === undefined)
}

/**
 * The ImportSummary in a dataValueSets answer: the WebMessage's `response` (2.38+) or the bare summary
 * (before API version 38, and in async task summaries). Undefined when the body holds none.
 */
export function readImportSummary(body: unknown): ImportSummary | undefined {
  if (!isObject(body)) return undefined
  const candidate = looksLikeSummary(body) ? body : body.response
  if (!isObject(candidate) || !looksLikeSummary(candidate)) return undefined
  const parsed = summarySchema.safeParse(candidate)
  if (!parsed.success) return undefined
  const s = parsed.data
  const summary: ImportSummary = {
    status: s.status,
    importCount: s.importCount,
    conflicts: (s.conflicts ?? []).map(toConflict),
    dryRun: s.importOptions?.dryRun ?? false,
  }
  if (s.description !== undefined) summary.description = s.description
  if (s.rejectedIndexes !== undefined) summary.rejectedIndexes = s.rejectedIndexes
  if (s.dataSetComplete !== undefined) summary.dataSetComplete = String(s.dataSetComplete)
  return summary
}

function toConflict(c: z.infer<typeof conflictSchema>): ImportConflict {
  const out: ImportConflict = {}
  if (c.object !== undefined) out.object = c.object
  if (c.objects !== undefined) {
    out.objects = Object.fromEntries(
      Object.entries(c.objects).filter((e): e is [string, string] => typeof e[1] === 'string'),
    )
  }
  if (c.value !== undefined) out.value = c.value
  if (c.errorCode !== undefined) out.errorCode = c.errorCode
  if (c.property !== undefined) out.property = c.property
  if (c.indexes !== undefined) out.indexes = c.indexes
  return out
}

// ---------------------------------------------------------------------------------------------------------
// Per value

/** What DHIS2 said about one value, in the shape the ledger keeps. */
export interface ValueConflict {
  errorCode?: string
  property?: string
  message: string
}

export interface ValueOutcome {
  index: number
  outcome: 'accepted' | 'rejected'
  /** Why it was rejected, in DHIS2's words (empty when accepted). */
  conflicts: ValueConflict[]
}

export interface ImportTotals {
  sent: number
  accepted: number
  rejected: number
  /** DHIS2's own counts (importCount); `ignored` includes unchanged values and rejected ones. */
  imported: number
  updated: number
  ignored: number
  deleted: number
}

export interface ImportInterpretation {
  status: ImportStatus
  dryRun: boolean
  values: ValueOutcome[]
  totals: ImportTotals
  /** Conflicts that name no value (completion notices in a WARNING/SUCCESS). */
  notices: ValueConflict[]
  /** DHIS2's answer could not be mapped to values exactly; see the module comment. */
  ambiguous: boolean
  /** Indexes DHIS2 reported that are not positions of the values sent (a sign of a mismatch). */
  outOfRangeIndexes: number[]
}

/** Said of a value listed only in `rejectedIndexes` (e.g. importStrategy CREATE on an existing value). */
export const REJECTED_WITHOUT_CONFLICT = 'Rejected by DHIS2 (listed in rejectedIndexes, no conflict given)'

export function toValueConflict(conflict: ImportConflict): ValueConflict {
  const out: ValueConflict = { message: conflict.value ?? conflict.object ?? conflict.errorCode ?? 'Conflict' }
  if (conflict.errorCode !== undefined) out.errorCode = conflict.errorCode
  if (conflict.property !== undefined) out.property = conflict.property
  return out
}

/** Per-value outcomes of one `POST /api/dataValueSets` of `sent` values (in the order they were sent). */
export function interpretImportSummary(sent: readonly unknown[], summary: ImportSummary): ImportInterpretation {
  const n = sent.length
  const byIndex = new Map<number, ValueConflict[]>()
  const outOfRange = new Set<number>()
  const general: ValueConflict[] = []
  const note = (i: number, conflict: ValueConflict | undefined) => {
    if (!Number.isInteger(i) || i < 0 || i >= n) {
      outOfRange.add(i)
      return
    }
    const list = byIndex.get(i) ?? []
    if (conflict) list.push(conflict)
    byIndex.set(i, list)
  }
  for (const conflict of summary.conflicts) {
    if (conflict.indexes && conflict.indexes.length > 0) {
      for (const i of conflict.indexes) note(i, toValueConflict(conflict))
    } else general.push(toValueConflict(conflict))
  }
  for (const i of summary.rejectedIndexes ?? []) note(i, undefined)

  const { imported, updated, ignored, deleted } = summary.importCount
  let ambiguous = false
  let rejectAll: ValueConflict[] | undefined
  if (summary.status === 'ERROR') {
    // Aborted: nothing was written. The data-set-level conflict (no indexes) is every value's reason.
    rejectAll = general.length > 0 ? general : [{ message: summary.description ?? 'Import aborted by DHIS2' }]
    ambiguous = imported + updated + deleted > 0 || outOfRange.size > 0
  } else if (outOfRange.size > 0) {
    // DHIS2 counted values we did not send: the indexes do not line up with our payload.
    ambiguous = true
    rejectAll = [{ message: `DHIS2 reported indexes beyond the ${n} values sent: ${[...outOfRange].join(', ')}` }]
  } else if (summary.status === 'WARNING' && byIndex.size === 0) {
    // Conflicts without a single index: which values were refused is unknown (see the module comment).
    ambiguous = true
    rejectAll = general.length > 0 ? general : [{ message: summary.description ?? 'Conflicts without indexes' }]
  }

  const values: ValueOutcome[] = []
  for (let i = 0; i < n; i++) {
    const own = byIndex.get(i)
    if (rejectAll) values.push({ index: i, outcome: 'rejected', conflicts: [...(own ?? []), ...rejectAll] })
    else if (own)
      values.push({
        index: i,
        outcome: 'rejected',
        conflicts: own.length > 0 ? own : [{ message: REJECTED_WITHOUT_CONFLICT }],
      })
    else values.push({ index: i, outcome: 'accepted', conflicts: [] })
  }
  const rejected = values.filter((v) => v.outcome === 'rejected').length
  return {
    status: summary.status,
    dryRun: summary.dryRun,
    values,
    totals: { sent: n, accepted: n - rejected, rejected, imported, updated, ignored, deleted },
    notices: rejectAll ? [] : general,
    ambiguous,
    outOfRangeIndexes: [...outOfRange].sort((a, b) => a - b),
  }
}

// ---------------------------------------------------------------------------------------------------------
// Per record

export interface RejectedValue {
  index: number
  conflicts: ValueConflict[]
}

export interface RecordOutcome {
  recordId: string
  /** `imported` only when every value the record contributed to was accepted. */
  outcome: 'imported' | 'rejected'
  /** The indexes of the values this record contributed to, ascending. */
  valueIndexes: number[]
  /** Its refused values with DHIS2's messages (empty when imported). */
  rejectedValues: RejectedValue[]
}

export interface RecordOutcomes {
  records: RecordOutcome[]
  totals: { records: number; imported: number; rejected: number }
}

/**
 * Folds value outcomes back onto the records that produced them. `valueRecordIds[i]` is the record (or,
 * for a value summed from several records, the records) behind value `i`. Records come out in the order
 * of their first value.
 */
export function recordOutcomes(
  values: readonly ValueOutcome[],
  valueRecordIds: readonly (string | readonly string[])[],
): RecordOutcomes {
  if (valueRecordIds.length !== values.length) {
    throw new RangeError(
      `recordOutcomes: ${values.length} value outcomes but ${valueRecordIds.length} value → record entries`,
    )
  }
  const byRecord = new Map<string, RecordOutcome>()
  for (const value of values) {
    const owners = valueRecordIds[value.index]
    if (owners === undefined) throw new RangeError(`recordOutcomes: value index ${value.index} has no record`)
    for (const recordId of new Set(typeof owners === 'string' ? [owners] : owners)) {
      let record = byRecord.get(recordId)
      if (!record) {
        record = { recordId, outcome: 'imported', valueIndexes: [], rejectedValues: [] }
        byRecord.set(recordId, record)
      }
      record.valueIndexes.push(value.index)
      if (value.outcome === 'rejected') {
        record.outcome = 'rejected'
        record.rejectedValues.push({ index: value.index, conflicts: value.conflicts })
      }
    }
  }
  const records = [...byRecord.values()]
  for (const r of records) {
    r.valueIndexes.sort((a, b) => a - b)
    r.rejectedValues.sort((a, b) => a.index - b.index)
  }
  const imported = records.filter((r) => r.outcome === 'imported').length
  return { records, totals: { records: records.length, imported, rejected: records.length - imported } }
}
