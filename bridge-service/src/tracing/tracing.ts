/**
 * Tracing of people living with HIV lost to follow-up (issue 19 §3): the service the API, the pipeline and the
 * CLI share.
 *
 *   site's list ──(signed POST, pseudonymised in the request)──► tracing_cases (task-pending)
 *     ──► the RC found ──► event ACTIVE in the RC's org unit (task-created)      or quarantined (no RC: looked at hourly)
 *     ──► the RC completes it with an outcome (the Relais app or DHIS2's Capture app, offline too)
 *     ──► read from DHIS2 (completed events updated since the cursor) ──► outcome-pending
 *     ──► sealed id opened (audited) ──► signed message to the site's outcomes URL ──► outcome-sent
 *
 * The ledger is the queue: a loop in the workers process claims due cases with a lease (several processes never
 * take the same case) and retries failures with the `relais` backoff, so losing Redis or a process loses nothing.
 */
import { backoffDelay } from '../dhis2/backoff'
import type { Dhis2Client } from '../dhis2/client'
import type { TracingConfig, TracingSite } from '../config/tracing-config'
import { webhookSecrets } from '../config/relais-config'
import { repositories, type Db } from '../ledger'
import type { PageRequest, Paged } from '../ledger/paging'
import { tracingLedger, type TracingCase, type TracingStatus } from '../ledger/tracing'
import type { Logger } from '../log/logger'
import { sendOnce } from '../outbound/send'
import { DEFAULT_RETRY, type RetrySettings } from '../pipeline/queues'
import { receiveList, type ListResult } from './intake'
import { requireTracingKey } from './key'
import { outcomeBody } from './outcome-message'
import { pseudonym } from './pseudonym'
import { MATCH_REASONS, matchRc, type RcUnit } from './rc-match'
import { taskEvent, outcomeOf, type TracingProgram } from './task-event'
import { later, readFrom } from './cursor'
import { completedEvents, createTaskEvent, rcUnits, resolveProgram } from './tracker'
import { Vault, VaultError } from './vault'

export const WORK_EVERY_MS = 5_000
/** A quarantined case is looked at again this often (an RC added to DHIS2 since, a roster import). */
export const QUARANTINE_LOOK_MS = 3600_000
/** How long DHIS2's metadata and RC list are trusted. */
const METADATA_TTL_MS = 5 * 60_000
const LEASE_MS = 2 * 60_000
const BATCH = 50
/** Events updated this long before the cursor are read again: a late commit in DHIS2 is not skipped. */
const CURSOR_OVERLAP_MS = 60_000
export const BRIDGE_ACTOR = { name: 'relais-bridge', role: 'system' } as const

export interface TracingOptions {
  readonly db: Db
  readonly dhis2: Dhis2Client
  readonly config: TracingConfig
  /** RELAIS_PSEUDONYM_KEY: refused when missing or weak (TracingKeyError). */
  readonly pseudonymKey: string | undefined
  readonly logger: Logger
  readonly env?: NodeJS.ProcessEnv
  readonly retry?: RetrySettings
  readonly workEveryMs?: number
  readonly pollEveryMs?: number
  /** The day a list is received on (YYYY-MM-DD): missed appointments after it are refused. */
  readonly today?: () => string
  /** DHIS2's time zone: the day a list comes in is counted there (default UTC). */
  readonly timeZone?: string
}

export class UnknownSiteError extends Error {
  override readonly name = 'UnknownSiteError'
}

export class Tracing {
  private readonly key: string
  private readonly vault: Vault
  private readonly ledger
  private readonly retry: RetrySettings
  private timer: NodeJS.Timeout | undefined
  private working: Promise<void> | undefined
  private lastPoll = 0
  private program: { value: TracingProgram; at: number } | undefined
  private units: { value: RcUnit[]; at: number } | undefined

  constructor(private readonly options: TracingOptions) {
    this.key = requireTracingKey(options.pseudonymKey)
    this.vault = new Vault(this.key)
    this.ledger = tracingLedger(options.db)
    this.retry = options.retry ?? DEFAULT_RETRY
  }

  get sites(): readonly TracingSite[] {
    return this.options.config.sites
  }

