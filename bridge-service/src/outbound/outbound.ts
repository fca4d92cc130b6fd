/**
 * Outbound webhooks to partners (issue 19 §4): the events partners subscribe to in relais.config.yaml
 * (`outbound:`), written to the ledger, then delivered by the BullMQ queue `relais-outbound`.
 *
 * Where events come from: the ledger's own facts — a completion the completion stage noted in a record's
 * history, a run's end, the count of quarantined records — found by a search every few seconds from a cursor
 * kept in the ledger (`scan`), rather than by calls planted in the stages. A fact is therefore never lost between
 * being committed and being announced (a process killed in between: the next search finds it), every way a
 * run ends (settled, failed intake, cancelled) is seen without touching those paths, and the stages' hot paths
 * pay nothing. The search re-reads the last minute of facts, so a transaction that committed late is not
 * skipped; the unique (subscription, event key) makes the second sight a no-op.
 *
 * Delivery is at least once: a partner dedupes by the delivery id (X-Relais-Delivery, and `id` in the body).
 */
import { DelayedError, Queue, Worker, type Job } from 'bullmq'
import type { OutboundSubscription } from '../config/outbound-config'
import { QUARANTINE_ALERT_EVERY_MS } from '../config/outbound-config'
import { webhookSecrets } from '../config/relais-config'
import { backoffDelay } from '../dhis2/backoff'
import type { Db } from '../ledger'
import {
  outboundLedger,
  type AttemptNote,
  type NewOutboundDelivery,
  type OutboundDelivery,
  type OutboundEvent,
  type OutboundStatus,
} from '../ledger/outbound'
import type { PageRequest, Paged } from '../ledger/paging'
import type { Logger } from '../log/logger'
import { DEFAULT_RETRY, redisOptions, type RedisTarget, type RetrySettings } from '../pipeline/queues'
import { deliveryBody, quarantineAlertDue, reportCompleted, runFinished } from './events'
import { sendOnce, type SendResult } from './send'

export const OUTBOUND_QUEUE = 'relais-outbound'
/** How often new facts are looked for. */
export const SCAN_EVERY_MS = 5_000
/** The quarantine count is a GROUP BY over the quarantined records: once a minute is enough for an hourly alert. */
export const QUARANTINE_EVERY_MS = 60_000
/** Facts younger than this are read again at the next search (a transaction may commit after a later one). */
const LATE_COMMIT_MS = 60_000
const PAGE = 500
const LIVE_STATES = ['waiting', 'delayed', 'prioritized', 'waiting-children', 'active'] as const

export interface OutboundJobData {
  readonly deliveryId: string
  readonly round: number
}

export interface OutboundOptions {
  readonly db: Db
  readonly redis: RedisTarget
  readonly subscriptions: readonly OutboundSubscription[]
  readonly logger: Logger
  /** Where the subscriptions' secrets are read (default process.env). */
  readonly env?: NodeJS.ProcessEnv
  /** Attempts per round and the backoff between them (default: the pipeline's, 8 attempts, 1 s → 5 min). */
  readonly retry?: RetrySettings
  readonly scanEveryMs?: number
  readonly quarantineEveryMs?: number
  /** How long a receiver may take to answer (default 10 s). */
  readonly timeoutMs?: number
  readonly concurrency?: number
}

export class OutboundRetryError extends Error {
  constructor(
    readonly code: 'not-found' | 'not-failed',
    message: string,
  ) {
    super(message)
  }
}

export class Outbound {
  readonly queue: Queue<OutboundJobData>
  private readonly ledger
  private readonly retrySettings: RetrySettings
  private worker: Worker<OutboundJobData, string> | undefined
  private timer: NodeJS.Timeout | undefined
  private scanning: Promise<void> | undefined
  private lastQuarantineCheck = 0
  private reconcileRound = 0

