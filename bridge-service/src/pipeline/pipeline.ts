/**
 * `createPipeline`: the PipelineServices the API and the CLI use, plus the machinery behind them — the two
 * BullMQ workers, reconciliation, the scheduler — wired over one ledger, one Redis and one DHIS2.
 *
 * ```ts
 * const pipeline = createPipeline({ db, redis: env.redisUrl, dhis2, config, logger })
 * await pipeline.start()   // snapshot, reconciliation, workers, schedules
 * await pipeline.upload({ source: 'csv-partenaires', filename, body, mode: 'import' }, actor)
 * await pipeline.stop()    // every Worker, Queue, timer and Redis connection closed
 * ```
 *
 * An API-only process calls `createPipeline({ …, workers: false, schedules: false })`: it can take uploads,
 * deliveries and actions (they only write the ledger and enqueue), while worker processes do the work.
 */
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RelaisConfig } from '../config/relais-config'
import { CircuitBreakerRegistry, type CircuitBreakerOptions } from '../dhis2/circuit-breaker'
import type { Dhis2Client } from '../dhis2/client'
import { changedSince } from './push/upload-confirm'
import { seenOf } from './push/run-diff'
import { repositories, type Db } from '../ledger'
import type { RunMode } from '../ledger/runs'
import type { Logger } from '../log/logger'
import * as actions from './quarantine/actions'
import { cancelRun, retryFailed } from './run-actions'
import { uncomplete } from './push/uncomplete'
import { Enqueuer, DEFAULT_CHUNK_SIZE } from './enqueue'
import { startHeapBudget, type HeapBudget } from './intake/heap-budget'
import { InboundIntake, type InboundOptions } from './intake/inbound'
import { SCHEDULER, SourceRuns } from './intake/source-runs'
import { notify, type PipelineObserver } from './observer'
import { Intake } from './intake/intake'
import type { KoboSourceDeps } from './intake/kobo-source'
import { MetadataService } from './map/metadata'
import { mapBeforeStore } from './map/map-worker'
import {
  DEFAULT_RETRY,
  openQueues,
  redisOptions,
  type PipelineQueues,
  type RedisTarget,
  type RetrySettings,
} from './queues'
import { reconcile, type ReconcileOptions, type ReconcileResult } from './reconcile'
import { RunBook } from './runs'
import { Scheduler } from './scheduler'
import { RedisTickClaims } from './tick-claims'
import { ReminderJob, type ReminderService } from '../reminders/reminder-job'
import { SecurityCheck, type BridgeFacts, type SecurityService } from '../security/security-check'
import { nightlyMaintenance } from '../maintenance/nightly'
import { Redis } from 'ioredis'
import {
  UnknownSourceError,
  type Actor,
  type PipelineServices,
  type StartedRun,
  type UploadInput,
  type WebhookDelivery,
} from './services'
import { SpecRegistry, type DriftFinding } from './map/specs'
import { ABANDONED_AFTER_MS, DEFAULT_ANSWER_WITHIN_MS, Uploads } from './intake/uploads'
import { startWorkers, type StageWorkers } from './workers'
import { Outbound } from '../outbound/outbound'
import { Tracing } from '../tracing/tracing'
import { HmisService, hmisSchedule } from '../hmis/hmis-service'

/** Periodic reconciliation (issue 11 §9). */
export const RECONCILE_EVERY_MS = 60_000
/** The periodic reconciliation waits while more jobs than this are live (≤ 100,000 record ids in memory). */
export const RECONCILE_DEFER_ABOVE_JOBS = 200
/** How long the start waits for DHIS2's metadata before going on without it. */
export const START_METADATA_WAIT_MS = 10_000

