// The operations part of the bridge API, as the « Exploitation » screen calls it (issue 17 §3): its path, and the
// capacity report's type taken from the bridge's own zod schema (bridge-service/src/api/contract-operations.ts) —
// `import type` only, no zod bundled.
import type { z } from 'zod'
import type * as Contract from '@relais/bridge-service/src/api/contract-operations'

export const OPERATIONS_PATHS = {
  capacity: 'operations/capacity',
} as const

export type CapacityReport = z.output<typeof Contract.CapacityReportSchema>
export type CapacityTable = CapacityReport['ledger']['tables'][number]
export type CapacitySizing = CapacityReport['sizing'][number]
