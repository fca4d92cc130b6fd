// Test-only: the app's routes against a fake DHIS2 that answers the dashboard's requests (analytics,
// completion registrations, dataStore) with known figures, and records what the app asked and wrote.
import { FetchError } from '@dhis2/app-runtime'
import { json, renderRoutes, type CustomData } from '../../app/testing/renderRoutes'
import type { CurrentUser } from '../../shared/currentUser'
import type { RegistrationRow } from '../performance/performance'
import { SERVER_DATE } from '../../saisie/testing/fixtures'
import {
  AIRE,
  DATA_MANAGER,
  DATA_SET,
  INDICATORS,
  INFO,
  GROUP_SET,
  SUPERVISOR,
  UNITS,
  ZONE,
  type Cells,
} from './fixtures'

type Resolver = Extract<CustomData[string], (...args: never[]) => unknown>
type Query = Parameters<Resolver>[1]

/** `dx:a;b` → ['dx', ['a', 'b']]; the engine sends several dimensions comma-joined in one parameter. */
function parseDimensions(raw: unknown): Array<[string, string[]]> {
  const list = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(',') : []
  return list.map((text) => {
    const [id = '', items = ''] = text.split(/:(.*)/s)
    return [id, items.split(';').filter(Boolean)]
  })
}

/** ou items: a uid, or `<boundary>;LEVEL-n` → the units at level n under the boundary. */
function expandOrgUnits(items: string[]): string[] {
  const level = items.find((i) => i.startsWith('LEVEL-'))
  const plain = items.filter((i) => !i.startsWith('LEVEL-'))
  if (!level) return plain
  const n = Number(level.slice('LEVEL-'.length))
  return Object.values(UNITS)
    .filter((u) => u.level === n && plain.some((b) => u.path.split('/').includes(b)))
    .map((u) => u.id)
}

/** Answers like GET /api/analytics: headers dx, then the request order; one row per known cell. */
export function fakeAnalytics(cells: Cells, query: Query) {
  const params = (query.params ?? {}) as Record<string, unknown>
  const dims = parseDimensions(params.dimension)
  const filters = parseDimensions(params.filter)
  const fixed: Record<string, string> = {}
  for (const [id, items] of filters) if (items.length === 1) fixed[id] = items[0] as string
  const order = [...dims.filter(([id]) => id === 'dx'), ...dims.filter(([id]) => id !== 'dx')]
  let combos: Array<Record<string, string>> = [{}]
  for (const [id, items] of order) {
    const values = id === 'ou' ? expandOrgUnits(items) : items
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [id]: v })))
  }
  const numDen = params.includeNumDen === true
  const rows: string[][] = []
  for (const combo of combos) {
    const at = { ...fixed, ...combo }
    const cell = cells[`${at.dx}|${at.pe}|${at.ou}`]
    if (!cell) continue
    const [value, numerator, denominator] = cell
    const row = [...order.map(([id]) => combo[id] ?? ''), String(value)]
    if (numDen)
      row.push(
        numerator === undefined ? '' : `${numerator}.0`,
        denominator === undefined ? '' : `${denominator}.0`,
        '100',
        '',
        '',
      )
    rows.push(row)
  }
  const names = Object.fromEntries(Object.values(UNITS).map((u) => [u.id, { name: u.displayName }]))
  return {
    headers: [
      ...order.map(([id]) => ({ name: id })),
      { name: 'value' },
      ...(numDen ? ['numerator', 'denominator', 'factor', 'multiplier', 'divisor'].map((name) => ({ name })) : []),
    ],
    metaData: { items: names },
    rows,
    height: rows.length,
    width: rows[0]?.length ?? 0,
  }
}

export interface DataStoreWrite {
  type: string
  key: string
  data: unknown
}

export interface FakeDashboardOptions {
  user: CurrentUser
  path?: string
  cells: Cells
  registrations?: RegistrationRow[]
  /** Plain values in namespace relais, written by an administrator (e.g. dashboard-settings). */
  dataStore?: Record<string, unknown>
  /** Entries with the author and time DHIS2 recorded (the gaps' changes). */
  entries?: Record<string, { value: unknown; by: Pick<CurrentUser, 'id' | 'username' | 'name'>; created: string }>
  lastAnalyticsTableSuccess?: string
  /** DHIS2 fails to send messages (500). */
  messagesFail?: boolean
  /** DHIS2's analytics tables were never generated (a new installation): analytics answers E7144. */
  analyticsNeverRun?: boolean
  /** What DHIS2's data-quality checks find (the dashboard's quality score); default: nothing, no value. */
  quality?: { outliers?: unknown[]; dataValues?: unknown[] }
  /** The bridge behind DHIS2's route (reminders); absent: DHIS2 has no such route. */
  bridge?: { effect?: unknown; remind?: (body: unknown) => unknown }
}

