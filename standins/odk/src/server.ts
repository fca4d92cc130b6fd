/**
 * The ODK Central stand-in, written from ../../../shared/reference/kobo-odk-api.md (Part B, the gotchas
 * of Part E and the checklist of Part F), checked against getodk/central-backend (cb). Tests start it
 * in-process on a free port: `createOdkStandin({ users, appUsers, projects })`, `await standin.listen()`,
 * then `standin.store.add/edit/delete` to change data as ODK Collect and Central's users would.
 *
 * Implemented: `POST /v1/sessions`, `DELETE /v1/sessions/current`; Bearer, Basic (HTTPS only) and
 * `/v1/key/{token}/` auth with Central's precedence; `GET /v1/projects`, `/v1/projects/{id}/forms`,
 * `….svc`, `….svc/Submissions` (`$top $skip $count $filter $orderby $skiptoken $format`), one row by
 * `Submissions('…')`, `…/submissions/{instanceId}/attachments`; Problem bodies with numeric codes.
 * Not implemented (answered 501.1 with a `stand-in:` detail): `$select $expand $wkt $search`, `$metadata`,
 * repeats, encrypted forms, OIDC, cookies.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomBytes } from 'node:crypto'
import express, { type NextFunction, type Request, type Response } from 'express'
import {
  FilterParseError,
  UnsupportedFilterFeature,
  UnsupportedFilterField,
  evaluate,
  mentionsDeletedAt,
  parseFilter,
  FILTERABLE_FIELDS,
  type FilterField,
} from './filter'
import { OdkStore, column, odataRow, type OdkActor, type OdkForm, type OdkFormInput, type OdkSubmission } from './store'

export type WebRole = 'admin' | 'manager' | 'viewer' | 'collector'

export interface OdkStandinOptions {
  users?: ReadonlyArray<{ email: string; password: string; role: WebRole; displayName?: string }>
  /** App Users (field keys): their token is used as `/v1/key/{token}/…`. */
  appUsers?: ReadonlyArray<{ token: string; displayName?: string }>
  projects?: ReadonlyArray<{ id: number; name: string; forms?: readonly OdkFormInput[] }>
  /** Central's configured domain, used in `@odata.context` and `@odata.nextLink`; default the listen URL. */
  domain?: string
  /** Session lifetime in seconds (Central: 86400). */
  sessionLifetimeSeconds?: number
  now?: () => Date
}

export interface Fault {
  status?: number
  body?: unknown
  delayMs?: number
  times?: number
}

export interface OdkStandin {
  readonly store: OdkStore
  readonly app: express.Express
  readonly requests: Array<{ method: string; url: string; authorization?: string }>
  url: string
  listen(port?: number, host?: string): Promise<string>
  close(): Promise<void>
  injectFault(fault: Fault): void
  /** Expire every session now, as 24 h would. */
  expireSessions(): void
}

/** Central's Problem (cb `lib/util/problem.js`): HTTP status = floor(code), `code` a JSON number. */
export class Problem extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message)
  }
}

export const problems = {
  missingParameters: (expected: string[], got: Record<string, unknown>) =>
    new Problem(
      400.3,
      `Required parameters missing. Expected (${expected.join(', ')}), got (${Object.keys(got).join(', ')}).`,
      { expected, got },
    ),
  invalidDataType: (field: string) =>
    new Problem(400.11, `Invalid input data type: expected (${field}) to be (integer)`, {
      field,
      expected: 'integer',
    }),
  unparseableFilter: (reason: string) =>
    new Problem(400.18, `The OData filter expression you provided could not be parsed: ${reason}`, { reason }),
  invalidSkiptoken: () => new Problem(400.35, 'Invalid $skiptoken'),
  authenticationFailed: () => new Problem(401.2, 'Could not authenticate with the provided credentials.'),
  httpsOnly: () => new Problem(401.3, 'This authentication method is only available over HTTPS'),
  insufficientRights: () =>
    new Problem(403.1, 'The authentication you provided does not have rights to perform that action.'),
  notFound: () => new Problem(404.1, 'Could not find the resource you were looking for.'),
  notAcceptable: () =>
    new Problem(406.1, 'Requested format not acceptable; this resource allows: application/json,json.', {
      allowed: ['application/json', 'json'],
    }),
  notImplemented: (feature: string) =>
    new Problem(501.1, `The requested feature ${feature} is not supported by this server.`, { feature }),
  unsupportedField: (text: string, at: number) =>
    new Problem(
      501.5,
      `The given OData filter expression references fields not supported by this server: ${text} at ${at}`,
      { at, text },
    ),
}

