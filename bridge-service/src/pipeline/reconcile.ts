/**
 * Reconciliation, on start: the ledger says which records the pipeline still owes work (received → map,
 * mapped → push); Redis says which of them a live job already covers. Every owed record without a live job
 * is enqueued again. So flushing Redis (or losing it) loses no record: it only costs a re-enqueue.
 *
 * "Live" = waiting (paused included), delayed, prioritized, waiting-children, or active (an active job of a process that
 * died is moved back to waiting by BullMQ's stalled check, so it is still live). Completed and failed jobs are
 * not: a record still in flight whose job failed for good (e.g. DHIS2 refused the bridge's credentials) is
 * re-enqueued at the next start, once the configuration is fixed.
 *
 * Running it twice, or in two processes at once, at worst enqueues a chunk twice: the stages only act on
 * records still in the status they expect (compare-and-set), and DHIS2's upsert makes a re-send harmless.
 */
import type { Queue } from 'bullmq'
import { repositories, type Db } from '../ledger'
import type { InFlightRecord } from '../ledger/records'
import type { Logger } from '../log/logger'
import type { Enqueuer } from './enqueue'
import { groupBy } from './map/map-worker'
import type { PipelineQueues, StageJobData } from './queues'
import type { RunBook } from './runs'

const LIVE_STATES = ['waiting', 'delayed', 'prioritized', 'waiting-children', 'active'] as const
const PAGE = 1000

export interface ReconcileDeps {
  readonly db: Db
  readonly queues: PipelineQueues
  readonly enqueue: Enqueuer
  readonly runs: RunBook
  readonly logger: Logger
}

export interface ReconcileResult {
  /** Records re-enqueued, per stage. */
  readonly map: number
  readonly push: number
  /** Owed records a live job already covered. */
  readonly covered: number
  /** The pass was put off: the queues held more live jobs than `deferAboveLiveJobs`. */
  readonly deferred?: true
}

export interface ReconcileOptions {
  /**
   * Put the pass off while the map and push queues hold more live jobs than this. A pass keeps the record ids of
   * every live job in memory: during a 1,000,000-row upload that was ≈ 880,000 ids, ≈ 90 MB of heap at once
   * (bench/csv-memory.ts peaked at 326 MB against its 300 MB). The periodic pass gives it: a record without a job
   * waits at most until the backlog drains, and the workers are busy meanwhile anyway. The pass at start does not:
   * it runs whatever the backlog.
   */
  readonly deferAboveLiveJobs?: number
}

/** Live jobs of a queue (the states of LIVE_STATES), without reading them. */
async function liveJobCount(queue: Queue<StageJobData>): Promise<number> {
  const counts = await queue.getJobCounts(...LIVE_STATES)
  return LIVE_STATES.reduce((sum, state) => sum + (counts[state] ?? 0), 0)
}

/**
 * Record ids carried by the live jobs of a queue. The push queue also carries `complete` jobs (completion.ts),
 * which name records already pushed: they do not cover a record that still owes its push.
 */
export async function liveRecordIds(queue: Queue<StageJobData>): Promise<Set<string>> {
  const ids = new Set<string>()
  for (let start = 0; ; start += PAGE) {
    const jobs = await queue.getJobs([...LIVE_STATES], start, start + PAGE - 1, true)
    for (const job of jobs) {
      if (job?.name === 'complete') continue
      const data = job?.data as Partial<StageJobData> | undefined
      for (const id of Array.isArray(data?.recordIds) ? data.recordIds : []) if (typeof id === 'string') ids.add(id)
    }
    if (jobs.length < PAGE) return ids
  }
}

/**
 * `round`: a periodic pass (every minute, and after a metadata refresh) gives its number, so that a record whose
 * job failed for good (DHIS2 away longer than the job's retries) gets a job of a new id: BullMQ ignores an add
 * whose id is still in its failed set, which left such records stranded until a restart (issue 11 §9).
 */
export async function reconcile(
  deps: ReconcileDeps,
  round = 0,
  options: ReconcileOptions = {},
): Promise<ReconcileResult> {
  const { db, queues, enqueue, logger } = deps
  if (options.deferAboveLiveJobs !== undefined) {
    const queued = (await liveJobCount(queues.map)) + (await liveJobCount(queues.push))
    if (queued > options.deferAboveLiveJobs) {
      logger.debug({ queued }, 'reconciliation put off until the queues drain')
      return { map: 0, push: 0, covered: 0, deferred: true }
    }
  }
  const live = { received: await liveRecordIds(queues.map), mapped: await liveRecordIds(queues.push) }
  let map = 0
  let push = 0
  let covered = 0
  const records = repositories(db).records
  for (let afterId: string | undefined; ;) {
    const page = await records.nonTerminal({ ...(afterId === undefined ? {} : { afterId }), limit: PAGE })
    if (page.length === 0) break
    afterId = page[page.length - 1]?.id
    const orphans: InFlightRecord[] = []
    for (const r of page) {
      const liveIds = r.status === 'received' ? live.received : live.mapped
      if (liveIds.has(r.id)) covered++
      else orphans.push(r)
    }
    for (const [key, group] of groupBy(orphans, (r) => `${r.status}\n${r.runId ?? ''}`)) {
      const [status, runId] = key.split('\n') as [string, string]
      const ids = group.map((r) => r.id)
      // The records' last change makes the job id: a new one after each change, the same one if run twice.
      const generation = `reconcile-${round}-${group.map((r) => r.updatedAt.getTime()).join(',')}`
      if (status === 'received') {
        await enqueue.map(runId === '' ? null : runId, ids, { generation })
        map += ids.length
      } else {
        await enqueue.push(runId === '' ? null : runId, ids, { generation })
        push += ids.length
      }
    }
    if (page.length < PAGE) break
  }
  // A run whose last record ended while no process was running.
  await deps.runs.settleAll()
  if (map + push > 0) logger.warn({ map, push, covered }, 'reconciliation re-enqueued records that had no live job')
  else logger.info({ covered }, 'reconciliation: every in-flight record has a live job')
  return { map, push, covered }
}
