/**
 * Who gets a reminder now, and how (issue 15 §1). Pure: the rules, the RC with their users and supervisors,
 * what DHIS2 holds as complete and what was already sent go in; the sends to make come out. The job
 * (reminder-job.ts) reads, records and sends.
 *
 * The promises kept here: a rule fires only on its days after the period ends and outside its quiet hours; at
 * most one reminder per RC per day whatever the rules; none once the report is complete; after `escalateAfter`
 * reminders the RC's supervisors are told once; a `holdoutPercent` share of RC, drawn afresh each day, is not
 * reminded that day, so that effect.ts can compare like with like.
 */
import { createHash } from 'node:crypto'
import type { Channel, ReminderRule } from './rules'
import { renderTemplate } from './rules'

export interface Person {
  /** DHIS2 user id. */
  id: string
  name: string
  /** The user's phone number in DHIS2, when set: read at each run, never stored by the bridge. */
  phone?: string
}

export interface RcContact {
  orgUnit: string
  /** The RC org unit's name, e.g. « RC Afiavi Houénou (Zè-Centre) ». */
  name: string
  /** The zone sanitaire (level 3) the RC is in: the effect is shown per zone. */
  zone: string
  users: Person[]
  supervisors: Person[]
}

export type SendKind = 'reminder' | 'escalation' | 'summary' | 'manual' | 'holdout'

/** A send already recorded for this period (any status). */
export interface PastSend {
  orgUnit: string
  recipient: string
  kind: SendKind
  channel: Channel | 'none'
  /** Programme-local date, YYYY-MM-DD. */
  day: string
  status: 'pending' | 'sent' | 'failed' | 'held-out'
}

export interface PlannedSend {
  ruleId: string
  kind: SendKind
  /** The RC concerned; for a supervisors' summary, the supervisor's own first org unit. */
  orgUnit: string
  zone: string
  recipient: Person
  channel: Channel | 'none'
  /** The template's audience-and-rule name, recorded with the send. */
  template: string
  subject: string
  text: string
}

export interface PlanInput {
  rules: readonly ReminderRule[]
  /** Programme-local date and time of the tick: YYYY-MM-DD and HH:MM. */
  today: string
  time: string
  /** The period reminded about (the month that ended before `today`), its id and French name. */
  period: { id: string; name: string }
  /** The reporting deadline, in words (« 5 décembre 2026 »), and the number of days left until it. */
  deadline: { text: string; daysLeft: number }
  rcs: readonly RcContact[]
  /** RC org units whose report DHIS2 holds as complete for the period. */
  complete: ReadonlySet<string>
  /** RC org units with values refused (quarantined as invalid) for the period. */
  refused: ReadonlySet<string>
  past: readonly PastSend[]
}

/** Whether HH:MM falls in [from, to), across midnight when `from` is after `to`. */
export function inQuietHours(time: string, quiet: { from: string; to: string }): boolean {
  if (quiet.from === quiet.to) return false
  return quiet.from < quiet.to ? time >= quiet.from && time < quiet.to : time >= quiet.from || time < quiet.to
}

/** The day after the period's end `today` is: 1 on the first of the next month. */
export function dayAfterPeriodEnd(today: string): number {
  return Number(today.slice(8, 10))
}

/** Deterministic per rule, RC and day: the same RC is not always the one left out. */
export function heldOut(ruleId: string, orgUnit: string, day: string, percent: number): boolean {
  if (percent <= 0) return false
  const hash = createHash('sha256').update(`${ruleId}|${orgUnit}|${day}`).digest()
  return hash.readUInt32BE(0) % 10_000 < percent * 100
}

const MAX_NAMES_IN_SUMMARY = 5

