/**
 * `GET /api/tracker/events` and `GET /api/tracker/events/{uid}` (web-api §5.3; core@2.41.9
 * `EventsExportController`, `EventOperationParamsMapper`, `OperationsParamsValidator`, `JdbcEventStore`):
 * - `program` (400 when unknown, 403 without data read sharing), `programStage` (same), `orgUnit` with
 *   `orgUnitMode` (2.41+; `ouMode` deprecated, the only one before 2.41, both together a 400) SELECTED | CHILDREN | DESCENDANTS (the org unit must be in the user's
 *   search scope — search org units, else capture ones — else 403), ACCESSIBLE (default without `orgUnit`: the
 *   search scope), CAPTURE (the capture scope), ALL (superuser or F_TRACKED_ENTITY_INSTANCE_SEARCH_IN_ALL_ORGUNITS);
 * - `status`, `occurredAfter/Before`, `scheduledAfter/Before`, `updatedAfter/Before`, `updatedWithin`
 *   (`10m`, `2h`, `1d`), `events` (`,` or `;` list), `filter=<dataElement>:<op>:<value>` (eq, neq, like, in,
 *   gt, ge, lt, le, null, !null — text compared case-insensitively), `includeDeleted`;
 * - `order` (`occurredAt:desc,…`; default: newest first, JdbcEventStore's `eventid desc`), `fields`
 *   (default `*,!relationships`), `page`, `pageSize` (50), `totalPages`, `paging=false` (`skipPaging=true`);
 * - the list shape of the played version (versions.ts `trackerList`), and the event fields of the version
 *   (2.38–2.40: `orgUnitName`, `followup`; 2.41: `followUp` and the legacy `followup`; 2.42: `followUp`).
 * Only events of programs (and stages) the user may read the data of are listed, as DHIS2 limits a query
 * without `program` to the accessible programs.
 */
import type { Request } from 'express'
import type { AuthUser, StandinContext } from '../context'
import { canDataRead } from '../auth/object-sharing'
import { HttpError } from '../http/web-message'
import { EVENT_STATUSES, type StoredEvent } from '../store/events'
import { TrackerIndex } from '../store/tracker-metadata'
import { listParam, stringParam, boolParam } from '../import/common'
import { baseUrlOf } from '../api/metadata'
import { parseLocalTimestamp } from '../store/clock'

const badRequest = (message: string) => new HttpError(400, message)
const forbidden = (message: string) => new HttpError(403, message)

type OrgUnitMode = 'SELECTED' | 'CHILDREN' | 'DESCENDANTS' | 'ACCESSIBLE' | 'CAPTURE' | 'ALL'
const MODES: readonly OrgUnitMode[] = ['SELECTED', 'CHILDREN', 'DESCENDANTS', 'ACCESSIBLE', 'CAPTURE', 'ALL']

interface Filter {
  dataElement: string
  op: string
  value: string
}

const OPS = new Set([
  'eq',
  'ieq',
  'neq',
  'ne',
  'like',
  'ilike',
  'in',
  'gt',
  'ge',
  'lt',
  'le',
  'null',
  '!null',
  'sw',
  'ew',
])

function parseFilters(raw: string[], ctx: StandinContext): Filter[] {
  return raw.map((text) => {
    const [dataElement = '', op = '', ...rest] = text.split(':')
    const lower = op.toLowerCase()
    if (!ctx.index.metadata.objects.dataElements.byId.get(dataElement))
      throw badRequest(`filter is invalid. Data element '${dataElement}' does not exist.`)
    if (!OPS.has(lower)) throw badRequest(`Query item or filter is invalid: ${text.slice(0, 200)}`)
    return { dataElement, op: lower, value: rest.join(':') }
  })
}

function matches(event: StoredEvent, filter: Filter): boolean {
  const value = event.dataValues.find((dv) => dv.dataElement === filter.dataElement)?.value
  if (filter.op === 'null') return value === undefined
  if (filter.op === '!null') return value !== undefined
  if (value === undefined) return false
  const a = value.toLowerCase()
  const b = filter.value.toLowerCase()
  const numeric =
    value.trim() !== '' &&
    filter.value.trim() !== '' &&
    !Number.isNaN(Number(value)) &&
    !Number.isNaN(Number(filter.value))
  const cmp = numeric ? Number(value) - Number(filter.value) : a < b ? -1 : a > b ? 1 : 0
  switch (filter.op) {
    case 'eq':
    case 'ieq':
      return a === b
    case 'neq':
    case 'ne':
      return a !== b
    case 'like':
    case 'ilike':
      return a.includes(b)
    case 'sw':
      return a.startsWith(b)
    case 'ew':
      return a.endsWith(b)
    case 'in':
      return b.split(';').includes(a)
    case 'gt':
      return cmp > 0
    case 'ge':
      return cmp >= 0
    case 'lt':
      return cmp < 0
    default:
      return cmp <= 0
  }
}

