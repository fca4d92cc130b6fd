/**
 * Retry delays for transient DHIS2 failures: exponential backoff with "full jitter" (a uniformly random
 * delay between 0 and min(cap, base·2^(attempt−1))), so that many workers retrying after the same outage
 * spread out instead of hitting DHIS2 in waves. `Retry-After` is a floor: we never retry sooner than the
 * server asked, even when that is longer than the cap. Pure; `random` and `nowMs` are injectable.
 */

export interface BackoffOptions {
  /** Ceiling of the first retry's delay (attempt 1), in ms. */
  readonly baseMs: number
  /** Largest jitter ceiling, in ms (Retry-After may still ask for longer). */
  readonly capMs: number
  /** Uniform random number in [0, 1); Math.random by default. */
  readonly random?: () => number
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, capMs: 5 * 60_000 }

/**
 * The delay before retry number `attempt` (1 = the first retry, after the first failure), in whole ms.
 * `retryAfterMs` (from the failure's Retry-After) is honoured as a minimum.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  retryAfterMs?: number,
): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be an integer ≥ 1 (got ${attempt})`)
  const { baseMs, capMs, random = Math.random } = options
  if (!(baseMs > 0) || !(capMs >= baseMs)) throw new RangeError('backoff needs 0 < baseMs ≤ capMs')
  // 2 ** attempt overflows to Infinity for large attempts; min() with the cap keeps it finite.
  const ceiling = Math.min(capMs, baseMs * 2 ** (attempt - 1))
  const r = random()
  // A bad random source must not produce a negative or NaN delay.
  const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 1
  const jittered = Math.floor(unit * ceiling)
  const floor = retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs > 0 ? retryAfterMs : 0
  return Math.max(jittered, Math.ceil(floor))
}

/**
 * `Retry-After` as milliseconds to wait: either delta-seconds ("120") or an HTTP-date
 * ("Wed, 21 Oct 2026 07:28:00 GMT"). A date in the past means 0; anything unreadable means undefined
 * (the header is then ignored rather than guessed at).
 */
export function parseRetryAfter(value: string | undefined | null, nowMs: number = Date.now()): number | undefined {
  if (value === undefined || value === null) return undefined
  const text = value.trim()
  if (text === '') return undefined
  if (/^\d+$/.test(text)) return Number(text) * 1000
  // Only dates that contain letters (a month or weekday name): Date.parse would also read "1.5" or "-3".
  if (!/[a-z]/i.test(text)) return undefined
  const at = Date.parse(text)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - nowMs)
}

export interface RetryPolicy {
  /** Total attempts, the first one included (so maxAttempts − 1 retries). */
  readonly maxAttempts: number
  readonly backoff: BackoffOptions
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: 'permanent' | 'exhausted' }

/**
 * After failure number `attempt` (1-based) with an error of `kind`: retry, and when, or give up.
 * Permanent failures are never retried; transient ones until `maxAttempts` attempts have been made.
 */
export function retryDecision(
  attempt: number,
  failure: { readonly kind: 'transient' | 'permanent'; readonly retryAfterMs?: number | undefined },
  policy: RetryPolicy,
): RetryDecision {
  if (failure.kind === 'permanent') return { retry: false, reason: 'permanent' }
  if (attempt >= policy.maxAttempts) return { retry: false, reason: 'exhausted' }
  return { retry: true, delayMs: backoffDelay(attempt, policy.backoff, failure.retryAfterMs) }
}
