/**
 * Runs that read a source: a Kobo pull or edit sweep, a replay of a file or webhook source's last input, and
 * webhook deliveries. Each run is created here, its reading goes on in the background after the caller has
 * its answer (202), and while it reads it beats (`readBeat` in the run's detail) so that a run whose process
 * died mid-read is closed by the next scheduled tick instead of blocking its source forever (issue 11 §9).
 */
import {
  isPulled,
  takesWebhooks,
  type KoboSourceConfig,
  type OdkSourceConfig,
  type SourceConfig,
} from '../../config/relais-config'
import { repositories, type Db } from '../../ledger'
import { patchRunDetail, rawsOfRun } from '../../ledger/pipeline-queries'
import type { Run, RunMode } from '../../ledger/runs'
import type { Logger } from '../../log/logger'
import type { SpecRegistry } from '../map/specs'
import type { RunBook } from '../runs'
import { StateConflictError, type Actor, type StartedRun, type WebhookDelivery } from '../services'
import type { InboundIntake } from './inbound'
import { toIntakeRecord, type Intake } from './intake'
import { pullKobo, sweepKobo, type KoboSourceDeps } from './kobo-source'
import { pullOdk, sweepOdk } from './odk-source'

export const READ_BEAT_MS = 15_000
export const READER_LOST_MS = 60_000
export const READER_LOST_MESSAGE =
  "Le processus qui lisait la source s'est arrêté (redémarrage ou panne) : lecture interrompue, ce qui a été lu est gardé. / " +
  'The process reading the source stopped (restart or crash): reading interrupted, what was read is kept.'

/** Who starts the scheduled runs. */
export const SCHEDULER: Actor = { name: 'scheduler', role: 'system' }

/** Records per intake commit of a replay. */
const REPLAY_CHUNK = 1000
/** A scheduled sweep that meets a running run tries again this often, this many times. */
export const SWEEP_RETRY_MS = 5 * 60_000
export const SWEEP_RETRIES = 6

export interface SourceRunsDeps {
  readonly db: Db
  readonly specs: SpecRegistry
  readonly runs: RunBook
  readonly intake: Intake
  /** What pulled sources (KoboToolbox, ODK Central) read and write with. */
  readonly pulled: KoboSourceDeps
  readonly logger: Logger
  /** Appends to the audit log. */
  audit(actor: Actor, action: string, target: string, detail: unknown): Promise<unknown>
  /** Keeps a background read until the pipeline stops. */
  track(task: Promise<unknown>): void
  /** How often a reading process beats, and after how long without a beat its read is lost. */
  readonly readBeatMs?: number
  readonly readerLostMs?: number
  /** How often a scheduled sweep that met a running run tries again (default 5 min, 6 times). */
  readonly sweepRetryMs?: number
}

export class SourceRuns {
  private stopped = false
  private readonly retries = new Set<NodeJS.Timeout>()

  constructor(private readonly deps: SourceRunsDeps) {}

  /** No new run from now on (the pipeline is stopping). */
  stop(): void {
    this.stopped = true
    for (const timer of this.retries) clearTimeout(timer)
    this.retries.clear()
  }

  async newRun(source: SourceConfig, mode: RunMode, trigger: string, actor: Actor, detail = {}): Promise<Run> {
    if (this.stopped) throw new StateConflictError('the pipeline is stopping')
    return this.deps.runs.create({ source: source.name, mode, trigger, actor: actor.name, detail })
  }

  /** A pull (Kobo) or a replay of the source's last input (files, webhooks), read in the background. */
  async start(sourceName: string, mode: RunMode, actor: Actor): Promise<StartedRun> {
    const source = this.deps.specs.source(sourceName)
    const run = await this.newRun(source, mode, actor.name === SCHEDULER.name ? 'schedule' : 'api', actor)
    return this.read(source, run, actor, 'pull')
  }

  /** The nightly Kobo edit sweep, as a run. */
  async startSweep(sourceName: string, actor: Actor): Promise<StartedRun> {
    const source = this.pulled(sourceName)
    return this.read(source, await this.newRun(source, 'import', 'sweep', actor), actor, 'sweep')
  }

  /**
   * A scheduled pull or sweep (the tick itself runs in one process: tick-claims.ts). Lost reads are closed first;
   * then the run is made only if none of the source is running — checked and inserted at once in the ledger, so
   * a pull and a sweep that meet, in one process or two, never make two runs. A sweep that meets a run tries
   * again every 5 min, 6 times: with the default schedules the half-hourly pull and the nightly sweep meet every
   * night at 02:00, and the sweep must not be lost to it.
   */
  async scheduled(kind: 'pull' | 'sweep', sourceName: string, attempt = 0): Promise<StartedRun | undefined> {
    if (this.stopped) return undefined
    await this.closeLostReads(sourceName)
    const source = kind === 'sweep' ? this.pulled(sourceName) : this.deps.specs.source(sourceName)
    const run = await this.deps.runs.createIfIdle({
      source: source.name,
      mode: 'import',
      trigger: kind === 'sweep' ? 'sweep' : 'schedule',
      actor: SCHEDULER.name,
      detail: {},
    })
    if (run) return this.read(source, run, SCHEDULER, kind)
    this.deps.logger.info({ source: sourceName, kind }, 'a run of this source is still running: tick skipped')
    if (kind === 'sweep' && attempt < SWEEP_RETRIES) {
      const timer = setTimeout(() => {
        this.retries.delete(timer)
        this.scheduled('sweep', sourceName, attempt + 1).catch((error: unknown) =>
          this.deps.logger.error({ source: sourceName, err: { message: String(error) } }, 'scheduled sweep failed'),
        )
      }, this.deps.sweepRetryMs ?? SWEEP_RETRY_MS)
      timer.unref()
      this.retries.add(timer)
    }
    return undefined
  }

