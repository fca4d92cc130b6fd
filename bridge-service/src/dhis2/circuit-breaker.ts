/**
 * A circuit breaker per DHIS2 target, so that a DHIS2 that is down is not hammered by every worker:
 *
 *   closed ──(failureThreshold consecutive transient failures)──► open
 *   open ──(coolDownMs elapsed; the next acquire() is the single probe)──► half-open
 *   half-open ──probe succeeds──► closed      half-open ──probe fails (transient)──► open (cool-down again)
 *
 * Only transient failures count. A permanent failure (401, 409, 400…) proves that DHIS2 is up and
 * answering, so for the breaker it is a success. Pure state machine: the clock is injected, nothing
 * happens between calls, so tests drive it step by step.
 */

export type CircuitState = 'closed' | 'open' | 'half-open'

/** Numeric state for a Prometheus gauge: 0 closed, 1 half-open, 2 open. */
export const CIRCUIT_STATE_VALUE: Readonly<Record<CircuitState, number>> = { closed: 0, 'half-open': 1, open: 2 }

export interface CircuitBreakerOptions {
  /** Consecutive transient failures that open the circuit. */
  readonly failureThreshold: number
  /** Time the circuit stays open before one probe is let through, in ms. */
  readonly coolDownMs: number
  /**
   * How long a probe may stay unanswered before another caller may probe, in ms (default: coolDownMs).
   * Without it, a probe whose caller died (crash, lost job) would leave the circuit half-open for ever.
   */
  readonly probeTimeoutMs?: number
  /** Milliseconds since the epoch; Date.now by default. */
  readonly now?: () => number
}

export const DEFAULT_CIRCUIT_BREAKER: CircuitBreakerOptions = { failureThreshold: 5, coolDownMs: 30_000 }

export interface CircuitSnapshot {
  readonly target: string
  readonly state: CircuitState
  readonly consecutiveFailures: number
  /** When the circuit last opened (ms since epoch), if it is open or half-open. */
  readonly openedAt: number | undefined
  /** Earliest time a probe is allowed (ms since epoch), if the circuit is open. */
  readonly nextProbeAt: number | undefined
  /** How many times the circuit has opened since it was created (a counter for metrics). */
  readonly timesOpened: number
}

export type CircuitListener = (from: CircuitState, to: CircuitState, snapshot: CircuitSnapshot) => void

export class CircuitBreaker {
  private current: CircuitState = 'closed'
  private failures = 0
  private openedAt: number | undefined
  private probeStartedAt: number | undefined
  private opened = 0
  private readonly listeners: CircuitListener[] = []
  private readonly options: Required<CircuitBreakerOptions>

  constructor(
    readonly target: string,
    options: CircuitBreakerOptions = DEFAULT_CIRCUIT_BREAKER,
  ) {
    if (!Number.isInteger(options.failureThreshold) || options.failureThreshold < 1)
      throw new RangeError('failureThreshold must be an integer ≥ 1')
    if (!(options.coolDownMs >= 0)) throw new RangeError('coolDownMs must be ≥ 0')
    this.options = {
      failureThreshold: options.failureThreshold,
      coolDownMs: options.coolDownMs,
      probeTimeoutMs: options.probeTimeoutMs ?? options.coolDownMs,
      now: options.now ?? Date.now,
    }
  }

  get state(): CircuitState {
    return this.current
  }

  /**
   * May a request be sent now? Closed: yes. Open: no, until the cool-down is over; then this call
   * becomes the single probe and the circuit turns half-open. Half-open: no while the probe is out.
   * A caller that gets `true` must report the outcome with onSuccess/onFailure.
   */
  tryAcquire(): boolean {
    const now = this.options.now()
    if (this.current === 'closed') return true
    if (this.current === 'open') {
      if (now < (this.openedAt ?? now) + this.options.coolDownMs) return false
      this.probeStartedAt = now
      this.transition('half-open')
      return true
    }
    // half-open: a probe is out; let another through only if that one has been lost.
    if (this.probeStartedAt !== undefined && now - this.probeStartedAt < this.options.probeTimeoutMs) return false
    this.probeStartedAt = now
    return true
  }

  /** Milliseconds until tryAcquire() could return true (0 when it would now). */
  retryInMs(): number {
    const now = this.options.now()
    if (this.current === 'closed') return 0
    if (this.current === 'open') return Math.max(0, (this.openedAt ?? now) + this.options.coolDownMs - now)
    return Math.max(0, (this.probeStartedAt ?? now) + this.options.probeTimeoutMs - now)
  }

  /**
   * DHIS2 answered (successfully, or with a permanent error: it is up). While the circuit is open, only
   * requests sent before it opened can report; their answer is stale, so it changes nothing: the circuit
   * closes only through a probe.
   */
  onSuccess(): void {
    if (this.current === 'open') return
    this.failures = 0
    this.probeStartedAt = undefined
    if (this.current === 'half-open') {
      this.openedAt = undefined
      this.transition('closed')
    }
  }

  /** A request failed. Permanent failures count as an answer from a live server. */
  onFailure(kind: 'transient' | 'permanent'): void {
    if (kind === 'permanent') return this.onSuccess()
    // A late failure of a request sent before the circuit opened does not restart the cool-down.
    if (this.current === 'open') return
    this.failures++
    if (this.current === 'half-open' || this.failures >= this.options.failureThreshold) this.open()
  }

  /** The acquired slot was not used to reach DHIS2 (cancelled before an answer): nothing learnt. */
  release(): void {
    if (this.current === 'half-open') this.probeStartedAt = undefined
  }

  snapshot(): CircuitSnapshot {
    return {
      target: this.target,
      state: this.current,
      consecutiveFailures: this.failures,
      openedAt: this.current === 'closed' ? undefined : this.openedAt,
      nextProbeAt:
        this.current === 'open' && this.openedAt !== undefined ? this.openedAt + this.options.coolDownMs : undefined,
      timesOpened: this.opened,
    }
  }

  /** Called on every state change (for metrics and logs). Returns a function that unsubscribes. */
  onStateChange(listener: CircuitListener): () => void {
    this.listeners.push(listener)
    return () => {
      const at = this.listeners.indexOf(listener)
      if (at >= 0) this.listeners.splice(at, 1)
    }
  }

  private open(): void {
    this.openedAt = this.options.now()
    this.probeStartedAt = undefined
    this.opened++
    this.transition('open')
  }

  private transition(to: CircuitState): void {
    const from = this.current
    this.current = to
    if (from === to) return
    const snapshot = this.snapshot()
    for (const listener of [...this.listeners]) listener(from, to, snapshot)
  }
}

/** One breaker per DHIS2 target (its base URL), created on first use with the same options. */
export class CircuitBreakerRegistry {
  private readonly breakers = new Map<string, CircuitBreaker>()

  constructor(private readonly options: CircuitBreakerOptions = DEFAULT_CIRCUIT_BREAKER) {}

  for(target: string): CircuitBreaker {
    let breaker = this.breakers.get(target)
    if (!breaker) {
      breaker = new CircuitBreaker(target, this.options)
      this.breakers.set(target, breaker)
    }
    return breaker
  }

  /** Every breaker's state, for /metrics and /readyz. */
  snapshots(): CircuitSnapshot[] {
    return [...this.breakers.values()].map((b) => b.snapshot())
  }
}
