/**
 * Client + backoff + circuit breaker for calls made in-process (metadata refresh, role look-ups, a push
 * attempt inside a job): retry transient Dhis2Errors with backoff, stop at the first permanent one, and
 * ask the target's breaker before every request so that a DHIS2 that is down gets a bounded number of
 * requests (one probe per cool-down) however many callers are waiting.
 */
import { retryDecision, type RetryPolicy } from './backoff'
import type { CircuitBreaker } from './circuit-breaker'
import { Dhis2Error, isDhis2Error } from './errors'

export interface ResilienceOptions {
  readonly breaker: CircuitBreaker
  readonly policy: RetryPolicy
  /**
   * While the circuit is open: wait for it (true, default), or fail at once with a transient
   * `circuit-open` Dhis2Error whose retryAfterMs says when to come back (for a queue job to be delayed).
   */
  readonly waitForCircuit?: boolean
  readonly sleep?: (ms: number) => Promise<void>
  /** Told before each wait caused by a failure (for logs). */
  readonly onRetry?: (info: { attempt: number; delayMs: number; error: Dhis2Error }) => void
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** The error thrown when the circuit is open and the caller chose not to wait. */
export function circuitOpenError(breaker: CircuitBreaker): Dhis2Error {
  const retryAfterMs = breaker.retryInMs()
  return new Dhis2Error(`DHIS2 ${breaker.target} is unavailable: circuit open, next try in ${retryAfterMs} ms`, {
    kind: 'transient',
    reason: 'circuit-open',
    retryAfterMs,
  })
}

/**
 * Runs `operation` until it succeeds, fails permanently, or `policy.maxAttempts` requests have failed.
 * Only requests actually sent count as attempts; waiting for the circuit does not.
 * Errors other than Dhis2Error are not DHIS2's doing: they are rethrown at once.
 */
export async function withResilience<T>(operation: () => Promise<T>, options: ResilienceOptions): Promise<T> {
  const { breaker, policy, waitForCircuit = true, sleep = realSleep } = options
  let attempt = 0
  for (;;) {
    if (!breaker.tryAcquire()) {
      if (!waitForCircuit) throw circuitOpenError(breaker)
      await sleep(Math.max(1, breaker.retryInMs()))
      continue
    }
    attempt++
    try {
      const result = await operation()
      breaker.onSuccess()
      return result
    } catch (error) {
      // Not an answer about DHIS2's health (a bug, or the caller cancelled): give the slot back, stop.
      if (!isDhis2Error(error) || error.reason === 'aborted') {
        breaker.release()
        throw error
      }
      breaker.onFailure(error.kind)
      const decision = retryDecision(attempt, error, policy)
      if (!decision.retry) throw error
      options.onRetry?.({ attempt, delayMs: decision.delayMs, error })
      await sleep(decision.delayMs)
    }
  }
}
