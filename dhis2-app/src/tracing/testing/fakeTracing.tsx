// Test-only: a fake DHIS2 that keeps the tracing events the way DHIS2 2.41's tracker API (and the stand-in) does —
// GET tracker/events by program, org unit (and descendants), status, paged; POST tracker?async=false with
// importStrategy UPDATE replacing the whole event, 409 with an import report when it refuses — and the app
// rendered against it at « Recherche PDV ». `online(false)` makes every call fail as a browser without network.
import { json, renderRoutes, type CustomData } from '../../app/testing/renderRoutes'
import { memoryKeyedStorage } from '../../offline/storage'
import type { CurrentUser } from '../../shared/currentUser'
import { outcomeKey, type PendingOutcome } from '../outcomeQueue'
import { OutcomeStorageContext } from '../outcomeQueueRegistry'
import type { TrackerEvent } from '../trackerEvents'
import { TRACING_ELEMENTS, TRACING_PROGRAM_CODE, TRACING_STAGE_CODE, type TracingField } from '../tracingProgram'

type Query = { resource: string; id?: string; params?: Record<string, unknown>; data?: unknown }

export const PROGRAM = 'prPdvRech01'
export const STAGE = 'psPdvRech01'
export const DE: Record<TracingField, string> = {
  code: 'dePdvCode01',
  site: 'dePdvSite01',
  sex: 'dePdvSexe01',
  ageBand: 'dePdvAge001',
  locality: 'dePdvLoc001',
  missedOn: 'dePdvRdv001',
  outcome: 'dePdvRes001',
  outcomeDate: 'dePdvDate01',
}
export const OU_RC = 'ouRcAq00001'
export const OU_ZONE = 'ouZsAq00001'
const PATHS: Record<string, string> = {
  [OU_RC]: `/ouBenin0001/${OU_ZONE}/ouAsAq00001/${OU_RC}`,
  ouRcAq00002: `/ouBenin0001/${OU_ZONE}/ouAsAq00001/ouRcAq00002`,
}
export const SERVER_DATE = '2026-10-03T09:00:00.000'

export const RC: CurrentUser = {
  id: 'usrRelais01',
  name: 'Mathias Hounsou',
  username: 'relais',
  authorities: ['F_TRACKED_ENTITY_DATAVALUE_ADD'],
  userGroups: [{ id: 'grpRc000001', code: 'RELAIS_RC', name: 'Relais communautaires' }],
  organisationUnits: [{ id: OU_RC, name: 'RC Mathias Hounsou', level: 5 }],
}

export const SUPERVISOR: CurrentUser = {
  id: 'usrSuperv01',
  name: 'Codjo Agossou',
  username: 'superviseur',
  authorities: [],
  userGroups: [{ id: 'grpSup00001', code: 'RELAIS_SUPERVISEURS', name: 'Superviseurs' }],
  organisationUnits: [{ id: OU_ZONE, name: 'ZS Ouidah', level: 3 }],
}

/** A tracing event as the bridge creates it (ACTIVE, the case's details, no outcome). */
export function aTask(
  event: string,
  values: Partial<Record<TracingField, string>>,
  overrides: Partial<TrackerEvent> = {},
): TrackerEvent {
  return {
    event,
    program: PROGRAM,
    programStage: STAGE,
    orgUnit: OU_RC,
    occurredAt: '2026-09-20T00:00:00.000',
    status: 'ACTIVE',
    attributeOptionCombo: 'HllvX50cXC0',
    updatedAt: '2026-09-20T10:00:00.000',
    dataValues: Object.entries(values).map(([field, value]) => ({
      dataElement: DE[field as TracingField],
      value,
    })),
    ...overrides,
  }
}

export interface FakeTracingOptions {
  user?: CurrentUser
  events?: TrackerEvent[]
  queued?: PendingOutcome[]
  /** Events DHIS2 refuses to update (409), with the report's message. */
  refuse?: Record<string, string>
  /** The programme is in DHIS2 (default) or not. */
  programSet?: boolean
}

export interface Call {
  type: string
  resource: string
  params: Record<string, unknown>
  data?: unknown
  online: boolean
}

