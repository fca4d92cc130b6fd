/**
 * ODK Central client (shared/reference/kobo-odk-api.md Part B): a form's OData data document read page by
 * page through `@odata.nextLink`, a timeout on every request, and every failure classified so the
 * scheduler knows whether to retry, as the Kobo client does:
 * - transient: network errors, timeouts, 408, 429, 5xx except 501 (Central has no throttling of its own;
 *   429/502/504 come from a proxy);
 * - permanent: 400 (bad query), 401 after a fresh login, 403 (no `submission.read`), 404 (project/form),
 *   406, 501 (a feature Central does not have), and answers that are not the documented JSON.
 *
 * Two ways in (§B1):
 * - a Web User: `POST /v1/sessions` with email and password once, then `Authorization: Bearer`; the session
 *   lasts 24 h, so a 401 is answered by one new login and one retry (§E12). Basic is not used: it needs
 *   HTTPS, costs a bcrypt per request and is off under OIDC.
 * - an App User key, as `/v1/key/{token}/…`. Central gives App Users `form.read` and `submission.create`
 *   only, so it answers OData with 403.1: the client says so plainly rather than leaving a bare 403.
 */
import axios, { AxiosError, type AxiosInstance } from 'axios'
import { z } from 'zod'
import { parseRetryAfter } from '../kobo/client'

export type OdkErrorKind = 'transient' | 'permanent'

export class OdkError extends Error {
  constructor(
    readonly kind: OdkErrorKind,
    message: string,
    readonly status?: number,
    /** Central's Problem code (`403.1`), when it sent one. */
    readonly code?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message)
    this.name = 'OdkError'
  }
}

export type OdkAuth =
  | { readonly kind: 'session'; readonly email: string; readonly password: string }
  | { readonly kind: 'appUser'; readonly token: string }

/** `__system` as OData serves it (§B4); `deletedAt` exists from v2024.3 on. */
export interface OdkSystem {
  submissionDate: string
  updatedAt: string | null
  deletedAt?: string | null
  submitterId?: string | null
  reviewState?: string | null
  attachmentsPresent?: number
  attachmentsExpected?: number
  edits?: number
  [key: string]: unknown
}

/** One submission row: the form's answers as nested groups, `__id` (first instanceID) and `__system`. */
export interface OdkRow {
  __id: string
  __system: OdkSystem
  meta?: { instanceID?: string; [key: string]: unknown }
  [field: string]: unknown
}

export interface OdkPage {
  rows: OdkRow[]
  /** `@odata.count` when `count` was asked. */
  count?: number
}

export interface SubmissionQuery {
  /** An OData `$filter` on the system fields. */
  filter?: string
  /** Page size (`$top`). Central has no cap and streams everything: always page (§E14). */
  top?: number
  count?: boolean
}

export interface OdkClient {
  /** Every page of a form's submissions, following `@odata.nextLink` until there is none. */
  pages(xmlFormId: string, query?: SubmissionQuery): AsyncGenerator<OdkPage>
}

export interface OdkClientOptions {
  /** e.g. https://central.example.org */
  baseUrl: string
  projectId: number
  auth: OdkAuth
  timeoutMs?: number
  /** Safety stop for a server whose nextLink never ends. */
  maxPages?: number
}

export const ODK_PAGE_SIZE = 1000

const rowSchema = z.looseObject({
  __id: z.string().min(1),
  __system: z.looseObject({
    submissionDate: z.string().min(1),
    updatedAt: z.string().nullable(),
    deletedAt: z.string().nullable().optional(),
  }),
})
const documentSchema = z.object({
  value: z.array(rowSchema),
  '@odata.nextLink': z.string().optional(),
  '@odata.count': z.number().int().nonnegative().optional(),
})
const sessionSchema = z.object({ token: z.string().min(1), expiresAt: z.string().optional() })

