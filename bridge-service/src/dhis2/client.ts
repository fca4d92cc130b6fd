/**
 * The bridge's DHIS2 client: a thin axios adapter over the few Web API endpoints the bridge uses.
 *
 * - Auth from the env contract: `Authorization: ApiToken <token>` or Basic (web-api reference §8).
 * - Paths are unversioned `/api/…` under DHIS2_URL (which may carry a context path such as `/dhis`), so
 *   that dataValueSets answers the 2.38+ WebMessage and never the pre-2.38 bare summary (§1.2).
 * - A timeout per request (default 30 s; 120 s for imports and metadata), enforced as a total deadline
 *   and not only as socket inactivity, and cancellable by the caller's AbortSignal.
 * - Every failure is a `Dhis2Error` classified transient/permanent (errors.ts). axios is told never to
 *   throw on a status and never to follow redirects: the status is classified here, and DHIS2 only
 *   redirects to its login page.
 * - `postDataValueSets` returns the ImportSummary for 200 **and** 409: a 409 WARNING means some values
 *   were saved (§2.6, §11.1), so it must be read, not thrown.
 */
import axios, { type AxiosInstance, type AxiosResponse } from 'axios'
import { z } from 'zod'
import type { MetadataCollection, MetadataSnapshot } from '@relais/mappings'
import type { BridgeEnv, Dhis2Auth } from '../config/env'
import { parseRetryAfter } from './backoff'
import { classifyStatus, Dhis2Error, readWebMessage, redact, type Dhis2ErrorKind } from './errors'
import { readImportSummary, type ImportSummary } from './import-summary'
import {
  inFilter,
  pruneToDataSets,
  SNAPSHOT_COLLECTIONS,
  SNAPSHOT_FIELDS,
  type MetadataSnapshotResult,
} from './metadata'

export const DEFAULT_TIMEOUT_MS = 30_000
export const DEFAULT_IMPORT_TIMEOUT_MS = 120_000
/** Metadata list requests in flight at once while building a snapshot. */
const METADATA_CONCURRENCY = 4

/** Something the client reports after every request: for push-latency and error-class metrics. */
export interface Dhis2RequestEvent {
  /** `METHOD /api/path`, without the query string. */
  request: string
  durationMs: number
  status?: number
  /** Set when the request ended in a Dhis2Error (a 409 with an import summary is not one). */
  error?: Dhis2Error
}

/**
 * Org units per read of `GET /api/dataValueSets` or `/completeDataSetRegistrations` (comma-joined in the query):
 * 200 UIDs are ≈ 2.8 KB of URL (11 characters and an encoded comma each), well under the 8 KB request line
 * Tomcat (maxHttpHeaderSize) and nginx (large_client_header_buffers) accept by default. Each read costs DHIS2 a
 * request, whatever its size: a push batch of 5,000 values (≈ 180 RCs) is read in one, not four (50 per read
 * cost the DHIS2-paced bench ≈ 75 requests per 100,000 values, ≈ 5 % of the run).
 */
export const ORG_UNITS_PER_READ = 200

export interface Dhis2ClientOptions {
  /** DHIS2's base URL without `/api`, e.g. https://dhis2.example.org or https://example.org/dhis. */
  url: string
  auth: Dhis2Auth
  timeoutMs?: number
  /** Timeout of dataValueSets imports and metadata snapshots (large bodies). */
  importTimeoutMs?: number
  userAgent?: string
  /** Milliseconds since the epoch, to read a Retry-After given as an HTTP date; Date.now by default. */
  now?: () => number
  onRequest?: (event: Dhis2RequestEvent) => void
}

export interface RequestOptions {
  /** Overrides the client's timeout for this request. */
  timeoutMs?: number
  /** Cancels the request (e.g. on shutdown): it then fails with a transient Dhis2Error, reason `aborted`. */
  signal?: AbortSignal
}

/** `uid | code | name | attribute:ID` (web-api §2.4); DHIS2 reads them case-insensitively. */
export type IdScheme = 'uid' | 'code' | 'name' | `attribute:${string}`

export type ImportStrategy = 'CREATE_AND_UPDATE' | 'CREATE' | 'UPDATE' | 'DELETE'

