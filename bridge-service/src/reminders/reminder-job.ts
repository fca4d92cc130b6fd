/**
 * One reminder tick (issue 15 §1): read the rules and the programme from DHIS2, plan (plan.ts), record each
 * send before it goes (the ledger's unique key: a send another process recorded first is its to make), send
 * through DHIS2 — a message conversation, or an SMS through DHIS2's gateway — and record DHIS2's answer. Sends
 * that failed today are tried again at the next ticks, up to MAX_ATTEMPTS. The scheduler runs this once per
 * tick across processes (pipeline/tick-claims.ts); the unique key covers a race all the same.
 */
import { localTimestamp, parseLocalTimestamp, parsePeriod, periodName, type Period } from '@relais/mappings'
import type { Dhis2Client } from '../dhis2'
import type { Db, PageRequest, Paged } from '../ledger'
import { reminderSendsRepository, type ReminderSend, type ReminderSendFilter } from '../ledger/reminder-sends'
import type { Logger } from '../log/logger'
import {
  readCompletions,
  readDataSetRoots,
  readDirectory,
  readRcContact,
  readRuleViolations,
  readRulesDocument,
  type ProgrammeDirectory,
} from './dhis2-directory'
import { findOutboundSms, readOutboundStatuses } from './sms-delivery'
import { reminderEffect, type Completion, type EffectRow, type EffectSend } from './effect'
import { dayAfterPeriodEnd, inQuietHours, planReminders, type PlannedSend, type Person, type RcContact } from './plan'
import {
  DEFAULT_QUIET_HOURS,
  DEFAULT_TEMPLATES,
  parseRules,
  renderTemplate,
  RULES_KEY,
  RULES_NAMESPACE,
  type ReminderRule,
} from './rules'

export const MAX_ATTEMPTS = 3
/** A send still pending after this long was cut off mid-way (a process killed): it becomes a failure, retried. */
export const INTERRUPTED_AFTER_MINUTES = 15
/** The programme's clock (Benin: UTC+1, no summer time). */
export const PROGRAMME_TIME_ZONE = 'Africa/Porto-Novo'

export interface ReminderDeps {
  db: Db
  dhis2: Dhis2Client
  logger: Logger
  now: () => Date
  dataSetCode: string
  timeZone?: string
}

export interface ReminderTickSummary {
  period: string
  day: number
  planned: number
  sent: number
  failed: number
  heldOut: number
  retried: number
  /** Rules refused as stored (one bad rule does not stop the others). */
  problems: string[]
  /** Sent SMS whose status DHIS2 changed since the last tick (e.g. SENT → DELIVERED). */
  deliveryUpdates: number
}

const FRENCH_DAY = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })

/** « 5 décembre 2026 ». */
export function frenchDate(isoDate: string): string {
  return FRENCH_DAY.format(new Date(`${isoDate}T00:00:00Z`))
}

const addDays = (isoDate: string, days: number) =>
  new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)

/** The monthly period that ended before `today` (a local date). */
export function previousMonth(today: string): Period {
  const [y, m] = today.split('-').map(Number) as [number, number]
  const year = m === 1 ? y - 1 : y
  const month = m === 1 ? 12 : m - 1
  return parsePeriod(`${year}${String(month).padStart(2, '0')}`)!
}

/** What a tick knows of the programme's clock: local date, time, the period and its deadline. */
export function tickClock(now: Date, timeZone: string, timelyDays: number) {
  const local = localTimestamp(now, timeZone)
  const today = local.slice(0, 10)
  const time = local.slice(11, 16)
  const period = previousMonth(today)
  const deadline = addDays(period.endDate, timelyDays)
  const daysLeft = Math.round((Date.parse(deadline) - Date.parse(today)) / 86_400_000)
  return { today, time, period, deadline: { date: deadline, text: frenchDate(deadline), daysLeft } }
}

/** Sends one recorded reminder through DHIS2; answers DHIS2's answer. Throws DHIS2's error. */
async function deliver(
  dhis2: Dhis2Client,
  send: { channel: string; subject: string; text: string; recipient: Person },
) {
  if (send.channel === 'message') {
    const answer = await dhis2.postJson('/messageConversations', {
      subject: send.subject,
      text: send.text,
      users: [{ id: send.recipient.id }],
    })
    return { status: answer.status, conversation: answer.location?.split('/').pop() ?? null }
  }
  if (!send.recipient.phone) throw new Error('no phone number in DHIS2 for this user')
  const answer = await dhis2.postJson('/sms/outbound', { message: send.text, recipients: [send.recipient.phone] })
  const body = answer.body as { message?: unknown; status?: unknown } | undefined
  return { status: answer.status, message: typeof body?.message === 'string' ? body.message : null }
}

