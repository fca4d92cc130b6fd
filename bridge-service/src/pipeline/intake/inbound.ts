/**
 * Webhook intake under load: deliveries of a source share one open run, and concurrent deliveries are
 * group-committed — each one still answered only once its records are committed.
 *
 * - Shared run: a run per source per process, created lazily by the first delivery, closed (its intake
 *   marked complete, so that it finishes once its records settle) after `idleMs` without a delivery or
 *   `maxRunMs` after it opened. One run per delivery cost a run row, its detail update and a settle per
 *   request, and made the run list a list of deliveries. The run's detail carries `openUntil`: if the
 *   process dies with the run open, RunBook.settle treats the run's intake as complete after that time.
 * - Group commit: while one transaction of a source is being committed, the deliveries that arrive wait,
 *   then all go in the next transaction (one INSERT, one COMMIT, one fsync). Nothing waits on a timer: a
 *   lone delivery is committed at once. If a group fails, its deliveries are committed one by one, so one
 *   bad delivery fails alone.
 * - Map jobs are enqueued off the answer's path: a delivery is answered once its records are committed, and
 *   the new records' ids collect in the lane for `ENQUEUE_WINDOW_MS`, then go in one enqueue. Under load that
 *   is one BullMQ round trip (and one map job) for many deliveries, instead of one per group commit on the
 *   answer's path. Nothing is lost if the process dies before: the records are `received` without a live job,
 *   which reconciliation re-enqueues at the next start; a failed enqueue is retried while the process lives.
 * - Every record belongs to the run open when its group was committed; the same delivery twice (even inside
 *   one group) is one record version (Intake is idempotent on source, key, version).
 */
import type { Run } from '../../ledger/runs'
import type { Logger } from '../../log/logger'
import type { Intake, IntakeRecord } from './intake'
import type { RunBook } from '../runs'

export const DEFAULT_INBOUND_IDLE_MS = 1_000
export const DEFAULT_INBOUND_MAX_RUN_MS = 10 * 60_000
/** Records per group transaction (a group never splits a delivery). */
const MAX_GROUP_RECORDS = 5_000
/** How long after `maxRunMs` another process may consider a run left open by a dead process closed. */
const EXPIRY_SLACK_MS = 60_000
/** How long new records' ids collect before their map jobs are enqueued (one enqueue per window). */
const ENQUEUE_WINDOW_MS = 200
/** Waits between attempts to enqueue map jobs while Redis refuses them: doubling from the first to the last. */
const ENQUEUE_RETRY_FIRST_MS = 500
const ENQUEUE_RETRY_MAX_MS = 30_000

export interface InboundOptions {
  readonly idleMs?: number
  readonly maxRunMs?: number
}

export interface InboundDeps {
  readonly intake: Intake
  readonly runs: RunBook
  readonly logger: Logger
  /** Creates the shared run of `source`; `detail` goes into the run's detail. */
  openRun(source: string, detail: Record<string, unknown>): Promise<Run>
  readonly now?: () => number
}

export interface InboundResult {
  readonly runId: string
  readonly accepted: number
  readonly duplicates: number
}

interface Pending {
  readonly records: readonly IntakeRecord[]
  /** The delivery's signature, stored with its records (issue 11 §8). */
  readonly signature?: string
  resolve(result: InboundResult): void
  reject(error: unknown): void
}

interface OpenRun {
  readonly id: string
  readonly openedAt: number
  deliveries: number
  accepted: number
  duplicates: number
}

interface Lane {
  readonly source: string
  readonly actor: string
  pending: Pending[]
  scheduled: boolean
  /** Flushes and closes of the lane, one after the other. */
  chain: Promise<void>
  run?: OpenRun
  idleTimer?: NodeJS.Timeout
  /** New record ids per run, committed and answered, whose map jobs are not enqueued yet. */
  unqueued: Map<string, string[]>
  /** The loop that enqueues them, while it runs. */
  enqueuing?: Promise<void>
}

export class InboundIntake {
  private readonly lanes = new Map<string, Lane>()
  private readonly idleMs: number
  private readonly maxRunMs: number
  private readonly now: () => number
  private closing = false
  /** Ends the waits of the enqueue loops (close). */
  private readonly wakeUps = new Set<() => void>()

  constructor(
    private readonly deps: InboundDeps,
    options: InboundOptions = {},
  ) {
    this.idleMs = options.idleMs ?? DEFAULT_INBOUND_IDLE_MS
    this.maxRunMs = options.maxRunMs ?? DEFAULT_INBOUND_MAX_RUN_MS
    this.now = deps.now ?? Date.now
  }

  /** Resolves once the delivery's records are committed (in the source's open run). */
  receive(source: string, actor: string, records: readonly IntakeRecord[], signature?: string): Promise<InboundResult> {
    const lane = this.laneOf(source, actor)
    return new Promise<InboundResult>((resolve, reject) => {
      lane.pending.push({ records, ...(signature !== undefined ? { signature } : {}), resolve, reject })
      if (lane.idleTimer) clearTimeout(lane.idleTimer)
      lane.idleTimer = undefined
      if (!lane.scheduled) {
        lane.scheduled = true
        this.enqueue(lane, () => this.flush(lane))
      }
    })
  }

  /** Commits what is pending and closes every open run (pipeline stop). */
  async close(): Promise<void> {
    const lanes = [...this.lanes.values()]
    await Promise.all(
      lanes.map((lane) => {
        if (lane.idleTimer) clearTimeout(lane.idleTimer)
        this.enqueue(lane, () => this.closeRun(lane))
        return lane.chain
      }),
    )
    // One last try for the map jobs, without waiting out their window; what Redis refuses is left to reconciliation.
    this.closing = true
    for (const wake of this.wakeUps) wake()
    await Promise.all(lanes.map((lane) => lane.enqueuing))
  }

