/**
 * Replay protection for webhooks. A valid signature seen once is refused afterwards: within the 5-minute
 * window a captured delivery would otherwise be accepted again. The signature covers timestamp and body,
 * so it identifies one delivery; the cache only needs to remember it for as long as the timestamp is
 * acceptable (2 × the tolerance, since a timestamp may be ahead of our clock by the tolerance too).
 *
 * The pipeline backs this with Redis (`SET key 1 NX EX <ttl>`, atomic per key). A sender's honest
 * retry is signed again with a new timestamp, so it is not a replay: "same record → one version" is the
 * ledger's job (content hash), not this cache's.
 */
import { TOLERANCE_SECONDS, verifySignature, type VerifyInput, type VerifyResult } from './hmac'

export interface ReplayCache {
  /** Records the signature and says whether it had been seen before. Atomic. */
  seen(signature: string): Promise<boolean>
  /**
   * Drops a signature whose delivery was not stored (the ledger failed: 500), so that the sender's retry of
   * the very same request is taken rather than refused as a replay of a delivery we never kept.
   */
  forget(signature: string): Promise<void>
}

export const REPLAY_TTL_SECONDS = 2 * TOLERANCE_SECONDS

/** In-process cache for tests and single-process use; entries expire after the TTL. */
export class MemoryReplayCache implements ReplayCache {
  private readonly entries = new Map<string, number>()

  constructor(
    private readonly now: () => number = Date.now,
    private readonly ttlMs: number = REPLAY_TTL_SECONDS * 1000,
  ) {}

  async seen(signature: string): Promise<boolean> {
    const now = this.now()
    // Expired entries are swept as we go; Map keeps insertion order, so the oldest come first.
    for (const [key, at] of this.entries) {
      if (now - at < this.ttlMs) break
      this.entries.delete(key)
    }
    if (this.entries.has(signature)) return true
    this.entries.set(signature, now)
    return false
  }

  async forget(signature: string): Promise<void> {
    this.entries.delete(signature)
  }

  get size(): number {
    return this.entries.size
  }
}

export type DeliveryCheck = VerifyResult | { ok: false; reason: 'replayed'; message: string }

/**
 * Signature first (a forged request must not fill the cache), then the replay check. Redis (`cache`) is the fast
 * path; when it has seen the signature, `durable` (the ledger, where signatures are written with their records)
 * decides: a signature whose records never committed — the bridge died in between — is a retry to take, never
 * a replay to refuse (issue 11 §8).
 */
export async function checkDelivery(
  input: VerifyInput,
  cache: ReplayCache,
  durable: (signature: string) => Promise<boolean> = async () => true,
): Promise<DeliveryCheck> {
  const verified = verifySignature(input)
  if (!verified.ok) return verified
  if ((await cache.seen(verified.signature)) && (await durable(verified.signature)))
    return { ok: false, reason: 'replayed', message: 'This delivery was already received (same signature).' }
  return verified
}

/** The minimal Redis commands the shared cache needs (ioredis's `set` with NX and EX in a pipeline, `del`). */
export interface RedisSetNx {
  pipeline(): RedisSetNxPipeline
  del(key: string): Promise<number>
}

export interface RedisSetNxPipeline {
  set(key: string, value: string, ex: 'EX', seconds: number, nx: 'NX'): RedisSetNxPipeline
  exec(): Promise<[Error | null, unknown][] | null>
}

interface PendingCheck {
  readonly key: string
  resolve(seen: boolean): void
  reject(error: unknown): void
}

/**
 * Replay cache shared by every API process: one atomic `SET key 1 EX ttl NX` per delivery, so a replay
 * sent to another process behind the load balancer is still caught. The checks that arrive while a round
 * trip is in flight go together in the next one (a pipeline): under a webhook burst that is one write and
 * one read for many deliveries, not one each — the webhook bench's largest CPU item was this client's
 * per-request round trip. A lone delivery waits for nothing.
 */
export class RedisReplayCache implements ReplayCache {
  private pending: PendingCheck[] = []
  private inFlight = false

  constructor(
    private readonly redis: RedisSetNx,
    private readonly prefix = 'relais:webhook-replay:',
  ) {}

  seen(signature: string): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.pending.push({ key: `${this.prefix}${signature}`, resolve, reject })
      if (!this.inFlight) void this.sendPending()
    })
  }

  private async sendPending(): Promise<void> {
    this.inFlight = true
    while (this.pending.length > 0) {
      const group = this.pending
      this.pending = []
      try {
        const pipeline = this.redis.pipeline()
        for (const check of group) pipeline.set(check.key, '1', 'EX', REPLAY_TTL_SECONDS, 'NX')
        const results = (await pipeline.exec()) ?? []
        group.forEach((check, i) => {
          const [error, stored] = results[i] ?? [new Error('Redis answered no result for the replay check'), null]
          if (error) check.reject(error)
          // In order: the same signature twice in one group is new once, then seen.
          else check.resolve(stored === null)
        })
      } catch (error) {
        for (const check of group) check.reject(error)
      }
    }
    this.inFlight = false
  }

  async forget(signature: string): Promise<void> {
    await this.redis.del(`${this.prefix}${signature}`)
  }
}
