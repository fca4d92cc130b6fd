/**
 * What went over the wire in one browser context, page and service worker alike (Playwright reports the
 * worker's own fetches as requests of the context). A response the worker answered to the page moved no byte
 * (`fromServiceWorker`); the worker's fetch behind it, if any, is logged on its own. Bytes are the response's
 * encoded body and headers: compressed when the server compressed.
 */
import type { BrowserContext, Request } from 'playwright-core'

export type Kind = 'app JS' | 'app CSS' | 'fonts' | 'app other' | 'API'
export const KINDS: readonly Kind[] = ['app JS', 'app CSS', 'fonts', 'app other', 'API']

export interface Transfer {
  url: string
  kind: Kind
  /** Bytes received; 0 when the service worker answered the page. */
  bytes: number
  /** Requested by the service worker (precache, or its network-first fetch for the page). */
  byWorker: boolean
  fromWorker: boolean
  /**
   * When it was requested (performance.now()), and milliseconds from then to its last byte, as this process saw
   * Playwright's events: tens of milliseconds off when the bench process (which also runs the stand-in) is busy.
   */
  at: number
  ms: number
}

export function kindOf(url: string): Kind {
  const path = new URL(url).pathname
  if (!/^\/api\/apps\/[^/]+\//.test(path)) return 'API'
  if (/\.m?js$/.test(path)) return 'app JS'
  if (path.endsWith('.css')) return 'app CSS'
  if (/\.woff2?$/.test(path)) return 'fonts'
  return 'app other'
}

export class WireLog {
  private readonly started = new Map<Request, number>()
  private readonly done: Promise<Transfer>[] = []
  private lastActivity = performance.now()

  constructor(context: BrowserContext) {
    context.on('request', (request) => {
      this.started.set(request, performance.now())
      this.lastActivity = performance.now()
    })
    context.on('requestfinished', (request) => {
      const at = this.started.get(request) ?? NaN
      this.started.delete(request)
      this.lastActivity = performance.now()
      this.done.push(this.transfer(request, at, performance.now() - at))
    })
    context.on('requestfailed', (request) => {
      this.started.delete(request)
      this.lastActivity = performance.now()
    })
  }

  private async transfer(request: Request, at: number, ms: number): Promise<Transfer> {
    const response = await request.response()
    const fromWorker = response?.fromServiceWorker() ?? false
    const sizes = fromWorker ? undefined : await request.sizes().catch(() => undefined)
    // Playwright gives negative sizes when Chromium did not say; they count as nothing.
    const bytes = sizes ? Math.max(0, sizes.responseBodySize) + Math.max(0, sizes.responseHeadersSize) : 0
    const kind = kindOf(request.url())
    const byWorker = request.serviceWorker() !== null
    return { url: request.url(), kind, bytes, byWorker, fromWorker, at, ms }
  }

  /** A point in the log: `since(mark)` gives what finished after it. */
  mark(): number {
    return this.done.length
  }

  async since(mark: number): Promise<Transfer[]> {
    return Promise.all(this.done.slice(mark))
  }

  /** Resolves once no request of the context has been in flight for `quietMs`. */
  async idle(quietMs = 1_000, timeoutMs = 120_000): Promise<void> {
    const deadline = performance.now() + timeoutMs
    while (this.started.size > 0 || performance.now() - this.lastActivity < quietMs) {
      if (performance.now() > deadline) throw new Error(`network not idle after ${timeoutMs} ms`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
}

/** Sum of bytes by kind, and in all. */
export function bytesByKind(transfers: Transfer[]): Record<Kind | 'total', number> {
  const sums = { 'app JS': 0, 'app CSS': 0, fonts: 0, 'app other': 0, API: 0, total: 0 }
  for (const t of transfers) {
    sums[t.kind] += t.bytes
    sums.total += t.bytes
  }
  return sums
}