/** OData query options Central accepts on a data document; any other parameter is 501.1 (CE `odataPreprocessor`). */
const ODATA_PARAMS = new Set([
  '$format',
  '$count',
  '$skip',
  '$top',
  '$filter',
  '$wkt',
  '$expand',
  '$select',
  '$skiptoken',
  '$orderby',
  '$search',
])
/** Accepted by Central, left out of the stand-in: refused loudly rather than ignored. */
const NOT_IN_STANDIN = new Set(['$wkt', '$expand', '$select', '$search'])

/** cb `lib/util/crypto.js isValidToken`. */
const VALID_TOKEN = /^[a-z0-9!$]{64}$/i
const newToken = () => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!$'
  return [...randomBytes(64)].map((b) => alphabet[b % alphabet.length]).join('')
}

interface Actor extends OdkActor {
  kind: 'user' | 'app-user'
  role: WebRole | 'app-user'
}

/** Verb `submission.read` (cb `lib/resources/odata.js`; roles in odocs "Accounts and Users"). */
const canReadSubmissions = (actor: Actor) =>
  actor.role === 'admin' || actor.role === 'manager' || actor.role === 'viewer'

export function createOdkStandin(options: OdkStandinOptions = {}): OdkStandin {
  const now = options.now ?? (() => new Date())
  const lifetimeMs = (options.sessionLifetimeSeconds ?? 86_400) * 1000
  const actors = new Map<number, OdkActor>()
  const users = new Map<string, { password: string; actor: Actor }>()
  const appUsers = new Map<string, Actor>()
  let nextActor = 5
  for (const u of options.users ?? []) {
    const actor: Actor = { id: nextActor++, displayName: u.displayName ?? u.email, kind: 'user', role: u.role }
    users.set(u.email, { password: u.password, actor })
    actors.set(actor.id, actor)
  }
  for (const a of options.appUsers ?? []) {
    const actor: Actor = {
      id: nextActor++,
      displayName: a.displayName ?? 'App User',
      kind: 'app-user',
      role: 'app-user',
    }
    appUsers.set(a.token, actor)
    actors.set(actor.id, actor)
  }
  const store = new OdkStore(now, actors)
  for (const p of options.projects ?? []) {
    store.addProject(p.id, p.name)
    for (const f of p.forms ?? []) store.addForm(p.id, f)
  }
  const sessions = new Map<string, { actor: Actor; expiresAt: number }>()
  const requests: OdkStandin['requests'] = []
  const faults: Fault[] = []
  const app = express()
  app.disable('x-powered-by')
  app.set('etag', false)

  app.use((req: Request, _res: Response, next: NextFunction) => {
    requests.push({ method: req.method, url: req.originalUrl, authorization: req.get('authorization') })
    next()
  })
  app.use(async (_req: Request, res: Response, next: NextFunction) => {
    const fault = faults[0]
    if (!fault) return next()
    if ((fault.times = (fault.times ?? 1) - 1) <= 0) faults.shift()
    if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs))
    if (fault.status === undefined) return next()
    res.status(fault.status).json(fault.body ?? { message: `stand-in fault ${fault.status}`, code: fault.status })
  })
  app.use(express.json())

  const domain = (req: Request) => options.domain ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`

  /**
   * Central's precedence (CA `authHandler`): `/key/` token, then Bearer, Basic, (cookies: not here).
   * No credentials at all is 401.2 since v2025.3.
   */
  const authenticate = (req: Request, key: string | undefined): Actor => {
    if (key !== undefined) {
      if (!VALID_TOKEN.test(key)) throw problems.authenticationFailed()
      // 403, not 401, for an unknown key: Central avoids making clients prompt for credentials.
      const actor = appUsers.get(key)
      if (!actor) throw problems.insufficientRights()
      return actor
    }
    const header = req.get('authorization')
    if (!header) throw problems.authenticationFailed()
    const [scheme = '', value = ''] = header.trim().split(/\s+/, 2)
    if (scheme === 'Bearer') {
      const session = sessions.get(value)
      if (!session || session.expiresAt <= now().getTime()) throw problems.authenticationFailed()
      return session.actor
    }
    if (scheme === 'Basic') {
      const https = req.protocol === 'https' || req.get('x-forwarded-proto') === 'https'
      if (!https) throw problems.httpsOnly()
      const decoded = Buffer.from(value, 'base64').toString('utf8')
      const colon = decoded.indexOf(':')
      const user = users.get(decoded.slice(0, colon))
      if (colon < 0 || !user || user.password !== decoded.slice(colon + 1)) throw problems.authenticationFailed()
      return user.actor
    }
    throw problems.authenticationFailed()
  }

  app.post('/v1/sessions', (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>
    if (typeof body.email !== 'string' || typeof body.password !== 'string')
      throw problems.missingParameters(['email', 'password'], body)
    const user = users.get(body.email)
    if (!user || user.password !== body.password) throw problems.authenticationFailed()
    const token = newToken()
    const createdAt = now()
    const expiresAt = new Date(createdAt.getTime() + lifetimeMs)
    sessions.set(token, { actor: user.actor, expiresAt: expiresAt.getTime() })
    res.json({
      createdAt: createdAt.toISOString(),
      expiresAt: expiresAt.toISOString(),
      token,
      csrf: newToken(),
    })
  })

  app.delete('/v1/sessions/current', (req: Request, res: Response) => {
    authenticate(req, undefined)
    const token = (req.get('authorization') ?? '').replace(/^Bearer\s+/, '')
    sessions.delete(token)
    res.json({ success: true })
  })

  /** Everything else under /v1 (optionally /v1/key/{token}): routed by hand, OData paths carry `.svc` and `('…')`. */
  app.get(/^\/v1\//, (req: Request, res: Response) => {
    const keyMatch = /^\/v1\/key\/([^/]+)(\/.*)$/.exec(req.path)
    const path = keyMatch ? `/v1${keyMatch[2]}` : req.path
    const actor = authenticate(req, keyMatch ? decodeURIComponent(keyMatch[1] as string) : undefined)
    const query = new URL(req.originalUrl, 'http://x').searchParams

    if (path === '/v1/projects') {
      // Central lists the projects where the actor has `project.read` (CQ projects `_getWithVerbs`):
      // App Users have none, so they get an empty list, not an error.
      if (actor.kind !== 'user') {
        res.json([])
        return
      }
      res.json(
        [...store.projects.values()].map((p) => ({
          id: p.id,
          name: p.name,
          description: null,
          keyId: null,
          archived: null,
        })),
      )
      return
    }
    let m = /^\/v1\/projects\/(\d+)\/forms$/.exec(path)
    if (m) {
      const project = store.projects.get(Number(m[1]))
      if (!project) throw problems.notFound()
      // `form.list` or, for App Users, `open_form.list` (cb lib/resources/forms.js; migration 20230907-01).
      res.json([...project.forms.values()].map(formJson))
      return
    }
    m = /^\/v1\/projects\/(\d+)\/forms\/([^/]+)\.svc(\/.*)?$/.exec(path)
    if (m) {
      const form = store.form(Number(m[1]), decodeURIComponent(m[2] as string))
      if (!form) throw problems.notFound()
      if (!canReadSubmissions(actor)) throw problems.insufficientRights()
      odata(req, res, form, m[3] ?? '', query)
      return
    }
    m = /^\/v1\/projects\/(\d+)\/forms\/([^/]+)\/submissions\/([^/]+)\/attachments$/.exec(path)
    if (m) {
      const form = store.form(Number(m[1]), decodeURIComponent(m[2] as string))
      const id = decodeURIComponent(m[3] as string)
      const s = form?.submissions.find((x) => x.instanceId === id && x.deletedAtUs === null)
      if (!form || !s) throw problems.notFound()
      if (!canReadSubmissions(actor)) throw problems.insufficientRights()
      const current = s.versions.at(-1)
      const expected = form.fields
        .filter((f) => f.type === 'binary')
        .map((f) => current?.answers[f.path.replace(/^\//, '')])
        .filter((name): name is string => typeof name === 'string' && name !== '')
      res.json(expected.map((name) => ({ name, exists: current?.attachments.includes(name) ?? false })))
      return
    }
    throw problems.notFound()
  })

  const odata = (req: Request, res: Response, form: OdkForm, rest: string, query: URLSearchParams) => {
    res.set('OData-Version', '4.0')
    for (const name of query.keys()) {
      if (!ODATA_PARAMS.has(name)) throw problems.notImplemented(name)
      if (NOT_IN_STANDIN.has(name)) throw problems.notImplemented(`${name} (stand-in)`)
    }
    const format = query.get('$format')
    if (format !== null && format !== 'json' && format !== 'application/json') throw problems.notAcceptable()
    const serviceRoot = `${domain(req)}/v1/projects/${form.projectId}/forms/${encodeURIComponent(form.xmlFormId)}.svc`
    if (rest === '' || rest === '/') {
      res.json({
        '@odata.context': `${serviceRoot}/$metadata`,
        value: [{ name: 'Submissions', kind: 'EntitySet', url: 'Submissions' }],
      })
      return
    }
    const single = /^\/Submissions\('([^']+)'\)$/.exec(decodeURIComponent(rest))
    if (single) {
      const s = form.submissions.find((x) => x.instanceId === single[1] && x.deletedAtUs === null)
      if (!s) throw problems.notFound()
      sendJson(res, { '@odata.context': `${serviceRoot}/$metadata#Submissions`, value: [odataRow(form, s, actors)] })
      return
    }
    if (rest !== '/Submissions') throw problems.notFound()

    const top = intParam(query, '$top')
    const skip = intParam(query, '$skip')
    const filterText = query.get('$filter')
    const orderby = query.get('$orderby')
    const skiptokenText = query.get('$skiptoken')
    // cb `QueryOptions.fromODataRequest`: the two cannot be combined.
    if (orderby !== null && skiptokenText !== null)
      throw problems.notImplemented('using $orderby and $skiptoken together')
    let filter: ReturnType<typeof parseFilter> | undefined
    try {
      filter = filterText === null ? undefined : parseFilter(filterText)
    } catch (error) {
      if (error instanceof UnsupportedFilterField) throw problems.unsupportedField(error.field, error.at)
      if (error instanceof UnsupportedFilterFeature) throw problems.notImplemented(error.message)
      if (error instanceof FilterParseError) throw problems.unparseableFilter(error.message)
      throw error
    }
    const showDeleted = filter !== undefined && mentionsDeletedAt(filter)
    const matching = form.submissions.filter(
      (s) =>
        (showDeleted || s.deletedAtUs === null) &&
        (filter === undefined || evaluate(filter, (f) => column(s, f)) === true),
    )
    const sorted = orderby === null ? [...matching].sort(newestFirst) : sortBy(matching, orderby)

    // Keyset paging on (createdAt, id) descending from the token's submission, deleted or not (CQ `joinOnSkiptoken`).
    let afterCursor = sorted
    if (skiptokenText !== null) {
      const token = parseSkiptoken(skiptokenText)
      const cursor = form.submissions.find((s) => s.instanceId === token.instanceId)
      afterCursor = cursor
        ? sorted.filter(
            (s) => s.createdAtUs < cursor.createdAtUs || (s.createdAtUs === cursor.createdAtUs && s.id < cursor.id),
          )
        : []
    }
    const offset = skiptokenText === null ? (skip ?? 0) : 0
    const page = afterCursor.slice(offset, top === undefined ? undefined : offset + top)
    // `remaining` ignores the offset (cb `countByFormId`): with $skip, one extra, empty, page may be linked.
    const remaining = afterCursor.length - page.length
    const last = page.at(-1)
    const body: Record<string, unknown> = {
      value: page.map((s) => odataRow(form, s, actors)),
      '@odata.context': `${serviceRoot}/$metadata#Submissions`,
    }
    if ((top !== undefined || skip !== undefined) && remaining > 0 && last)
      body['@odata.nextLink'] = nextLink(serviceRoot, query, last.instanceId)
    if (query.get('$count') === 'true') body['@odata.count'] = matching.length
    sendJson(res, body)
  }

  app.use((_req: Request, _res: Response, next: NextFunction) => next(problems.notFound()))
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error)
    if (error instanceof Problem) {
      const body: Record<string, unknown> = { message: error.message, code: error.code }
      if (error.details !== undefined) body.details = error.details
      res.status(Math.floor(error.code)).json(body)
      return
    }
    // body-parser's error carries the raw body; Central words it `Could not parse the given data (N chars) as json.`
    if (error instanceof SyntaxError) {
      const rawLength = String((error as SyntaxError & { body?: unknown }).body ?? '').length
      res.status(400).json({
        message: `Could not parse the given data (${rawLength} chars) as json.`,
        code: 400.1,
        details: { format: 'json', rawLength },
      })
      return
    }
    console.error('[odk-standin] unexpected error', error)
    res.status(500).json({ message: 'Completely unhandled exception: internal', code: 500.1 })
  })

  let server: Server | undefined
  const standin: OdkStandin = {
    store,
    app,
    requests,
    url: '',
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server = createServer(app)
        server.once('error', reject)
        server.listen(port, host, () => {
          const address = server?.address() as AddressInfo
          standin.url = `http://${host}:${address.port}`
          resolve(standin.url)
        })
      })
    },
    close() {
      return new Promise((resolve) => {
        if (!server) return resolve()
        server.closeAllConnections()
        server.close(() => resolve())
      })
    },
    injectFault(fault) {
      faults.push({ ...fault })
    },
    expireSessions() {
      for (const session of sessions.values()) session.expiresAt = 0
    },
  }
  return standin
}

