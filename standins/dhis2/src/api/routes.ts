/**
 * Routes (DHIS2 2.40+; web-api §7 "Routes" and "Route header whitelist"; core@2.41
 * `RouteController`, `RouteService`, `common/auth/*AuthScheme`): metadata CRUD on `/api/routes` and
 * the proxy `GET|POST|PUT|PATCH|DELETE /api/routes/{id-or-code}/run[/**]`.
 *
 * The proxy passes on only the whitelisted request headers — the browser's `Content-Type`,
 * `Authorization` and any `X-Forwarded-User` are dropped — then adds the route's static `headers`,
 * then `X-Forwarded-User: <username>`, then the route's auth (http-basic, api-token →
 * `Authorization: ApiToken …`, api-headers, api-query-params). Query parameters are passed on, the
 * request body is streamed as is, and only the whitelisted response headers come back with the
 * upstream status and body (passed through unwrapped, as 2.41.7+ does).
 *
 * Errors: unknown or disabled route 404 `Route {id} not found`; a user who neither owns the route,
 * nor holds one of its `authorities`, nor is a superuser 403 `User not authorized`; a sub-path on a
 * route whose URL does not end in `/**` 502 `Route '…' does not allow sub-paths`; no upstream answer
 * within `responseTimeoutSeconds` (default 5, 1–60) 504 with an empty body; connection refused or
 * reset 503 (the RestClientException answer of 2.41); an upstream body over 256 KB 502 (the cap the
 * Relais spec sets; the message is Spring's codec buffer limit). Secrets in `auth` are write-only:
 * GET never shows password, token, auth headers or auth query parameters.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import express, { type Request, type Response, type Router } from 'express'
import { generateUid } from '@relais/mappings'
import { HttpError, webMessage } from '../http/web-message'
import type { AuthUser, StandinContext } from '../context'
import { parseFields, renderObject } from '../query/fields'
import { createRenderContext } from '../query/render-context'
import type { Route, RouteAuth } from '../store/state'
import { remoteServerAllowed, type RouteBehaviour } from '../versions'

/** What the stand-in keeps per route beyond the shared type (persisted with the state as JSON). */
type StoredRoute = Route & { createdBy?: string; publicAccess?: string }

export const ROUTE_RESPONSE_CAP_BYTES = 256 * 1024
const DEFAULT_TIMEOUT_SECONDS = 5
const KLASS = 'org.hisp.dhis.route.Route'
const UID = /^[A-Za-z][A-Za-z0-9]{10}$/

export const ALLOWED_REQUEST_HEADERS = new Set([
  'accept',
  'accept-encoding',
  'accept-language',
  'x-requested-with',
  'user-agent',
  'cache-control',
  'if-match',
  'if-modified-since',
  'if-none-match',
  'if-range',
  'if-unmodified-since',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-forwarded-proto',
  'x-forwarded-prefix',
  'forwarded',
])
export const ALLOWED_RESPONSE_HEADERS = new Set([
  'content-encoding',
  'content-language',
  'content-length',
  'content-type',
  'expires',
  'cache-control',
  'last-modified',
  'etag',
])

