import type { Period } from '@relais/mappings/src/dhis2/periods'
import { fetchEvents, orgUnitModeParam } from '../../tracing/trackerEvents'
import { loadTracingMeta, type DataEngine } from '../../tracing/tracingProgram'
import { tracingIndicators, type TracingIndicators } from './tracingIndicators'

/** Only what the counts need: a few bytes an event, read 500 at a time. */
export const INDICATOR_FIELDS = 'event,status,dataValues[dataElement,value]'

/** The indicators of the period under the org unit, or null when the tracing programme is not in DHIS2. */
export async function loadTracingIndicators(
  engine: DataEngine,
  orgUnit: string,
  period: Pick<Period, 'startDate' | 'endDate'>,
  serverMinor: number | undefined,
): Promise<TracingIndicators | null> {
  const meta = await loadTracingMeta(engine)
  if (!meta) return null
  const events = await fetchEvents(
    engine,
    {
      program: meta.program,
      orgUnit,
      ...orgUnitModeParam(serverMinor, 'DESCENDANTS'),
      occurredAfter: period.startDate,
      occurredBefore: period.endDate,
      fields: INDICATOR_FIELDS,
    },
    500,
    100,
  )
  return tracingIndicators(events, meta)
}
