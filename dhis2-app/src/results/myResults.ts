// « Mes résultats » (issue 14 §3): what an RC needs to know of their own work, from their own reports — the
// report due now and its deadlines, their last six months (completed? on time?), and how far they are towards
// their yearly targets. Pure: DHIS2's registrations and values in, figures out. The rules are the programme's
// (community-program.md) and DHIS2's: on time up to `timelyDays` after the month, entry closed after `expiryDays`.
import { addPeriods, periodForDate, type Period } from '../shared/mappings'
import { addDays } from '../shared/serverTime'
import { isOnTime } from '../shared/timeliness'

export interface Registration {
  period: string
  /** Server local time 'YYYY-MM-DDTHH:mm:ss.SSS': the first completion, kept by the app. */
  date: string
  completed: boolean
}

export interface ValueRow {
  dataElement: string
  period: string
  value: string
}

/**
 * The data elements the page reads, by role (their ids in this DHIS2); undefined when this DHIS2 does not have
 * it: the indicator is then left out, rather than shown as 0 done.
 */
export interface ResultElements {
  sens?: string
  vad?: string
  tdr?: string
  targetSens?: string
  targetVad?: string
  targetTdr?: string
}

export type MonthState = 'on-time' | 'late' | 'missing' | 'open'

export interface MonthResult {
  period: Period
  state: MonthState
  /** 'YYYY-MM-DD' of the completion. */
  completedOn?: string
}

export interface DueReport extends MonthResult {
  /** Last day a completion counts on time ('YYYY-MM-DD'). */
  onTimeUntil: string
  /** Last day DHIS2 takes entries for the month. */
  closesOn: string
  /** Days from today to the deadline that matters now: on time, else closing; 0 on the day itself. */
  daysLeft: number
}

export type TargetKey = 'sens' | 'vad' | 'tdr'

export interface Achievement {
  key: TargetKey
  /** Done since January, up to the month due. */
  done: number
  /** The yearly target, when one was entered. */
  target?: number
  /** Expected by now: the target × months elapsed / 12. */
  expected?: number
  /** done / expected × 100, not capped (an RC ahead of their target reads it). */
  percent?: number
}

export interface MyResults {
  due: DueReport
  /** The last six months, oldest first, ending with the month due. */
  months: MonthResult[]
  /** Over the months decided (not the one still open): completed, and completed on time, in %. */
  completeness?: number
  timeliness?: number
  achievements: Achievement[]
}

export const MONTHS_SHOWN = 6

/** Whole days from one 'YYYY-MM-DD' to another. */
const days = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000

/** The month whose report is due on `today`: the one before today's month. */
export const duePeriod = (today: string): Period => addPeriods(periodForDate('Monthly', today), -1)

/** The months shown, oldest first, ending with the one due. */
export const shownPeriods = (today: string): Period[] =>
  Array.from({ length: MONTHS_SHOWN }, (_, i) => addPeriods(duePeriod(today), i - MONTHS_SHOWN + 1))

/** The periods whose values the targets need: January up to the month due, and the year (the targets). */
export function targetPeriods(today: string): string[] {
  const due = duePeriod(today)
  const year = due.id.slice(0, 4)
  const months = Array.from({ length: Number(due.id.slice(4)) }, (_, i) => `${year}${String(i + 1).padStart(2, '0')}`)
  return [...months, year]
}

function monthOf(period: Period, registration: Registration | undefined, today: string, timelyDays: number) {
  const onTimeUntil = addDays(period.endDate, timelyDays)
  if (registration?.completed) {
    const onTime = isOnTime(period.endDate, timelyDays, registration.date)
    return { period, state: onTime ? 'on-time' : 'late', completedOn: registration.date.slice(0, 10) } as const
  }
  return { period, state: today <= onTimeUntil ? 'open' : 'missing' } as const
}

export function myResults(args: {
  today: string
  timelyDays: number
  expiryDays: number
  registrations: readonly Registration[]
  values: readonly ValueRow[]
  elements: ResultElements
}): MyResults {
  const { today, timelyDays, expiryDays, elements } = args
  const byPeriod = new Map(args.registrations.map((r) => [r.period, r]))
  const months = shownPeriods(today).map((p) => monthOf(p, byPeriod.get(p.id), today, timelyDays))
  const dueMonth = months.at(-1)!
  const onTimeUntil = addDays(dueMonth.period.endDate, timelyDays)
  const closesOn = addDays(dueMonth.period.endDate, expiryDays)
  const due: DueReport = {
    ...dueMonth,
    onTimeUntil,
    closesOn,
    daysLeft: Math.max(0, days(today, today <= onTimeUntil ? onTimeUntil : closesOn)),
  }
  const decided = months.filter((m) => m.state !== 'open')
  const share = (n: number) => (decided.length === 0 ? undefined : (n * 100) / decided.length)

  const year = dueMonth.period.id.slice(0, 4)
  const elapsed = Number(dueMonth.period.id.slice(4))
  const sum = (dataElement: string) =>
    args.values
      .filter((v) => v.dataElement === dataElement && v.period.length === 6 && v.period.startsWith(year))
      .filter((v) => v.period <= dueMonth.period.id)
      .reduce((total, v) => total + (Number(v.value) || 0), 0)
  const targetOf = (dataElement: string) => {
    const found = args.values.find((v) => v.dataElement === dataElement && v.period === year)
    const n = found ? Number(found.value) : NaN
    return Number.isFinite(n) && n > 0 ? n : undefined
  }
  const achievement = (key: TargetKey, done: string | undefined, target: string | undefined): Achievement[] => {
    if (done === undefined) return []
    const yearly = target === undefined ? undefined : targetOf(target)
    const doneSoFar = sum(done)
    if (yearly === undefined) return [{ key, done: doneSoFar }]
    const expected = (yearly * elapsed) / 12
    return [{ key, done: doneSoFar, target: yearly, expected, percent: (doneSoFar * 100) / expected }]
  }
  return {
    due,
    months,
    completeness: share(decided.filter((m) => m.state !== 'missing').length),
    timeliness: share(decided.filter((m) => m.state === 'on-time').length),
    achievements: [
      ...achievement('sens', elements.sens, elements.targetSens),
      ...achievement('vad', elements.vad, elements.targetVad),
      ...achievement('tdr', elements.tdr, elements.targetTdr),
    ],
  }
}
