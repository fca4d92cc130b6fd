/**
 * Metadata reads with DHIS2's list syntax (web-api §6.3): `GET /api/<collection>` with `fields`,
 * `filter` (AND, or OR with `rootJunction=OR`), `order`, `paging`/`page`/`pageSize` and the `pager`;
 * `GET /api/<collection>/<id>`; organisation-unit extras (`level`, `includeDescendants`,
 * `includeChildren`, `includeAncestors`, `query`); and `GET /api/metadata` (one array per type).
 */
import type { Request, Router } from 'express'
import { forbidden, notFound } from '../http/web-message'
import type { AuthUser, StandinContext } from '../context'
import { parseFields, renderObject, type RenderContext } from '../query/fields'
import { matchesFilter, parseFilter } from '../query/filters'
import { collectionItems, createRenderContext } from '../query/render-context'
import { COLLECTIONS, SCHEMAS, type CollectionName } from '../query/schema'

const DEFAULT_LIST_FIELDS = 'id,displayName'

function queryValues(req: Request, name: string): string[] {
  const v = req.query[name]
  if (v === undefined) return []
  return (Array.isArray(v) ? v : [v]).map(String)
}

export function baseUrlOf(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`
}

export function renderContextFor(ctx: StandinContext, req: Request, user: AuthUser): RenderContext {
  const locale = typeof req.query.locale === 'string' ? req.query.locale : user.user.settings.keyDbLocale
  return createRenderContext(ctx, locale, baseUrlOf(req))
}

function canRead(collection: CollectionName, user: AuthUser): boolean {
  if (collection !== 'users' && collection !== 'userRoles') return true
  return user.isSuperuser || user.authorities.has('F_USER_VIEW') || user.authorities.has('F_USER_ADD')
}

function sortItems(
  items: Record<string, unknown>[],
  order: string[],
  render: RenderContext,
  collection: CollectionName,
): void {
  const keys = (order.length > 0 ? order.join(',').split(',') : ['name:asc']).map((o) => {
    const [property = 'name', direction = 'asc'] = o.split(':')
    return { property, direction }
  })
  const read = (item: Record<string, unknown>, property: string): unknown =>
    property in item ? item[property] : render.computed(collection, item, property)
  items.sort((a, b) => {
    for (const { property, direction } of keys) {
      let x = read(a, property)
      let y = read(b, property)
      if (direction.startsWith('i')) {
        x = typeof x === 'string' ? x.toLowerCase() : x
        y = typeof y === 'string' ? y.toLowerCase() : y
      }
      if (x === y) continue
      if (x === undefined) return 1
      if (y === undefined) return -1
      const cmp = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), 'fr')
      if (cmp !== 0) return direction.endsWith('desc') ? -cmp : cmp
    }
    return 0
  })
}

/** The org-unit list's own parameters (`level`, `query`, `userOnly`…). */
function orgUnitScope(req: Request, user: AuthUser, items: Record<string, unknown>[]): Record<string, unknown>[] {
  let out = items
  if (typeof req.query.level === 'string') out = out.filter((o) => String(o.level) === req.query.level)
  if (typeof req.query.maxLevel === 'string') out = out.filter((o) => Number(o.level) <= Number(req.query.maxLevel))
  if (req.query.userOnly === 'true') {
    const ids = new Set(user.captureOrgUnits.map((o) => o.id))
    out = out.filter((o) => ids.has(String(o.id)))
  }
  if (req.query.userDataViewOnly === 'true') {
    const ids = new Set(user.viewOrgUnits.map((o) => o.id))
    out = out.filter((o) => ids.has(String(o.id)))
  }
  if (req.query.withinUserHierarchy === 'true') {
    const roots = user.captureOrgUnits.map((o) => o.id)
    out = out.filter((o) => roots.some((r) => `${String(o.path)}/`.includes(`/${r}/`)))
  }
  if (typeof req.query.query === 'string' && req.query.query.length > 0) {
    const q = req.query.query.toLowerCase()
    out = out.filter(
      (o) =>
        String(o.name).toLowerCase().includes(q) ||
        String(o.code ?? '').toLowerCase() === q ||
        o.id === req.query.query,
    )
  }
  return out
}

export function listCollection(ctx: StandinContext, req: Request, collection: CollectionName, user: AuthUser) {
  const render = renderContextFor(ctx, req, user)
  const filters = queryValues(req, 'filter').map(parseFilter)
  const orJunction = String(req.query.rootJunction ?? 'AND').toUpperCase() === 'OR'
  let items = collectionItems(ctx, collection)
  if (collection === 'organisationUnits') items = orgUnitScope(req, user, items)
  if (filters.length > 0) {
    items = items.filter((item) =>
      orJunction
        ? filters.some((f) => matchesFilter(item, collection, f, render))
        : filters.every((f) => matchesFilter(item, collection, f, render)),
    )
  } else items = [...items]
  sortItems(items, queryValues(req, 'order'), render, collection)
  const fields = parseFields(queryValues(req, 'fields').join(',') || DEFAULT_LIST_FIELDS)
  const paging = String(req.query.paging ?? 'true') !== 'false' && req.query.skipPaging !== 'true'
  const body: Record<string, unknown> = {}
  if (paging) {
    const pageSize = Math.max(1, Number(req.query.pageSize ?? 50) || 50)
    const total = items.length
    const pageCount = Math.max(1, Math.ceil(total / pageSize))
    const page = Math.max(1, Number(req.query.page ?? 1) || 1)
    const pager: Record<string, unknown> = { page, total, pageSize, pageCount }
    const link = (p: number) => {
      const params = new URLSearchParams(req.query as Record<string, string>)
      params.set('page', String(p))
      return `${baseUrlOf(req)}${req.baseUrl}${req.path}?${params.toString()}`
    }
    if (page < pageCount) pager.nextPage = link(page + 1)
    if (page > 1) pager.prevPage = link(page - 1)
    body.pager = pager
    items = items.slice((page - 1) * pageSize, page * pageSize)
  }
  body[collection] = items.map((item) => renderObject(item, collection, fields, render))
  return body
}

function withRelatives(
  ctx: StandinContext,
  req: Request,
  unit: Record<string, unknown>,
): Record<string, unknown>[] | undefined {
  const all = ctx.state.metadata.organisationUnits
  const path = String(unit.path)
  if (req.query.includeDescendants === 'true')
    return all.filter((o) => `${o.path}/`.startsWith(`${path}/`)) as unknown as Record<string, unknown>[]
  if (req.query.includeChildren === 'true')
    return [unit, ...all.filter((o) => o.parent?.id === unit.id)] as unknown as Record<string, unknown>[]
  if (req.query.includeAncestors === 'true') {
    const ids = path.split('/').filter(Boolean)
    return ids
      .map((id) => ctx.index.metadata.objects.organisationUnits.byId.get(id))
      .filter(Boolean) as unknown as Record<string, unknown>[]
  }
  return undefined
}

export function registerMetadata(router: Router, ctx: StandinContext): void {
  for (const collection of COLLECTIONS) {
    router.get(`/${collection}`, (req, res) => {
      const user = ctx.userOf(req)
      if (!canRead(collection, user)) throw forbidden()
      res.json(listCollection(ctx, req, collection, user))
    })
    router.get(`/${collection}/:id`, (req, res) => {
      const user = ctx.userOf(req)
      if (!canRead(collection, user)) throw forbidden()
      const id = String(req.params.id)
      const item = collectionItems(ctx, collection).find((o) => o.id === id)
      if (!item)
        throw notFound(`${capitalise(SCHEMAS[collection].singular)} with id ${id} could not be found.`, 'E1005')
      const render = renderContextFor(ctx, req, user)
      const fields = parseFields(queryValues(req, 'fields').join(',') || '*')
      const relatives = collection === 'organisationUnits' ? withRelatives(ctx, req, item) : undefined
      if (relatives) {
        res.json({ organisationUnits: relatives.map((o) => renderObject(o, collection, fields, render)) })
        return
      }
      res.json(renderObject(item, collection, fields, render))
    })
  }

  router.get('/metadata', (req, res) => {
    const user = ctx.userOf(req)
    const render = renderContextFor(ctx, req, user)
    const fields = parseFields(queryValues(req, 'fields').join(',') || ':owner')
    const wanted = COLLECTIONS.filter((c) => req.query[c] === undefined || req.query[c] === 'true').filter((c) =>
      canRead(c, user),
    )
    const onlySome = COLLECTIONS.some((c) => req.query[c] === 'true')
    const body: Record<string, unknown> = { system: { version: ctx.options.version, date: ctx.clock.timestamp() } }
    for (const c of onlySome ? COLLECTIONS.filter((c) => req.query[c] === 'true') : wanted) {
      body[c] = collectionItems(ctx, c).map((item) => renderObject(item, c, fields, render))
    }
    res.json(body)
  })
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
