/**
 * The KoboToolbox API v2 stand-in, written from ../../../shared/reference/kobo-odk-api.md (Part A and the
 * checklist of Part F). Tests start it in-process on a free port: `createKoboStandin({ assets, token })`,
 * `await standin.listen()`, then `standin.add/edit/delete` to change data as partners and Kobo would.
 *
 * Not implemented (answered 400 with a `stand-in:` detail): `format=xml|geojson`, `$expr`, session auth.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express, { type NextFunction, type Request, type Response } from 'express'
import { UnsupportedQuery, matches, sortDocuments, toSafeQuery, type Json, type JsonObject } from './mongo'
import { pageLinks } from './paging'
import { KoboStore, type AddOptions, type Answers, type KoboAsset, type KoboAssetInput } from './store'

export const DEFAULT_LIMIT = 100
export const MAX_LIMIT = 1000

export interface KoboStandinOptions {
  assets?: readonly KoboAssetInput[]
  /** The API key accepted in `Authorization: Token <key>`. */
  token: string
  /** Basic-auth account (also the owner shown on assets). */
  username?: string
  password?: string
  /** Clock for `_submission_time`; default the real time. */
  now?: () => Date
}

export interface Fault {
  status?: number
  body?: unknown
  /** Seconds, sent as `Retry-After`. */
  retryAfter?: number
  /** Wait before answering (or before the fault), to test client timeouts. */
  delayMs?: number
  /** How many requests this fault applies to (default 1). */
  times?: number
}

export interface KoboStandin {
  readonly store: KoboStore
  readonly app: express.Express
  /** Every API request received (method and URL), for tests that count pages. */
  readonly requests: Array<{ method: string; url: string }>
  url: string
  listen(port?: number, host?: string): Promise<string>
  close(): Promise<void>
  add(assetUid: string, answers: Answers, options?: AddOptions): JsonObject
  edit(assetUid: string, id: number, changes: Answers): JsonObject
  delete(assetUid: string, id: number): boolean
  injectFault(fault: Fault): void
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(JSON.stringify(body))
  }
}

const detail = (status: number, text: string) => new ApiError(status, { detail: text })

