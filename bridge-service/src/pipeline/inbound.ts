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
 * - Every record belongs to the run open when its group was committed; the same delivery twice (even inside
 *   one group) is one record version (Intake is idempotent on source, key, version).
 */
import type { Run } from '../ledger/runs'
import type { Logger } from '../log/logger'
import type { Intake, IntakeRecord } from './intake'
import type { RunBook } from './runs'

export const DEFAULT_INBOUND_IDLE_MS = 1_000
export const DEFAULT_INBOUND_MAX_RUN_MS = 10 * 60_000
/** Records per group transaction (a group never splits a delivery). */
const MAX_GROUP_RECORDS = 5_000
/** How long after `maxRunMs` another process may consider a run left open by a dead process closed. */
const EXPIRY_SLACK_MS = 60_000

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
}

export class InboundIntake {
  private readonly lanes = new Map<string, Lane>()
  private readonly idleMs: number
  private readonly maxRunMs: number
  private readonly now: () => number

  constructor(
    private readonly deps: InboundDeps,
    options: InboundOptions = {},
  ) {
    this.idleMs = options.idleMs ?? DEFAULT_INBOUND_IDLE_MS
    this.maxRunMs = options.maxRunMs ?? DEFAULT_INBOUND_MAX_RUN_MS
    this.now = deps.now ?? Date.now
  }

  /** Resolves once the delivery's records are committed (in the source's open run). */
  receive(source: string, actor: string, records: readonly IntakeRecord[]): Promise<InboundResult> {
    const lane = this.laneOf(source, actor)
    return new Promise<InboundResult>((resolve, reject) => {
      lane.pending.push({ records, resolve, reject })
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
    await Promise.all(
      [...this.lanes.values()].map((lane) => {
        if (lane.idleTimer) clearTimeout(lane.idleTimer)
        this.enqueue(lane, () => this.closeRun(lane))
        return lane.chain
      }),
    )
  }

  private laneOf(source: string, actor: string): Lane {
    let lane = this.lanes.get(source)
    if (!lane) {
      lane = { source, actor, pending: [], scheduled: false, chain: Promise.resolve() }
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
    const result = await this.deps.intake.commit({
      source: lane.source,
      runId: run.id,
      actor: lane.actor,
      records: group.flatMap((p) => p.records),
    })
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