/** How long a sent SMS's status in DHIS2 is followed, and how many are read again per tick. */
export const DELIVERY_FOLLOWED_DAYS = 7
const DELIVERY_CHECKS_PER_TICK = 500

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error))

export type RemindNowOutcome = 'sent' | 'complete' | 'already-today' | 'unknown-rc' | 'no-user'

/** What the API needs of the reminders (the job is it; the API's tests give a small stand-in). */
export interface ReminderService {
  /** One tick now: what the hourly schedule would do at this hour. */
  tick(): Promise<ReminderTickSummary>
  rules(): Promise<{ rules: ReminderRule[]; problems: string[] }>
  saveRules(rules: readonly ReminderRule[]): Promise<void>
  sends(filter: ReminderSendFilter, page: PageRequest): Promise<Paged<ReminderSend>>
  effect(limit?: number): Promise<EffectRow[]>
  remindNow(
    orgUnit: string,
    channels: readonly ('message' | 'sms')[],
    actor: string,
  ): Promise<{ outcome: RemindNowOutcome; sends: ReminderSend[] }>
}

export class ReminderJob implements ReminderService {
  private readonly repo

  constructor(private readonly deps: ReminderDeps) {
    this.repo = reminderSendsRepository(deps.db)
  }

  private get timeZone() {
    return this.deps.timeZone ?? PROGRAMME_TIME_ZONE
  }

  /** The rules as stored in DHIS2, each checked on its own. */
  async rules(): Promise<{ rules: ReminderRule[]; problems: string[] }> {
    return parseRules(await readRulesDocument(this.deps.dhis2))
  }

  /** Replaces the rules in DHIS2's dataStore (already checked by the caller against ReminderRulesSchema). */
  async saveRules(rules: readonly ReminderRule[]): Promise<void> {
    await this.deps.dhis2.putDataStoreValue(RULES_NAMESPACE, RULES_KEY, { rules })
  }

  /** The send log, newest first. */
  sends(filter: ReminderSendFilter, page: PageRequest): Promise<Paged<ReminderSend>> {
    return this.repo.list(filter, page)
  }

