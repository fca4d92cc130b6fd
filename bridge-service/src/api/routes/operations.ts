/**
 * `/api/v1/operations/*` (issue 17 §3): what the bridge's operators watch, for administrators only — the capacity
 * report of `relais capacity` (the ledger, DHIS2's values, Redis, the disk, the projection, the sizing, the last
 * backup).
 */
import type { CapacityReport } from '../../capacity/capacity-report'
import { CapacityReportSchema } from '../contract-operations'
import { ApiError } from '../errors'
import { defineRoute, reply, type Route } from '../route'

export interface OperationsDeps {
  /** Assembles the capacity report (capacity/capacity-report.ts); absent: the route answers 503. */
  capacity: (() => Promise<CapacityReport>) | undefined
}

export function operationsRoutes({ capacity }: OperationsDeps): Route[] {
  return [
    defineRoute({
      operationId: 'getCapacity',
      method: 'get',
      path: '/api/v1/operations/capacity',
      tag: 'operations',
      summary:
        "The capacity report: the ledger per table and month, DHIS2's values per month, Redis, the disk, the " +
        '12/24-month projection, the sizing per number of RC and the last backup',
      access: { kind: 'action', action: 'operations:read' },
      responses: { 200: CapacityReportSchema },
      errors: [503],
      async handle() {
        if (!capacity)
          throw new ApiError(503, 'capacity-unavailable', 'The capacity report is not available in this bridge')
        return reply(200, await capacity())
      },
    }),
  ]
}
