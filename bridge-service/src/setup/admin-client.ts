/**
 * The DHIS2 calls of `relais setup`, made with a superuser's login given for this command only (never kept).
 * Plain fetch with a deadline on every request; answers parsed loosely — DHIS2's own words are kept for the
 * operator.
 */

export class Dhis2AdminError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    const message =
      body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string'
        ? (body as { message: string }).message
        : typeof body === 'string'
          ? body.slice(0, 300)
          : ''
    super(`${what}: HTTP ${status}${message ? ` — ${message}` : ''}`)
  }
}

export interface AdminClientOptions {
  url: string
  authorization: string
  timeoutMs?: number
  fetch?: typeof fetch
}

export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
}

export class Dhis2Admin {
  private readonly base: string
  private readonly timeoutMs: number
  private readonly doFetch: typeof fetch

  constructor(private readonly options: AdminClientOptions) {
    this.base = options.url.replace(/\/+$/, '')
    this.timeoutMs = options.timeoutMs ?? 60_000
    this.doFetch = options.fetch ?? fetch
  }

  /** Another login on the same DHIS2 (the service user making its own token). */
  as(authorization: string): Dhis2Admin {
    return new Dhis2Admin({ ...this.options, authorization })
  }

  async request(
    method: string,
    path: string,
    options: { query?: Record<string, string>; json?: unknown; body?: RequestInit['body']; accept?: number[] } = {},
  ): Promise<{ status: number; body: unknown }> {
    const url = new URL(`${this.base}/api/${path.replace(/^\/+/, '')}`)
    for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v)
    const headers: Record<string, string> = { Authorization: this.options.authorization, Accept: 'application/json' }
    let body = options.body
    if (options.json !== undefined) {
      headers['Content-Type'] = 'application/json'
      body = JSON.stringify(options.json)
    }
    const res = await this.doFetch(url, { method, headers, body, signal: AbortSignal.timeout(this.timeoutMs) })
    const text = await res.text()
    let parsed: unknown = text
    try {
      parsed = text ? (JSON.parse(text) as unknown) : undefined
    } catch {
      // not JSON: keep the text
    }
    if (!res.ok && !(options.accept ?? []).includes(res.status))
      throw new Dhis2AdminError(res.status, parsed, `${method} /api/${path}`)
    return { status: res.status, body: parsed }
  }

  async get<T>(path: string, query?: Record<string, string>): Promise<T> {
    return (await this.request('GET', path, query ? { query } : {})).body as T
  }
}