export interface PipelineOptions {
  /** How often owed records without a live job are looked for (default 60 s; issue 11 §9). */
  readonly reconcileEveryMs?: number
  /** How long `start` waits for the metadata snapshot (default 10 s). */
  readonly startMetadataWaitMs?: number
  /** How often a process reading a source says it is alive, and after how long without it the read is lost. */
  readonly readBeatMs?: number
  readonly readerLostMs?: number
  /** How often a scheduled sweep that met a running run of its source tries again (default 5 min, 6 times). */
  readonly sweepRetryMs?: number
  readonly db: Db
  /** REDIS_URL, or the URL and a key prefix for the queues. */
  readonly redis: string | RedisTarget
  readonly dhis2: Dhis2Client
  /** relais.config.yaml as loaded (`baseDir` resolves the specs' relative paths). */
  readonly config: RelaisConfig & { readonly baseDir?: string }
  readonly logger: Logger
  /** The clock that decides which periods DHIS2 locks (default: the real time). */
  readonly now?: () => Date
  /** DHIS2's server time zone: expiry is counted in DHIS2's local days (default UTC). */
  readonly timeZone?: string
  /** Delivery attempts per record and the backoff between them (default 8, 1 s → 5 min, full jitter). */
  readonly retry?: Partial<RetrySettings>
  /** The breakers of the DHIS2 targets (default: 5 consecutive failures open for 30 s). */
  readonly circuitBreaker?: CircuitBreakerOptions | CircuitBreakerRegistry
  /** Jobs processed at once per worker (default map 2, push 4). */
  readonly concurrency?: { readonly map?: number; readonly push?: number }
  /** Records per map or push job (default 500). */
  readonly chunkSize?: number
  /** Largest dataValueSets body (default 10 MB). */
  readonly maxBodyBytes?: number
  /** false only to measure the overwrite check's cost (see PushStageDeps.checkOverwrites). */
  readonly checkOverwrites?: boolean
  /** Run the workers in this process (default true). */
  readonly workers?: boolean
  /** Run the cron schedules in this process (default true). */
  readonly schedules?: boolean
  /**
   * The reminders (issue 15 §1): the monthly report's data set code (default RC_MENSUEL) and the cron of their
   * tick; null: no reminders from this pipeline.
   */
  readonly reminders?: { dataSetCode?: string; schedule?: string } | null
  /**
   * The daily security check (issue 16 §2): the bridge's DHIS2 token (to tell its own among its account's) and
   * the cron of the check (default every day at 05:30); null: no check from this pipeline.
   */
  readonly security?: {
    bridgeToken?: string
    schedule?: string
    /** The bridge's API keys' names and last days, and whether a route-secret rotation is open. */
    bridge?: () => Promise<BridgeFacts>
  } | null
  /** Cron of the metadata refresh (default nightly), null for none. */
  readonly metadataSchedule?: string | null
  /**
   * Where done records' raw payloads go after their source's payloadRetentionDays (issue 17 §2), every night;
   * undefined: payloads are kept (tests, and `relais run` which schedules nothing).
   */
  readonly archiveDir?: string
  /** Where the nightly maintenance backs the ledger up first (undefined: no nightly backup). */
  readonly backupDir?: string
  /** RELAIS_PSEUDONYM_KEY: the key of the pseudonyms of the fields the specs name in `pseudonymise`. */
  readonly pseudonymKey?: string
  /** Where the sources' secrets are read (default process.env). */
  readonly env?: NodeJS.ProcessEnv
  /** Where uploaded files are kept until read (default: the system's temp dir); shared by API processes. */
  readonly spoolDir?: string
  /** How long an upload's answer waits for its rows to be committed before answering `rows: null` (2 s). */
  readonly answerUploadWithinMs?: number
  /**
   * This process takes uploads (default true; false for `serve --workers-only`): it then also reads again,
   * at start and every 15 s, the spooled files whose reader stopped (uploads.ts).
   */
  readonly takesUploads?: boolean
  /** When a source's shared webhook run closes: idle this long (1 s), or open this long (10 min). */
  readonly inbound?: InboundOptions
  /** Full collection when the used heap passes this many MB (heap-budget.ts); default none. */
  readonly heapBudgetMb?: number
  /** Told of pushes, DHIS2 errors and circuit changes (the Prometheus metrics in `relais serve`). */
  readonly observer?: PipelineObserver
  /** How often tracing works and reads DHIS2's outcomes (default 5 s and 60 s; tests go faster). */
  readonly tracing?: { workEveryMs?: number; pollEveryMs?: number; today?: () => string }
  /** Overrides how Kobo sources are reached (tests). */
  readonly koboClient?: KoboSourceDeps['clientFor']
}