export function planReminders(input: PlanInput): PlannedSend[] {
  const { today, time, period, deadline } = input
  const day = dayAfterPeriodEnd(today)
  const planned: PlannedSend[] = []
  // RC already reminded (or held out) today, by any rule or by hand: one a day, whatever the rules say.
  const touchedToday = new Set(input.past.filter((p) => p.day === today && p.kind !== 'summary').map((p) => p.orgUnit))
  const remindersSent = new Map<string, Set<string>>()
  const escalated = new Set<string>()
  const summarised = new Set<string>()
  for (const p of input.past) {
    if (p.kind === 'escalation') escalated.add(p.orgUnit)
    if (p.kind === 'summary' && p.day === today) summarised.add(p.recipient)
    if ((p.kind === 'reminder' || p.kind === 'manual') && p.status === 'sent') {
      const days = remindersSent.get(p.orgUnit) ?? new Set<string>()
      days.add(p.day)
      remindersSent.set(p.orgUnit, days)
    }
  }
  const common = { mois: period.name, date_limite: deadline.text, jours_restants: String(deadline.daysLeft) }
  const subject = `Relais : rapport de ${period.name}`

  for (const rule of input.rules) {
    if (!rule.enabled || !rule.days.includes(day) || inQuietHours(time, rule.quietHours)) continue
    const template = `${rule.audience}:${rule.id}`
    if (rule.audience === 'supervisors') {
      planned.push(...supervisorSummaries(input, rule, template, subject, summarised))
      continue
    }
    for (const rc of input.rcs) {
      if (touchedToday.has(rc.orgUnit)) continue
      if (input.complete.has(rc.orgUnit) && rule.audience === 'missing') continue
      if (rule.audience === 'refused' && !input.refused.has(rc.orgUnit)) continue
      if (rc.users.length === 0) continue
      touchedToday.add(rc.orgUnit)
      const base = { ruleId: rule.id, orgUnit: rc.orgUnit, zone: rc.zone, template, subject }
      const sent = remindersSent.get(rc.orgUnit)?.size ?? 0
      if (rule.escalateAfter !== null && sent >= rule.escalateAfter && !escalated.has(rc.orgUnit)) {
        escalated.add(rc.orgUnit)
        for (const supervisor of rc.supervisors) {
          const text = renderTemplate(
            `Bonjour {nom}, {rc} n'a toujours pas complété son rapport de {mois} après ${sent} rappel${sent > 1 ? 's' : ''}. Date limite : {date_limite}.`,
            { ...common, nom: supervisor.name, rc: rc.name },
          )
          for (const channel of rule.channels)
            planned.push({ ...base, kind: 'escalation', recipient: supervisor, channel, text })
        }
      }
      if (heldOut(rule.id, rc.orgUnit, today, rule.holdoutPercent)) {
        for (const user of rc.users)
          planned.push({ ...base, kind: 'holdout', recipient: user, channel: 'none', text: '' })
        continue
      }
      for (const user of rc.users) {
        const text = renderTemplate(rule.template, { ...common, nom: user.name, rc: rc.name })
        for (const channel of rule.channels) planned.push({ ...base, kind: 'reminder', recipient: user, channel, text })
      }
    }
  }
  return planned
}

/** One message per supervisor naming their RC still missing, not one per RC: a supervisor of 40 RC gets one. */
function supervisorSummaries(
  input: PlanInput,
  rule: ReminderRule,
  template: string,
  subject: string,
  summarised: Set<string>,
): PlannedSend[] {
  const missing = new Map<string, { person: Person; zone: string; orgUnit: string; rcs: string[] }>()
  for (const rc of input.rcs) {
    if (input.complete.has(rc.orgUnit)) continue
    for (const supervisor of rc.supervisors) {
      const entry = missing.get(supervisor.id) ?? { person: supervisor, zone: rc.zone, orgUnit: rc.orgUnit, rcs: [] }
      entry.rcs.push(rc.name)
      missing.set(supervisor.id, entry)
    }
  }
  const planned: PlannedSend[] = []
  for (const { person, zone, orgUnit, rcs } of missing.values()) {
    if (summarised.has(person.id)) continue
    summarised.add(person.id)
    const names = [...rcs].sort((a, b) => a.localeCompare(b, 'fr'))
    const shown = names.slice(0, MAX_NAMES_IN_SUMMARY).join(', ')
    const rest = names.length - MAX_NAMES_IN_SUMMARY
    const rc = rest > 0 ? `${shown} et ${rest} autre${rest > 1 ? 's' : ''}` : shown
    const text = renderTemplate(rule.template, {
      mois: input.period.name,
      date_limite: input.deadline.text,
      jours_restants: String(input.deadline.daysLeft),
      nom: person.name,
      rc,
    })
    for (const channel of rule.channels)
      planned.push({
        ruleId: rule.id,
        kind: 'summary',
        orgUnit,
        zone,
        recipient: person,
        channel,
        template,
        subject,
        text,
      })
  }
  return planned
}