export interface PostDataValueSetsOptions extends RequestOptions {
  dryRun?: boolean
  importStrategy?: ImportStrategy
  idScheme?: IdScheme
  dataElementIdScheme?: IdScheme
  orgUnitIdScheme?: IdScheme
  categoryOptionComboIdScheme?: IdScheme
  attributeOptionComboIdScheme?: IdScheme
  dataSetIdScheme?: IdScheme
  /** Preload metadata caches: faster for large, diverse payloads (§11.5). */
  preheatCache?: boolean
  skipAudit?: boolean
  skipExistingCheck?: boolean
}

/** One value of a data value set; DHIS2's JSON wants every value as a string. */
export interface DataValue {
  dataElement: string
  period?: string
  orgUnit?: string
  categoryOptionCombo?: string
  attributeOptionCombo?: string
  value?: string | null
  comment?: string
  followup?: boolean
  deleted?: boolean
  storedBy?: string
}

/**
 * The body of `POST /api/dataValueSets`. Deliberately without `dryRun`, `strategy` and the id schemes:
 * in the body they override the query parameters, and this client sets those only through options.
 */
export interface DataValueSetPayload {
  dataSet?: string
  completeDate?: string
  period?: string
  orgUnit?: string
  attributeOptionCombo?: string
  dataValues: DataValue[]
}

export interface Dhis2Me {
  id: string
  username: string
  name?: string
  authorities: string[]
  userGroups: { id: string; code?: string; name?: string }[]
  organisationUnits: { id: string }[]
}

/** What the API's role lookup needs about a DHIS2 user (ARCHITECTURE.md, "Auth"). */
export interface Dhis2UserAccess {
  id: string
  username: string
  disabled: boolean
  userGroups: { id: string; code?: string; name?: string }[]
  /** Union of the authorities of the user's roles (`ALL` for a superuser). */
  authorities: string[]
  /** The user's data-capture org units (ids): what scopes a supervisor (api/scope.ts). */
  orgUnits: string[]
}

export interface Dhis2SystemInfo {
  version: string
  serverTimeZoneId: string
  serverDate?: string
  /** Server local time of the last analytics table run (absent: never). */
  lastAnalyticsTableSuccess?: string
}

const systemInfoSchema = z.object({
  version: z.string(),
  serverTimeZoneId: z.string(),
  serverDate: z.string().optional(),
  lastAnalyticsTableSuccess: z.string().optional(),
})

const groupSchema = z.object({ id: z.string(), code: z.string().optional(), name: z.string().optional() })
const meSchema = z.object({
  id: z.string(),
  username: z.string(),
  name: z.string().optional(),
  authorities: z.array(z.string()).default([]),
  userGroups: z.array(groupSchema).default([]),
  organisationUnits: z.array(z.object({ id: z.string() })).default([]),
})
const usersSchema = z.object({
  users: z.array(
    z.object({
      id: z.string(),
      username: z.string(),
      disabled: z.boolean().default(false),
      userGroups: z.array(groupSchema).default([]),
      organisationUnits: z.array(z.object({ id: z.string() })).default([]),
      userRoles: z.array(z.object({ authorities: z.array(z.string()).default([]) })).default([]),
    }),
  ),
})

/** A value as DHIS2 answers it in a data value set. */
export interface HeldValue {
  dataElement: string
  period: string
  orgUnit: string
  categoryOptionCombo: string
  attributeOptionCombo?: string
  value?: string
  deleted?: boolean
  /** Who stored it and when (server-local): shown to the person deciding on an overwrite. */
  storedBy?: string
  lastUpdated?: string
}

const completionsSchema = z.object({
  completeDataSetRegistrations: z
    .array(
      z.object({
        organisationUnit: z.string(),
        attributeOptionCombo: z.string().optional(),
        date: z.string().optional(),
        completed: z.boolean().optional(),
      }),
    )
    .default([]),
})

/** A completion as DHIS2 holds it: its date (server-local) and whether it is still complete. */
export interface HeldCompletion {
  orgUnit: string
  attributeOptionCombo: string | undefined
  date: string | undefined
  completed: boolean
}