function baseUrl(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`
}

function locationOf(req: Request, res: Response, path: string): string {
  const version = typeof res.locals.apiVersion === 'number' ? `/${res.locals.apiVersion}` : ''
  return `${baseUrl(req)}/api${version}${path}`
}

function queryValues(req: Request, name: string): string[] {
  const v = req.query[name]
  if (v === undefined) return []
  return (Array.isArray(v) ? v : [v]).map(String)
}

/** The auth scheme as GET shows it: `type` and the http-basic `username`; secrets are WRITE_ONLY. */
function publicAuth(auth: RouteAuth | undefined): Record<string, unknown> | undefined {
  if (!auth) return undefined
  return auth.type === 'http-basic' ? { type: auth.type, username: auth.username } : { type: auth.type }
}

function dtoOf(route: StoredRoute, req: Request): Record<string, unknown> {
  const owner = route.createdBy
  return {
    id: route.id,
    href: `${baseUrl(req)}/api/routes/${route.id}`,
    code: route.code,
    name: route.name,
    displayName: route.name,
    description: route.description,
    created: route.created,
    lastUpdated: route.lastUpdated,
    disabled: route.disabled,
    url: route.url,
    headers: route.headers,
    auth: publicAuth(route.auth),
    authorities: route.authorities,
    responseTimeoutSeconds: route.responseTimeoutSeconds,
    ...(owner ? { createdBy: { id: owner }, user: { id: owner } } : {}),
    sharing: { owner, external: false, users: {}, userGroups: {}, public: route.publicAccess ?? '--------' },
    translations: [],
    attributeValues: [],
  }
}

function objectReport(httpStatusCode: number, uid: string, errorReports: unknown[] = [], message?: string) {
  return webMessage(httpStatusCode, message, {
    status: errorReports.length > 0 ? 'ERROR' : 'OK',
    response: { responseType: 'ObjectReport', uid, klass: KLASS, errorReports },
  })
}

function errorReport(message: string, errorCode: string, property: string, value?: unknown) {
  return {
    message,
    mainKlass: KLASS,
    errorCode,
    errorProperty: property,
    errorProperties: [property, ...(value === undefined ? [] : [value])],
  }
}

/** RouteService.validateRoute (409 ConflictException, errorCode E1004). */
function validateRoute(ctx: StandinContext, route: StoredRoute): void {
  let url: URL
  try {
    url = new URL(route.url)
  } catch {
    throw new HttpError(409, 'Malformed route URL', 'E1004')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new HttpError(409, 'Route URL scheme must be either http or https', 'E1004')
  if (!urlPermitted(ctx, url)) throw new HttpError(409, 'Route URL is not permitted', 'E1004')
  const t = route.responseTimeoutSeconds
  if (!Number.isInteger(t) || t < 1 || t > 60) {
    throw new HttpError(
      409,
      'Route response timeout must be greater than 0 seconds and less than or equal to 60 seconds',
      'E1004',
    )
  }
}

/** 2.42+: the route's `scheme://host[:port]` must match dhis.conf `route.remote_servers_allowed`. */
function urlPermitted(ctx: StandinContext, url: URL): boolean {
  return !ctx.behaviour.routes?.checksRemoteServers || remoteServerAllowed(ctx.options.routeRemoteServersAllowed, url)
}

function toStringMap(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {}
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, String(v)]))
}

function parseAuth(value: unknown, known: ReadonlySet<string>): RouteAuth | undefined {
  if (value === undefined || value === null) return undefined
  const raw = value as Record<string, unknown>
  const type = String(raw.type ?? '')
  if (!known.has(type)) {
    throw new HttpError(
      409,
      `Could not resolve type id '${type}' as a subtype of \`org.hisp.dhis.common.auth.AuthScheme\`: known type ids = [${[...known].sort().join(', ')}]`,
    )
  }
  const auth: RouteAuth = { type: type as RouteAuth['type'] }
  if (type === 'http-basic') {
    if (raw.username !== undefined) auth.username = String(raw.username)
    if (raw.password !== undefined) auth.password = String(raw.password)
  } else if (type === 'api-token') {
    if (raw.token !== undefined) auth.token = String(raw.token)
  } else if (type === 'api-headers') auth.headers = toStringMap(raw.headers)
  else auth.queryParams = toStringMap(raw.queryParams)
  return auth
}

function routeFromBody(
  body: Record<string, unknown>,
  base: Partial<StoredRoute>,
  authTypes: ReadonlySet<string>,
): StoredRoute {
  const sharing = body.sharing as { public?: unknown } | undefined
  const publicAccess =
    typeof sharing?.public === 'string'
      ? sharing.public
      : typeof body.publicAccess === 'string'
        ? body.publicAccess
        : base.publicAccess
  return {
    id: base.id ?? generateUid(),
    code: typeof body.code === 'string' ? body.code : '',
    name: typeof body.name === 'string' ? body.name : '',
    ...(typeof body.description === 'string' ? { description: body.description } : {}),
    disabled: body.disabled === true,
    url: typeof body.url === 'string' ? body.url : '',
    headers: toStringMap(body.headers),
    ...(body.auth !== undefined && body.auth !== null ? { auth: parseAuth(body.auth, authTypes) } : {}),
    authorities: Array.isArray(body.authorities) ? body.authorities.map(String) : [],
    responseTimeoutSeconds:
      body.responseTimeoutSeconds === undefined ? DEFAULT_TIMEOUT_SECONDS : Number(body.responseTimeoutSeconds),
    created: base.created ?? '',
    lastUpdated: base.lastUpdated ?? '',
    ...(base.createdBy ? { createdBy: base.createdBy } : {}),
    publicAccess: publicAccess ?? '--------',
  }
}