  private laneOf(source: string, actor: string): Lane {
    let lane = this.lanes.get(source)
    if (!lane) {
      lane = { source, actor, pending: [], scheduled: false, chain: Promise.resolve(), unqueued: new Map() }
      this.lanes.set(source, lane)
    }
    return lane
  }

  private enqueue(lane: Lane, op: () => Promise<void>): void {
    lane.chain = lane.chain
      .then(op)
      .catch((error: unknown) =>
        this.deps.logger.error({ source: lane.source, err: { message: String(error) } }, 'inbound intake failed'),
      )
  }

  private async flush(lane: Lane): Promise<void> {
    lane.scheduled = false
    const group: Pending[] = []
    let size = 0
    while (lane.pending.length > 0) {
      const next = lane.pending[0] as Pending
      if (group.length > 0 && size + next.records.length > MAX_GROUP_RECORDS) break
      group.push(next)
      size += next.records.length
      lane.pending.shift()
    }
    if (lane.pending.length > 0) {
      lane.scheduled = true
      this.enqueue(lane, () => this.flush(lane))
    }
    if (group.length === 0) return
    let run: OpenRun
    try {
      run = await this.openRunOf(lane)
    } catch (error) {
      for (const p of group) p.reject(error)
      return
    }
    try {
      await this.commit(lane, run, group)
    } catch (error) {
      if (group.length === 1) (group[0] as Pending).reject(error)
      // One delivery must not fail the others: each alone.
      else for (const p of group) await this.commit(lane, run, [p]).catch((e: unknown) => p.reject(e))
    }
    if (lane.pending.length === 0 && !lane.scheduled) this.armIdle(lane)
  }

  private async commit(lane: Lane, run: OpenRun, group: readonly Pending[]): Promise<void> {
    const result = await this.deps.intake.store({
      source: lane.source,
      runId: run.id,
      actor: lane.actor,
      records: group.flatMap((p) => p.records),
      deliveries: group.flatMap((p) => (p.signature === undefined ? [] : [p.signature])),
    })
    this.enqueueLater(lane, run.id, result.newIds)
    let offset = 0
    for (const p of group) {
      const fresh = result.inserted.slice(offset, offset + p.records.length)
      offset += p.records.length
      const accepted = fresh.filter(Boolean).length
      run.deliveries++
      run.accepted += accepted
      run.duplicates += fresh.length - accepted
      p.resolve({ runId: run.id, accepted, duplicates: fresh.length - accepted })
    }
  }

  private enqueueLater(lane: Lane, runId: string, ids: readonly string[]): void {
    if (ids.length === 0) return
    const waiting = lane.unqueued.get(runId)
    if (waiting) waiting.push(...ids)
    else lane.unqueued.set(runId, [...ids])
    lane.enqueuing ??= this.enqueueUnqueued(lane)
  }

  private async enqueueUnqueued(lane: Lane): Promise<void> {
    let failures = 0
    try {
      await this.pause(ENQUEUE_WINDOW_MS)
      while (lane.unqueued.size > 0) {
        const [runId, ids] = lane.unqueued.entries().next().value as [string, string[]]
        lane.unqueued.delete(runId)
        try {
          await this.deps.intake.enqueueMap(runId, ids)
          failures = 0
        } catch (error) {
          lane.unqueued.set(runId, [...ids, ...(lane.unqueued.get(runId) ?? [])])
          failures++
          this.deps.logger.warn(
            { source: lane.source, runId, records: ids.length, err: { message: String(error) } },
            'webhook records stored but their map jobs could not be enqueued: retrying (or at the next start)',
          )
          if (this.closing) return
          await this.pause(Math.min(ENQUEUE_RETRY_MAX_MS, ENQUEUE_RETRY_FIRST_MS * 2 ** (failures - 1)))
        }
      }
    } finally {
      // Cleared in the same turn as the loop's last check, so ids added later start a new loop.
      lane.enqueuing = undefined
    }
  }

  /** A wait that `close` cuts short. */
  private pause(ms: number): Promise<void> {
    if (this.closing) return Promise.resolve()
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer)
        this.wakeUps.delete(wake)
        resolve()
      }
      const timer = setTimeout(wake, ms)
      this.wakeUps.add(wake)
    })
  }

  private async openRunOf(lane: Lane): Promise<OpenRun> {
    const now = this.now()
    if (lane.run && now - lane.run.openedAt >= this.maxRunMs) await this.closeRun(lane)
    if (lane.run) return lane.run
    const openUntil = new Date(now + this.maxRunMs + EXPIRY_SLACK_MS).toISOString()
    const run = await this.deps.openRun(lane.source, { inbound: true, openUntil })
    lane.run = { id: run.id, openedAt: now, deliveries: 0, accepted: 0, duplicates: 0 }
    return lane.run
  }

  private armIdle(lane: Lane): void {
    if (lane.idleTimer) clearTimeout(lane.idleTimer)
    lane.idleTimer = setTimeout(() => {
      lane.idleTimer = undefined
      if (lane.pending.length === 0 && !lane.scheduled) this.enqueue(lane, () => this.closeRun(lane))
    }, this.idleMs)
    lane.idleTimer.unref()
  }

  private async closeRun(lane: Lane): Promise<void> {
    const run = lane.run
    if (!run) return
    lane.run = undefined
    await this.deps.runs.intakeComplete(run.id, {
      deliveries: run.deliveries,
      accepted: run.accepted,
      duplicates: run.duplicates,
    })
  }
}