  private pulled(sourceName: string) {
    const source = this.deps.specs.source(sourceName)
    if (!isPulled(source))
      throw new StateConflictError(`source "${sourceName}" is not a Kobo or ODK Central form: nothing to sweep`)
    return source
  }

  /** A created run's reading, in the background after the caller has its answer. */
  private async read(source: SourceConfig, run: Run, actor: Actor, kind: 'pull' | 'sweep'): Promise<StartedRun> {
    await this.deps.audit(actor, 'run.start', `run:${run.id}`, {
      source: source.name,
      mode: run.mode,
      ...(kind === 'sweep' ? { sweep: true } : {}),
    })
    this.inBackground(run, () => (isPulled(source) ? this.readPulled(source, run, kind) : this.replay(source, run)))
    return { id: run.id }
  }

  /** A pulled source's run: its kind's pull or sweep (both kinds read with the same ledger, intake and specs). */
  private readPulled(source: KoboSourceConfig | OdkSourceConfig, run: Run, kind: 'pull' | 'sweep') {
    const deps = this.deps.pulled
    if (source.kind === 'odk') return kind === 'sweep' ? sweepOdk(deps, source, run) : pullOdk(deps, source, run)
    return kind === 'sweep' ? sweepKobo(deps, source, run) : pullKobo(deps, source, run)
  }

  /** A webhook delivery's records, protected and versioned, handed to the source's open run (inbound.ts). */
  receive(inbound: InboundIntake, delivery: WebhookDelivery) {
    const source = this.deps.specs.source(delivery.source)
    if (!takesWebhooks(source))
      throw new StateConflictError(`source "${delivery.source}" is a ${source.kind} source: it takes no webhook`)
    if (this.stopped) throw new StateConflictError('the pipeline is stopping')
    // A webhook record's version never depends on its run (import mode): it can be built before the run is known.
    const inboundRun = { id: '', mode: 'import' } as const
    return inbound.receive(
      source.name,
      `webhook:${source.name}`,
      delivery.records.map((received) => toIntakeRecord(this.deps.specs, source, received, inboundRun)),
      delivery.signature,
    )
  }

  /**
   * Reads a source in the background for a run answered 202; a failure ends the run `failed`. While it reads,
   * the run's `readBeat` is renewed: a run whose reader died (kill -9 mid-pull) stops beating, and the next tick
   * closes it instead of skipping forever (closeLostReads).
   */
  private inBackground(run: Run, read: () => Promise<unknown>): void {
    const { db, logger, runs } = this.deps
    const beat = () =>
      patchRunDetail(db, run.id, { readBeat: new Date().toISOString() }).catch((error: unknown) =>
        logger.warn({ runId: run.id, err: { message: String(error) } }, 'could not renew the read heartbeat'),
      )
    void beat()
    const beating = setInterval(() => void beat(), this.deps.readBeatMs ?? READ_BEAT_MS)
    beating.unref()
    const task = read()
      .finally(() => clearInterval(beating))
      .catch(async (error: unknown) => {
        logger.error(
          { runId: run.id, source: run.source, err: { message: String(error) } },
          'reading the source failed',
        )
        await runs.intakeFailed(run.id, error)
      })
      .catch((error: unknown) => logger.error({ err: { message: String(error) } }, 'could not record the failed run'))
    this.deps.track(task)
  }

  /**
   * Closes this source's runs whose reader stopped beating (its process died mid-read): `failed` with the
   * reason, so that a run orphaned by a crash never blocks its source (issue 11 §9). What it read is in the
   * ledger and goes on; the cursor was stored with it, so the next pull continues from there.
   */
  private async closeLostReads(source: string): Promise<void> {
    const { db, logger, runs } = this.deps
    const readerLostMs = this.deps.readerLostMs ?? READER_LOST_MS
    const running = await repositories(db).runs.list({ source, status: 'running' }, { page: 1, pageSize: 20 })
    for (const run of running.items) {
      // Uploads have their own heartbeat (uploads.ts), webhook runs their openUntil (inbound.ts).
      if (run.detail.intake !== undefined || run.detail.spool !== undefined || run.detail.openUntil !== undefined)
        continue
      const beat = typeof run.detail.readBeat === 'string' ? Date.parse(run.detail.readBeat) : run.startedAt.getTime()
      if (Date.now() - beat < readerLostMs) continue
      logger.warn({ runId: run.id, source }, 'the process reading this run stopped: run closed (reader-lost)')
      await runs.intakeFailed(run.id, new Error(READER_LOST_MESSAGE))
      await patchRunDetail(db, run.id, { reason: 'reader-lost' })
    }
  }

  /** A file or webhook source's last input, read again as a new run. */
  private async replay(source: SourceConfig, run: Run): Promise<void> {
    const { db, intake, runs, specs } = this.deps
    const previous = (await repositories(db).runs.list({ source: source.name }, { page: 1, pageSize: 50 })).items
    for (const candidate of previous) {
      if (candidate.id === run.id) continue
      const raws = await rawsOfRun(db, candidate.id)
      if (raws.length === 0) continue
      for (let i = 0; i < raws.length; i += REPLAY_CHUNK) {
        await intake.commit({
          source: source.name,
          runId: run.id,
          actor: `replay:${candidate.id}`,
          records: raws
            .slice(i, i + REPLAY_CHUNK)
            .map((raw) => toIntakeRecord(specs, source, raw, run, { stored: true })),
        })
      }
      await runs.intakeComplete(run.id, { replayOf: candidate.id, rows: raws.length })
      return
    }
    await runs.intakeComplete(run.id, { replayOf: null, note: 'no earlier input to replay' })
  }
}
