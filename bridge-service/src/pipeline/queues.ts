/**
 * The two BullMQ queues of the pipeline and how to reach Redis.
 *
 * - `relais-map`: chunks of `received` record ids to map; `relais-push`: chunks of `mapped` record ids to send.
 *   Jobs carry record ids only — the ledger holds the records — so Redis can be lost without losing data.
 * - Connections are built from REDIS_URL. Workers block on Redis and BullMQ requires
 *   `maxRetriesPerRequest: null` for them; producers use the same (a short Redis blip must not fail an
 *   enqueue whose records are already committed — and if it does, reconciliation re-enqueues them).
 * - Job options: a bounded number of attempts, an exponential backoff with full jitter computed by
 *   dhis2/backoff.ts (the `relais` strategy below), Retry-After honoured as a floor, and bounded
 *   completed/failed sets so Redis does not grow with the history (the ledger keeps it).
 */
import { Queue, type BackoffStrategy, type DefaultJobOptions } from 'bullmq'
import { redisOptions } from '../config/redis-url'
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from '../dhis2/backoff'

export const MAP_QUEUE = 'relais-map'
export const PUSH_QUEUE = 'relais-push'

/** The name of the custom backoff strategy (BullMQ looks it up in the worker's settings). */
export const RELAIS_BACKOFF = 'relais'

export interface RedisTarget {
  /** REDIS_URL, e.g. redis://127.0.0.1:6379/0 */
  readonly url: string
  /** Key prefix of the queues (default `bull`); tests use one per file so that they never collide. */
  readonly prefix?: string
}

export interface RetrySettings {
  /** Delivery attempts of a record (and of a push job), the first one included. */
  readonly maxAttempts: number
  readonly backoff: BackoffOptions
}

export const DEFAULT_RETRY: RetrySettings = { maxAttempts: 8, backoff: DEFAULT_BACKOFF }

/** What a map or push job carries: record ids only, and the run they belong to (for its mode and bookkeeping). */
export interface StageJobData {
  readonly runId: string | null
  readonly recordIds: string[]
}

export { redisOptions } from '../config/redis-url'

/** A Retry-After carried by the error a job failed with (a Dhis2Error or our TransientPushError). */
export function retryAfterOf(error: unknown): number | undefined {
  if (error === null || typeof error !== 'object') return undefined
  const value = (error as { retryAfterMs?: unknown }).retryAfterMs
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined
}

/**
 * The `relais` backoff: full-jitter exponential from dhis2/backoff.ts, never shorter than the Retry-After
 * the failure carried. `attemptsMade` is BullMQ's count of failed attempts (1 after the first failure).
 */
export function relaisBackoffStrategy(backoff: BackoffOptions): BackoffStrategy {
  return (attemptsMade, _type, error) => backoffDelay(Math.max(1, attemptsMade), backoff, retryAfterOf(error))
}

const KEEP_COMPLETED = { age: 24 * 3600, count: 1000 }
const KEEP_FAILED = { age: 7 * 24 * 3600, count: 5000 }

export function jobOptions(stage: 'map' | 'push', retry: RetrySettings): DefaultJobOptions {
  return {
    // Mapping is local: a failure is the ledger being unreachable, worth a few tries, not N.
    attempts: stage === 'map' ? 5 : retry.maxAttempts,
    backoff: { type: RELAIS_BACKOFF },
    removeOnComplete: KEEP_COMPLETED,
    removeOnFail: KEEP_FAILED,
  }
}

export interface PipelineQueues {
  readonly map: Queue<StageJobData>
  readonly push: Queue<StageJobData>
  close(): Promise<void>
}

export function openQueues(redis: RedisTarget, retry: RetrySettings): PipelineQueues {
  const common = { connection: redisOptions(redis.url), ...(redis.prefix ? { prefix: redis.prefix } : {}) }
  const map = new Queue<StageJobData>(MAP_QUEUE, { ...common, defaultJobOptions: jobOptions('map', retry) })
  const push = new Queue<StageJobData>(PUSH_QUEUE, { ...common, defaultJobOptions: jobOptions('push', retry) })
  return {
    map,
    push,
    async close() {
      await Promise.all([map.close(), push.close()])
    },
  }
}
