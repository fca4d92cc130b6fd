/**
 * `/api/dataStore` as DHIS2 2.41 answers it (web-api §7; core@2.41 `DatastoreController`,
 * `DefaultDatastoreService`, `DefaultAppManager.registerDatastoreProtection`):
 * namespaces, keys, values as stored, `…/metaData`, POST 201 / 409 / 400, PUT 200 update or 201
 * create, DELETE key and namespace, the `?fields=` query API (paths, filters, order, paging), and
 * namespace protection: an installed app that declares `activities.dhis.namespace` in its manifest
 * reserves that namespace — reads and writes need the app's `M_<short_name>` authority,
 * `M_dhis-web-app-management` or ALL, else 403 "Namespace '…' is protected, access denied".
 * Writes need `Content-Type: application/json` (Spring `consumes`), else 415 as Spring 5.3 words it.
 * Entry sharing (core@2.41 `DefaultDatastoreService.readProtectedIn`, `HibernateDatastoreStore`): reading
 * one entry — and so updating or deleting it, which read it first — needs read access (owner, superuser,
 * public, the user or one of their groups), else 403 "Access denied for key …"; key lists and the query
 * API leave out what the user cannot read. New entries are shared `rw------` publicly, owned by their
 * creator; `/api/sharing?type=dataStore&id=<entry id>` reads and sets it (sharing.ts).
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import express, { type Request, type Response, type Router } from 'express'
import { generateUid } from '@relais/mappings'
import { HttpError, sendWebMessage } from '../http/web-message'
import type { AuthUser, StandinContext } from '../context'
import type { DataStoreEntry, EntrySharing } from '../store/state'

/** What the stand-in keeps per entry beyond the shared state type (persisted with it as JSON). */
type Entry = DataStoreEntry & { id?: string; encrypted?: boolean }

type ProtectionType = 'NONE' | 'HIDDEN' | 'RESTRICTED'
interface Protection {
  reads: ProtectionType
  writes: ProtectionType
  authorities: string[]
}

const APP_MANAGEMENT = 'M_dhis-web-app-management'
const protectionsByCtx = new WeakMap<StandinContext, Map<string, Protection>>()

/** After an app is installed: its namespace is read again from the manifests. */
export function forgetNamespaceProtections(ctx: StandinContext): void {
  protectionsByCtx.delete(ctx)
}

/** Namespaces reserved by installed apps (read from their manifest.webapp once per stand-in). */
function protections(ctx: StandinContext): Map<string, Protection> {
  let map = protectionsByCtx.get(ctx)
  if (map) return map
  map = new Map()
  for (const dir of Object.values(ctx.options.apps)) {
    const file = join(dir, 'manifest.webapp')
    if (!existsSync(file)) continue
    let manifest: { short_name?: string; activities?: { dhis?: { namespace?: string } } }
    try {
      manifest = JSON.parse(readFileSync(file, 'utf8')) as typeof manifest
    } catch {
      continue
    }
    const namespace = manifest.activities?.dhis?.namespace
    if (!namespace) continue
    const authorities = [APP_MANAGEMENT]
    // App.getSeeAppAuthority(): "M_" + short name without special characters, spaces as "_".
    if (manifest.short_name)
      authorities.push(
        `M_${manifest.short_name
          .trim()
          .replace(/[^a-zA-Z0-9\s]/g, '')
          .replace(/\s+/g, '_')}`,
      )
    map.set(namespace, { reads: 'RESTRICTED', writes: 'RESTRICTED', authorities })
  }
  protectionsByCtx.set(ctx, map)
  return map
}

function hasProtectionAuthority(ctx: StandinContext, user: AuthUser, p: Protection): boolean {
  return user.isSuperuser || (p.authorities.length > 0 && ctx.hasAuthority(user, ...p.authorities))
}

export const DEFAULT_ENTRY_SHARING: EntrySharing = { public: 'rw------', users: {}, userGroups: {} }