/** `updatedWithin=10m` → milliseconds (DHIS2's DateUtils.getDuration: s, m, h, d). */
function durationMs(text: string): number {
  const m = /^(\d+)([smhd])$/.exec(text.trim())
  if (!m) throw badRequest(`Duration is not valid: ${text.slice(0, 50)}`)
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd']
  return Number(m[1]) * unit
}

/**
 * A date parameter as a server-local timestamp, comparable with the stored ones: `2026-01-31` is its midnight, a
 * time without offset is server-local, one with `Z` or `±hh:mm` is converted (DHIS2's DateUtils.parseDate).
 */
function dateParam(ctx: StandinContext, query: Record<string, unknown>, name: string): string | undefined {
  const value = stringParam(query, name)
  if (value === undefined || value === '') return undefined
  const at = /^\d{4}-\d{2}-\d{2}/.test(value.trim()) ? parseLocalTimestamp(value, ctx.clock.timeZone) : undefined
  if (!at || Number.isNaN(at.getTime())) throw badRequest(`Invalid date ${value.slice(0, 50)} for parameter ${name}`)
  return ctx.clock.timestamp(at)
}

function positiveInt(query: Record<string, unknown>, name: string, fallback: number): number {
  const value = stringParam(query, name)
  if (value === undefined || value === '') return fallback
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1) throw badRequest(`${name} must be greater than or equal to 1`)
  return Number(value)
}

export interface EventScope {
  tracker: TrackerIndex
  readable: (event: StoredEvent) => boolean
}

/** The programs and stages whose events the user may read (program and stage data read sharing). */
export function readScope(ctx: StandinContext, user: AuthUser): EventScope {
  const tracker = new TrackerIndex(ctx.state.tracker)
  const programs = new Map([...tracker.programs.values()].map((p) => [p.id, canDataRead(user, p)]))
  const stages = new Map([...tracker.programStages.values()].map((s) => [s.id, canDataRead(user, s)]))
  return {
    tracker,
    readable: (event) => programs.get(event.program) === true && stages.get(event.programStage) !== false,
  }
}

function unitsUnder(ctx: StandinContext, roots: readonly { path: string }[]): (orgUnit: string) => boolean {
  const index = ctx.index.metadata.objects.organisationUnits.byId
  return (orgUnit) => {
    const path = index.get(orgUnit)?.path
    return path !== undefined && roots.some((root) => `${path}/`.startsWith(`${root.path}/`))
  }
}

/** Whether an org unit is in the user's search scope (`isInUserSearchHierarchy`). */
export function inSearchScope(ctx: StandinContext, user: AuthUser): (orgUnit: string) => boolean {
  return unitsUnder(ctx, searchRoots(ctx, user))
}

/** The user's search scope: search org units, else the capture ones (getTeiSearchOrganisationUnitsWithFallback). */
function searchRoots(ctx: StandinContext, user: AuthUser) {
  const index = ctx.index.metadata.objects.organisationUnits.byId
  const search = (user.user.teiSearchOrganisationUnits ?? []).map((r) => index.get(r.id)).filter((o) => o !== undefined)
  return search.length > 0 ? search : user.captureOrgUnits
}

export interface EventPage {
  events: StoredEvent[]
  page: number
  pageSize: number
  total?: number
  paging: boolean
  hasNext: boolean
}