function requireJsonBody(req: Request): Record<string, unknown> {
  const type = req.get('content-type')
  if (type?.split(';')[0]?.trim().toLowerCase() !== 'application/json')
    throw new HttpError(415, `Content type '${type ?? ''}' not supported`)
  try {
    const parsed = JSON.parse(typeof req.body === 'string' && req.body ? req.body : '{}') as unknown
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error('Expected a JSON object')
    return parsed as Record<string, unknown>
  } catch (error) {
    throw new HttpError(409, (error as Error).message)
  }
}

/** aclService.canRead for a route: superuser, owner, or public read access. */
function canReadRoute(user: AuthUser, route: StoredRoute): boolean {
  return user.isSuperuser || route.createdBy === user.user.id || (route.publicAccess ?? '--------').startsWith('r')
}

function canRun(ctx: StandinContext, user: AuthUser, route: StoredRoute): boolean {
  return canReadRoute(user, route) || (route.authorities.length > 0 && ctx.hasAuthority(user, ...route.authorities))
}

export function registerRoutes(router: Router, ctx: StandinContext): void {
  const behaviour = ctx.behaviour.routes
  // Before 2.40 there are no routes: /api/routes is an unknown endpoint.
  if (!behaviour) return
  const routes = () => ctx.state.routes as StoredRoute[]
  const text = express.text({ type: () => true, limit: '1mb' })

  /** The metadata-import checks that answer with an ObjectReport (required name, unique code). */
  const importErrors = (route: StoredRoute): unknown[] => {
    const errors: unknown[] = []
    if (!route.name) errors.push(errorReport('Missing required property `name`', 'E4000', 'name'))
    if (!route.url) errors.push(errorReport('Missing required property `url`', 'E4000', 'url'))
    const clash = routes().find((r) => r.id !== route.id && route.code && r.code === route.code)
    if (clash) {
      errors.push(
        errorReport(
          `Property \`code\` with value \`${route.code}\` on object ${route.name} [${route.id}] (Route) already exists on object ${clash.id}`,
          'E5003',
          'code',
          route.code,
        ),
      )
    }
    const nameClash = routes().find((r) => r.id !== route.id && r.name === route.name)
    if (route.name && nameClash) {
      errors.push(
        errorReport(
          `Property \`name\` with value \`${route.name}\` on object ${route.name} [${route.id}] (Route) already exists on object ${nameClash.id}`,
          'E5003',
          'name',
          route.name,
        ),
      )
    }
    return errors
  }

  router.get('/routes', (req, res) => {
    const user = ctx.userOf(req)
    let items = routes()
      .filter((r) => canReadRoute(user, r))
      .map((r) => dtoOf(r, req))
    for (const f of queryValues(req, 'filter')) {
      const [property = '', op = '', ...rest] = f.split(':')
      const value = rest.join(':')
      if (op === 'eq') items = items.filter((i) => String(i[property]) === value)
      else if (op === 'in')
        items = items.filter((i) =>
          value
            .replace(/^\[|\]$/g, '')
            .split(',')
            .includes(String(i[property])),
        )
      else if (op === 'ilike')
        items = items.filter((i) =>
          String(i[property] ?? '')
            .toLowerCase()
            .includes(value.toLowerCase()),
        )
      else throw new HttpError(400, `Query failed because of a syntax error (Invalid filter operator: ${op})`, 'E2014')
    }
    items.sort((a, b) => String(a.name).toLowerCase().localeCompare(String(b.name).toLowerCase()))
    const render = createRenderContext(ctx, 'en', baseUrl(req))
    const fields = parseFields(queryValues(req, 'fields').join(',') || 'id,displayName')
    const paging = req.query.paging !== 'false'
    const pageSize = Math.max(1, Number(req.query.pageSize ?? 50) || 50)
    const page = Math.max(1, Number(req.query.page ?? 1) || 1)
    const total = items.length
    const shown = paging ? items.slice((page - 1) * pageSize, page * pageSize) : items
    res.json({
      ...(paging ? { pager: { page, total, pageSize, pageCount: Math.max(1, Math.ceil(total / pageSize)) } } : {}),
      routes: shown.map((i) => renderObject(i, undefined, fields, render)),
    })
  })

  router.get('/routes/:id', (req, res) => {
    const user = ctx.userOf(req)
    const id = String(req.params.id)
    const route = routes().find((r) => r.id === id)
    if (!route) throw new HttpError(404, `Route with id ${id} could not be found.`, 'E1005')
    if (!canReadRoute(user, route))
      throw new HttpError(403, "You don't have the proper permissions to read objects of this type.", 'E1006')
    const render = createRenderContext(ctx, 'en', baseUrl(req))
    res.json(
      renderObject(dtoOf(route, req), undefined, parseFields(queryValues(req, 'fields').join(',') || '*'), render),
    )
  })

  router.post('/routes', text, (req, res) => {
    const user = ctx.userOf(req)
    const body = requireJsonBody(req)
    if (!ctx.hasAuthority(user, 'F_ROUTE_PUBLIC_ADD', 'F_ROUTE_PRIVATE_ADD')) {
      throw new HttpError(403, "You don't have the proper permissions to create this object.", 'E1006')
    }
    const now = ctx.clock.timestamp()
    const wanted = typeof body.id === 'string' && UID.test(body.id) ? body.id : undefined
    const route = routeFromBody(
      body,
      { id: wanted, created: now, lastUpdated: now, createdBy: user.user.id },
      behaviour.authTypes,
    )
    validateRoute(ctx, route)
    if (wanted && routes().some((r) => r.id === wanted)) {
      res
        .status(409)
        .json(
          objectReport(
            409,
            wanted,
            [errorReport(`Object with id ${wanted} already exists`, 'E5000', 'id', wanted)],
            'One or more errors occurred, please see full details in import report.',
          ),
        )
      return
    }
    const errors = importErrors(route)
    if (errors.length > 0) {
      res
        .status(409)
        .json(
          objectReport(409, route.id, errors, 'One or more errors occurred, please see full details in import report.'),
        )
      return
    }
    ctx.state.routes.push(route)
    res.set('Location', locationOf(req, res, `/routes/${route.id}`))
    res.status(201).json(objectReport(201, route.id))
  })

  router.put('/routes/:id', text, (req, res) => {
    const user = ctx.userOf(req)
    const body = requireJsonBody(req)
    const id = String(req.params.id)
    const existing = routes().find((r) => r.id === id)
    if (!existing) throw new HttpError(404, `Route with id ${id} could not be found.`, 'E1005')
    if (
      !ctx.hasAuthority(user, 'F_ROUTE_PUBLIC_ADD', 'F_ROUTE_PRIVATE_ADD') ||
      !(user.isSuperuser || existing.createdBy === user.user.id || (existing.publicAccess ?? '').startsWith('rw'))
    ) {
      throw new HttpError(403, "You don't have the proper permissions to update this object.", 'E1006')
    }
    // A full replacement, as DHIS2's PUT is: an `auth` sent without its secret loses the secret.
    const updated = routeFromBody(body, { ...existing, lastUpdated: ctx.clock.timestamp() }, behaviour.authTypes)
    validateRoute(ctx, updated)
    const errors = importErrors(updated)
    if (errors.length > 0) {
      res
        .status(409)
        .json(objectReport(409, id, errors, 'One or more errors occurred, please see full details in import report.'))
      return
    }
    const at = routes().indexOf(existing)
    ctx.state.routes[at] = updated
    res.json(objectReport(200, id))
  })

  router.delete('/routes/:id', (req, res) => {
    const user = ctx.userOf(req)
    const id = String(req.params.id)
    const existing = routes().find((r) => r.id === id)
    if (!existing) throw new HttpError(404, `Route with id ${id} could not be found.`, 'E1005')
    if (
      !ctx.hasAuthority(user, 'F_ROUTE_PUBLIC_ADD', 'F_ROUTE_DELETE') ||
      !(user.isSuperuser || existing.createdBy === user.user.id || (existing.publicAccess ?? '').startsWith('rw'))
    ) {
      throw new HttpError(403, "You don't have the proper permissions to delete this object.", 'E1006')
    }
    ctx.state.routes = ctx.state.routes.filter((r) => r.id !== id)
    res.json(objectReport(200, id))
  })

  const run = (req: Request, res: Response) => {
    const user = ctx.userOf(req)
    const id = String(req.params.id)
    const route = routes().find((r) => r.id === id) ?? routes().find((r) => r.code === id)
    if (!route || route.disabled) throw new HttpError(404, `Route ${id} not found`, 'E1005')
    if (!canRun(ctx, user, route)) throw new HttpError(403, 'User not authorized', 'E1006')
    // The sub-path as the browser sent it (still percent-encoded), after `/routes/{id}/run/`.
    const path = req.path
    const afterId = path.indexOf('/', '/routes/'.length)
    const rest = path.slice(afterId + '/run'.length)
    const subPath = rest.startsWith('/') ? rest.slice(1) : undefined
    const allowsSubpaths = route.url.endsWith('/**')
    if (subPath !== undefined && !allowsSubpaths)
      throw new HttpError(behaviour.subPathStatus, behaviour.subPathMessage(route.id))
    const target = upstreamUrl(route, subPath, req)
    if (!urlPermitted(ctx, target)) throw new HttpError(503, 'Route URL is not permitted')
    proxy(route, user, target, req, res, behaviour)
  }
  for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
    router[method](['/routes/:id/run', '/routes/:id/run/*subPath'], (req, res) => {
      if (!behaviour.methods.has(req.method))
        throw new HttpError(405, `Request method '${req.method}' is not supported`)
      run(req, res)
    })
  }
}