  constructor(private readonly options: OutboundOptions) {
    this.ledger = outboundLedger(options.db)
    this.retrySettings = options.retry ?? DEFAULT_RETRY
    this.queue = new Queue<OutboundJobData>(OUTBOUND_QUEUE, {
      connection: redisOptions(options.redis.url),
      ...(options.redis.prefix ? { prefix: options.redis.prefix } : {}),
      defaultJobOptions: {
        // A job only fails when the ledger is unreachable (a receiver's failure is handled here, see deliver):
        // a few tries, then reconciliation takes it up again.
        attempts: 3,
        backoff: { type: 'exponential', delay: 1_000 },
        removeOnComplete: { age: 24 * 3600, count: 1000 },
        removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
      },
    })
  }

  private get active(): OutboundSubscription[] {
    return this.options.subscriptions.filter((s) => s.enabled)
  }

  /** Reconciliation, the worker, and the search for facts every few seconds (a workers process only). */
  async start(): Promise<void> {
    // Partners' webhooks must never keep the pipeline from starting: a failure here is retried by the timer.
    await this.scan()
      .then(() => this.reconcile())
      .catch((error: unknown) =>
        this.options.logger.warn({ err: { message: String(error) } }, 'outbound: first search failed, retried soon'),
      )
    const { redis } = this.options
    this.worker = new Worker<OutboundJobData, string>(OUTBOUND_QUEUE, (job, token) => this.deliver(job, token), {
      connection: redisOptions(redis.url),
      ...(redis.prefix ? { prefix: redis.prefix } : {}),
      concurrency: this.options.concurrency ?? 4,
    })
    this.worker.on('error', (error) =>
      this.options.logger.error({ err: { message: error.message } }, 'outbound worker error'),
    )
    this.timer = setInterval(() => {
      this.scan()
        .then(() => (++this.reconcileRound % 12 === 0 ? this.reconcile() : undefined))
        .catch((error: unknown) =>
          this.options.logger.warn({ err: { message: String(error) } }, 'outbound: looking for events failed'),
        )
    }, this.options.scanEveryMs ?? SCAN_EVERY_MS)
    this.timer.unref()
  }

  async stop(): Promise<void> {
    clearInterval(this.timer)
    await this.scanning?.catch(() => undefined)
    await this.worker?.close()
    await this.queue.close()
  }

  /** Looks for new facts, writes their deliveries, enqueues them. One search at a time in this process. */
  scan(): Promise<void> {
    this.scanning ??= this.scanOnce().finally(() => (this.scanning = undefined))
    return this.scanning
  }

  private async scanOnce(): Promise<void> {
    const subscribers = (event: OutboundEvent) => this.active.filter((s) => s.events.includes(event))
    const added: OutboundDelivery[] = []
    if (subscribers('report.completed').length > 0) added.push(...(await this.scanCompletions(subscribers)))
    if (subscribers('run.finished').length > 0) added.push(...(await this.scanRuns(subscribers)))
    const quarantineEvery = this.options.quarantineEveryMs ?? QUARANTINE_EVERY_MS
    if (subscribers('quarantine.growing').length > 0 && Date.now() - this.lastQuarantineCheck >= quarantineEvery) {
      this.lastQuarantineCheck = Date.now()
      added.push(...(await this.scanQuarantine(subscribers('quarantine.growing'))))
    }
    for (const delivery of added) await this.enqueue(delivery, `${delivery.id}-r${delivery.round}`)
    if (added.length > 0) this.options.logger.info({ deliveries: added.length }, 'outbound events written')
  }

  private scanCompletions(subscribers: (e: OutboundEvent) => OutboundSubscription[]): Promise<OutboundDelivery[]> {
    return this.options.db.transaction(async (tx) => {
      const ledger = outboundLedger(tx)
      const cursor = await ledger.lockCursor('report.completed')
      if (cursor === undefined) {
        // The first search starts now: partners hear of what happens from here on, not of the ledger's past.
        await ledger.setCursor('report.completed', String((await ledger.factsHorizon()).completionSeq))
        return []
      }
      const settledBefore = (await ledger.now()).getTime() - LATE_COMMIT_MS
      let after = Number(cursor)
      let settled = after
      let contiguous = true
      const added: OutboundDelivery[] = []
      for (;;) {
        const facts = await ledger.completionsAfter(after, PAGE)
        const rows: NewOutboundDelivery[] = []
        for (const fact of facts) {
          // The cursor only passes facts old enough that nothing before them can still commit.
          if (contiguous && fact.at.getTime() < settledBefore) settled = fact.seq
          else contiguous = false
          for (const s of subscribers('report.completed'))
            rows.push({
              subscription: s.name,
              event: 'report.completed',
              eventKey: `completion:${fact.eventId}`,
              payload: { ...reportCompleted(fact) },
            })
        }
        added.push(...(await ledger.add(rows)))
        if (facts.length < PAGE) break
        after = facts[facts.length - 1]!.seq
      }
      await ledger.setCursor('report.completed', String(settled))
      return added
    })
  }