export function queryEvents(ctx: StandinContext, user: AuthUser, query: Record<string, unknown>): EventPage {
  const scope = readScope(ctx, user)
  const { tracker } = scope
  const programId = stringParam(query, 'program')
  if (programId) {
    const program = tracker.programs.get(programId)
    if (!program) throw badRequest(`Program is specified but does not exist: ${programId}`)
    if (!canDataRead(user, program)) throw forbidden(`User has no access to program: ${programId}`)
  }
  const stageId = stringParam(query, 'programStage')
  if (stageId) {
    const stage = tracker.programStages.get(stageId)
    if (!stage) throw badRequest(`Program stage is specified but does not exist: ${stageId}`)
    if (!canDataRead(user, stage)) throw forbidden(`User has no access to program stage: ${stageId}`)
  }
  // 2.38–2.40 know `ouMode` only (TrackerEventCriteria: `orgUnitMode` is ignored); 2.41 adds `orgUnitMode` and
  // refuses both together (RequestParamsValidator.validateDeprecatedParameter).
  const legacy = ctx.behaviour.trackerList === 'instances'
  const ouMode = stringParam(query, 'ouMode')
  const orgUnitMode = legacy ? undefined : stringParam(query, 'orgUnitMode')
  if (ouMode !== undefined && orgUnitMode !== undefined)
    throw badRequest(
      "Only one parameter of 'ouMode' and 'orgUnitMode' must be specified. Prefer 'orgUnitMode' as 'ouMode' will be removed.",
    )
  const modeText = (orgUnitMode ?? ouMode)?.toUpperCase()
  if (modeText !== undefined && !(MODES as readonly string[]).includes(modeText))
    throw badRequest(
      `Value '${modeText}' is not valid for parameter orgUnitMode. Valid values are: [${MODES.join(', ')}]`,
    )
  const orgUnitIds = listParam(query, 'orgUnit')
  const mode: OrgUnitMode = (modeText as OrgUnitMode | undefined) ?? (orgUnitIds.length > 0 ? 'SELECTED' : 'ACCESSIBLE')
  const units = ctx.index.metadata.objects.organisationUnits.byId
  const roots = orgUnitIds.map((id) => {
    const unit = units.get(id)
    if (!unit) throw badRequest(`Org unit is specified but does not exist: ${id}`)
    return unit
  })
  const inSearch = unitsUnder(ctx, searchRoots(ctx, user))
  let inOrgUnitScope: (orgUnit: string) => boolean
  if (mode === 'ALL') {
    if (!user.isSuperuser && !user.authorities.has('F_TRACKED_ENTITY_INSTANCE_SEARCH_IN_ALL_ORGUNITS'))
      throw badRequest('Current user is not authorized to query across all organisation units')
    inOrgUnitScope = () => true
  } else if (mode === 'CAPTURE') {
    if (user.captureOrgUnits.length === 0) throw badRequest('User needs to be assigned data capture org units')
    inOrgUnitScope = unitsUnder(ctx, user.captureOrgUnits)
  } else if (mode === 'ACCESSIBLE') {
    if (searchRoots(ctx, user).length === 0 && !user.isSuperuser)
      throw badRequest('User needs to be assigned either search or data capture org units')
    inOrgUnitScope = user.isSuperuser && searchRoots(ctx, user).length === 0 ? () => true : inSearch
  } else {
    if (roots.length === 0) throw badRequest(`orgUnit is required for orgUnitMode: ${mode}`)
    for (const root of roots)
      if (!user.isSuperuser && !inSearch(root.id))
        throw forbidden(`Organisation unit is not part of your search scope: ${root.id}`)
    const ids = new Set<string>()
    for (const root of roots) {
      ids.add(root.id)
      if (mode === 'CHILDREN') for (const child of root.children) ids.add(child.id)
    }
    inOrgUnitScope = mode === 'DESCENDANTS' ? unitsUnder(ctx, roots) : (id) => ids.has(id)
  }

  const statusText = stringParam(query, 'status')?.toUpperCase()
  if (statusText !== undefined && !(EVENT_STATUSES as readonly string[]).includes(statusText))
    throw badRequest(
      `Value '${statusText}' is not valid for parameter status. Valid values are: [${EVENT_STATUSES.join(', ')}]`,
    )
  const uids = new Set(
    listParam(query, 'events')
      .flatMap((e) => e.split(';'))
      .concat(listParam(query, 'event').flatMap((e) => e.split(';'))),
  )
  const filters = parseFilters(listParam(query, 'filter'), ctx)
  if (uids.size > 0 && filters.length > 0)
    throw badRequest('Event UIDs and filters can not be specified at the same time')
  const includeDeleted = boolParam(query, 'includeDeleted')
  const range = (field: keyof StoredEvent, after: string, before: string) => {
    const from = dateParam(ctx, query, after)
    const to = dateParam(ctx, query, before)
    return (event: StoredEvent) => {
      const value = event[field] as string | undefined
      if (from === undefined && to === undefined) return true
      if (value === undefined) return false
      return (from === undefined || value >= from) && (to === undefined || value <= to)
    }
  }
  const occurred = range('occurredAt', 'occurredAfter', 'occurredBefore')
  const scheduled = range('scheduledAt', 'scheduledAfter', 'scheduledBefore')
  const updated = range('updatedAt', 'updatedAfter', 'updatedBefore')
  const within = stringParam(query, 'updatedWithin')
  const updatedSince = within
    ? ctx.clock.timestamp(new Date(ctx.clock.now().getTime() - durationMs(within)))
    : undefined

  const events = (ctx.state.events?.all() ?? []).filter(
    (e) =>
      (includeDeleted || !e.deleted) &&
      scope.readable(e) &&
      (!programId || e.program === programId) &&
      (!stageId || e.programStage === stageId) &&
      inOrgUnitScope(e.orgUnit) &&
      (!statusText || e.status === statusText) &&
      (uids.size === 0 || uids.has(e.event)) &&
      occurred(e) &&
      scheduled(e) &&
      updated(e) &&
      (!updatedSince || e.updatedAt >= updatedSince) &&
      filters.every((f) => matches(e, f)),
  )
  sortEvents(events, listParam(query, 'order'))

  const paging = stringParam(query, 'paging')?.toLowerCase() !== 'false' && !boolParam(query, 'skipPaging')
  const page = positiveInt(query, 'page', 1)
  const pageSize = positiveInt(query, 'pageSize', 50)
  if (!paging) return { events, page: 1, pageSize: events.length, paging: false, hasNext: false }
  const start = (page - 1) * pageSize
  return {
    events: events.slice(start, start + pageSize),
    page,
    pageSize,
    ...(boolParam(query, 'totalPages') ? { total: events.length } : {}),
    paging: true,
    hasNext: events.length > start + pageSize,
  }
}