/** A completion to register (`POST /api/completeDataSetRegistrations`). */
export interface NewCompletion {
  dataSet: string
  period: string
  organisationUnit: string
  attributeOptionCombo: string
  /** Server-local `yyyy-MM-ddTHH:mm:ss.SSS`: DHIS2 keeps it as the completion (and timeliness) date. */
  date: string
  /** false: un-complete (DHIS2 keeps the registration and its date). Default true. */
  completed?: boolean
}

const heldValuesSchema = z.object({
  dataValues: z
    .array(
      z.object({
        dataElement: z.string(),
        period: z.string(),
        orgUnit: z.string(),
        categoryOptionCombo: z.string(),
        attributeOptionCombo: z.string().optional(),
        value: z.string().optional(),
        deleted: z.boolean().optional(),
        storedBy: z.string().optional(),
        lastUpdated: z.string().optional(),
      }),
    )
    .default([]),
})

const dataStoreMetaSchema = z.object({
  created: z.string(),
  createdBy: z.object({ id: z.string().optional(), username: z.string().optional() }).nullish(),
})

/** What DHIS2 accepts in a username (plus `-` for older accounts); anything else cannot be one. */
const USERNAME = /^[A-Za-z0-9._@+-]{1,255}$/

const ME_FIELDS = 'id,username,name,authorities,userGroups[id,code,name],organisationUnits[id]'
const USER_FIELDS = 'id,username,disabled,userGroups[id,code,name],userRoles[authorities],organisationUnits[id]'

interface SendOptions extends RequestOptions {
  params?: Record<string, string | number | boolean | readonly string[]>
  data?: unknown
  /** Statuses the caller reads itself instead of having them thrown (dataValueSets: 409). */
  accept?: (status: number) => boolean
}

export class Dhis2Client {
  /** The target's identity (base URL), e.g. the circuit breaker's key. */
  readonly target: string
  private readonly http: AxiosInstance
  private readonly timeoutMs: number
  private readonly importTimeoutMs: number
  private readonly secrets: string[]
  private readonly now: () => number
  private readonly onRequest: ((event: Dhis2RequestEvent) => void) | undefined
  private readonly basePath: string

  constructor(options: Dhis2ClientOptions) {
    const base = new URL(options.url)
    const path = base.pathname.replace(/\/+$/, '')
    if (/\/api(\/\d+)?$/.test(path)) throw new TypeError('Dhis2Client: give the base URL without /api')
    this.target = `${base.origin}${path}`
    this.basePath = `${path}/api`
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.importTimeoutMs = options.importTimeoutMs ?? DEFAULT_IMPORT_TIMEOUT_MS
    this.now = options.now ?? Date.now
    this.onRequest = options.onRequest
    const { header, secrets } = authorization(options.auth)
    this.secrets = secrets
    this.http = axios.create({
      baseURL: `${this.target}/api`,
      headers: {
        Authorization: header,
        Accept: 'application/json',
        // Without it, DHIS2 answers a missing or unusable login with a 302 to its login page (§1.3).
        'X-Requested-With': 'XMLHttpRequest',
        'User-Agent': options.userAgent ?? 'relais-bridge',
      },
      maxRedirects: 0,
      validateStatus: () => true,
      // DHIS2 bodies can be large (metadata, import summaries with many conflicts).
      maxContentLength: Infinity,
      maxBodyLength: Infinity,
      // A repeated parameter as DHIS2 reads it: `filter=a&filter=b`, not axios' default `filter[]=a`.
      paramsSerializer: { indexes: null },
    })
  }

  /**
   * Posts a data value set and returns DHIS2's ImportSummary, for 200 (SUCCESS) and 409 (WARNING:
   * partly saved; ERROR: nothing saved). Everything else is thrown as a Dhis2Error.
   */
  async postDataValueSets(
    payload: DataValueSetPayload,
    options: PostDataValueSetsOptions = {},
  ): Promise<ImportSummary> {
    const { timeoutMs, signal, ...query } = options
    const params: Record<string, string | boolean> = {}
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params[key] = value
    const request = this.describe('POST', '/dataValueSets')
    const res = await this.send('POST', '/dataValueSets', {
      params,
      data: payload,
      timeoutMs: timeoutMs ?? this.importTimeoutMs,
      signal,
      accept: (status) => status === 409,
    })
    const summary = readImportSummary(res.data)
    if (summary) return summary
    if (res.status === 409) throw this.httpError(request, res)
    throw this.invalidResponse(request, res.status, 'an answer without an import summary')
  }