export function createOdkClient(options: OdkClientOptions, http: AxiosInstance = axios.create()): OdkClient {
  const base = new URL(options.baseUrl)
  const root = base.pathname.replace(/\/$/, '')
  const timeout = options.timeoutMs ?? 30_000
  const maxPages = options.maxPages ?? 10_000
  const auth = options.auth
  let session: string | undefined

  /** One request with a deadline; axios' own `timeout` only watches socket inactivity. */
  async function request<T>(method: 'GET' | 'POST', url: string, body?: unknown, bearer?: string): Promise<T> {
    const deadline = AbortSignal.timeout(timeout)
    try {
      const res = await http.request<T>({
        method,
        url,
        data: body,
        timeout,
        signal: deadline,
        headers: { Accept: 'application/json', ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}) },
        responseType: 'json',
        maxRedirects: 0,
        validateStatus: (s) => s >= 200 && s < 300,
      })
      return res.data
    } catch (error) {
      if (deadline.aborted)
        throw new OdkError('transient', `ODK Central did not answer ${method} ${url} within ${timeout} ms`)
      throw classifyError(error, auth)
    }
  }

  async function login(): Promise<string> {
    if (auth.kind !== 'session') throw new Error('login is for Web Users')
    const data = await request<unknown>('POST', new URL(`${root}/v1/sessions`, base).toString(), {
      email: auth.email,
      password: auth.password,
    })
    const parsed = sessionSchema.safeParse(data)
    if (!parsed.success) throw new OdkError('permanent', 'ODK Central answered the login without a session token')
    session = parsed.data.token
    return session
  }

  async function getDocument(url: string): Promise<z.infer<typeof documentSchema>> {
    let data: unknown
    if (auth.kind === 'appUser') data = await request<unknown>('GET', url)
    else {
      const reused = session !== undefined
      try {
        data = await request<unknown>('GET', url, undefined, session ?? (await login()))
      } catch (error) {
        // Sessions last 24 h: a reused one that fails gets one new login and one retry; a fresh login
        // refused, or a second 401, is a real credentials problem.
        if (!reused || !(error instanceof OdkError) || error.status !== 401) throw error
        data = await request<unknown>('GET', url, undefined, await login())
      }
    }
    const parsed = documentSchema.safeParse(data)
    if (!parsed.success)
      throw new OdkError(
        'permanent',
        `ODK Central answered ${url} with an unexpected body: ${z.prettifyError(parsed.error)}`,
      )
    return parsed.data
  }

  return {
    async *pages(xmlFormId, query = {}) {
      const prefix = auth.kind === 'appUser' ? `${root}/v1/key/${encodeURIComponent(auth.token)}` : `${root}/v1`
      const dataPath = `${prefix}/projects/${options.projectId}/forms/${encodeURIComponent(xmlFormId)}.svc/Submissions`
      let url: string | undefined = new URL(`${dataPath}?${submissionsQuery(query)}`, base).toString()
      for (let n = 0; url; n++) {
        if (n >= maxPages) throw new OdkError('permanent', `ODK Central paging did not end after ${maxPages} pages`)
        const doc = await getDocument(url)
        yield {
          rows: doc.value as OdkRow[],
          ...(doc['@odata.count'] !== undefined ? { count: doc['@odata.count'] } : {}),
        }
        const next = doc['@odata.nextLink']
        url = next && doc.value.length > 0 ? followNextLink(next, base, dataPath) : undefined
      }
    },
  }
}

/**
 * The first request's OData options. Only `$`-options: Central answers any other parameter (`format=json`,
 * a cache-buster) with 501.1 (§E11). `$skip` is never sent: `@odata.nextLink` pages by keyset
 * (`$skiptoken` on createdAt, id), which stays right while submissions arrive; `$skip` would shift (§E5).
 */
export function submissionsQuery(query: SubmissionQuery): string {
  const q = new URLSearchParams({ $top: String(query.top ?? ODK_PAGE_SIZE) })
  if (query.count) q.set('$count', 'true')
  if (query.filter) q.set('$filter', query.filter)
  return q.toString()
}

/**
 * `@odata.nextLink` is built on Central's configured domain, which behind a proxy may not be ours. Only its
 * path and query are taken, on the configured origin, so credentials never go to another host.
 * An App User's link may come back without the `/key/…` prefix; the path is compared without it.
 */
export function followNextLink(next: string, base: URL, dataPath: string): string {
  const url = new URL(next, base)
  const strip = (path: string) => path.replace(/\/v1\/key\/[^/]+\//, '/v1/')
  if (strip(url.pathname) !== strip(dataPath))
    throw new OdkError('permanent', `ODK Central's nextLink points elsewhere: ${url.pathname}`)
  return new URL(`${dataPath}${url.search}`, base).toString()
}

const TRANSIENT_CODES = new Set([
  'ECONNABORTED',
  'ETIMEDOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ERR_NETWORK',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
])

export function classifyError(error: unknown, auth?: OdkAuth): OdkError {
  if (error instanceof OdkError) return error
  if (!(error instanceof AxiosError))
    return new OdkError('permanent', error instanceof Error ? error.message : String(error))
  const res = error.response
  if (!res) {
    const code = error.code ?? 'unknown'
    return new OdkError(
      TRANSIENT_CODES.has(error.code ?? '') ? 'transient' : 'permanent',
      `ODK Central unreachable (${code}): ${error.message}`,
    )
  }
  const status = res.status
  const transient = status === 408 || status === 429 || (status >= 500 && status !== 501)
  const body = res.data as { message?: unknown; code?: unknown } | undefined
  const code = typeof body?.code === 'number' ? body.code : undefined
  let message = `ODK Central answered ${status}${code !== undefined ? ` (${code})` : ''}: ${describeBody(res.data)}`
  if (status === 403 && auth?.kind === 'appUser')
    message +=
      " — les utilisateurs d'application (App Users) envoient des soumissions mais ne peuvent pas les lire : donnez au pont un utilisateur web avec le rôle Project Viewer (emailEnv + passwordEnv). / " +
      'App Users can send submissions but not read them (no submission.read); give the bridge a Web User with the Project Viewer role (emailEnv + passwordEnv).'
  return new OdkError(
    transient ? 'transient' : 'permanent',
    message,
    status,
    code,
    parseRetryAfter(res.headers['retry-after']),
  )
}

function describeBody(body: unknown): string {
  if (body && typeof body === 'object' && 'message' in body) return String(body.message)
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  return (text ?? '').slice(0, 300)
}