  /**
   * DHIS2's own date and time: the day a reminder is about, and the completion dates it is compared with, are
   * DHIS2's. Our clock when DHIS2 does not say (its time zone is the programme's: tickClock reads it there).
   */
  private async dhis2Now(): Promise<Date> {
    try {
      const info = await this.deps.dhis2.getSystemInfo()
      const date = info.serverDate ? parseLocalTimestamp(info.serverDate, info.serverTimeZoneId) : undefined
      if (date) return date
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'reminders: DHIS2 did not give its date; using ours')
    }
    return this.deps.now()
  }

  async tick(): Promise<ReminderTickSummary> {
    const { dhis2, logger } = this.deps
    const now = await this.dhis2Now()
    const { rules, problems } = await this.rules()
    if (problems.length > 0) logger.warn({ problems }, 'reminder rules refused')
    const early = tickClock(now, this.timeZone, 5)
    const summary: ReminderTickSummary = {
      period: early.period.id,
      day: dayAfterPeriodEnd(early.today),
      planned: 0,
      sent: 0,
      failed: 0,
      heldOut: 0,
      retried: 0,
      problems,
      deliveryUpdates: await this.followDeliveries(),
    }
    const interrupted = await this.repo.failInterrupted(INTERRUPTED_AFTER_MINUTES)
    if (interrupted > 0) logger.warn({ interrupted }, 'reminders left pending by a stopped process: retried')
    // A failure is tried again within the day, outside its rule's quiet hours (« Relancer »: the default ones).
    const quietOf = (ruleId: string) => rules.find((r) => r.id === ruleId)?.quietHours ?? DEFAULT_QUIET_HOURS
    const retryable = (await this.repo.retryable(early.today, MAX_ATTEMPTS)).filter(
      (send) => !inQuietHours(early.time, quietOf(send.ruleId)),
    )
    const due = rules.some((r) => r.enabled && r.days.includes(summary.day))
    if (!due && retryable.length === 0) return summary
    const directory = await readDirectory(dhis2, this.deps.dataSetCode)
    if (!directory) {
      logger.warn({ dataSet: this.deps.dataSetCode }, 'reminders: the data set is not in DHIS2')
      return summary
    }
    const clock = tickClock(now, this.timeZone, directory.timelyDays)
    const complete = new Set(
      (await readCompletions(dhis2, directory.dataSetId, clock.period.id, directory.roots)).map((c) => c.orgUnit),
    )
    if (retryable.length > 0) summary.retried = await this.retry(retryable, directory, complete)
    if (!due) return summary
    const past = await this.repo.ofPeriod(clock.period.id)
    const planned = planReminders({
      rules,
      today: clock.today,
      time: clock.time,
      period: { id: clock.period.id, name: periodName(clock.period, 'fr') },
      deadline: clock.deadline,
      rcs: directory.rcs,
      complete,
      refused: rules.some((r) => r.enabled && r.audience === 'refused' && r.days.includes(summary.day))
        ? await this.refused(clock.period, directory.roots)
        : new Set(),
      past,
    })
    summary.planned = planned.length
    const outcome = await this.record(planned, clock.period.id, clock.today, 'scheduler')
    summary.sent = outcome.sent
    summary.failed = outcome.failed
    summary.heldOut = outcome.heldOut
    logger.info({ ...summary, problems: problems.length }, 'reminders sent')
    return summary
  }

  /**
   * Whether reminders work, for the periods that had some (newest first, at most `limit`): the ledger's sends
   * against the completion dates DHIS2 holds now (effect.ts).
   */
  async effect(limit = 6): Promise<EffectRow[]> {
    const periods = (await this.repo.periods()).slice(0, limit)
    if (periods.length === 0) return []
    const directory = await readDataSetRoots(this.deps.dhis2, this.deps.dataSetCode)
    if (!directory) return []
    const sends: EffectSend[] = []
    const completions: Completion[] = []
    for (const period of periods) {
      for (const s of await this.repo.ofPeriod(period)) sends.push({ ...s, period })
      for (const c of await readCompletions(this.deps.dhis2, directory.dataSetId, period, directory.roots))
        if (c.date) completions.push({ orgUnit: c.orgUnit, period, day: c.date.slice(0, 10) })
    }
    return reminderEffect(sends, completions)
  }

  /**
   * « Relancer » (the dashboard's gap list): one reminder now to one RC, by the given channels, unless the
   * report is complete or the RC had one today.
   */
  async remindNow(
    orgUnit: string,
    channels: readonly ('message' | 'sms')[],
    actor: string,
  ): Promise<{ outcome: RemindNowOutcome; sends: ReminderSend[] }> {
    const contact = await readRcContact(this.deps.dhis2, this.deps.dataSetCode, orgUnit)
    if (!contact) return { outcome: 'unknown-rc', sends: [] }
    const { rc } = contact
    if (rc.users.length === 0) return { outcome: 'no-user', sends: [] }
    const clock = tickClock(await this.dhis2Now(), this.timeZone, contact.timelyDays)
    const completions = await readCompletions(this.deps.dhis2, contact.dataSetId, clock.period.id, [orgUnit])
    if (completions.some((c) => c.orgUnit === orgUnit)) return { outcome: 'complete', sends: [] }
    const past = await this.repo.ofPeriod(clock.period.id)
    if (
      past.some(
        (p) => p.orgUnit === orgUnit && p.day === clock.today && p.kind !== 'summary' && p.kind !== 'escalation',
      )
    )
      return { outcome: 'already-today', sends: [] }
    const template = DEFAULT_TEMPLATES.missing
    const planned: PlannedSend[] = rc.users.flatMap((user) =>
      channels.map((channel) => ({
        ruleId: 'manual',
        kind: 'manual' as const,
        orgUnit,
        zone: rc.zone,
        recipient: user,
        channel,
        template: 'missing:manual',
        subject: `Relais : rapport de ${periodName(clock.period, 'fr')}`,
        text: renderTemplate(template, {
          nom: user.name,
          mois: periodName(clock.period, 'fr'),
          date_limite: clock.deadline.text,
          rc: rc.name,
        }),
      })),
    )
    await this.record(planned, clock.period.id, clock.today, actor)
    const sends = (await this.repo.ofPeriod(clock.period.id)).filter(
      (s) => s.orgUnit === orgUnit && s.day === clock.today && s.kind === 'manual',
    )
    return { outcome: 'sent', sends }
  }

  private async record(planned: readonly PlannedSend[], period: string, day: string, actor: string) {
    const outcome = { sent: 0, failed: 0, heldOut: 0 }
    const rows = (p: PlannedSend) => ({
      ruleId: p.ruleId,
      kind: p.kind,
      period,
      orgUnit: p.orgUnit,
      zone: p.zone,
      recipient: p.recipient.id,
      channel: p.channel,
      day,
      template: p.template,
      subject: p.subject,
      text: p.text,
      actor,
    })
    const held = planned.filter((p) => p.kind === 'holdout')
    outcome.heldOut = (await this.repo.claim(held.map(rows), 'held-out')).length
    const toSend = planned.filter((p) => p.kind !== 'holdout')
    const claimed = await this.repo.claim(toSend.map(rows))
    const byKey = new Map(toSend.map((p) => [`${p.orgUnit}|${p.channel}|${p.recipient.id}|${p.kind}`, p]))
    await forEachLimited(claimed, 4, async (row) => {
      const plan = byKey.get(`${row.orgUnit}|${row.channel}|${row.recipient}|${row.kind}`)
      if (!plan) return
      let answer: unknown
      try {
        answer = await deliver(this.deps.dhis2, plan)
      } catch (error) {
        await this.repo.markFailed(row.id, errorText(error))
        outcome.failed += 1
        return
      }
      await this.repo.markSent(row.id, answer)
      outcome.sent += 1
      if (plan.channel === 'sms') await this.findDelivery(row.id, plan.text, plan.recipient)
    })
    return outcome
  }

  /** Failed sends of today, again, with the same words, unless the report has since been completed. */
  private async retry(
    failed: readonly ReminderSend[],
    directory: ProgrammeDirectory,
    complete: ReadonlySet<string>,
  ): Promise<number> {
    const rcByUnit = new Map<string, RcContact>(directory.rcs.map((r) => [r.orgUnit, r]))
    let retried = 0
    for (const send of failed) {
      const rc = rcByUnit.get(send.orgUnit)
      if (!rc || (complete.has(send.orgUnit) && send.kind !== 'summary')) continue
      // Phone numbers are read again: one corrected in DHIS2 since the failure counts.
      const recipient = [...rc.users, ...rc.supervisors].find((p) => p.id === send.recipient)
      if (!recipient || send.channel === 'none' || !send.text) continue
      if (!(await this.repo.claimRetry(send.id))) continue
      let answer: unknown
      try {
        answer = await deliver(this.deps.dhis2, {
          channel: send.channel,
          subject: send.subject ?? 'Relais',
          text: send.text,
          recipient,
        })
      } catch (error) {
        await this.repo.markFailed(send.id, errorText(error))
        continue
      }
      await this.repo.markSent(send.id, answer)
      retried += 1
      if (send.channel === 'sms') await this.findDelivery(send.id, send.text, recipient)
    }
    return retried
  }

  /**
   * RC with values refused for the period: those whose report in DHIS2 breaks a rule of the report's validation
   * group (DHIS2's validation rule analysis), and those with values the bridge holds in quarantine as invalid
   * (they never reached DHIS2). DHIS2 unreachable or refusing the analysis: the quarantine alone, said in the log.
   */
  private async refused(period: Period, roots: readonly string[]): Promise<Set<string>> {
    const rows = await this.deps.db.query<{ org_unit: string }>(
      `SELECT DISTINCT org_unit FROM records WHERE period = $1 AND status = 'quarantined' AND reason = 'invalid'
         AND org_unit IS NOT NULL`,
      [period.id],
    )
    const refused = new Set(rows.map((r) => r.org_unit))
    try {
      const { orgUnits, truncated } = await readRuleViolations(this.deps.dhis2, period, roots)
      for (const ou of orgUnits) refused.add(ou)
      if (truncated)
        this.deps.logger.warn({ period: period.id }, 'reminders: DHIS2 capped its validation analysis; some RC missed')
    } catch (error) {
      this.deps.logger.warn({ err: error, period: period.id }, 'reminders: DHIS2 did not run its validation analysis')
    }
    return refused
  }

  /** DHIS2's record of an SMS just sent (its uid and status), kept for the send log; a miss is not a failure. */
  private async findDelivery(id: string, text: string | null | undefined, recipient: Person): Promise<void> {
    if (!text || !recipient.phone) return
    try {
      const sms = await findOutboundSms(this.deps.dhis2, text, recipient.phone)
      if (sms) await this.repo.markDelivery(id, sms.id, sms.status)
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'reminders: DHIS2 did not list the SMS just sent')
    }
  }

  /** Reads again, in DHIS2, the status of recent SMS not yet final; answers how many changed. */
  private async followDeliveries(): Promise<number> {
    try {
      const open = await this.repo.openDeliveries(DELIVERY_FOLLOWED_DAYS, DELIVERY_CHECKS_PER_TICK)
      if (open.length === 0) return 0
      const statuses = await readOutboundStatuses(this.deps.dhis2, [...new Set(open.map((o) => o.smsId))])
      let changed = 0
      for (const send of open) {
        // Deleted from DHIS2's outbound list: nothing more will be known.
        const status = statuses.get(send.smsId) ?? 'UNKNOWN'
        await this.repo.markDelivery(send.id, send.smsId, status)
        if (status !== 'SENT') changed += 1
      }
      return changed
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'reminders: SMS statuses not read from DHIS2')
      return 0
    }
  }
}

async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++]!
      await fn(item)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane))
}
