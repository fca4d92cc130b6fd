/**
 * The BullMQ workers of the two stages: thin adapters from a job to map-worker.ts / push-worker.ts.
 * What is BullMQ-specific lives here: moving a job to delayed without spending an attempt (circuit open),
 * turning a configuration problem into an UnrecoverableError (no retry), the `relais` backoff strategy.
 */
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq'
import type { Logger } from '../log/logger'
import { notify, type PipelineObserver } from './observer'
import { runMapStage, type MapStageDeps, type MapStageResult } from './map/map-worker'
import { runCompletionStage } from './push/completion'
import { isDhis2Error } from '../dhis2/errors'
import {
  Dhis2ConfigurationError,
  isConfigurationProblem,
  runPushStage,
  type PushStageDeps,
  type PushStageResult,
} from './push/push-worker'
import {
  MAP_QUEUE,
  PUSH_QUEUE,
  redisOptions,
  relaisBackoffStrategy,
  type RedisTarget,
  type RetrySettings,
  type StageJobData,
} from './queues'

/**
 * How soon the job of a dead worker (kill -9, lost machine) is given back: BullMQ renews a running job's lock
 * every lockDuration / 2 (lockRenewTime) for as long as the job runs — a 120 s DHIS2 import keeps its lock —
 * so the lock only needs to outlast a stalled event loop, not the job. A lock not renewed expires after
 * `lockDuration`; the stalled check (every `stalledInterval`, by any live worker) then moves the job back to
 * waiting. Worst case ≈ 20 s + 5 s instead of 150 s + 30 s. Jobs are idempotent (records move by
 * compare-and-set), so a job may stall several times (repeated crashes) before BullMQ gives up on it.
 */
const STALL_RECOVERY = { lockDuration: 20_000, stalledInterval: 5_000, maxStalledCount: 10 } as const

export interface WorkerSettings {
  readonly redis: RedisTarget
  readonly retry: RetrySettings
  readonly concurrency?: { readonly map?: number; readonly push?: number }
  readonly logger: Logger
  /** Told of each completed job, per stage (`relais status`'s queue share per process, processes/registry.ts). */
  readonly observer?: PipelineObserver
}

export interface StageWorkers {
  readonly map: Worker<StageJobData, MapStageResult>
  readonly push: Worker<StageJobData, PushStageResult>
  close(): Promise<void>
}

/** A completion DHIS2 refuses for the bridge itself (credentials, authorities) is not retried. */
async function completeOrGiveUp(...args: Parameters<typeof runCompletionStage>): Promise<void> {
  try {
    await runCompletionStage(...args)
  } catch (error) {
    if (isDhis2Error(error) && isConfigurationProblem(error)) throw new UnrecoverableError(error.message)
    throw error
  }
}

export function startWorkers(settings: WorkerSettings, mapDeps: MapStageDeps, pushDeps: PushStageDeps): StageWorkers {
  const { logger } = settings
  const common = {
    connection: redisOptions(settings.redis.url),
    ...(settings.redis.prefix ? { prefix: settings.redis.prefix } : {}),
    settings: { backoffStrategy: relaisBackoffStrategy(settings.retry.backoff) },
  }
  const map = new Worker<StageJobData, MapStageResult>(MAP_QUEUE, (job) => runMapStage(mapDeps, job.data.recordIds), {
    ...common,
    ...STALL_RECOVERY,
    concurrency: settings.concurrency?.map ?? 2,
  })
  const push = new Worker<StageJobData, PushStageResult>(
    PUSH_QUEUE,
    async (job: Job<StageJobData, PushStageResult>, token?: string) => {
      try {
        if (job.name === 'complete') {
          await completeOrGiveUp(
            {
              db: pushDeps.db,
              dhis2: pushDeps.dhis2,
              logger: pushDeps.logger,
              clock: pushDeps.clock ?? { now: () => new Date(), timeZone: 'UTC' },
            },
            job.data.recordIds,
          )
          return { imported: 0, unchanged: 0, conflicts: 0, failed: 0, requests: 0 }
        }
        return await runPushStage(pushDeps, job.data.runId, job.data.recordIds, {
          attemptsMade: job.attemptsMade,
          maxAttempts: job.opts.attempts ?? 1,
          async delay(ms) {
            await job.moveToDelayed(Date.now() + ms, token)
            throw new DelayedError()
          },
        })
      } catch (error) {
        if (error instanceof Dhis2ConfigurationError) throw new UnrecoverableError(error.message)
        throw error
      }
    },
    { ...common, ...STALL_RECOVERY, concurrency: settings.concurrency?.push ?? 4 },
  )
  for (const [stage, worker] of [
    ['map', map],
    ['push', push],
  ] as const) {
    worker.on('failed', (job, error) => {
      const final = job ? job.attemptsMade >= (job.opts.attempts ?? 1) || error.name === 'UnrecoverableError' : true
      logger[final ? 'error' : 'warn'](
        { stage, jobId: job?.id, attemptsMade: job?.attemptsMade, err: { name: error.name, message: error.message } },
        final ? `${stage} job failed for good` : `${stage} job failed, will retry`,
      )
    })
    worker.on('error', (error) => logger.error({ stage, err: { message: error.message } }, `${stage} worker error`))
    worker.on('completed', (job: Job) =>
      notify(logger, settings.observer, (o) =>
        o.jobDone?.(stage === 'push' && job.name === 'complete' ? 'complete' : stage),
      ),
    )
  }
  return {
    map,
    push,
    async close() {
      await Promise.all([map.close(), push.close()])
    },
  }
}
