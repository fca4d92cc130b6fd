/**
 * Putting work on the queues: record ids in chunks (one job = one chunk), with deterministic job ids
 * (hashing.ts) so that enqueueing the same chunk twice adds one job. Only ids travel: a job is a reminder
 * that the ledger owes these records a stage, never the record itself.
 */
import { jobIdOf } from './hashing'
import type { PipelineQueues, StageJobData } from './queues'

export const DEFAULT_CHUNK_SIZE = 500

export interface EnqueueOptions {
  /** A new round of work on the same records (release, retry by hand, reconciliation after a flush). */
  readonly generation?: string
  readonly delayMs?: number
}

export class Enqueuer {
  constructor(
    private readonly queues: PipelineQueues,
    readonly chunkSize: number = DEFAULT_CHUNK_SIZE,
  ) {}

  map(runId: string | null, recordIds: readonly string[], options: EnqueueOptions = {}): Promise<number> {
    return this.add('map', runId, recordIds, options)
  }

  push(runId: string | null, recordIds: readonly string[], options: EnqueueOptions = {}): Promise<number> {
    return this.add('push', runId, recordIds, options)
  }

  /** Completion of whole reports whose values are in DHIS2 (completion.ts): `complete` jobs on the push queue. */
  complete(runId: string | null, recordIds: readonly string[], options: EnqueueOptions = {}): Promise<number> {
    return this.add('complete', runId, recordIds, options)
  }

  /** Answers the number of jobs added (or found already there). */
  private async add(
    stage: 'map' | 'push' | 'complete',
    runId: string | null,
    recordIds: readonly string[],
    options: EnqueueOptions,
  ): Promise<number> {
    if (recordIds.length === 0) return 0
    const queue = stage === 'map' ? this.queues.map : this.queues.push
    const jobs: { name: string; data: StageJobData; opts: { jobId: string; delay?: number } }[] = []
    for (let i = 0; i < recordIds.length; i += this.chunkSize) {
      const chunk = recordIds.slice(i, i + this.chunkSize)
      jobs.push({
        name: stage,
        data: { runId, recordIds: chunk },
        opts: {
          jobId: jobIdOf(stage, chunk, options.generation),
          ...(options.delayMs && options.delayMs > 0 ? { delay: Math.round(options.delayMs) } : {}),
        },
      })
    }
    await queue.addBulk(jobs)
    return jobs.length
  }
}
