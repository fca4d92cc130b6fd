/**
 * The `queues` collector of metrics.ts for BullMQ queues: per stage, the jobs waiting (waiting, prioritized,
 * and delayed — retries in backoff, and jobs held while a circuit is open) and the age of the oldest of them.
 *
 * ```ts
 * metrics.collectFrom({ queues: bullmqQueueStats({ map: pipeline.queues.map, push: pipeline.queues.push }) })
 * ```
 */
import type { Queue } from 'bullmq'
import type { QueueStat } from './metrics'

const WAITING = ['waiting', 'prioritized', 'delayed'] as const

export type StageQueue = Pick<Queue, 'getJobCounts' | 'getJobs'>

export function bullmqQueueStats(
  stages: Record<string, StageQueue>,
  now: () => number = Date.now,
): () => Promise<QueueStat[]> {
  return () =>
    Promise.all(
      Object.entries(stages).map(async ([stage, queue]) => {
        const counts = await queue.getJobCounts(...WAITING)
        const depth = WAITING.reduce((sum, type) => sum + (counts[type] ?? 0), 0)
        // The oldest job of each waiting state (ascending order), then the oldest of those.
        const oldest = depth === 0 ? [] : await queue.getJobs([...WAITING], 0, 0, true)
        const createdAt = Math.min(...oldest.map((job) => job.timestamp))
        const oldestAgeSeconds = Number.isFinite(createdAt) ? Math.max(0, (now() - createdAt) / 1000) : 0
        return { stage, depth, oldestAgeSeconds }
      }),
    )
}
