// The tasks of the user's area: every open one, and the latest closed ones. The same URLs at each visit (no
// date in them), so the service worker's copy of DHIS2's last answers shows the list offline.
import { toTask, type TracingTask } from './tasks'
import { EVENT_FIELDS, fetchEvents, orgUnitModeParam } from './trackerEvents'
import type { DataEngine, TracingMeta } from './tracingProgram'

export const RECENT_CLOSED = 20

export async function loadTasks(
  engine: DataEngine,
  meta: TracingMeta,
  orgUnits: readonly string[],
  serverMinor: number | undefined,
): Promise<TracingTask[]> {
  const lists = await Promise.all(
    orgUnits.flatMap((orgUnit) => {
      // An RC's own unit has no children; a supervisor's zone or aire holds their RC.
      const scope = {
        program: meta.program,
        orgUnit,
        ...orgUnitModeParam(serverMinor, 'DESCENDANTS'),
        fields: EVENT_FIELDS,
      }
      return [
        fetchEvents(engine, { ...scope, status: 'ACTIVE', order: 'occurredAt:asc' }, 100, 20),
        fetchEvents(engine, { ...scope, status: 'COMPLETED', order: 'updatedAt:desc' }, RECENT_CLOSED, 1),
      ]
    }),
  )
  const byEvent = new Map<string, TracingTask>()
  for (const event of lists.flat()) byEvent.set(event.event, toTask(event, meta))
  return [...byEvent.values()]
}
