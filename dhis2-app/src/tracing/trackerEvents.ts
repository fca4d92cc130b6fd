// Reading and writing the tracing events through DHIS2's tracker API (dhis2-web-api.md §5): GET
// /api/tracker/events, whose list is `instances` on 2.38–2.40 and `events` on 2.41+, and POST /api/tracker.
import type { DataEngine, TracingMeta } from './tracingProgram'

/** An event as the tracker API gives it (the fields the app asks for). */
export interface TrackerEvent {
  event: string
  program?: string
  programStage?: string
  orgUnit: string
  occurredAt?: string
  scheduledAt?: string
  status?: string
  attributeOptionCombo?: string
  updatedAt?: string
  completedAt?: string
  dataValues?: Array<{ dataElement: string; value?: string | null }>
}

/** Everything an UPDATE must send back (DHIS2 replaces the event with what is posted). */
export const EVENT_FIELDS =
  'event,program,programStage,orgUnit,occurredAt,scheduledAt,status,attributeOptionCombo,updatedAt,completedAt,dataValues[dataElement,value]'

/** The events of one answer, whichever DHIS2 version wrote it. */
export function eventsOf(answer: unknown): TrackerEvent[] {
  const body = (answer ?? {}) as { events?: unknown; instances?: unknown }
  const list = Array.isArray(body.events) ? body.events : Array.isArray(body.instances) ? body.instances : []
  return list as TrackerEvent[]
}

/**
 * The org unit mode parameter: `orgUnitMode` since 2.41, `ouMode` before (2.41 refuses both together, 2.40
 * knows only `ouMode`). Without a known server version (tests), the current name.
 */
export function orgUnitModeParam(serverMinor: number | undefined, mode: string): Record<string, string> {
  return serverMinor !== undefined && serverMinor < 41 ? { ouMode: mode } : { orgUnitMode: mode }
}

export interface EventListParams {
  [key: string]: string | number | undefined
}

/**
 * Every event matching `params`, page by page (`pageSize` a page), up to `maxPages`: a page shorter than
 * `pageSize` is the last one. Used for the task lists and the dashboard's counts.
 */
export async function fetchEvents(
  engine: DataEngine,
  params: EventListParams,
  pageSize = 200,
  maxPages = 50,
): Promise<TrackerEvent[]> {
  const all: TrackerEvent[] = []
  for (let page = 1; page <= maxPages; page++) {
    const answer = (await engine.query({
      list: { resource: 'tracker/events', params: { ...params, page, pageSize } },
    })) as { list?: unknown }
    const events = eventsOf(answer.list)
    all.push(...events)
    if (events.length < pageSize) break
  }
  return all
}

/** The value of one data element of the event. */
export function valueOf(event: TrackerEvent, dataElement: string): string | undefined {
  const value = event.dataValues?.find((dv) => dv.dataElement === dataElement)?.value
  return value === null || value === undefined || value === '' ? undefined : value
}

export interface EventValue {
  dataElement: string
  value: string
}

/** The two values an outcome writes: the outcome and its date. */
export function outcomeValues(meta: TracingMeta, outcome: string, outcomeDate: string): EventValue[] {
  return [
    { dataElement: meta.elements.outcome, value: outcome },
    { dataElement: meta.elements.outcomeDate, value: outcomeDate },
  ]
}

/**
 * The whole event, COMPLETED, with `values` in place of any earlier ones: what
 * `POST /api/tracker?importStrategy=UPDATE` wants (DHIS2 replaces the event with what is posted, so every
 * other value goes back as it is). The read-only timestamps are left out.
 */
export function completedEvent(event: TrackerEvent, values: readonly EventValue[]): TrackerEvent {
  const replaced = new Set(values.map((v) => v.dataElement))
  const kept = (event.dataValues ?? [])
    .filter((dv) => !replaced.has(dv.dataElement) && dv.value !== null && dv.value !== undefined)
    .map((dv) => ({ dataElement: dv.dataElement, value: dv.value }))
  const { updatedAt: _updatedAt, completedAt: _completedAt, ...rest } = event
  return { ...rest, status: 'COMPLETED', dataValues: [...kept, ...values] }
}

/** The event as DHIS2 holds it now (a 404 when it is gone). */
export async function readEvent(engine: DataEngine, uid: string): Promise<TrackerEvent> {
  const answer = (await engine.query({
    current: { resource: 'tracker/events', id: uid, params: { fields: EVENT_FIELDS } },
  })) as { current: TrackerEvent }
  return answer.current
}

/** DHIS2's reasons in a tracker import report (the body of a 409 from a synchronous import). */
export function trackerRefusal(report: unknown): string | undefined {
  const body = (report ?? {}) as {
    status?: string
    message?: string
    validationReport?: { errorReports?: Array<{ message?: string; errorCode?: string }> }
  }
  const errors = body.validationReport?.errorReports ?? []
  if (errors.length > 0) {
    return errors.map((e) => [e.errorCode, e.message].filter(Boolean).join(' ')).join(' ; ')
  }
  return body.status === 'ERROR' ? (body.message ?? 'ERROR') : undefined
}
