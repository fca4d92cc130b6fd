/**
 * KoboToolbox API v2 client (shared/reference/kobo-odk-api.md Part A): token auth, `/data/` pages
 * followed through `next`, a timeout on every request, and every failure classified so the scheduler
 * knows whether to retry:
 * - transient: network errors, timeouts, 408, 429, 5xx (Kobo has no throttling of its own; 429/502/504
 *   come from its proxy, with Retry-After honoured by the caller's backoff);
 * - permanent: 400 (bad query), 401 (token), 404 (unknown asset, or no rights — Kobo hides both as 404),
 *   405, and answers that are not the documented JSON.
 */
import axios, { AxiosError, type AxiosInstance } from 'axios'
import { z } from 'zod'

export type KoboErrorKind = 'transient' | 'permanent'

export class KoboError extends Error {
  constructor(
    readonly kind: KoboErrorKind,
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message)
    this.name = 'KoboError'
  }
}

/** A submission as Kobo returns it: `_id` and `_uuid` always (projections add `_uuid`), answers as text. */
export interface KoboSubmission {
  _id: number
  _uuid: string
  _submission_time?: string
  [field: string]: unknown
}

export interface ListParams {
  query?: Record<string, unknown>
  sort?: Record<string, 1 | -1>
  fields?: readonly string[]
  /** Page size; Kobo caps it at 1000 (default 100 when not sent, so we always send it). */
  limit?: number
  start?: number
}

export interface KoboPage {
  count: number
  results: KoboSubmission[]
}

export interface KoboClient {
  /** Every page of a `/data/` query, following `next` until it is null. */
  pages(assetUid: string, params?: ListParams): AsyncGenerator<KoboPage>
}

export interface KoboClientOptions {
  /** e.g. https://kf.kobotoolbox.org */
  baseUrl: string
  token: string
  timeoutMs?: number
  /** Safety stop for a server whose `next` never ends. */
  maxPages?: number
}

export const KOBO_MAX_LIMIT = 1000

const submissionSchema = z.looseObject({ _id: z.number().int(), _uuid: z.string().min(1) })
const pageSchema = z.object({
  count: z.number().int().nonnegative(),
  next: z.string().nullable(),
  results: z.array(submissionSchema),
})

export function createKoboClient(options: KoboClientOptions, http: AxiosInstance = axios.create()): KoboClient {
  const base = new URL(options.baseUrl)
  const timeout = options.timeoutMs ?? 30_000
  const maxPages = options.maxPages ?? 10_000

  async function getPage(url: string): Promise<{ page: KoboPage; next: string | null }> {
    let data: unknown
    // axios' `timeout` watches socket inactivity only: a server dripping bytes would hold the pull for ever.
    const deadline = AbortSignal.timeout(timeout)
    try {
      const res = await http.get<unknown>(url, {
        timeout,
        signal: deadline,
        headers: { Authorization: `Token ${options.token}`, Accept: 'application/json' },
        responseType: 'json',
        maxRedirects: 0,
        validateStatus: (s) => s >= 200 && s < 300,
      })
      data = res.data
    } catch (error) {
      if (deadline.aborted) throw new KoboError('transient', `Kobo did not answer ${url} within ${timeout} ms`)
      throw classifyError(error)
    }
    const parsed = pageSchema.safeParse(data)
    if (!parsed.success)
      throw new KoboError('permanent', `Kobo answered ${url} with an unexpected body: ${z.prettifyError(parsed.error)}`)
    return {
      page: { count: parsed.data.count, results: parsed.data.results as KoboSubmission[] },
      next: parsed.data.next,
    }
  }

  return {
    async *pages(assetUid, params = {}) {
      const dataPath = `${base.pathname.replace(/\/$/, '')}/api/v2/assets/${encodeURIComponent(assetUid)}/data/`
      let url: string | null = new URL(`${dataPath}?${listQuery(params)}`, base).toString()
      for (let n = 0; url; n++) {
        if (n >= maxPages) throw new KoboError('permanent', `Kobo paging did not end after ${maxPages} pages`)
        const { page, next } = await getPage(url)
        yield page
        url = next && page.results.length > 0 ? followNext(next, base, dataPath) : null
      }
    },
  }
}

/** The first request's query string; `format=json` because kpi also has an HTML renderer. */
export function listQuery(params: ListParams): string {
  const q = new URLSearchParams({
    format: 'json',
    limit: String(Math.min(params.limit ?? KOBO_MAX_LIMIT, KOBO_MAX_LIMIT)),
  })
  if (params.start) q.set('start', String(params.start))
  if (params.query) q.set('query', JSON.stringify(params.query))
  if (params.sort) q.set('sort', JSON.stringify(params.sort))
  if (params.fields) q.set('fields', JSON.stringify(params.fields))
  return q.toString()
}

/**
 * `next` is built by Kobo from the URL it believes it serves; behind a proxy that may be `http://` or an
 * internal host. Only its path and query are taken, on our configured origin — which also means the token
 * is never sent to a host other than the configured one.
 */
export function followNext(next: string, base: URL, dataPath: string): string {
  const url = new URL(next, base)
  if (url.pathname !== dataPath && url.pathname !== dataPath.replace(/\/$/, '.json'))
    throw new KoboError('permanent', `Kobo's next link points elsewhere: ${url.pathname}`)
  return new URL(`${url.pathname}${url.search}`, base).toString()
}

const TRANSIENT_CODES = new Set([
  'ECONNABORTED',
  'ETIMEDOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND', // DNS outages happen; a misspelt host is caught when the source is configured
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ERR_NETWORK',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
])

export function classifyError(error: unknown): KoboError {
  if (error instanceof KoboError) return error
  if (!(error instanceof AxiosError))
    return new KoboError('permanent', error instanceof Error ? error.message : String(error))
  const res = error.response
  if (!res) {
    const code = error.code ?? 'unknown'
    const kind: KoboErrorKind = TRANSIENT_CODES.has(error.code ?? '') ? 'transient' : 'permanent'
    return new KoboError(kind, `Kobo unreachable (${code}): ${error.message}`)
  }
  const status = res.status
  const transient = status === 408 || status === 429 || status >= 500
  const retryAfterMs = parseRetryAfter(res.headers['retry-after'])
  return new KoboError(
    transient ? 'transient' : 'permanent',
    `Kobo answered ${status}: ${describeBody(res.data)}`,
    status,
    retryAfterMs,
  )
}

function describeBody(body: unknown): string {
  if (body && typeof body === 'object' && 'detail' in body) return String(body.detail)
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  return (text ?? '').slice(0, 300)
}

/** `Retry-After` as seconds or an HTTP date → milliseconds. */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}