function upstreamUrl(route: StoredRoute, subPath: string | undefined, req: Request): URL {
  const base = route.url.endsWith('/**') ? `${route.url.slice(0, -3)}/` : route.url
  const target = new URL(subPath ? `${base.replace(/\/+$/, '/')}${subPath}` : base)
  const search = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : ''
  for (const [key, value] of new URLSearchParams(search)) target.searchParams.append(key, value)
  if (route.auth?.type === 'api-query-params') {
    for (const [key, value] of Object.entries(route.auth.queryParams ?? {})) target.searchParams.set(key, value)
  }
  return target
}

/** Whitelisted browser headers, then the route's headers, X-Forwarded-User, then the route's auth. */
export function upstreamHeaders(
  rawHeaders: string[],
  route: Pick<Route, 'headers' | 'auth'>,
  username: string,
  forwardsContentType = false,
): [string, string][] {
  const headers: [string, string][] = []
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase()
    if (ALLOWED_REQUEST_HEADERS.has(name) || (forwardsContentType && name === 'content-type'))
      headers.push([rawHeaders[i] ?? '', rawHeaders[i + 1] ?? ''])
  }
  for (const [name, value] of Object.entries(route.headers)) headers.push([name, value])
  if (username) headers.push(['X-Forwarded-User', username])
  const set = (name: string, value: string) => {
    for (let i = headers.length - 1; i >= 0; i--)
      if (headers[i]?.[0].toLowerCase() === name.toLowerCase()) headers.splice(i, 1)
    headers.push([name, value])
  }
  const auth = route.auth
  if (auth?.type === 'http-basic' && auth.username && auth.password) {
    headers.push(['Authorization', `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`])
  } else if (auth?.type === 'api-token' && auth.token) set('Authorization', `ApiToken ${auth.token}`)
  else if (auth?.type === 'api-headers')
    for (const [name, value] of Object.entries(auth.headers ?? {})) set(name, value)
  return headers
}