/** AclService.canRead / canWrite of a shareable object, for metadata access (characters 0 and 1). */
export function entryAccess(user: AuthUser, entry: Entry, position: 0 | 1): boolean {
  if (user.isSuperuser || entry.createdBy === user.user.id) return true
  const sharing = entry.sharing ?? DEFAULT_ENTRY_SHARING
  const grants = (access: string | undefined) => access?.[position] === (position === 0 ? 'r' : 'w')
  if (grants(sharing.public) || grants(sharing.users[user.user.id])) return true
  return user.user.userGroups.some((g) => grants(sharing.userGroups[g.id]))
}

const denied = (ns: string) => new HttpError(403, `Namespace '${ns}' is protected, access denied`)

/** readProtectedIn: true = read, false = hidden (answer as if empty); throws when restricted. */
function canReadNamespace(ctx: StandinContext, user: AuthUser, ns: string): boolean {
  const p = protections(ctx).get(ns)
  if (!p || p.reads === 'NONE' || hasProtectionAuthority(ctx, user, p)) return true
  if (p.reads === 'RESTRICTED') throw denied(ns)
  return false
}

/** writeProtectedIn: true = write, false = silently skipped (HIDDEN); throws when restricted. */
function canWriteNamespace(ctx: StandinContext, user: AuthUser, ns: string): boolean {
  const p = protections(ctx).get(ns)
  if (!p || p.writes === 'NONE' || hasProtectionAuthority(ctx, user, p)) return true
  if (p.writes === 'RESTRICTED') throw denied(ns)
  return false
}

function isVisible(ctx: StandinContext, user: AuthUser, ns: string): boolean {
  const p = protections(ctx).get(ns)
  return !p || p.reads !== 'HIDDEN' || hasProtectionAuthority(ctx, user, p)
}

/** Spring's `consumes = application/json`: anything else is a 415 in Spring 5.3 words. */
function requireJson(req: Request): void {
  const type = req.get('content-type')
  const mediaType = type?.split(';')[0]?.trim().toLowerCase()
  if (mediaType !== 'application/json') {
    throw new HttpError(415, `Content type '${type ?? ''}' not supported`)
  }
}

function rawBody(req: Request): string | undefined {
  return typeof req.body === 'string' && req.body.length > 0 ? req.body : undefined
}

function parseValue(key: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new HttpError(400, `Invalid JSON value for key '${key}'`, 'E1003')
  }
}

const param = (req: Request, name: string): string => String(req.params[name])