const ORDERABLE = new Set([
  'occurredAt',
  'scheduledAt',
  'createdAt',
  'updatedAt',
  'completedAt',
  'status',
  'orgUnit',
  'program',
  'programStage',
  'event',
  'storedBy',
])

function sortEvents(events: StoredEvent[], order: string[]): void {
  // JdbcEventStore's DEFAULT_ORDER (`eventid desc`): the newest event first; the store keeps creation order.
  events.reverse()
  const keys = order.map((o) => {
    const [field = '', direction = 'asc'] = o.split(':')
    if (!ORDERABLE.has(field))
      throw badRequest(
        `Cannot order by '${field.slice(0, 50)}'. Events can be ordered by event fields, data elements and tracked entity attributes.`,
      )
    return { field: field as keyof StoredEvent, desc: direction.toLowerCase() === 'desc' }
  })
  if (keys.length === 0) return
  events.sort((a, b) => {
    for (const { field, desc } of keys) {
      const x = (a[field] ?? '') as string
      const y = (b[field] ?? '') as string
      if (x === y) continue
      return (x < y ? -1 : 1) * (desc ? -1 : 1)
    }
    return 0
  })
}

/** The list body of the played version. */
export function listBody(
  ctx: StandinContext,
  req: Request,
  result: EventPage,
  items: unknown[],
): Record<string, unknown> {
  const shape = ctx.behaviour.trackerList
  if (shape === 'instances') {
    if (!result.paging) return { instances: items }
    // PagingWrapper.Pager.fromLegacy, unwrapped; total and pageCount only with totalPages=true.
    return {
      page: result.page,
      pageSize: result.pageSize,
      ...pageTotals(result),
      instances: items,
    }
  }
  if (!result.paging) return { events: items }
  const pager: Record<string, unknown> = { page: result.page, pageSize: result.pageSize, ...pageTotals(result) }
  if (shape === 'events-flat-pager')
    return { pager, page: result.page, pageSize: result.pageSize, ...pageTotals(result), events: items }
  const link = (page: number) => {
    const params = new URLSearchParams()
    for (const [key, value] of Object.entries(req.query))
      if (key !== 'page') for (const v of [value].flat()) params.append(key, String(v))
    params.set('page', String(page))
    return `${baseUrlOf(req)}/api/tracker/events?${params.toString()}`
  }
  if (result.page > 1) pager.prevPage = link(result.page - 1)
  if (result.hasNext) pager.nextPage = link(result.page + 1)
  return { pager, events: items }
}

function pageTotals(result: EventPage): Record<string, number> {
  if (result.total === undefined) return {}
  return { total: result.total, pageCount: Math.ceil(result.total / result.pageSize) }
}