  /** The enabled site with this code; UnknownSiteError otherwise. */
  site(code: string): TracingSite {
    const site = this.options.config.sites.find((s) => s.code === code && s.enabled)
    if (!site)
      throw new UnknownSiteError(
        `Site de prise en charge inconnu ou désactivé : ${code}. Unknown or disabled care site: ${code}.`,
      )
    return site
  }

  /** The secret(s) that sign the site's lists. */
  listSecrets(site: TracingSite): string[] {
    return webhookSecrets(this.env[site.secretEnv] ?? '')
  }

  /** A site's list, already authenticated: pseudonymised and stored (tracing/intake.ts). */
  receive(siteCode: string, body: Buffer): Promise<ListResult> {
    const site = this.site(siteCode)
    // en-CA writes dates as YYYY-MM-DD.
    const asOf =
      this.options.today?.() ??
      new Intl.DateTimeFormat('en-CA', { timeZone: this.options.timeZone ?? 'UTC' }).format(new Date())
    return receiveList({ db: this.options.db, key: this.key, vault: this.vault }, site, body, asOf)
  }

  /** The loop: tasks to create, outcomes to read (every pollEveryMs) and to send. Workers process only. */
  start(): void {
    this.timer = setInterval(() => void this.work(), this.options.workEveryMs ?? WORK_EVERY_MS)
    this.timer.unref()
    void this.work()
  }

  async stop(): Promise<void> {
    clearInterval(this.timer)
    this.timer = undefined
    await this.working?.catch(() => undefined)
  }

  /** One round; one at a time in this process. A failure is logged, the next round tries again. */
  work(): Promise<void> {
    this.working ??= this.round()
      .catch((error: unknown) =>
        this.options.logger.warn(
          { err: { message: String(error instanceof Error ? error.message : error) } },
          'tracing: a round failed',
        ),
      )
      .finally(() => (this.working = undefined))
    return this.working
  }

  private async round(): Promise<void> {
    await this.createTasks()
    if (Date.now() - this.lastPoll >= (this.options.pollEveryMs ?? this.options.config.pollSeconds * 1000)) {
      await this.readOutcomes()
      this.lastPoll = Date.now()
    }
    await this.sendOutcomes()
  }

  private async tracingProgram(): Promise<TracingProgram> {
    if (!this.program || Date.now() - this.program.at > METADATA_TTL_MS)
      this.program = { value: await resolveProgram(this.options.dhis2, this.options.config.program), at: Date.now() }
    return this.program.value
  }

  private async rcList(): Promise<RcUnit[]> {
    if (!this.units || Date.now() - this.units.at > METADATA_TTL_MS)
      this.units = { value: await rcUnits(this.options.dhis2), at: Date.now() }
    return this.units.value
  }

  /** Cases waiting for their task: the RC found, the event created. */
  async createTasks(): Promise<void> {
    const due = await this.ledger.claimDue('task', BATCH, LEASE_MS)
    if (due.length === 0) return
    const program = await this.tracingProgram()
    const units = await this.rcList()
    for (const c of due) {
      const match = matchRc(c, units)
      if (!match.ok) {
        await this.ledger.quarantine(
          c.id,
          `${match.reason}: ${MATCH_REASONS[match.reason]}`,
          new Date(Date.now() + QUARANTINE_LOOK_MS),
        )
        continue
      }
      const occurredAt = c.receivedAt.toISOString().slice(0, 10)
      const result = await createTaskEvent(this.options.dhis2, program, taskEvent(program, c, match.rc.id, occurredAt))
      if (result.kind === 'created') await this.ledger.taskCreated(c.id, match.rc.code, match.rc.id)
      else if (result.kind === 'refused' || c.attempts + 1 >= this.retry.maxAttempts)
        await this.ledger.fail(c.id, 'task-failed', result.error)
      else
        await this.ledger.retryLater(
          c.id,
          result.error,
          new Date(Date.now() + backoffDelay(c.attempts + 1, this.retry.backoff, result.retryAfterMs)),
        )
    }
    this.options.logger.info({ cases: due.length }, 'tracing: tasks looked at')
  }