export function registerDatastore(router: Router, ctx: StandinContext): void {
  const store = () => ctx.state.dataStore
  const entryOf = (ns: string, key: string): Entry | undefined => store().get(ns)?.get(key)
  const existing = (user: AuthUser, ns: string, key: string): Entry => {
    const entry = canReadNamespace(ctx, user, ns) ? entryOf(ns, key) : undefined
    if (!entry) throw new HttpError(404, `Key '${key}' not found in namespace '${ns}'`, 'E1005')
    if (!entryAccess(user, entry, 0)) throw new HttpError(403, `Access denied for key '${key}' in namespace '${ns}'`)
    return entry
  }
  const noStore = (res: Response) => res.set('Cache-Control', 'no-store')
  const text = express.text({ type: () => true, limit: '10mb' })

  const create = (req: Request, res: Response, user: AuthUser, ns: string, key: string) => {
    requireJson(req)
    const present = canReadNamespace(ctx, user, ns) ? entryOf(ns, key) : undefined
    if (present && !entryAccess(user, present, 0))
      throw new HttpError(403, `Access denied for key '${key}' in namespace '${ns}'`)
    if (present) {
      throw new HttpError(409, `Key '${key}' already exists in namespace '${ns}'`, 'E1004')
    }
    const body = rawBody(req)
    // POST has a required @RequestBody (Spring: HttpMessageNotReadableException → 400); PUT's is optional.
    if (body === undefined && req.method === 'POST') throw new HttpError(400, 'Required request body is missing')
    const value = body === undefined ? null : parseValue(key, body)
    if (canWriteNamespace(ctx, user, ns)) {
      const now = ctx.clock.timestamp()
      let keys = store().get(ns)
      if (!keys) store().set(ns, (keys = new Map()))
      const entry: Entry = {
        value,
        created: now,
        lastUpdated: now,
        createdBy: user.user.id,
        lastUpdatedBy: user.user.id,
        id: generateUid(),
      }
      if (req.query.encrypt === 'true') entry.encrypted = true
      keys.set(key, entry)
    }
    sendWebMessage(res, 201, `Key created: '${key}'`)
  }

  router.get('/dataStore', (req, res) => {
    const user = ctx.userOf(req)
    noStore(res).json(
      [...store().keys()].filter((ns) => (store().get(ns)?.size ?? 0) > 0 && isVisible(ctx, user, ns)).sort(),
    )
  })

  const listKeys = (req: Request, res: Response, queryApi: boolean) => {
    const user = ctx.userOf(req)
    const ns = param(req, 'namespace')
    if (queryApi && 'fields' in req.query) return queryEntries(ctx, req, res, user, ns)
    const readable = canReadNamespace(ctx, user, ns)
    const keys = readable ? store().get(ns) : undefined
    if (!keys || keys.size === 0) throw new HttpError(404, `Namespace not found: '${ns}'`, 'E1005')
    const since = typeof req.query.lastUpdated === 'string' ? req.query.lastUpdated : undefined
    const out = [...keys]
      .filter(([, e]) => (since === undefined || e.lastUpdated >= since) && entryAccess(user, e, 0))
      .map(([k]) => k)
    noStore(res).json(out)
  }
  router.get('/dataStore/:namespace/keys', (req, res) => {
    // The collision-free alias of GET /{namespace}; the query API is only on /{namespace}.
    listKeys(req, res, false)
  })
  router.get('/dataStore/:namespace', (req, res) => listKeys(req, res, true))

  router.delete('/dataStore/:namespace', (req, res) => {
    const user = ctx.userOf(req)
    const ns = param(req, 'namespace')
    const used = canReadNamespace(ctx, user, ns) && (store().get(ns)?.size ?? 0) > 0
    if (!used) throw new HttpError(404, `Namespace not found: '${ns}'`, 'E1005')
    if (canWriteNamespace(ctx, user, ns)) store().delete(ns)
    sendWebMessage(res, 200, `Namespace deleted: '${ns}'`)
  })

  router.get('/dataStore/:namespace/:key/metaData', (req, res) => {
    const user = ctx.userOf(req)
    const ns = param(req, 'namespace')
    const key = param(req, 'key')
    const entry = existing(user, ns, key)
    if (!entry.id) entry.id = generateUid()
    const write = entryAccess(user, entry, 1)
    const access = { manage: write, externalize: false, write, read: true, update: write, delete: write }
    // UserPropertyTransformer: a user reference is {id, code, name, displayName, username}.
    const userRef = (id: string) => {
      const u = ctx.index.usersById.get(id)
      if (!u) return { id }
      const name = `${u.firstName} ${u.surname}`.trim()
      return { id, code: u.code, name, displayName: name, username: u.username }
    }
    const sharing = entry.sharing ?? DEFAULT_ENTRY_SHARING
    const accesses = (map: Record<string, string>) =>
      Object.fromEntries(Object.entries(map).map(([id, a]) => [id, { id, access: a }]))
    noStore(res).json({
      id: entry.id,
      created: entry.created,
      lastUpdated: entry.lastUpdated,
      createdBy: userRef(entry.createdBy),
      lastUpdatedBy: userRef(entry.lastUpdatedBy),
      user: userRef(entry.createdBy),
      namespace: ns,
      key,
      encrypted: entry.encrypted ?? false,
      sharing: {
        owner: entry.createdBy,
        external: false,
        users: accesses(sharing.users),
        userGroups: accesses(sharing.userGroups),
        public: sharing.public,
      },
      access,
    })
  })

  router.get('/dataStore/:namespace/:key', (req, res) => {
    const user = ctx.userOf(req)
    const entry = existing(user, param(req, 'namespace'), param(req, 'key'))
    noStore(res).type('application/json').send(JSON.stringify(entry.value))
  })

  router.post('/dataStore/:namespace/:key', text, (req, res) => {
    create(req, res, ctx.userOf(req), param(req, 'namespace'), param(req, 'key'))
  })

  router.put('/dataStore/:namespace/:key', text, (req, res) => {
    const user = ctx.userOf(req)
    const ns = param(req, 'namespace')
    const key = param(req, 'key')
    requireJson(req)
    const entry = canReadNamespace(ctx, user, ns) ? entryOf(ns, key) : undefined
    if (!entry) return create(req, res, user, ns, key)
    if (!entryAccess(user, entry, 0)) throw new HttpError(403, `Access denied for key '${key}' in namespace '${ns}'`)
    const body = rawBody(req)
    const value = body === undefined ? null : parseValue(key, body)
    if (canWriteNamespace(ctx, user, ns)) {
      entry.value = value
      entry.lastUpdated = ctx.clock.timestamp()
      entry.lastUpdatedBy = user.user.id
    }
    sendWebMessage(res, 200, `Key updated: '${key}'`)
  })

  router.delete('/dataStore/:namespace/:key', (req, res) => {
    const user = ctx.userOf(req)
    const ns = param(req, 'namespace')
    const key = param(req, 'key')
    existing(user, ns, key)
    if (canWriteNamespace(ctx, user, ns)) {
      const keys = store().get(ns)
      keys?.delete(key)
      if (keys && keys.size === 0) store().delete(ns)
    }
    sendWebMessage(res, 200, `Key '${key}' deleted from namespace '${ns}'`)
  })
}