/** The Relais user groups and their members (gaps and settings trust their authors by group). */
export const ADMIN_AUTHOR = { id: 'usrAdmin001', username: 'admin.relais', name: 'Admin Relais' }
export const USER_GROUPS = [
  { id: 'grpSup00001', code: 'RELAIS_SUPERVISEURS', users: [{ id: SUPERVISOR.id }] },
  { id: 'grpGest0001', code: 'RELAIS_GESTIONNAIRES', users: [{ id: DATA_MANAGER.id }] },
  { id: 'grpAdmin001', code: 'RELAIS_ADMINS', users: [{ id: ADMIN_AUTHOR.id }] },
]

interface FakeEntry {
  id: string
  value: unknown
  createdBy: { id: string; username: string; displayName: string }
  lastUpdatedBy: { id: string }
  created: string
}

const notFound = (key: string) =>
  new FetchError({ type: 'unknown', message: `Key '${key}' not found`, details: { httpStatusCode: 404 } as never })

export function renderDashboard(options: FakeDashboardOptions) {
  const analyticsRequests: Array<Record<string, unknown>> = []
  const registrationRequests: Array<Record<string, unknown>> = []
  const writes: DataStoreWrite[] = []
  const sharings: Array<{ params: Record<string, unknown>; data: unknown }> = []
  /** Messages sent (POST messageConversations). */
  const messages: unknown[] = []
  /** « Relancer » asked of the bridge (its request bodies). */
  const reminds: unknown[] = []
  const author = (u: Pick<CurrentUser, 'id' | 'username' | 'name'>) => ({
    id: u.id,
    username: u.username,
    displayName: u.name,
  })
  let ids = 0
  // DHIS2's clock for `created`: the fixtures' server time, a millisecond further for each write.
  let clock = Date.parse(`${SERVER_DATE}Z`)
  const stamp = () => new Date(clock++).toISOString().slice(0, 23)
  const store = new Map<string, FakeEntry>()
  for (const [key, value] of Object.entries(options.dataStore ?? {}))
    store.set(key, {
      id: `ds${ids++}`,
      value,
      createdBy: author(ADMIN_AUTHOR),
      lastUpdatedBy: ADMIN_AUTHOR,
      created: stamp(),
    })
  for (const [key, e] of Object.entries(options.entries ?? {}))
    store.set(key, {
      id: `ds${ids++}`,
      value: e.value,
      createdBy: author(e.by),
      lastUpdatedBy: { id: e.by.id },
      created: e.created,
    })

  const dataStore: Resolver = async (type, query) => {
    const key = query.id === undefined ? undefined : String(query.id)
    if (type === 'read' && key !== undefined) {
      const entry = store.get(key)
      if (!entry) throw notFound(key)
      return json(entry.value)
    }
    if (type === 'read') {
      // The query API, as the gaps use it: `filter=_:$like:<prefix>`, paging=false → [{key, value}].
      const params = (query.params ?? {}) as Record<string, unknown>
      const prefix = /^_:\$like:(.*)$/.exec(String(params.filter ?? ''))?.[1] ?? ''
      return json([...store].filter(([k]) => k.startsWith(prefix)).map(([k, e]) => ({ key: k, value: e.value })))
    }
    if (type === 'replace' && key !== undefined) {
      const entry = store.get(key)
      if (!entry) throw notFound(key)
      writes.push({ type: 'replace', key, data: query.data })
      store.set(key, { ...entry, value: query.data, lastUpdatedBy: { id: options.user.id } })
      return json({ httpStatus: 'OK', httpStatusCode: 200 })
    }
    throw new Error(`fake DHIS2: ${type} dataStore/relais is not expected`)
  }
  const createEntry = (key: string, data: unknown) => {
    if (store.has(key))
      throw new FetchError({ type: 'access', message: 'exists', details: { httpStatusCode: 409 } as never })
    writes.push({ type: 'create', key, data })
    store.set(key, {
      id: `ds${ids++}`,
      value: data,
      createdBy: author(options.user),
      lastUpdatedBy: { id: options.user.id },
      created: stamp(),
    })
    return json({ httpStatus: 'Created', httpStatusCode: 201 })
  }
  const base: CustomData = {
    me: async () => json(options.user),
    'system/info': json({
      ...INFO,
      lastAnalyticsTableSuccess: options.lastAnalyticsTableSuccess ?? INFO.lastAnalyticsTableSuccess,
    }),
    dataSets: json({ dataSets: [DATA_SET] }),
    indicators: json({ indicators: INDICATORS }),
    organisationUnitGroupSets: json({ organisationUnitGroupSets: [GROUP_SET] }),
    organisationUnits: async (_type, query) => {
      // A list by ids (names of what the bridge knows by id), else one unit.
      const ids = /^id:in:\[(.*)\]$/.exec(String((query.params as { filter?: string } | undefined)?.filter ?? ''))?.[1]
      if (ids !== undefined) {
        const wanted = new Set(ids.split(','))
        return json({ organisationUnits: Object.values(UNITS).filter((u) => wanted.has(u.id)) })
      }
      // The quality score's lists: the zones (`level:eq:3`), a sub-tree (`path:like:<id>`).
      const filter = String((query.params as { filter?: string } | undefined)?.filter ?? '')
      const level = /^level:eq:(\d+)$/.exec(filter)?.[1]
      if (level) return json({ organisationUnits: Object.values(UNITS).filter((u) => u.level === Number(level)) })
      const under = /^path:like:(.+)$/.exec(filter)?.[1]
      if (under) return json({ organisationUnits: Object.values(UNITS).filter((u) => u.path.includes(under)) })
      return json(UNITS[String(query.id)])
    },
    analytics: async (_type, query) => {
      analyticsRequests.push((query.params ?? {}) as Record<string, unknown>)
      if (options.analyticsNeverRun)
        throw new FetchError({
          type: 'unknown',
          message:
            'Query failed because a referenced table does not exist. Please ensure analytics job was run (SqlState: 42P01)',
          details: { httpStatusCode: 409, errorCode: 'E7144' } as never,
        })
      return json(fakeAnalytics(options.cells, query))
    },
    completeDataSetRegistrations: async (_type, query) => {
      const params = (query.params ?? {}) as Record<string, unknown>
      registrationRequests.push(params)
      const periods = new Set(String(params.period).split(','))
      const since = typeof params.created === 'string' ? params.created : ''
      return json({
        completeDataSetRegistrations: (options.registrations ?? []).filter(
          (r) => periods.has(r.period) && r.date >= since,
        ),
      })
    },
    'dataStore/relais': dataStore,
    // DHIS2's data-quality checks, for the quality score.
    validationRules: json({ validationRules: [] }),
    outlierDetection: json({ outlierValues: options.quality?.outliers ?? [] }),
    'dataAnalysis/validationRules': async () => json([]),
    'dataAnalysis/followup': json({ followupValues: [] }),
    dataValueSets: json({ dataValues: options.quality?.dataValues ?? [] }),
    userGroups: json({ userGroups: USER_GROUPS }),
    messageConversations: async (type, query) => {
      if (type !== 'create') return json({ messageConversations: [] })
      if (options.messagesFail)
        throw new FetchError({ type: 'unknown', message: 'boom', details: { httpStatusCode: 500 } as never })
      messages.push(query.data)
      return json({ httpStatus: 'Created', httpStatusCode: 201, message: 'Message conversation created' })
    },
    sharing: async (_type, query) => {
      sharings.push({ params: (query.params ?? {}) as Record<string, unknown>, data: query.data })
      return json({ httpStatus: 'OK', httpStatusCode: 200, message: 'Access control set' })
    },
  }
  // Per-key resources: `dataStore/relais/<key>` (create has the key in the path), `organisationUnits/<id>` (children).
  const data = new Proxy(base, {
    get(target, name) {
      if (typeof name !== 'string' || name in target) return Reflect.get(target, name)
      const metaKey = /^dataStore\/relais\/(.+)\/metaData$/.exec(name)?.[1]
      if (metaKey) {
        const resolver: Resolver = async () => {
          const entry = store.get(metaKey)
          if (!entry) throw notFound(metaKey)
          const { value: _value, ...meta } = entry
          return json({ ...meta, key: metaKey, namespace: 'relais' })
        }
        return resolver
      }
      const key = /^dataStore\/relais\/(.+)$/.exec(name)?.[1]
      if (key) {
        const resolver: Resolver = async (type, query) =>
          type === 'read' ? (dataStore as Resolver)(type, { ...query, id: key }) : createEntry(key, query.data)
        return resolver
      }
      const bridge = options.bridge
      if (bridge && name.startsWith('dataStore/relais-proofs')) return (async () => json({})) as Resolver
      if (bridge && name === 'routes/relais-bridge/run/api/v1/reminders/effect')
        return (async () => json(bridge.effect ?? { rows: [], windowDays: 3 })) as Resolver
      if (bridge && name === 'routes/relais-bridge/run/api/v1/reminders/send') {
        const resolver: Resolver = async (_type, query) => {
          reminds.push(query.data)
          return json(bridge.remind?.(query.data) ?? { outcome: 'sent', sends: [] })
        }
        return resolver
      }
      const parent = /^organisationUnits\/(.+)$/.exec(name)?.[1]
      if (parent) {
        const children = Object.values(UNITS).filter((u) => u.path.split('/').at(-2) === parent)
        return json({ children })
      }
      return undefined
    },
  })
  const view = renderRoutes({ data, path: options.path ?? '/tableau-de-bord' })
  return { ...view, analyticsRequests, registrationRequests, writes, sharings, store, messages, reminds }
}

export { AIRE, ZONE }
