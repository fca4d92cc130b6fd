/**
 * Fault injection for tests (only reachable through `/api/testing/faults`, i.e. with
 * `--test-endpoints`): latency, a rate of 500/502/503 WebMessages, hanging requests (never answered
 * until the faults are cleared), a server that is "down" (connections destroyed at once), and rate
 * limiting (429 + `Retry-After`), optionally restricted to the `/api` paths a regex matches.
 * The middleware runs before authentication, for `/api/**` except `/api/testing/**`. The state of
 * the faults lives here, one per stand-in.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { HttpError, webMessage } from '../http/web-message'
import type { StandinContext } from '../context'

export interface FaultConfig {
  /** Delay before every affected request is handled. */
  latencyMs?: number
  /** Share (0–1) of affected requests answered 500, 502 or 503. */
  errorRate?: number
  /** Affected requests are held, unanswered, until the faults are cleared. */
  hang?: boolean
  /** Affected requests get their connection destroyed at once. */
  down?: boolean
  /** Affected requests are refused with this status (429) and a `Retry-After` header. */
  rateLimit?: { status: number; retryAfterSeconds: number }
  /**
   * Share (0–1) of affected writes (not GET) that are handled — and committed — and then lose their answer:
   * the connection is cut where the response would be sent (a proxy timeout, a dropped link after DHIS2 saved).
   */
  loseAnswerRate?: number
  /** Regex (source) over the request path (`/api/…`): only matching paths are affected. */
  paths?: string
}

const ERROR_ANSWERS: [number, string][] = [
  [500, 'An unexpected error has occured. Please contact your system administrator'],
  [502, 'Bad Gateway'],
  [503, 'Service Unavailable'],
]

export class FaultState {
  private current: FaultConfig = {}
  private pathRegex: RegExp | undefined
  private held: (() => void)[] = []

  get config(): FaultConfig {
    return this.current
  }

  get heldCount(): number {
    return this.held.length
  }

  get active(): boolean {
    const c = this.current
    return Boolean(c.latencyMs || c.errorRate || c.hang || c.down || c.rateLimit || c.loseAnswerRate)
  }

  set(config: FaultConfig): void {
    this.current = config
    this.pathRegex = config.paths ? new RegExp(config.paths) : undefined
    if (!config.hang) this.release()
  }

  clear(): void {
    this.current = {}
    this.pathRegex = undefined
    this.release()
  }

  affects(path: string): boolean {
    if (!/^\/api(\/|$)/.test(path) || /^\/api\/testing(\/|$)/.test(path)) return false
    return this.pathRegex ? this.pathRegex.test(path) : true
  }

  hold(resume: () => void): void {
    this.held.push(resume)
  }

  private release(): void {
    const held = this.held
    this.held = []
    for (const resume of held) resume()
  }
}

const states = new WeakMap<StandinContext, FaultState>()

export function faultsOf(ctx: StandinContext): FaultState {
  let state = states.get(ctx)
  if (!state) states.set(ctx, (state = new FaultState()))
  return state
}

/** Validates a `POST /api/testing/faults` body; 400 with the reason otherwise. */
export function parseFaultConfig(body: unknown): FaultConfig {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new HttpError(400, 'Faults must be a JSON object')
  const raw = body as Record<string, unknown>
  const known = ['latencyMs', 'errorRate', 'hang', 'down', 'rateLimit', 'loseAnswerRate', 'paths']
  const unknown = Object.keys(raw).filter((k) => !known.includes(k))
  if (unknown.length > 0)
    throw new HttpError(400, `Unknown fault(s): ${unknown.join(', ')} (known: ${known.join(', ')})`)
  const config: FaultConfig = {}
  if (raw.latencyMs !== undefined) {
    if (typeof raw.latencyMs !== 'number' || raw.latencyMs < 0 || raw.latencyMs > 600000)
      throw new HttpError(400, 'latencyMs must be a number of milliseconds (0–600000)')
    config.latencyMs = raw.latencyMs
  }
  if (raw.errorRate !== undefined) {
    if (typeof raw.errorRate !== 'number' || raw.errorRate < 0 || raw.errorRate > 1)
      throw new HttpError(400, 'errorRate must be a number between 0 and 1')
    config.errorRate = raw.errorRate
  }
  if (raw.loseAnswerRate !== undefined) {
    if (typeof raw.loseAnswerRate !== 'number' || raw.loseAnswerRate < 0 || raw.loseAnswerRate > 1)
      throw new HttpError(400, 'loseAnswerRate must be a number between 0 and 1')
    config.loseAnswerRate = raw.loseAnswerRate
  }
  for (const flag of ['hang', 'down'] as const) {
    if (raw[flag] !== undefined) {
      if (typeof raw[flag] !== 'boolean') throw new HttpError(400, `${flag} must be true or false`)
      config[flag] = raw[flag]
    }
  }
  if (raw.rateLimit !== undefined) {
    const r = raw.rateLimit as Record<string, unknown> | null
    const status = r?.status === undefined ? 429 : r.status
    const retryAfterSeconds = r?.retryAfterSeconds === undefined ? 1 : r.retryAfterSeconds
    if (typeof status !== 'number' || status < 400 || status > 599)
      throw new HttpError(400, 'rateLimit.status must be an HTTP error status (429)')
    if (typeof retryAfterSeconds !== 'number' || retryAfterSeconds < 0)
      throw new HttpError(400, 'rateLimit.retryAfterSeconds must be a number of seconds')
    config.rateLimit = { status, retryAfterSeconds }
  }
  if (raw.paths !== undefined) {
    if (typeof raw.paths !== 'string') throw new HttpError(400, 'paths must be a regular expression (string)')
    try {
      new RegExp(raw.paths)
    } catch (error) {
      throw new HttpError(400, `paths is not a valid regular expression: ${(error as Error).message}`)
    }
    config.paths = raw.paths
  }
  return config
}

export function faultMiddleware(ctx: StandinContext): RequestHandler {
  const state = faultsOf(ctx)
  return (req: Request, res: Response, next: NextFunction) => {
    if (!state.active || !state.affects(req.path)) return next()
    const c = state.config
    if (c.down) {
      req.socket.destroy()
      return
    }
    if (c.hang) {
      state.hold(() => {
        if (!req.socket.destroyed) next()
      })
      return
    }
    const act = () => {
      if (c.rateLimit) {
        res.set('Retry-After', String(c.rateLimit.retryAfterSeconds))
        res.status(c.rateLimit.status).json(webMessage(c.rateLimit.status, 'Too Many Requests'))
        return
      }
      if (c.errorRate && Math.random() < c.errorRate) {
        const [status, message] = ERROR_ANSWERS[Math.floor(Math.random() * ERROR_ANSWERS.length)] ?? [
          500,
          'Internal error',
        ]
        res.status(status).json(webMessage(status, message))
        return
      }
      if (c.loseAnswerRate && req.method !== 'GET' && Math.random() < c.loseAnswerRate) {
        // The handler runs to the end (its writes are committed); only its answer never leaves.
        res.writeHead = (() => res) as unknown as Response['writeHead']
        res.write = (() => true) as Response['write']
        res.end = (() => {
          req.socket.destroy()
          return res
        }) as unknown as Response['end']
      }
      next()
    }
    if (c.latencyMs) setTimeout(act, c.latencyMs)
    else act()
  }
}
