/**
 * Scheduled work runs once per tick across bridge processes (issue 15 §1, issue 18): every process's timer
 * fires, each asks Redis to claim the tick (`SET … NX PX`), and only the one that got it does the work. The key
 * expires by itself, so a process killed mid-run blocks nothing but that tick. The caller's own checks (a run
 * of the source still going, the reminders' unique key) stay: this removes the double run, they the overlap.
 */
import type { Redis } from 'ioredis'

export interface TickClaims {
  /** True for exactly one caller per job and tick, whichever process asks. */
  claim(job: string, tick: Date): Promise<boolean>
}

/** How long a claimed tick stays claimed: longer than any clock skew between processes, shorter than a day. */
export const TICK_CLAIM_TTL_MS = 6 * 60 * 60 * 1000

/**
 * The firing time rounded to the nearest second: croner fires a few milliseconds after the scheduled second. Only
 * a fallback — a process whose event loop is busy fires 500 ms late or more and rounds to another second; the
 * scheduler keys its claims with the schedule's own time (scheduler.ts `scheduledTick`).
 */
export function tickOf(firedAt: Date): Date {
  return new Date(Math.round(firedAt.getTime() / 1000) * 1000)
}

export class RedisTickClaims implements TickClaims {
  constructor(
    private readonly redis: Pick<Redis, 'set'>,
    private readonly prefix = 'relais',
    private readonly ttlMs = TICK_CLAIM_TTL_MS,
  ) {}

  async claim(job: string, tick: Date): Promise<boolean> {
    const key = `${this.prefix}:tick:${job}:${tick.toISOString()}`
    const answer = await this.redis.set(key, String(process.pid), 'PX', this.ttlMs, 'NX')
    return answer === 'OK'
  }
}