export interface Pipeline extends PipelineServices {
  /** Metadata snapshot (fetched if the ledger has none), reconciliation, workers, schedules. */
  start(): Promise<void>
  /** Stops schedules and workers (letting running jobs end), waits for background reads, closes Redis. */
  stop(): Promise<void>
  /** Runs reconciliation now (also done by start). */
  reconcile(options?: ReconcileOptions): Promise<ReconcileResult>
  /** Reads again the uploads a stopped bridge left unread (also done by start); answers how many. */
  resumeUploads(): Promise<number>
  /** The nightly Kobo edit sweep, as a run. */
  startSweep(source: string, actor: Actor): Promise<StartedRun>
  /** Drift findings of the newest snapshot. */
  drift(): Promise<DriftFinding[]>
  /** The reminders (issue 15 §1): rules, send log, effect, « Relancer »; undefined when turned off. */
  readonly reminders: ReminderService | undefined
  /** The daily security check (issue 16 §2); undefined when turned off. */
  readonly security: SecurityService | undefined
  /** Outbound webhooks to partners (issue 19 §4); undefined when relais.config.yaml subscribes none. */
  readonly outbound: Outbound | undefined
  /** Tracing of patients lost to follow-up (issue 19 §3); undefined when relais.config.yaml has no `tracing:`. */
  readonly tracing: Tracing | undefined
  /** The national HMIS push (issue 19 §2); undefined when relais.config.yaml has no `hmis:`. */
  readonly hmis: HmisService | undefined
  readonly queues: PipelineQueues
  readonly breakers: CircuitBreakerRegistry
}