  /** The bridge's own DHIS2 user (the credentials' probe: 401 when they are wrong). */
  async getMe(options: RequestOptions = {}): Promise<Dhis2Me> {
    const res = await this.send('GET', '/me', { ...options, params: { fields: ME_FIELDS } })
    return this.parse(this.describe('GET', '/me'), res, meSchema)
  }

  /**
   * A DHIS2 user's groups and authorities, looked up with the bridge's credentials (which need
   * F_USER_VIEW). Undefined when no such user exists.
   */
  async getUserGroups(username: string, options: RequestOptions = {}): Promise<Dhis2UserAccess | undefined> {
    // Not a username DHIS2 could have; also keeps `:` and `,` out of the filter expression.
    if (!USERNAME.test(username)) return undefined
    const res = await this.send('GET', '/users', {
      ...options,
      params: { filter: `username:eq:${username}`, fields: USER_FIELDS, paging: false },
    })
    const { users } = this.parse(this.describe('GET', '/users'), res, usersSchema)
    const user = users.find((u) => u.username === username)
    if (!user) return undefined
    const authorities = [...new Set(user.userRoles.flatMap((r) => r.authorities))].sort()
    return {
      id: user.id,
      username: user.username,
      disabled: user.disabled,
      userGroups: user.userGroups,
      authorities,
      orgUnits: user.organisationUnits.map((ou) => ou.id),
    }
  }

  /**
   * The values DHIS2 holds for a data set, a period and some org units (`GET /api/dataValueSets`; org units
   * comma-joined, as Spring binds a list). Used to learn what a push whose answer was lost left in DHIS2.
   */
  async getDataValues(
    query: { dataSet: string; period: string; orgUnits: readonly string[] },
    options: RequestOptions = {},
  ): Promise<HeldValue[]> {
    const res = await this.send('GET', '/dataValueSets', {
      ...options,
      params: { dataSet: query.dataSet, period: query.period, orgUnit: query.orgUnits.join(',') },
    })
    return this.parse(this.describe('GET', '/dataValueSets'), res, heldValuesSchema).dataValues
  }

  /** The completions DHIS2 holds for a data set, a period and some org units. */
  async getCompletions(
    query: { dataSet: string; period: string; orgUnits: readonly string[] },
    options: RequestOptions = {},
  ): Promise<HeldCompletion[]> {
    const res = await this.send('GET', '/completeDataSetRegistrations', {
      ...options,
      params: { dataSet: query.dataSet, period: query.period, orgUnit: query.orgUnits.join(',') },
    })
    return this.parse(
      this.describe('GET', '/completeDataSetRegistrations'),
      res,
      completionsSchema,
    ).completeDataSetRegistrations.map((r) => ({
      orgUnit: r.organisationUnit,
      attributeOptionCombo: r.attributeOptionCombo,
      date: r.date,
      completed: r.completed !== false,
    }))
  }

  /**
   * Registers completions (DHIS2 honours `date`; an existing row would be overwritten, date included, so callers
   * send only those DHIS2 does not hold). Answers DHIS2's ImportSummary (200, or 409 when every row was refused).
   */
  async postCompletions(items: readonly NewCompletion[], options: RequestOptions = {}): Promise<ImportSummary> {
    const request = this.describe('POST', '/completeDataSetRegistrations')
    const res = await this.send('POST', '/completeDataSetRegistrations', {
      ...options,
      data: { completeDataSetRegistrations: items.map((i) => ({ ...i, completed: i.completed ?? true })) },
      accept: (status) => status === 409,
    })
    const summary = readImportSummary(res.data)
    if (summary) return summary
    if (res.status === 409) throw this.httpError(request, res)
    throw this.invalidResponse(request, res.status, 'an answer without an import summary')
  }