// ---------------------------------------------------------------------------------------------
// Query API: GET /api/dataStore/{ns}?fields=…&filter=…&order=…&page=…&pageSize=…&paging=…
// ---------------------------------------------------------------------------------------------

interface Field {
  path: string
  alias: string
}

/** `a,b.c,root[x,y(z)],leaf~hoist(alias)`, `.` for the whole value (alias `value`). */
export function parseDatastoreFields(spec: string): Field[] {
  const out: Field[] = []
  let pos = 0
  const walk = (prefix: string): void => {
    while (pos < spec.length) {
      const ch = spec[pos]
      if (ch === ']' || ch === ')') {
        pos++
        return
      }
      if (ch === ',') {
        pos++
        continue
      }
      let name = ''
      while (pos < spec.length && !',[]()'.includes(spec[pos] ?? '')) name += spec[pos++]
      name = name.trim()
      let alias: string | undefined
      const hoist = /^(.*)~hoist$/.exec(name)
      if (hoist && spec[pos] === '(') {
        pos++
        let text = ''
        while (pos < spec.length && spec[pos] !== ')') text += spec[pos++]
        pos++
        name = hoist[1] ?? name
        alias = text.trim()
      }
      const path = prefix && name !== '.' ? `${prefix}.${name}` : name
      if (spec[pos] === '[' || spec[pos] === '(') {
        pos++
        walk(path)
        continue
      }
      if (name) out.push({ path, alias: alias ?? (path === '.' ? 'value' : path) })
    }
  }
  walk('')
  return out
}

function valueAt(entryKey: string, value: unknown, path: string): unknown {
  if (path === '_') return entryKey
  if (path === '.') return value
  let current: unknown = value
  for (const raw of path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean)) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<string, unknown>)[raw]
  }
  return current
}