  private scanRuns(subscribers: (e: OutboundEvent) => OutboundSubscription[]): Promise<OutboundDelivery[]> {
    return this.options.db.transaction(async (tx) => {
      const ledger = outboundLedger(tx)
      const cursor = await ledger.lockCursor('run.finished')
      if (cursor === undefined) {
        await ledger.setCursor('run.finished', (await ledger.factsHorizon()).runsFinishedAt)
        return []
      }
      const settledBefore = (await ledger.now()).getTime() - LATE_COMMIT_MS
      let after = cursor
      let settled = Date.parse(cursor)
      const added: OutboundDelivery[] = []
      for (;;) {
        const facts = await ledger.runsFinishedAfter(after, PAGE)
        const rows: NewOutboundDelivery[] = []
        for (const fact of facts) {
          if (fact.finishedAt.getTime() < settledBefore) settled = Math.max(settled, fact.finishedAt.getTime())
          for (const s of subscribers('run.finished'))
            rows.push({
              subscription: s.name,
              event: 'run.finished',
              eventKey: `run:${fact.id}`,
              payload: { ...runFinished(fact) },
            })
        }
        added.push(...(await ledger.add(rows)))
        if (facts.length < PAGE) break
        after = facts[facts.length - 1]!.finishedAt.toISOString()
      }
      await ledger.setCursor('run.finished', new Date(settled).toISOString())
      return added
    })
  }

  private scanQuarantine(subscriptions: OutboundSubscription[]): Promise<OutboundDelivery[]> {
    return this.options.db.transaction(async (tx) => {
      const ledger = outboundLedger(tx)
      // The lock makes two processes take turns: one alert per source and hour, not one per process.
      await ledger.lockCursor('quarantine.growing')
      const now = await ledger.now()
      const counts = await ledger.quarantinedPerSource()
      const rows: NewOutboundDelivery[] = []
      for (const s of subscriptions) {
        const threshold = s.quarantineThreshold ?? Number.POSITIVE_INFINITY
        for (const [source, quarantined] of counts) {
          const last = await ledger.lastQuarantineAlert(s.name, source)
          if (!quarantineAlertDue(quarantined, threshold, last, now, QUARANTINE_ALERT_EVERY_MS)) continue
          rows.push({
            subscription: s.name,
            event: 'quarantine.growing',
            eventKey: `quarantine:${source}:${now.toISOString()}`,
            payload: { source, quarantined, threshold, previous: last?.quarantined ?? null, at: now.toISOString() },
          })
        }
      }
      await ledger.setCursor('quarantine.growing', now.toISOString())
      return ledger.add(rows)
    })
  }

  private async enqueue(delivery: Pick<OutboundDelivery, 'id' | 'round' | 'nextAttemptAt'>, jobId: string) {
    const delay = Math.max(0, (delivery.nextAttemptAt?.getTime() ?? 0) - Date.now())
    await this.queue.add('deliver', { deliveryId: delivery.id, round: delivery.round }, { jobId, delay })
  }