  /**
   * Who created a dataStore entry (its `…/metaData`), or undefined when there is no such entry. The bridge's
   * account must be able to read the namespace's entries (api/route-proof.ts).
   */
  async getDataStoreAuthor(
    namespace: string,
    key: string,
    options: RequestOptions = {},
  ): Promise<{ username: string; created: string } | undefined> {
    const path = `/dataStore/${encodeURIComponent(namespace)}/${encodeURIComponent(key)}/metaData`
    const res = await this.send('GET', path, { ...options, accept: (status) => status === 404 })
    if (res.status === 404) return undefined
    const meta = this.parse(this.describe('GET', path), res, dataStoreMetaSchema)
    return meta.createdBy?.username ? { username: meta.createdBy.username, created: meta.created } : undefined
  }

  /**
   * A GET whose answer is checked against `schema`; undefined on 404 when `missingOk`. For the few reads that
   * have no method of their own (reminders/dhis2-directory.ts).
   */
  async getJson<T>(
    path: string,
    params: Record<string, string | number | boolean | readonly string[]>,
    schema: z.ZodType<T>,
    options: RequestOptions & { missingOk?: boolean } = {},
  ): Promise<T | undefined> {
    const res = await this.send('GET', path, {
      ...options,
      params,
      ...(options.missingOk ? { accept: (status: number) => status === 404 } : {}),
    })
    if (res.status === 404) return undefined
    return this.parse(this.describe('GET', path), res, schema)
  }

  /**
   * A POST of a JSON body; answers the status, DHIS2's body and the `Location` header (where DHIS2 puts the id
   * of what it created, e.g. a message conversation). Errors are thrown as for every call.
   */
  async postJson(
    path: string,
    data: unknown,
    options: RequestOptions & { params?: Record<string, string | number | boolean> } = {},
  ): Promise<{ status: number; body: unknown; location?: string }> {
    const res = await this.send('POST', path, { ...options, data })
    const location = res.headers['location']
    return { status: res.status, body: res.data, ...(typeof location === 'string' ? { location } : {}) }
  }

  /** Writes a dataStore entry (PUT, or POST when the key does not exist yet). */
  async putDataStoreValue(namespace: string, key: string, value: unknown, options: RequestOptions = {}): Promise<void> {
    const path = `/dataStore/${encodeURIComponent(namespace)}/${encodeURIComponent(key)}`
    const res = await this.send('PUT', path, { ...options, data: value, accept: (status) => status === 404 })
    if (res.status === 404) await this.send('POST', path, { ...options, data: value })
  }

  /** Deletes a dataStore entry; false when it was already gone. */
  async deleteDataStoreKey(namespace: string, key: string, options: RequestOptions = {}): Promise<boolean> {
    const path = `/dataStore/${encodeURIComponent(namespace)}/${encodeURIComponent(key)}`
    const res = await this.send('DELETE', path, { ...options, accept: (status) => status === 404 })
    return res.status !== 404
  }

  /**
   * The metadata the mappings engine validates against, for the data sets with these codes: one list
   * request per collection (paging=false), then cut down to what those data sets reference (metadata.ts).
   */
  async getMetadataSnapshot(
    dataSetCodes: readonly string[],
    options: RequestOptions = {},
  ): Promise<MetadataSnapshotResult> {
    if (dataSetCodes.length === 0) throw new RangeError('getMetadataSnapshot: give at least one data set code')
    const codes = [...new Set(dataSetCodes)]
    const filter = `code:in:${inFilter(codes)}`
    const timeoutMs = options.timeoutMs ?? this.importTimeoutMs
    // A few lists at a time (kind to DHIS2); the first failure cancels the requests still out.
    const stop = new AbortController()
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal
    let lists: (readonly [MetadataCollection, unknown[]])[]
    try {
      lists = await mapWithLimit(SNAPSHOT_COLLECTIONS, METADATA_CONCURRENCY, stop.signal, async (collection) => {
        const params: Record<string, string | boolean> = { fields: SNAPSHOT_FIELDS[collection], paging: false }
        if (collection === 'dataSets') params.filter = filter
        const res = await this.send('GET', `/${collection}`, { timeoutMs, signal, params })
        return [collection, this.readList(collection, res)] as const
      })
    } catch (error) {
      stop.abort()
      throw error
    }
    // The fields asked for mirror the @relais/mappings interfaces (metadata.ts); the shape is DHIS2's.
    const full = Object.fromEntries(lists) as unknown as MetadataSnapshot
    const found = new Set(full.dataSets.map((d) => d.code))
    return { snapshot: pruneToDataSets(full), missingDataSetCodes: codes.filter((c) => !found.has(c)) }
  }

