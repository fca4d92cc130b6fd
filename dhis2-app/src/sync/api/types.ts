// The bridge's answers as the console reads them: types taken from the bridge's own zod schemas
// (bridge-service/src/api/contract.ts, which also validate its answers and make its OpenAPI document) — one
// contract, never a hand copy. `import type` only: the app bundles none of the bridge's code, nor zod; the lists
// of statuses come from the bridge's pure constants.
import type { z } from 'zod'
import type * as Contract from '@relais/bridge-service/src/api/contract'
import type * as OutboundContract from '@relais/bridge-service/src/api/contract-outbound'
import type * as HmisContract from '@relais/bridge-service/src/api/contract-hmis'
import type { MappingIssue as EngineIssue } from '@relais/mappings/src/engine/issues'

export {
  QUARANTINE_REASONS,
  RECORD_STATUSES,
  RUN_MODES,
  RUN_STATUSES,
} from '@relais/bridge-service/src/ledger/record-status'

type Out<T extends z.ZodType> = z.output<T>

export type RecordStatus = Out<typeof Contract.RecordStatus>
export type QuarantineReason = Out<typeof Contract.QuarantineReason>
export type RunStatus = Out<typeof Contract.RunStatus>
export type RunMode = Out<typeof Contract.RunMode>
export type SourceHealth = Contract.SourceHealth
export type StatusCounts = Record<RecordStatus, number> & { total: number }
export type Pager = Out<typeof Contract.Pager>
export interface Paged<T> {
  items: T[]
  pager: Pager
}
export type Run = Omit<Out<typeof Contract.RunSchema>, 'finalCounts'> & { finalCounts: StatusCounts | null }
/** A run in the history, with the live counts of its records (they move when a person releases or retries). */
export type RunListItem = Run & { counts: StatusCounts }
export type RunDetail = { run: Run; counts: StatusCounts }
export type Source = Omit<Out<typeof Contract.SourceSchema>, 'lastRun' | 'lastRunCounts'> & {
  lastRun: Run | null
  lastRunCounts: StatusCounts | null
}
export type RecordSummary = Out<typeof Contract.RecordSummarySchema>
export type RecordEvent = Out<typeof Contract.RecordEventSchema>
export type Dhis2Message = Out<typeof Contract.Dhis2MessageSchema>
export type RecordDetail = Omit<Out<typeof Contract.RecordDetail>, 'record'> & {
  record: RecordSummary & { raw: unknown; mapped: unknown }
}
export type ReleaseResult = Out<typeof Contract.ReleaseResult>
export type DiscardResult = Out<typeof Contract.DiscardResult>
export type ReleasePreview = Out<typeof Contract.ReleasePreviewSchema>
export type UploadAccepted = Out<typeof Contract.UploadAccepted>
export type { BridgeErrorBody } from '../../shared/bridge/types'
export type RunDiff = Out<typeof Contract.RunDiffSchema>
export type DiffCounts = Out<typeof Contract.DiffCountsSchema>
export type DiffKind = keyof DiffCounts

/**
 * What the mapper says about a record (mappings/src/engine/issues.ts), as stored in lastError and release errors;
 * older records may carry a plain string message.
 */
export type MappingIssue = Omit<EngineIssue, 'message'> & { message: EngineIssue['message'] | string }

// The signed webhooks sent to partners (issue 19 §4): the bridge's outbound contract, types only.
export type OutboundDelivery = Out<typeof OutboundContract.OutboundDeliverySchema>
export type OutboundStatus = Out<typeof OutboundContract.OutboundStatusName>
export type OutboundEvent = Out<typeof OutboundContract.OutboundEventName>
export type OutboundAttempt = OutboundDelivery['history'][number]

// The pushes to the national HMIS and their reconciliation reports (issue 19 §2): the bridge's hmis contract, types
// only (contract-hmis.ts).
export type HmisPush = Out<typeof HmisContract.HmisPushSchema>
export type HmisMode = HmisPush['mode']
export type HmisPushStatus = HmisPush['status']
export type HmisLineStatus = Out<typeof HmisContract.HmisLineStatus>
export type HmisReportLine = Out<typeof HmisContract.HmisReportLineSchema>
export type HmisReport = Out<typeof HmisContract.HmisReportSchema>
export type HmisPushList = Out<typeof HmisContract.HmisPushList>
export type HmisPushStart = z.input<typeof HmisContract.HmisPushStart>
