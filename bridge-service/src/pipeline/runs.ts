/**
 * Run bookkeeping. A run is one pull, upload, delivery or replay of a source. It finishes when its input has
 * been read completely (`detail.intake = 'complete'`, written by whoever reads the source) AND none of its
 * records is in flight (received or mapped) — quarantined records are parked for a person and do not hold
 * the run open. Counts per status are always computed live from the ledger; the ledger's `finish` also
 * stores them on the run when it ends.
 *
 * `settle` is called after every stage that moves records, by any worker process: finishing is a
 * compare-and-set on `status = 'running'`, so two processes settling at once finish the run once.
 */
import { repositories, type Db } from '../ledger'
import { RunStateError, type NewRun, type Run } from '../ledger/runs'
import type { StatusCounts } from '../ledger/records'
import type { Logger } from '../log/logger'
import { inFlightCount, patchRunDetail, runningRunIds } from '../ledger/pipeline-queries'

export class RunBook {
  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
  ) {}

  create(run: NewRun): Promise<Run> {
    return repositories(this.db).runs.create(run)
  }

  /** A run of the source unless one is running (atomic across processes); undefined when one is. */
  createIfIdle(run: NewRun): Promise<Run | undefined> {
    return repositories(this.db).runs.createIfIdle(run)
  }

  get(runId: string): Promise<Run | undefined> {
    return repositories(this.db).runs.get(runId)
  }

  counts(runId: string): Promise<StatusCounts> {
    return repositories(this.db).runs.counts(runId)
  }

  /** The source has been read to the end for this run: it may now finish once its records settle. */
  async intakeComplete(runId: string, detail: Record<string, unknown> = {}): Promise<void> {
    await patchRunDetail(this.db, runId, { ...detail, intake: 'complete' })
    await this.settle([runId])
  }

  /** Reading the source failed: the run ends `failed`, with the reason (records already read go on). */
  async intakeFailed(runId: string, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error)
    try {
      await repositories(this.db).runs.finish(runId, { status: 'failed', detail: { intake: 'failed', error: message } })
    } catch (e) {
      if (!(e instanceof RunStateError)) throw e
    }
  }

  /** Finishes each of these runs that has read its input and has nothing in flight. */
  async settle(runIds: Iterable<string | null>): Promise<void> {
    const { runs } = repositories(this.db)
    for (const runId of new Set(runIds)) {
      if (runId === null) continue
      const run = await runs.get(runId)
      if (!run || run.status !== 'running') continue
      if (run.detail.intake !== 'complete') {
        if (!abandoned(run)) continue
        // An inbound run whose process died while it was open (inbound.ts): its intake ended with that process.
        await patchRunDetail(this.db, runId, { intake: 'complete', closedBy: 'expiry' })
      }
      if ((await inFlightCount(this.db, runId)) > 0) continue
      try {
        const ended = await runs.finish(runId)
        this.logger.info({ runId, source: run.source, counts: ended.finalCounts }, 'run completed')
      } catch (error) {
        // Another process finished (or someone cancelled) it first.
        if (!(error instanceof RunStateError)) throw error
      }
    }
  }

  /** Every running run, settled (at start: a run whose last record ended while no process ran). */
  async settleAll(): Promise<void> {
    await this.settle(await runningRunIds(this.db))
  }
}

/** An inbound run left open past its `openUntil` by a process that died (see inbound.ts). */
function abandoned(run: Run): boolean {
  const until = run.detail.openUntil
  return run.detail.intake === undefined && typeof until === 'string' && Date.parse(until) <= Date.now()
}
