/**
 * A DHIS2-paced stand-in (`createStandin({ pace: 'dhis2-2.41' })`): `POST /api/dataValueSets` and
 * `GET /api/dataValueSets` cost what a real DHIS2 costs per request and per value, as wall-clock delay.
 *
 * Why delay and not work: a real DHIS2 runs on its own server (its JVM and its PostgreSQL), so its import
 * time must not take CPU from the bridge on the bench machine. The in-memory stand-in ingests ≈ 200,000
 * values/s (`bench/standin-ingest.ts`), ≈ 50× DHIS2 2.41; a bench against it measures the bridge against a
 * DHIS2 that does not exist.
 *
 * Server-side concurrency: DHIS2 handles each synchronous import in its Tomcat request thread, so imports do
 * run in parallel, but they share the server's cores and its database. The model is a pool of `concurrency`
 * slots, first come first served, shared by imports and reads (both are database work on the same server);
 * a request waits for a slot, then holds it for its cost. Nothing orders imports of one data set × period
 * (DHIS2 2.41 takes no lock per data set in a synchronous import; only `async=true` jobs of one type queue
 * in its scheduler).
 */
import type { NextFunction, Request, Response } from 'express'

export interface PaceCost {
  /** Fixed cost of one request (authentication, preheat of metadata caches, commit), in ms. */
  perRequestMs: number
  /** Cost of each value imported or read, in ms. */
  perValueMs: number
}

export interface Pace {
  /** `POST /api/dataValueSets`: per request + per value of the payload. */
  import: PaceCost
  /** `GET /api/dataValueSets`: per request + per value answered. */
  read: PaceCost
  /** Requests DHIS2 serves at once (imports and reads share the slots); the others wait, in order. */
  concurrency: number
}

/**
 * DHIS2 2.41 as measured, not as hoped.
 *
 * - Import, ≈ 3,800 values/s for one client: ≈ 188,700 values in ≈ 50 s posted in chunks to 2.41.8.1
 *   (../shared/reference/dhis2-web-api.md §11.5, from winterop-com/dhis2-utils BUGS.md #37; 2.42.4 took
 *   ≈ 60 s). The split between per-request and per-value cost is not published: 0.25 ms per value
 *   (4,000 values/s) + 60 ms per request gives 3,820 values/s for the bridge's 5,000-value chunks and
 *   3,700 for 2,000-value ones — the measured figure for the chunk sizes integrators use — and makes a
 *   request of a few values cost what a small synchronous import costs on a real server (tens of ms).
 * - Read (`GET /api/dataValueSets` of a data set × period × some org units): an indexed query plus JSON;
 *   assumed 20 ms per request + 0.01 ms per value (100,000 values/s out), an order of magnitude cheaper than
 *   an import, as DHIS2's exports are. Not measured; the bridge does one per push batch, 25 per 100,016 values.
 * - Concurrency 2: DHIS2's release notes measured 2.41.8 and 2.42.4 "cap out around 4" concurrent import
 *   users before the p95 degrades (tracker import, dhis2/dhis2-releases PR #263, 2.43 notes); the
 *   3,800 values/s above is one client's figure, so 4 slots each at that rate would claim ≈ 15,000 values/s
 *   that nobody measured. Two slots at the one-client rate (≈ 7,600 values/s together) is the
 *   assumption; `pace: { … }` takes others.
 */
export const DHIS2_2_41_PACE: Pace = {
  import: { perRequestMs: 60, perValueMs: 0.25 },
  read: { perRequestMs: 20, perValueMs: 0.01 },
  concurrency: 2,
}

export const PACE_PRESETS = { 'dhis2-2.41': DHIS2_2_41_PACE } as const
export type PacePreset = keyof typeof PACE_PRESETS

export function resolvePace(pace: Pace | PacePreset): Pace {
  const resolved = typeof pace === 'string' ? PACE_PRESETS[pace] : pace
  if (!resolved) throw new Error(`Unknown pace preset ${String(pace)}`)
  if (!(resolved.concurrency >= 1)) throw new Error('pace.concurrency must be ≥ 1')
  return resolved
}

/** Cost in ms of a request handling `values` values. */
export function costOf(cost: PaceCost, values: number): number {
  return cost.perRequestMs + cost.perValueMs * values
}

/** The pool of DHIS2's server slots (FIFO). Also counts the peak of requests in service, for tests. */
export class Pacer {
  private busy = 0
  private readonly waiting: (() => void)[] = []
  /** Most requests ever in service at once. */
  peak = 0

  constructor(readonly pace: Pace) {}

  /** Waits for a slot; the returned function frees it (exactly once). */
  async acquire(): Promise<() => void> {
    if (this.busy >= this.pace.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve))
    else this.busy++
    this.peak = Math.max(this.peak, this.busy)
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.waiting.shift()
      // The slot passes straight to the next in line (busy unchanged), so no newcomer can jump the queue.
      if (next) next()
      else this.busy--
    }
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Runs a paced request: waits for a slot, calls `work` (which answers how many values the request handles
 * and a function finishing it), waits the request's cost counted from when it got its slot, finishes, frees
 * the slot. An import's `finish` stores the values: DHIS2 commits at the end of an import, so the values
 * become readable when its time is over, not when it starts. Errors go to express's `next`, and the slot is
 * freed either way.
 */
export function paced(
  pacer: Pacer,
  cost: PaceCost,
  work: (req: Request, res: Response) => { values: number; finish: () => void },
) {
  return (req: Request, res: Response, next: NextFunction): void => {
    void (async () => {
      const release = await pacer.acquire()
      try {
        const started = performance.now()
        const { values, finish } = work(req, res)
        const remaining = costOf(cost, values) - (performance.now() - started)
        if (remaining > 0) await sleep(remaining)
        finish()
      } finally {
        release()
      }
    })().catch(next)
  }
}