function proxy(
  route: StoredRoute,
  user: AuthUser,
  target: URL,
  req: Request,
  res: Response,
  behaviour: RouteBehaviour,
): void {
  const headers = upstreamHeaders(req.rawHeaders, route, user.user.username, behaviour.forwardsContentType)
  const timeoutMs = (route.responseTimeoutSeconds || DEFAULT_TIMEOUT_SECONDS) * 1000
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest
  const forLog = `${target.origin}${target.pathname}`
  let done = false
  const finish = (fn: () => void) => {
    if (done) return
    done = true
    fn()
  }
  const fail = (status: number, message?: string) =>
    finish(() => {
      if (res.headersSent) return void res.destroy()
      if (message === undefined) res.status(status).end()
      else res.status(status).json(webMessage(status, message))
    })

  // Repeated names become one key with several values (Node sends one line per value).
  const headerObject: Record<string, string | string[]> = {}
  const names = new Map<string, string>()
  for (const [name, value] of headers) {
    const key = names.get(name.toLowerCase()) ?? name
    names.set(name.toLowerCase(), key)
    const current = headerObject[key]
    headerObject[key] = current === undefined ? value : [...(Array.isArray(current) ? current : [current]), value]
  }
  const upstream = send(target, { method: req.method, headers: headerObject }, (response: IncomingMessage) => {
    const declared = Number(response.headers['content-length'] ?? NaN)
    if (declared > ROUTE_RESPONSE_CAP_BYTES) {
      upstream.destroy()
      return fail(502, `Exceeded limit on max bytes to buffer : ${ROUTE_RESPONSE_CAP_BYTES}`)
    }
    const chunks: Buffer[] = []
    let size = 0
    response.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > ROUTE_RESPONSE_CAP_BYTES) {
        upstream.destroy()
        fail(502, `Exceeded limit on max bytes to buffer : ${ROUTE_RESPONSE_CAP_BYTES}`)
        return
      }
      chunks.push(chunk)
    })
    response.on('end', () =>
      finish(() => {
        const status = response.statusCode ?? 502
        if (status >= 400 && !behaviour.passesUpstreamErrors) {
          // RestTemplate's HttpStatusCodeException, answered by CrudControllerAdvice: the status survives, the
          // upstream body only inside Spring's message (DefaultResponseErrorHandler.getErrorMessage).
          const body = Buffer.concat(chunks).toString('utf8').replace(/\r?\n/g, ' ')
          const text = `${status} ${response.statusMessage ?? ''}: ${body ? `"${body}"` : '[no body]'}`
          res.status(status).json(webMessage(status, text))
          return
        }
        res.status(status)
        for (let i = 0; i + 1 < response.rawHeaders.length; i += 2) {
          const name = response.rawHeaders[i] ?? ''
          if (ALLOWED_RESPONSE_HEADERS.has(name.toLowerCase())) res.setHeader(name, response.rawHeaders[i + 1] ?? '')
        }
        res.end(Buffer.concat(chunks))
      }),
    )
    response.on('error', (error) => fail(503, `I/O error on ${req.method} request for "${forLog}": ${error.message}`))
  })
  upstream.setTimeout(timeoutMs, () => {
    upstream.destroy()
    // 2.42's WebClient answers 504 with no body; RestTemplate's ResourceAccessException gives 503 before.
    if (behaviour.readTimeoutStatus === 504) fail(504)
    else fail(503, `I/O error on ${req.method} request for "${forLog}": Read timed out`)
  })
  upstream.on('error', (error: NodeJS.ErrnoException) => {
    const reason = error.code === 'ECONNREFUSED' ? 'Connection refused' : error.message
    fail(503, `I/O error on ${req.method} request for "${forLog}": ${reason}`)
  })
  // The browser went away before the answer: stop talking to the upstream.
  res.on('close', () => {
    if (!done) upstream.destroy()
  })
  req.pipe(upstream)
}
