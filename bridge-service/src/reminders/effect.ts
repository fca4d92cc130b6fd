/**
 * Whether reminders work (issue 15 §1), the figure no peer shows. Pure.
 *
 * Each day reminders go out, every RC still without a complete report is either reminded or — the rule's
 * `holdoutPercent`, drawn afresh each day — held out. Both groups were incomplete on the same day of the same
 * month, so comparing the share of each that completed within the window (the day itself and the next three)
 * says what the reminder added, per month and zone. An RC counts once per day however many users and channels
 * it was reminded on.
 */
import type { SendKind } from './plan'

export const EFFECT_WINDOW_DAYS = 3

export interface EffectSend {
  orgUnit: string
  zone: string
  period: string
  /** Programme-local date of the send, YYYY-MM-DD. */
  day: string
  kind: SendKind
  status: 'pending' | 'sent' | 'failed' | 'held-out'
}

export interface Completion {
  orgUnit: string
  period: string
  /** Programme-local date DHIS2 registered the completion on, YYYY-MM-DD. */
  day: string
}

export interface GroupFigures {
  /** RC × days in the group. */
  count: number
  /** Of them, completed on the day or within the next EFFECT_WINDOW_DAYS days. */
  completed: number
  /** completed ÷ count, null when the group is empty. */
  share: number | null
}

export interface EffectRow {
  period: string
  /** A zone's org unit id, or null for every zone together. */
  zone: string | null
  reminded: GroupFigures
  heldOut: GroupFigures
  /** Percentage points the reminded group completed more than the held-out one; null without both groups. */
  difference: number | null
}

const DAY_MS = 86_400_000
const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS)

function figures(count: number, completed: number): GroupFigures {
  return { count, completed, share: count === 0 ? null : completed / count }
}

export function reminderEffect(sends: readonly EffectSend[], completions: readonly Completion[]): EffectRow[] {
  const completedOn = new Map<string, string>()
  for (const c of completions) completedOn.set(`${c.period}|${c.orgUnit}`, c.day)
  // One observation per RC, day and group: reminded when any reminder to it was sent that day.
  const observations = new Map<string, { period: string; zone: string; reminded: boolean; done: boolean }>()
  for (const s of sends) {
    const reminded = (s.kind === 'reminder' || s.kind === 'manual') && s.status === 'sent'
    const held = s.kind === 'holdout'
    if (!reminded && !held) continue
    const key = `${s.period}|${s.orgUnit}|${s.day}`
    const day = completedOn.get(`${s.period}|${s.orgUnit}`)
    const done = day !== undefined && daysBetween(s.day, day) >= 0 && daysBetween(s.day, day) <= EFFECT_WINDOW_DAYS
    const known = observations.get(key)
    observations.set(key, { period: s.period, zone: s.zone, reminded: reminded || (known?.reminded ?? false), done })
  }
  const totals = new Map<string, { period: string; zone: string | null; r: [number, number]; h: [number, number] }>()
  const add = (period: string, zone: string | null, reminded: boolean, done: boolean) => {
    const key = `${period}|${zone ?? ''}`
    const t = totals.get(key) ?? { period, zone, r: [0, 0] as [number, number], h: [0, 0] as [number, number] }
    const group = reminded ? t.r : t.h
    group[0] += 1
    if (done) group[1] += 1
    totals.set(key, t)
  }
  for (const o of observations.values()) {
    add(o.period, o.zone, o.reminded, o.done)
    add(o.period, null, o.reminded, o.done)
  }
  return [...totals.values()]
    .map((t) => {
      const reminded = figures(...t.r)
      const heldOut = figures(...t.h)
      const difference =
        reminded.share === null || heldOut.share === null
          ? null
          : Math.round((reminded.share - heldOut.share) * 1000) / 10
      return { period: t.period, zone: t.zone, reminded, heldOut, difference }
    })
    .sort((a, b) => b.period.localeCompare(a.period) || (a.zone ?? '').localeCompare(b.zone ?? ''))
}