const OPERATORS: Record<string, string> = {
  null: 'null',
  '!null': '!null',
  empty: 'empty',
  '!empty': '!empty',
  in: 'in',
  '!in': '!in',
  eq: 'eq',
  '!eq': '!eq',
  neq: '!eq',
  ne: '!eq',
  lt: 'lt',
  lte: 'le',
  le: 'le',
  gt: 'gt',
  gte: 'ge',
  ge: 'ge',
  like: 'like',
  '!like': '!like',
  $like: '$like',
  '!$like': '!$like',
  like$: 'like$',
  '!like$': '!like$',
  ieq: 'ieq',
  ilike: 'ilike',
  '!ilike': '!ilike',
  $ilike: '$ilike',
  startswith: '$ilike',
  '!$ilike': '!$ilike',
  '!startswith': '!$ilike',
  ilike$: 'ilike$',
  endswith: 'ilike$',
  '!ilike$': '!ilike$',
  '!endswith': '!ilike$',
}

interface Filter {
  path: string
  op: string
  value: string
}

function parseFilters(values: string[]): Filter[] {
  // Spring joins repeated `filter` parameters with commas; DHIS2 splits them again outside [..].
  const parts = values
    .join(',')
    .split(/,(?![^[\]]*\])/)
    .filter(Boolean)
  return parts.map((text) => {
    const [path = '', opText = '', ...rest] = text.split(':')
    const op = OPERATORS[opText.toLowerCase()]
    if (!op)
      throw new HttpError(409, `Unknown operator: \`${opText}\` Use one of ${JSON.stringify(Object.keys(OPERATORS))}`)
    return { path: path.replace(/^\[|\]$/g, ''), op, value: rest.join(':') }
  })
}

function matches(actual: unknown, f: Filter): boolean {
  const { op } = f
  if (op === 'null') return actual === null
  if (op === '!null') return actual !== null && actual !== undefined
  const isEmpty =
    actual === '' ||
    (Array.isArray(actual) && actual.length === 0) ||
    (actual !== null && typeof actual === 'object' && Object.keys(actual).length === 0)
  if (op === 'empty') return actual !== undefined && isEmpty
  if (op === '!empty') return actual !== undefined && actual !== null && !isEmpty
  if (actual === undefined || actual === null || typeof actual === 'object')
    return op.startsWith('!') && actual !== undefined
  const text = String(actual)
  if (op === 'in' || op === '!in') {
    const list = f.value
      .replace(/^\[|\]$/g, '')
      .split(',')
      .map((s) => s.trim())
    return list.includes(text) === (op === 'in')
  }
  // Typed by the filter value: true/false → boolean, number → numeric, 'quoted' → text.
  let value: string | number | boolean = f.value
  if (/^'.*'$/.test(f.value)) value = f.value.slice(1, -1)
  else if (f.value === 'true' || f.value === 'false') value = f.value === 'true'
  else if (f.value !== '' && !Number.isNaN(Number(f.value))) value = Number(f.value)
  const cmp = (): number => {
    if (typeof value === 'number' && typeof actual === 'number') return actual - value
    return text < String(value) ? -1 : text > String(value) ? 1 : 0
  }
  const lower = text.toLowerCase()
  const v = String(value)
  const lv = v.toLowerCase()
  switch (op) {
    case 'eq':
      return typeof value === 'boolean' ? actual === value : typeof value === 'number' ? actual === value : text === v
    case '!eq':
      return !(typeof value === 'boolean'
        ? actual === value
        : typeof value === 'number'
          ? actual === value
          : text === v)
    case 'lt':
      return cmp() < 0
    case 'le':
      return cmp() <= 0
    case 'gt':
      return cmp() > 0
    case 'ge':
      return cmp() >= 0
    case 'like':
      return text.includes(v)
    case '!like':
      return !text.includes(v)
    case '$like':
      return text.startsWith(v)
    case '!$like':
      return !text.startsWith(v)
    case 'like$':
      return text.endsWith(v)
    case '!like$':
      return !text.endsWith(v)
    case 'ieq':
      return lower === lv
    case 'ilike':
      return lower.includes(lv)
    case '!ilike':
      return !lower.includes(lv)
    case '$ilike':
      return lower.startsWith(lv)
    case '!$ilike':
      return !lower.startsWith(lv)
    case 'ilike$':
      return lower.endsWith(lv)
    case '!ilike$':
      return !lower.endsWith(lv)
    default:
      return false
  }
}