  /**
   * DHIS2's version and clock: timestamps and period expiry are in the server's time zone
   * (web-api §11.8), so the pipeline reads `serverTimeZoneId` here rather than guessing it.
   */
  async getSystemInfo(options: RequestOptions = {}): Promise<Dhis2SystemInfo> {
    const res = await this.send('GET', '/system/info', options)
    return this.parse(this.describe('GET', '/system/info'), res, systemInfoSchema)
  }

  /** Liveness: `GET /api/system/ping` (no authentication needed). Resolves with the round-trip time. */
  async ping(options: RequestOptions = {}): Promise<{ latencyMs: number }> {
    const started = performance.now()
    await this.send('GET', '/system/ping', options)
    return { latencyMs: Math.round(performance.now() - started) }
  }

  // -------------------------------------------------------------------------------------------------------

  private async send(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    options: SendOptions,
  ): Promise<AxiosResponse> {
    const request = this.describe(method, path)
    const started = performance.now()
    const report = (status: number | undefined, error?: Dhis2Error) => {
      const event: Dhis2RequestEvent = { request, durationMs: performance.now() - started }
      if (status !== undefined) event.status = status
      if (error) event.error = error
      try {
        this.onRequest?.(event)
      } catch {
        // An observer (metrics, logs) must never change the outcome of a request.
      }
    }
    const timeoutMs = options.timeoutMs ?? this.timeoutMs
    // axios' own `timeout` only watches socket inactivity; this deadline covers the whole exchange.
    const deadline = AbortSignal.timeout(timeoutMs)
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline
    let res: AxiosResponse
    try {
      res = await this.http.request({
        method,
        url: path.replace(/^\//, ''),
        params: options.params,
        data: options.data,
        signal,
        timeout: timeoutMs,
      })
    } catch (error) {
      const failure = this.transportError(request, error, timeoutMs, deadline.aborted, options.signal?.aborted)
      report(undefined, failure)
      throw failure
    }
    if ((res.status >= 200 && res.status < 300) || options.accept?.(res.status)) {
      report(res.status)
      return res
    }
    const failure = this.httpError(request, res)
    report(res.status, failure)
    throw failure
  }

  /** A failure without an HTTP answer. Built from plain fields: the axios error holds our headers. */
  private transportError(
    request: string,
    error: unknown,
    timeoutMs: number,
    deadlinePassed: boolean,
    callerAborted: boolean | undefined,
  ): Dhis2Error {
    if (!axios.isAxiosError(error)) {
      // Not from the network (a bug, a bad option): keep its message, never its object.
      const text = error instanceof Error ? error.message : String(error)
      return new Dhis2Error(this.clean(`DHIS2 ${request} failed: ${text}`), {
        kind: 'permanent',
        reason: 'invalid-response',
        request,
      })
    }
    const code = typeof error.code === 'string' ? error.code : undefined
    if (callerAborted && !deadlinePassed) {
      return new Dhis2Error(`DHIS2 ${request} was cancelled`, { kind: 'transient', reason: 'aborted', request })
    }
    if (deadlinePassed || code === 'ECONNABORTED' || code === 'ETIMEDOUT') {
      return new Dhis2Error(`DHIS2 ${request}: no answer within ${timeoutMs} ms`, {
        kind: 'transient',
        reason: 'timeout',
        request,
        ...(code && code !== 'ERR_CANCELED' ? { networkCode: code } : {}),
      })
    }
    const cause = error.cause as { code?: unknown } | undefined
    const networkCode = code ?? (typeof cause?.code === 'string' ? cause.code : undefined)
    return new Dhis2Error(
      this.clean(`DHIS2 ${request}: no answer (${networkCode ?? 'network error'}: ${error.message})`),
      {
        kind: 'transient',
        reason: 'network',
        request,
        ...(networkCode ? { networkCode } : {}),
      },
    )
  }

  private httpError(request: string, res: AxiosResponse): Dhis2Error {
    const kind: Dhis2ErrorKind = classifyStatus(res.status)
    const web = readWebMessage(res.data)
    const retryAfterMs = parseRetryAfter(headerOf(res, 'retry-after'), this.now())
    const statusText = typeof res.statusText === 'string' && res.statusText !== '' ? ` ${res.statusText}` : ''
    const dhis2Message = web.message !== undefined ? this.clean(web.message) : undefined
    const detail = dhis2Message !== undefined ? `: ${dhis2Message}` : ''
    const location = res.status >= 300 && res.status < 400 ? redirectHint(headerOf(res, 'location')) : ''
    return new Dhis2Error(this.clean(`DHIS2 ${request} → ${res.status}${statusText}${detail}${location}`), {
      kind,
      reason: 'http',
      request,
      status: res.status,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      ...(dhis2Message !== undefined ? { dhis2Message } : {}),
      ...(web.errorCode !== undefined ? { errorCode: web.errorCode } : {}),
    })
  }

  private invalidResponse(request: string, status: number, what: string): Dhis2Error {
    return new Dhis2Error(`DHIS2 ${request} → ${status} with ${what}`, {
      kind: 'permanent',
      reason: 'invalid-response',
      request,
      status,
    })
  }

  private parse<T>(request: string, res: AxiosResponse, schema: z.ZodType<T>): T {
    const parsed = schema.safeParse(res.data)
    if (parsed.success) return parsed.data
    const issue = parsed.error.issues[0]
    const where = issue ? ` (${issue.path.join('.') || 'body'}: ${issue.message})` : ''
    throw this.invalidResponse(request, res.status, `an unexpected body${where}`)
  }

  private readList(collection: MetadataCollection, res: AxiosResponse): unknown[] {
    const body = res.data as Record<string, unknown> | undefined
    const list = body !== null && typeof body === 'object' ? body[collection] : undefined
    if (!Array.isArray(list))
      throw this.invalidResponse(
        this.describe('GET', `/${collection}`),
        res.status,
        `no "${collection}" array in the body`,
      )
    return list
  }

  private describe(method: string, path: string): string {
    return `${method} ${this.basePath}${path}`
  }

  private clean(text: string): string {
    return redact(text, this.secrets)
  }
}

export function createDhis2Client(
  env: Pick<BridgeEnv, 'dhis2'>,
  options: Omit<Dhis2ClientOptions, 'url' | 'auth'> = {},
): Dhis2Client {
  return new Dhis2Client({ ...options, url: env.dhis2.url, auth: env.dhis2.auth })
}

/** Runs `task` over `items`, at most `limit` at a time, in order of the items; stops starting new ones once aborted. */
async function mapWithLimit<T, R>(
  items: readonly T[],
  limit: number,
  signal: AbortSignal,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = []
  let next = 0
  const worker = async () => {
    while (next < items.length && !signal.aborted) {
      const at = next++
      results[at] = await task(items[at]!)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

function authorization(auth: Dhis2Auth): { header: string; secrets: string[] } {
  if (auth.kind === 'token') return { header: `ApiToken ${auth.token}`, secrets: [auth.token] }
  const pair = `${auth.username}:${auth.password}`
  const encoded = Buffer.from(pair, 'utf8').toString('base64')
  return { header: `Basic ${encoded}`, secrets: [auth.password, encoded, pair] }
}

function headerOf(res: AxiosResponse, name: string): string | undefined {
  const value: unknown = res.headers[name]
  if (typeof value === 'string') return value
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0]
  return undefined
}

/** A redirect from DHIS2 means its login page (credentials refused or missing) or a wrong DHIS2_URL. */
function redirectHint(location: string | undefined): string {
  if (location === undefined) return ' (redirect: check DHIS2_URL)'
  return /login/i.test(location)
    ? ' (redirect to the login page: check DHIS2_TOKEN or DHIS2_USERNAME/DHIS2_PASSWORD)'
    : ' (redirect: check DHIS2_URL)'
}