  /**
   * On start and every minute: every pending delivery without a live job is enqueued again, at its next attempt
   * (Redis lost or flushed, a process killed between writing and enqueueing). Answers how many.
   */
  async reconcile(): Promise<number> {
    const live = new Set<string>()
    for (let start = 0; ; start += 1000) {
      const jobs = await this.queue.getJobs([...LIVE_STATES], start, start + 999, true)
      for (const job of jobs) if (job?.data) live.add(`${job.data.deliveryId}/${job.data.round}`)
      if (jobs.length < 1000) break
    }
    const generation = Date.now()
    let enqueued = 0
    for (let afterSeq = 0; ;) {
      const page = await this.ledger.pending(afterSeq, PAGE)
      for (const d of page) {
        if (live.has(`${d.id}/${d.round}`)) continue
        // A new job id: BullMQ ignores an add whose id is still in its completed or failed set.
        await this.enqueue(d, `${d.id}-r${d.round}-a${d.attempts}-g${generation}`)
        enqueued++
      }
      if (page.length < PAGE) break
      afterSeq = page[page.length - 1]!.seq
    }
    if (enqueued > 0) this.options.logger.warn({ enqueued }, 'outbound: re-enqueued pending deliveries without a job')
    return enqueued
  }

  /** One attempt of one delivery; a receiver's transient failure moves the job to delayed at the next attempt. */
  private async deliver(job: Job<OutboundJobData>, token?: string): Promise<string> {
    const { deliveryId, round } = job.data
    const delivery = await this.ledger.get(deliveryId)
    if (!delivery || delivery.status !== 'pending' || delivery.round !== round) return 'settled'
    const subscription = this.options.subscriptions.find((s) => s.name === delivery.subscription)
    const at = new Date().toISOString()
    const fail = (error: string, httpStatus: number | null = null) =>
      this.ledger.recordAttempt(deliveryId, round, { kind: 'failed', note: { at, httpStatus, error } })
    if (!subscription) {
      await fail(`subscription "${delivery.subscription}" is no longer in relais.config.yaml`)
      return 'failed'
    }
    const secret = webhookSecrets(this.env[subscription.secretEnv] ?? '')[0]
    if (!secret) {
      await fail(`the environment variable ${subscription.secretEnv} (the subscription's secret) is not set`)
      return 'failed'
    }
    const result: SendResult = await sendOnce({
      url: subscription.url,
      body: deliveryBody(delivery),
      secret,
      event: delivery.event,
      deliveryId,
      ...(this.options.timeoutMs !== undefined ? { timeoutMs: this.options.timeoutMs } : {}),
    })
    const note: AttemptNote = {
      at,
      httpStatus: result.httpStatus,
      error: result.kind === 'delivered' ? null : result.error,
    }
    if (result.kind === 'delivered') {
      await this.ledger.recordAttempt(deliveryId, round, { kind: 'delivered', note })
      return 'delivered'
    }
    const attempt = delivery.attempts + 1
    if (result.kind === 'permanent' || attempt >= this.retrySettings.maxAttempts) {
      await this.ledger.recordAttempt(deliveryId, round, { kind: 'failed', note })
      this.options.logger.warn(
        { deliveryId, subscription: subscription.name, attempts: attempt, error: note.error },
        'outbound delivery failed for good',
      )
      return 'failed'
    }
    const delayMs = backoffDelay(attempt, this.retrySettings.backoff, result.retryAfterMs)
    const nextAttemptAt = new Date(Date.now() + delayMs)
    const noted = await this.ledger.recordAttempt(deliveryId, round, { kind: 'retry', note, nextAttemptAt })
    if (!noted) return 'settled'
    await job.moveToDelayed(nextAttemptAt.getTime(), token)
    throw new DelayedError()
  }

  private get env(): NodeJS.ProcessEnv {
    return this.options.env ?? process.env
  }

  list(
    filter: { status?: OutboundStatus; subscription?: string },
    page?: PageRequest,
  ): Promise<Paged<OutboundDelivery>> {
    return this.ledger.search(filter, page)
  }

  get(id: string): Promise<OutboundDelivery | undefined> {
    return this.ledger.get(id)
  }

  /** A failed delivery, tried again from its first attempt (by a person: the caller audits it). */
  async retry(id: string): Promise<OutboundDelivery> {
    const retried = await this.ledger.retry(id)
    if (!retried) {
      const existing = await this.ledger.get(id)
      if (!existing) throw new OutboundRetryError('not-found', `Outbound delivery ${id} does not exist.`)
      throw new OutboundRetryError('not-failed', `Outbound delivery ${id} is ${existing.status}, not failed.`)
    }
    await this.enqueue(retried, `${retried.id}-r${retried.round}`)
    return retried
  }
}