function sendJson(res: Response, body: unknown): void {
  res.set('Content-Type', 'application/json; charset=utf-8').send(JSON.stringify(body))
}

function intParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name)
  if (raw === null) return undefined
  if (!/^\d+$/.test(raw)) throw problems.invalidDataType(name)
  return Number(raw)
}

/** cb `QueryOptions.parseSkiptoken`: `01` + base64 of a JSON object. */
function parseSkiptoken(text: string): { instanceId?: string } {
  if (!text.startsWith('01')) throw problems.invalidSkiptoken()
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text.slice(2), 'base64').toString('utf8'))
    if (typeof parsed !== 'object' || parsed === null) throw problems.invalidSkiptoken()
    return parsed as { instanceId?: string }
  } catch {
    throw problems.invalidSkiptoken()
  }
}

/** cb `nextUrlFor` + `urlWithQueryParams`: the same query, `$skip` removed, `$skiptoken` set, re-serialised. */
function nextLink(serviceRoot: string, query: URLSearchParams, instanceId: string): string {
  const next = new URLSearchParams(query)
  next.delete('$skip')
  next.set('$skiptoken', `01${Buffer.from(JSON.stringify({ instanceId })).toString('base64')}`)
  return `${serviceRoot}/Submissions?${next.toString()}`
}