export function createKoboStandin(options: KoboStandinOptions): KoboStandin {
  const store = new KoboStore(options.assets ?? [], options.now ?? (() => new Date()))
  const username = options.username ?? 'ong_espoir'
  const requests: Array<{ method: string; url: string }> = []
  const faults: Fault[] = []
  const app = express()
  app.disable('x-powered-by')
  app.set('etag', false)

  app.use((req: Request, _res: Response, next: NextFunction) => {
    requests.push({ method: req.method, url: req.originalUrl })
    next()
  })
  app.use(async (_req: Request, res: Response, next: NextFunction) => {
    const fault = faults[0]
    if (!fault) return next()
    if ((fault.times = (fault.times ?? 1) - 1) <= 0) faults.shift()
    if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs))
    if (fault.status === undefined) return next()
    if (fault.retryAfter !== undefined) res.set('Retry-After', String(fault.retryAfter))
    res.status(fault.status).json(fault.body ?? { detail: `stand-in fault ${fault.status}` })
  })

  /** DRF authentication, in kpi's order (Basic, then Token); no header = anonymous. */
  const authenticate = (req: Request): string | undefined => {
    const header = req.get('authorization')
    if (!header) return undefined
    const [scheme = '', ...rest] = header.trim().split(/\s+/)
    if (scheme.toLowerCase() === 'basic') {
      const decoded = Buffer.from(rest[0] ?? '', 'base64').toString('utf8')
      const colon = decoded.indexOf(':')
      if (rest.length !== 1 || colon < 0)
        throw detail(401, 'Invalid basic header. Credentials not correctly base64 encoded.')
      if (decoded.slice(0, colon) === username && options.password && decoded.slice(colon + 1) === options.password)
        return username
      throw detail(401, 'Invalid username/password.')
    }
    if (scheme.toLowerCase() === 'token') {
      if (rest.length === 0) throw detail(401, 'Invalid token header. No credentials provided.')
      if (rest.length > 1) throw detail(401, 'Invalid token header. Token string should not contain spaces.')
      if (rest[0] !== options.token) throw detail(401, 'Invalid token.')
      return username
    }
    return undefined
  }

  /** An asset the user may read; anonymous users are not told that it exists (kpi permissions → 404). */
  const readableAsset = (req: Request): KoboAsset => {
    const user = authenticate(req)
    const asset = store.assets.get(String(req.params.uid))
    if (!asset) throw detail(404, 'No Asset matches the given query.')
    if (!user) throw detail(404, 'Not found.')
    return asset
  }

  const origin = (req: Request) => `${req.protocol}://${req.get('host') ?? 'localhost'}`

  app.get('/token/', (req: Request, res: Response) => {
    const user = authenticate(req)
    if (!user) throw detail(401, 'Authentication credentials were not provided.')
    res.json({ token: options.token })
  })

  app.get(['/api/v2/assets/', '/api/v2/assets.json'], (req: Request, res: Response) => {
    const user = authenticate(req)
    const all = user ? [...store.assets.values()] : [] // no public assets in the stand-in
    const params = new URL(req.originalUrl, origin(req)).searchParams
    const { start, limit } = window(params)
    const results = all.slice(start, start + limit).map((a) => assetJson(a, origin(req), username))
    res.json({
      count: all.length,
      ...pageLinks(`${origin(req)}${req.path}`, params, start, limit, all.length),
      results,
    })
  })

  app.get('/api/v2/assets/:uid/', (req: Request, res: Response) => {
    const asset = readableAsset(req)
    res.json({
      ...assetJson(asset, origin(req), username),
      content: { schema: '1', survey: [], choices: [], settings: {} },
    })
  })

  const listData = (req: Request, res: Response) => {
    const asset = readableAsset(req)
    if (!asset.deployed) throw detail(400, 'The specified asset has not been deployed')
    const params = new URL(req.originalUrl, origin(req)).searchParams
    const last = (key: string) => params.getAll(key).at(-1)
    const format = req.path.endsWith('.json') ? 'json' : (last('format') ?? 'json')
    if (format !== 'json') throw detail(400, `stand-in: format=${format} is not implemented`)
    if (params.has('count'))
      throw new ApiError(400, { count: 'This param is not implemented. Use `count` property of the response instead.' })
    const { start, limit } = window(params)
    const query = jsonParam(last('query'), 'query', {})
    const sort = jsonParam(last('sort'), 'sort', { _id: 1 })
    const fields = jsonParam(last('fields'), 'fields', [])
    if (!isObject(query)) throw new ApiError(400, { query: 'Value must be valid JSON.' })
    if (!isObject(sort)) throw new ApiError(400, { sort: 'Value must be valid JSON.' })
    if (!Array.isArray(fields)) throw new ApiError(400, { fields: 'Value must be valid JSON.' })
    let found: JsonObject[]
    try {
      const safe = toSafeQuery(query) as JsonObject
      found = store.list(asset.uid).filter((doc) => matches(doc, safe))
    } catch (error) {
      if (error instanceof UnsupportedQuery)
        throw new ApiError(400, [error.detail.startsWith('$all') ? '$all needs an array' : 'Unsupported query'])
      throw error
    }
    const sorted = sortDocuments(found, Object.fromEntries(Object.entries(sort).map(([k, v]) => [k, Number(v)])))
    const page = sorted.slice(start, start + limit).map((doc) => project(doc, fields.map(String)))
    res.json({
      count: found.length,
      ...pageLinks(`${origin(req)}${req.path}`, params, start, limit, found.length),
      results: page,
    })
  }
  app.get(['/api/v2/assets/:uid/data/', '/api/v2/assets/:uid/data.json'], listData)
  app.post(['/api/v2/assets/:uid/data/', '/api/v2/assets/:uid/data.json'], (req: Request) => {
    readableAsset(req)
    throw detail(405, 'Method "POST" not allowed.')
  })

  app.get('/api/v2/assets/:uid/data/:id/', (req: Request, res: Response) => {
    const asset = readableAsset(req)
    const id = String(req.params.id)
    const doc = /^\d+$/.test(id)
      ? asset.submissions.get(Number(id))
      : store.list(asset.uid).find((d) => d['meta/rootUuid'] === `uuid:${id}`)
    if (!doc) throw detail(404, 'Not found.')
    res.json(doc)
  })

  app.use((req: Request, res: Response) => {
    res.status(404).json({ detail: 'Not found.' })
  })
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error)
    if (error instanceof ApiError) {
      // kpi's first authentication class answers `WWW-Authenticate: Session`, which makes failures 401, not 403.
      if (error.status === 401) res.set('WWW-Authenticate', 'Session')
      res.status(error.status).json(error.body)
      return
    }
    console.error('[kobo-standin] unexpected error', error)
    res.status(500).json({ detail: 'A server error occurred.' })
  })

  let server: Server | undefined
  const standin: KoboStandin = {
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
    add: (assetUid, answers, addOptions) => store.add(assetUid, answers, addOptions),
    edit: (assetUid, id, changes) => store.edit(assetUid, id, changes),
    delete: (assetUid, id) => store.delete(assetUid, id),
    injectFault(fault) {
      faults.push({ ...fault })
    },
  }
  return standin
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** `limit` (default 100, silently capped at 1000) and zero-based `start`, validated as kpi does. */
function window(params: URLSearchParams): { start: number; limit: number } {
  const rawLimit = params.getAll('limit').at(-1)
  const rawStart = params.getAll('start').at(-1)
  let limit = DEFAULT_LIMIT
  if (rawLimit !== undefined) {
    if (!/^\s*[+-]?\d+\s*$/.test(rawLimit) || Number(rawLimit) <= 0)
      throw new ApiError(400, { limit: 'A positive integer is required' })
    limit = Math.min(Number(rawLimit), MAX_LIMIT)
  }
  let start = 0
  if (rawStart !== undefined) {
    if (!/^\s*[+-]?\d+\s*$/.test(rawStart) || Number(rawStart) < 0)
      throw new ApiError(400, { start: 'A positive integer is required.' })
    start = Number(rawStart)
  }
  return { start, limit }
}