  /** Completed events since the cursor: each outcome becomes owed to its site. */
  async readOutcomes(): Promise<number> {
    const program = await this.tracingProgram()
    const cursor = await this.ledger.cursor(program.program)
    const events = await completedEvents(this.options.dhis2, program, readFrom(cursor, CURSOR_OVERLAP_MS))
    let read = 0
    let newest = cursor
    for (const e of events) {
      const found = outcomeOf(program, e)
      if (found && (await this.ledger.outcomeRead(e.event, found.outcome, found.outcomeDate))) read++
      newest = later(newest, e.updatedAt)
    }
    if (newest && newest !== cursor) await this.ledger.setCursor(program.program, newest)
    if (read > 0) this.options.logger.info({ outcomes: read }, 'tracing: outcomes read from DHIS2')
    return read
  }

  /** Outcomes owed to sites: the site's id opened (audited), the signed message sent. */
  async sendOutcomes(): Promise<void> {
    const due = await this.ledger.claimDue('outcome', BATCH, LEASE_MS)
    for (const c of due) await this.sendOutcome(c)
  }

  private async sendOutcome(c: TracingCase): Promise<void> {
    const site = this.options.config.sites.find((s) => s.code === c.site)
    if (!site || !site.enabled) {
      await this.ledger.fail(
        c.id,
        'outcome-failed',
        `site ${c.site} is no longer an enabled site of relais.config.yaml`,
      )
      return
    }
    const secret = webhookSecrets(this.env[site.outcomesSecretEnv] ?? '')[0]
    if (!secret) {
      await this.ledger.fail(c.id, 'outcome-failed', `the environment variable ${site.outcomesSecretEnv} is not set`)
      return
    }
    // The audit row is written before the identifier is opened: no re-identification without its trace.
    await repositories(this.options.db).audit.append({
      actor: BRIDGE_ACTOR.name,
      role: BRIDGE_ACTOR.role,
      action: 'tracing.reidentify',
      target: `tracing-case:${c.id}`,
      detail: {
        site: c.site,
        tracingCode: c.tracingCode,
        purpose: 'outcome-to-site',
        outcome: c.outcome,
        attempt: c.attempts + 1,
      },
    })
    let caseId: string
    try {
      caseId = this.vault.open(c.site, c.sealedId)
    } catch (error) {
      if (!(error instanceof VaultError)) throw error
      await this.ledger.fail(c.id, 'outcome-failed', `${error.message} (not sent)`)
      return
    }
    if (pseudonym(this.key, c.site, caseId) !== c.pseudonym) {
      await this.ledger.fail(c.id, 'outcome-failed', 'the sealed identifier does not match the case (not sent)')
      return
    }
    const body = outcomeBody(site.format, {
      caseId,
      outcome: c.outcome!,
      outcomeDate: c.outcomeDate!,
      tracingCode: c.tracingCode,
    })
    // One delivery id per outcome, not per case: an outcome the RC corrected is a new delivery, which a site that
    // drops repeated delivery ids must still take.
    const deliveryId = `${c.id}.${c.outcome}.${c.outcomeDate}`
    const result = await sendOnce({ url: site.outcomesUrl, body, secret, event: 'tracing.outcome', deliveryId })
    if (result.kind === 'delivered') await this.ledger.outcomeSent(c.id)
    else if (result.kind === 'permanent' || c.attempts + 1 >= this.retry.maxAttempts)
      await this.ledger.fail(c.id, 'outcome-failed', result.error)
    else
      await this.ledger.retryLater(
        c.id,
        result.error,
        new Date(Date.now() + backoffDelay(c.attempts + 1, this.retry.backoff, result.retryAfterMs)),
      )
  }

  /**
   * A data manager names the RC of a case waiting for one (no match, two RC in the village, a task refused): the
   * task is tried again with that RC's code. Answers the case, or undefined when it is not waiting.
   */
  assignRc(id: string, rcCode: string): Promise<TracingCase | undefined> {
    return this.ledger.assignRc(id, rcCode.trim().toUpperCase())
  }

  get(id: string): Promise<TracingCase | undefined> {
    return this.ledger.get(id)
  }

  list(
    filter: { status?: TracingStatus; site?: string; tracingCode?: string },
    page?: PageRequest,
  ): Promise<Paged<TracingCase>> {
    return this.ledger.search(filter, page)
  }

  counts() {
    return this.ledger.counts()
  }

  private get env(): NodeJS.ProcessEnv {
    return this.options.env ?? process.env
  }
}