export function createPipeline(options: PipelineOptions): Pipeline {
  const { db, dhis2, logger } = options
  const now = options.now ?? (() => new Date())
  const redis: RedisTarget = typeof options.redis === 'string' ? { url: options.redis } : options.redis
  const retry: RetrySettings = { ...DEFAULT_RETRY, ...options.retry }
  const breakers =
    options.circuitBreaker instanceof CircuitBreakerRegistry
      ? options.circuitBreaker
      : new CircuitBreakerRegistry(options.circuitBreaker)
  const breaker = breakers.for(dhis2.target)
  const observer = options.observer
  if (observer?.setCircuit) {
    notify(logger, observer, (o) => o.setCircuit?.(dhis2.target, breaker.state))
    breaker.onStateChange((_from, to, snapshot) => notify(logger, observer, (o) => o.setCircuit?.(snapshot.target, to)))
  }
  const specs = new SpecRegistry(options.config, { now, timeZone: options.timeZone ?? 'UTC' }, options.pseudonymKey)
  const queues = openQueues(redis, retry)
  const enqueue = new Enqueuer(queues, options.chunkSize ?? DEFAULT_CHUNK_SIZE)
  const runs = new RunBook(db, logger)
  const metadata = new MetadataService({
    db,
    dhis2,
    breaker,
    policy: { maxAttempts: Math.min(retry.maxAttempts, 3), backoff: retry.backoff },
    specs,
    logger,
  })
  // Where the map stage runs, a file's rows are mapped as they are stored (intake.ts); an API-only process
  // leaves all mapping to the workers, so that its event loop stays free for webhooks.
  const intake = new Intake(
    db,
    enqueue,
    options.workers === false ? undefined : (source, raws) => mapBeforeStore({ db, specs, metadata }, source, raws),
    (error) =>
      logger.warn(
        { err: { message: error instanceof Error ? error.message : String(error) } },
        'mapping a file chunk before storing it failed: stored received, for the map stage',
      ),
  )
  const actionDeps: actions.ActionDeps = { db, specs, metadata, enqueue, runs, dhis2 }
  const koboDeps: KoboSourceDeps = {
    db,
    intake,
    specs,
    runs,
    logger,
    env: options.env ?? process.env,
    ...(options.koboClient ? { clientFor: options.koboClient } : {}),
  }
  const background = new Set<Promise<unknown>>()
  let workers: StageWorkers | undefined
  let heapBudget: HeapBudget | undefined
  let resumeTimer: NodeJS.Timeout | undefined
  let reconcileTimer: NodeJS.Timeout | undefined
  let reconcileRound = 0
  let scheduler: Scheduler | undefined
  let claimsRedis: Redis | undefined
  const reminders =
    options.reminders === null
      ? undefined
      : new ReminderJob({ db, dhis2, logger, now, dataSetCode: options.reminders?.dataSetCode ?? 'RC_MENSUEL' })
  const security =
    options.security === null
      ? undefined
      : new SecurityCheck({
          db,
          dhis2,
          logger,
          ...(options.security?.bridgeToken ? { bridgeToken: options.security.bridgeToken } : {}),
          ...(options.security?.bridge ? { bridge: options.security.bridge } : {}),
        })
  const subscriptions = options.config.outbound ?? []
  const outbound =
    subscriptions.length === 0
      ? undefined
      : new Outbound({ db, redis, subscriptions, logger, retry, ...(options.env ? { env: options.env } : {}) })
  // Refuses to build (TracingKeyError, French and English) when RELAIS_PSEUDONYM_KEY is missing or weak.
  const tracing = options.config.tracing
    ? new Tracing({
        db,
        dhis2,
        config: options.config.tracing,
        pseudonymKey: options.pseudonymKey,
        logger,
        retry,
        timeZone: options.timeZone ?? 'UTC',
        ...(options.env ? { env: options.env } : {}),
        ...(options.tracing ?? {}),
      })
    : undefined
  const hmis = options.config.hmis?.enabled
    ? new HmisService({
        hmis: options.config.hmis,
        baseDir: options.config.baseDir ?? process.cwd(),
        env: options.env ?? process.env,
        programme: dhis2,
        db,
        logger,
        timeZone: options.timeZone ?? 'UTC',
        now,
      })
    : undefined
  const hmisCron = hmisSchedule(options.config.hmis)
  let stopped = false
  const track = (task: Promise<unknown>) => {
    background.add(task)
    void task.finally(() => background.delete(task))
  }
  /** Background work every `ms`: never keeps the process alive, a failure is logged, never thrown. */
  const every = (ms: number, failure: string, run: () => Promise<unknown>) => {
    const timer = setInterval(() => {
      run().catch((error: unknown) => logger.warn({ err: { message: String(error) } }, failure))
    }, ms)
    timer.unref()
    return timer
  }
  const audit = (actor: Actor, action: string, target: string, detail: unknown) =>
    repositories(db).audit.append({ actor: actor.name, role: actor.role, action, target, detail })
  const sourceRuns = new SourceRuns({
    db,
    specs,
    runs,
    intake,
    pulled: koboDeps,
    logger,
    audit,
    track,
    ...(options.readBeatMs !== undefined ? { readBeatMs: options.readBeatMs } : {}),
    ...(options.readerLostMs !== undefined ? { readerLostMs: options.readerLostMs } : {}),
    ...(options.sweepRetryMs !== undefined ? { sweepRetryMs: options.sweepRetryMs } : {}),
  })
  const inbound = new InboundIntake(
    {
      intake,
      runs,
      logger,
      openRun: (name, detail) =>
        sourceRuns.newRun(specs.source(name), 'import', 'webhook', { name: `webhook:${name}`, role: 'source' }, detail),
    },
    options.inbound,
  )

  const uploads = new Uploads({
    db,
    intake,
    specs,
    runs,
    logger,
    spoolDir: options.spoolDir ?? join(tmpdir(), 'relais-uploads'),
    answerWithinMs: options.answerUploadWithinMs ?? DEFAULT_ANSWER_WITHIN_MS,
    sourceOf: (name) => specs.source(name),
    newRun: (source, mode, trigger, actor, detail) => sourceRuns.newRun(source, mode, trigger, actor, detail),
    audit,
    changedSince: async (dryRunId) => changedSince(dhis2, seenOf(await repositories(db).runs.diffRows(dryRunId))),
    track,
  })

  const pipeline: Pipeline = {
    queues,
    breakers,
    reminders,
    security,
    outbound,
    tracing,
    hmis,

    startRun: (sourceName: string, mode: RunMode, actor: Actor) => sourceRuns.start(sourceName, mode, actor),
    startSweep: (sourceName: string, actor: Actor) => sourceRuns.startSweep(sourceName, actor),

    upload: (input: UploadInput, actor: Actor) => uploads.upload(input, actor),

    receive: (delivery: WebhookDelivery) => sourceRuns.receive(inbound, delivery),

    deliveryStored: (source: string, signature: string) => repositories(db).deliveries.stored(source, signature),

    cancelRun: (runId: string, actor: Actor) => cancelRun(actionDeps, runId, actor),
    retryFailed: (runId, actor) => retryFailed(actionDeps, runId, actor),

    release: (recordId, actor, corrected, note, keep) =>
      actions.release(actionDeps, recordId, actor, corrected, note, keep),
    previewRelease: (recordId, corrected) => actions.previewRelease(actionDeps, recordId, corrected),
    uncomplete: (recordId, actor, reason) => uncomplete(actionDeps, recordId, actor, reason),

    discard: (recordId, actor, reason) => actions.discard(actionDeps, recordId, actor, reason),

    async refreshMetadata(actor: Actor) {
      const result = await metadata.refresh()
      await audit(actor, 'metadata.refresh', `snapshot:${result.snapshotId}`, { drift: result.drift.length })
      // DHIS2 answers again: records whose jobs gave up while it was away go now, not at the next restart.
      if (!stopped)
        void pipeline
          .reconcile({ deferAboveLiveJobs: RECONCILE_DEFER_ABOVE_JOBS })
          .catch((error: unknown) => logger.warn({ err: { message: String(error) } }, 'reconciliation failed'))
      return result
    },

    async drift() {
      return (await repositories(db).snapshots.latest<unknown, DriftFinding>())?.drift ?? []
    },

    reconcile: (reconcileOptions) =>
      reconcile({ db, queues, enqueue, runs, logger }, ++reconcileRound, reconcileOptions),

    resumeUploads: () => uploads.resume(),

    async start() {
      await metadata.awaitFirst(options.startMetadataWaitMs ?? START_METADATA_WAIT_MS)
      if (options.heapBudgetMb !== undefined) heapBudget ??= startHeapBudget(options.heapBudgetMb)
      await pipeline.reconcile()
      if (options.takesUploads ?? true) {
        await pipeline.resumeUploads()
        resumeTimer = every(ABANDONED_AFTER_MS / 2, 'could not look for abandoned uploads', pipeline.resumeUploads)
      }
      if (options.workers ?? true) {
        reconcileTimer = every(options.reconcileEveryMs ?? RECONCILE_EVERY_MS, 'reconciliation failed', () =>
          pipeline.reconcile({ deferAboveLiveJobs: RECONCILE_DEFER_ABOVE_JOBS }),
        )
        workers = startWorkers(
          {
            redis,
            retry,
            logger,
            ...(options.concurrency ? { concurrency: options.concurrency } : {}),
            ...(observer ? { observer } : {}),
          },
          { db, specs, metadata, enqueue, runs, logger },
          {
            db,
            dhis2,
            breaker,
            retry,
            specs,
            enqueue,
            runs,
            logger,
            clock: { now, timeZone: options.timeZone ?? 'UTC' },
            ...(options.maxBodyBytes ? { maxBodyBytes: options.maxBodyBytes } : {}),
            ...(options.checkOverwrites === false ? { checkOverwrites: false } : {}),
            ...(observer ? { observer } : {}),
          },
        )
        await outbound?.start()
        tracing?.start()
      }
      if (options.schedules ?? true) {
        // One connection for the tick claims; closed with the pipeline.
        claimsRedis = new Redis({ ...redisOptions(redis.url), lazyConnect: true, maxRetriesPerRequest: 2 })
        scheduler = new Scheduler(
          {
            sources: options.config.sources,
            logger,
            claims: new RedisTickClaims(claimsRedis, redis.prefix ?? 'relais'),
            ...(options.reminders?.schedule ? { reminderSchedule: options.reminders.schedule } : {}),
            ...(options.security?.schedule ? { securitySchedule: options.security.schedule } : {}),
            ...(hmisCron ? { hmisSchedule: hmisCron } : {}),
            ...(options.metadataSchedule !== undefined ? { metadataSchedule: options.metadataSchedule } : {}),
            ...(options.timeZone ? { timeZone: options.timeZone } : {}),
          },
          {
            pull: (name) => sourceRuns.scheduled('pull', name),
            sweep: (name) => sourceRuns.scheduled('sweep', name),
            refreshMetadata: () => pipeline.refreshMetadata(SCHEDULER),
            ...(reminders ? { remind: () => reminders.tick() } : {}),
            ...(security ? { checkSecurity: () => security.run('scheduler') } : {}),
            ...(hmis && hmisCron ? { pushHmis: () => hmis.monthly() } : {}),
            ...(options.archiveDir
              ? {
                  maintain: () =>
                    nightlyMaintenance(db, {
                      archiveDir: options.archiveDir!,
                      ...(options.backupDir ? { backupDir: options.backupDir } : {}),
                      policies: options.config.sources.map((s) => ({ source: s.name, days: s.payloadRetentionDays })),
                      actor: SCHEDULER.name,
                    }),
                }
              : {}),
          },
        )
        scheduler.start()
      }
      logger.info({ workers: workers !== undefined, schedules: scheduler !== undefined }, 'pipeline started')
    },

    async stop() {
      stopped = true
      sourceRuns.stop()
      heapBudget?.stop()
      clearInterval(resumeTimer)
      clearInterval(reconcileTimer)
      scheduler?.stop()
      await Promise.allSettled([...background, inbound.close()])
      claimsRedis?.disconnect()
      await workers?.close()
      await outbound?.stop()
      await tracing?.stop()
      await queues.close()
      logger.info('pipeline stopped')
    },
  }
  return pipeline
}

export { UnknownSourceError }