function jsonParam(raw: string | undefined, name: string, fallback: Json): Json {
  if (raw === undefined) return fallback
  try {
    return JSON.parse(raw) as Json
  } catch {
    throw new ApiError(400, { [name]: 'Value must be valid JSON.' })
  }
}

/** Mongo projection as kpi asks it: the fields, plus `_id` (Mongo's default), `_uuid` and `meta/rootUuid`. */
function project(doc: JsonObject, fields: string[]): JsonObject {
  if (fields.length === 0) return doc
  const wanted = new Set(['_id', ...fields, '_uuid', 'meta/rootUuid'])
  return Object.fromEntries(Object.entries(doc).filter(([key]) => wanted.has(key)))
}

function assetJson(asset: KoboAsset, origin: string, owner: string): JsonObject {
  const url = `${origin}/api/v2/assets/${asset.uid}/`
  const last =
    [...asset.submissions.values()]
      .map((d) => String(d._submission_time))
      .sort()
      .at(-1) ?? null
  return {
    url,
    uid: asset.uid,
    name: asset.name,
    asset_type: 'survey',
    owner__username: owner,
    date_created: asset.dateCreated,
    date_modified: asset.dateCreated,
    has_deployment: asset.deployed,
    deployment__active: asset.deployed,
    deployment_status: asset.deployed ? 'deployed' : 'draft',
    deployment__submission_count: asset.submissions.size,
    deployment__last_submission_time: last,
    deployment__uuid: asset.formhubUuid,
    version_id: asset.versionId,
    data: `${url}data/`,
  }
}
