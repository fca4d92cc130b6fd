// The tracing indicators of the dashboard (issue 19 §3), for the cases assigned in a period (their event's
// `occurredAt`, the day the bridge made the task) under an org unit. Pure: no React, no DHIS2 calls.
import type { TracingMeta } from '../../tracing/tracingProgram'
import { valueOf, type TrackerEvent } from '../../tracing/trackerEvents'

export interface TracingIndicators {
  /** Tracing tasks made in the period. */
  assigned: number
  /** Of those, the ones whose outcome the RC recorded. */
  traced: number
  /** Of those, the people found who came back to care (RETROUVE_REVENU). */
  returned: number
  /** returned / traced × 100; undefined while nothing is traced. */
  returnRate: number | undefined
}

export const RETURNED_TO_CARE = 'RETROUVE_REVENU'

export function tracingIndicators(
  events: readonly TrackerEvent[],
  meta: Pick<TracingMeta, 'elements'>,
): TracingIndicators {
  let assigned = 0
  let traced = 0
  let returned = 0
  const seen = new Set<string>()
  for (const event of events) {
    // Pages read while DHIS2 changes may repeat an event: count it once.
    if (seen.has(event.event)) continue
    seen.add(event.event)
    assigned += 1
    const outcome = valueOf(event, meta.elements.outcome)
    // Traced = an outcome was recorded (the task is then COMPLETED); a completed event without one is not.
    if (outcome === undefined) continue
    traced += 1
    if (outcome === RETURNED_TO_CARE) returned += 1
  }
  return { assigned, traced, returned, returnRate: traced > 0 ? (returned / traced) * 100 : undefined }
}