function setAt(target: Record<string, unknown>, alias: string, value: unknown): void {
  const parts = alias.split('.')
  let node = target
  for (const part of parts.slice(0, -1)) {
    if (node[part] === null || typeof node[part] !== 'object') node[part] = {}
    node = node[part] as Record<string, unknown>
  }
  node[parts[parts.length - 1] ?? alias] = value
}

function queryValues(req: Request, name: string): string[] {
  const v = req.query[name]
  if (v === undefined) return []
  return (Array.isArray(v) ? v : [v]).map(String)
}

function queryEntries(ctx: StandinContext, req: Request, res: Response, user: AuthUser, ns: string): void {
  const fields = parseDatastoreFields(queryValues(req, 'fields').join(','))
  const filters = parseFilters(queryValues(req, 'filter'))
  const anyFilter = String(req.query.rootJunction ?? 'AND').toUpperCase() === 'OR'
  const includeAll = req.query.includeAll === 'true'
  const paging = req.query.paging !== 'false'
  const headless = req.query.headless === 'true' || !paging
  const page = Math.max(1, Number(req.query.page ?? 1) || 1)
  const pageSize = Math.max(1, Math.min(1000, Number(req.query.pageSize ?? 50) || 50))
  const [orderPath = '_', orderDir = 'asc'] = String(req.query.order ?? '_').split(/::|:|~|@/)
  const direction = orderDir.toLowerCase()
  if (!['asc', 'desc', 'nasc', 'ndesc'].includes(direction)) {
    throw new HttpError(400, `Not a valid order expression: ${String(req.query.order)}`, 'E1003')
  }

  const keys = canReadNamespace(ctx, user, ns) ? ctx.state.dataStore.get(ns) : undefined
  let rows = [...(keys ?? new Map<string, Entry>())]
    .filter(([, e]) => entryAccess(user, e, 0))
    .map(([key, e]) => ({ key, value: e.value }))
  if (filters.length > 0) {
    rows = rows.filter((r) => {
      const hits = filters.map((f) => matches(valueAt(r.key, r.value, f.path), f))
      return anyFilter ? hits.some(Boolean) : hits.every(Boolean)
    })
  }
  if (fields.length > 0 && !includeAll)
    rows = rows.filter((r) => fields.some((f) => (valueAt(r.key, r.value, f.path) ?? null) !== null))
  const numeric = direction.startsWith('n')
  const sign = direction.endsWith('desc') ? -1 : 1
  rows.sort((a, b) => {
    const x = valueAt(a.key, a.value, orderPath)
    const y = valueAt(b.key, b.value, orderPath)
    if (numeric) return sign * (Number(x) - Number(y))
    const sx = typeof x === 'string' ? x : (JSON.stringify(x) ?? '')
    const sy = typeof y === 'string' ? y : (JSON.stringify(y) ?? '')
    return sign * (sx < sy ? -1 : sx > sy ? 1 : 0)
  })
  if (paging) rows = rows.slice((page - 1) * pageSize, page * pageSize)
  const entries = rows.map((r) => {
    const out: Record<string, unknown> = { key: r.key }
    for (const f of fields) setAt(out, f.alias, valueAt(r.key, r.value, f.path) ?? null)
    return out
  })
  res.set('Cache-Control', 'no-store')
  res.json(headless ? entries : { pager: { page, pageSize }, entries })
}