/** CQ `DEFAULT_ORDER_BY`: createdAt DESC, id DESC. */
function newestFirst(a: OdkSubmission, b: OdkSubmission): number {
  return b.createdAtUs - a.createdAtUs || b.id - a.id
}

/** cb `odataOrderBy`: asc NULLS FIRST, desc NULLS LAST, tie-break on id in the first clause's direction. */
function sortBy(rows: OdkSubmission[], orderby: string): OdkSubmission[] {
  const clauses = orderby.split(',').map((part) => {
    const [field = '', direction] = part.trim().split(/\s+/)
    if (!(FILTERABLE_FIELDS as readonly string[]).includes(field)) throw problems.unsupportedField(field, 0)
    if (direction !== undefined && !/^(asc|desc)$/i.test(direction)) throw problems.unsupportedField(direction, 0)
    return { field: field as FilterField, desc: direction?.toLowerCase() === 'desc' }
  })
  const first = clauses[0]?.desc ?? false
  return [...rows].sort((a, b) => {
    for (const { field, desc } of clauses) {
      const x = column(a, field)
      const y = column(b, field)
      if (x === y) continue
      if (x === null) return desc ? 1 : -1
      if (y === null) return desc ? -1 : 1
      return (x < y ? -1 : 1) * (desc ? -1 : 1)
    }
    return (a.id - b.id) * (first ? -1 : 1)
  })
}

function formJson(form: OdkForm): Record<string, unknown> {
  return {
    projectId: form.projectId,
    xmlFormId: form.xmlFormId,
    name: form.name,
    version: form.version,
    enketoId: null,
    hash: null,
    keyId: null,
    state: 'open',
    publishedAt: form.createdAt,
    createdAt: form.createdAt,
    updatedAt: null,
    webformsEnabled: false,
  }
}