export function renderTracing(options: FakeTracingOptions = {}) {
  const user = options.user ?? RC
  const events = new Map((options.events ?? []).map((e) => [e.event, structuredClone(e)]))
  const calls: Call[] = []
  const storage = memoryKeyedStorage(outcomeKey, options.queued ?? [])
  let online = true
  const offline = () => ({ type: 'network', message: 'Failed to fetch' })
  const report = (status: string, errors: Array<{ errorCode: string; message: string; uid: string }>) => ({
    status,
    validationReport: { errorReports: errors.map((e) => ({ ...e, trackerType: 'EVENT' })), warningReports: [] },
    stats: { created: 0, updated: status === 'OK' ? 1 : 0, deleted: 0, ignored: status === 'OK' ? 0 : 1, total: 1 },
  })
  const record = (type: string, query: Query) => {
    calls.push({ type, resource: query.resource, params: query.params ?? {}, data: query.data, online })
    if (!online) throw offline()
  }
  const inScope = (event: TrackerEvent, orgUnit: unknown, mode: unknown) =>
    event.orgUnit === orgUnit || (mode === 'DESCENDANTS' && (PATHS[event.orgUnit] ?? '').includes(`/${orgUnit}`))

  const data: CustomData = {
    me: async (type, query) => {
      record(type, query)
      return json(user)
    },
    'system/info': async (type, query) => {
      record(type, query)
      return json({ serverDate: SERVER_DATE, version: '2.41.3' })
    },
    programs: async (type, query) => {
      record(type, query)
      const set = options.programSet ?? true
      return json({
        programs: set
          ? [{ id: PROGRAM, code: TRACING_PROGRAM_CODE, programStages: [{ id: STAGE, code: TRACING_STAGE_CODE }] }]
          : [],
      })
    },
    dataElements: async (type, query) => {
      record(type, query)
      return json({
        dataElements: (Object.keys(DE) as TracingField[]).map((f) => ({ id: DE[f], code: TRACING_ELEMENTS[f] })),
      })
    },
    organisationUnits: async (type, query) => {
      record(type, query)
      return json({ organisationUnits: [{ id: OU_RC, displayName: 'RC Mathias Hounsou (Grand-Popo)' }] })
    },
    'tracker/events': async (type, query) => {
      record(type, query)
      if (query.id) {
        const found = events.get(query.id)
        if (!found) {
          const message = `Event with id ${query.id} could not be found.`
          throw { type: 'unknown', message, details: { httpStatusCode: 404, status: 'ERROR', message } }
        }
        return json(found)
      }
      const p = query.params ?? {}
      const page = Number(p.page ?? 1)
      const pageSize = Number(p.pageSize ?? 50)
      const found = [...events.values()].filter(
        (e) =>
          e.program === p.program &&
          inScope(e, p.orgUnit, p.orgUnitMode ?? p.ouMode) &&
          (p.status === undefined || e.status === p.status),
      )
      return json({
        pager: { page, pageSize },
        page,
        pageSize,
        events: found.slice((page - 1) * pageSize, page * pageSize),
      })
    },
    tracker: async (type, query) => {
      record(type, query)
      const p = query.params ?? {}
      if (type !== 'create' || p.importStrategy !== 'UPDATE' || String(p.async) !== 'false') {
        throw { type: 'unknown', message: 'unexpected tracker call', details: {} }
      }
      const posted = (query.data as { events: TrackerEvent[] }).events
      for (const event of posted) {
        const refusal = options.refuse?.[event.event]
        if (!events.has(event.event)) {
          const body = report('ERROR', [
            { errorCode: 'E1032', message: `Event: \`${event.event}\`, do not exist.`, uid: event.event },
          ])
          throw { type: 'access', message: 'Forbidden', details: body }
        }
        if (refusal) {
          throw {
            type: 'access',
            message: 'Forbidden',
            details: report('ERROR', [{ errorCode: 'E1083', message: refusal, uid: event.event }]),
          }
        }
      }
      for (const event of posted) events.set(event.event, { ...event, updatedAt: '2026-10-03T09:30:00.000' })
      return json(report('OK', []))
    },
  }
  const view = renderRoutes({
    data,
    path: '/recherche-pdv',
    wrap: (routes) => <OutcomeStorageContext.Provider value={() => storage}>{routes}</OutcomeStorageContext.Provider>,
  })
  return {
    ...view,
    calls,
    storage,
    events: () => [...events.values()],
    /** The event is deleted in DHIS2. */
    remove: (uid: string) => void events.delete(uid),
    /** Someone else changes the event in DHIS2 (the bridge, another user). */
    change: (uid: string, change: (event: TrackerEvent) => TrackerEvent) => {
      const current = events.get(uid)
      if (current) events.set(uid, change(structuredClone(current)))
    },
    online: (on: boolean) => {
      online = on
      window.dispatchEvent(new Event(on ? 'online' : 'offline'))
    },
  }
}
