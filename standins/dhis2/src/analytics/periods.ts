/**
 * Period helpers of the analytics engine on top of the shared period module (@relais/mappings): a
 * parse cache, days in a period, and the period facts indicator expressions use — `[periodInYear]`,
 * `[yearlyPeriodCount]` (DHIS2 `ItemPeriodInYear`, `ItemYearlyPeriodCount`) and the periods summed by
 * `.yearToDate()` (`PeriodOffsetUtils.yearToDatePeriods`).
 */
import { addPeriods, frequencyOrder, parsePeriod, periodForDate, type Period } from '@relais/mappings'

const DAY_MS = 86400000

/** Days since 1970-01-01 of a 'YYYY-MM-DD' date. */
export function dayNumber(date: string): number {
  return Math.round(
    Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS,
  )
}

export function daysIn(period: Pick<Period, 'startDate' | 'endDate'>): number {
  return dayNumber(period.endDate) - dayNumber(period.startDate) + 1
}

const parsed = new Map<string, Period | null>()

/** parsePeriod with a cache: the table build parses the same few period ids millions of times. */
export function periodOf(id: string): Period | undefined {
  let hit = parsed.get(id)
  if (hit === undefined) {
    hit = parsePeriod(id) ?? null
    if (parsed.size > 100000) parsed.clear()
    parsed.set(id, hit)
  }
  return hit ?? undefined
}

const YEARLY = frequencyOrder('Yearly')

const isWeekly = (p: Period) => p.periodType.startsWith('Weekly')

/** `[periodInYear]`: day of year, month or bi-month number, 1 for yearly types, else the id's trailing digits. */
export function periodInYear(period: Period): number {
  const type = period.periodType
  if (type === 'Daily') return dayNumber(period.startDate) - dayNumber(`${period.startDate.slice(0, 4)}-01-01`) + 1
  if (type === 'Monthly' || type === 'BiMonthly') return Number(period.id.slice(4, 6))
  if (frequencyOrder(type) >= YEARLY) return 1
  const m = /\d+$/.exec(period.id)
  return m ? Number(m[0]) : 0
}

/** `[yearlyPeriodCount]`: 52/53 weeks, 26/27 bi-weeks, periods of the year for finer calendar types, else 1. */
export function yearlyPeriodCount(period: Period): number {
  const type = period.periodType
  if (isWeekly(period) || type === 'BiWeekly') {
    const count = type === 'BiWeekly' ? 26 : 52
    const test = parsePeriod(period.id.replace(/\d+$/, String(count)))
    if (test && test.endDate.slice(5, 7) === '12' && Number(test.endDate.slice(8, 10)) < 28) return count + 1
    return count
  }
  if (frequencyOrder(type) >= YEARLY) return 1
  // generatePeriods(period): the periods of the calendar year the period starts in.
  const year = period.startDate.slice(0, 4)
  let p = periodForDate(type, `${year}-01-01`)
  let n = 0
  while (p.startDate.slice(0, 4) === year || n === 0) {
    if (p.startDate.slice(0, 4) === year) n++
    p = addPeriods(p, 1)
    if (n > 400) break
  }
  return n
}

/** The analytics "reporting year": weeks starting on or after December 29 belong to the next year. */
function reportingYear(period: Period): number {
  const year = Number(period.startDate.slice(0, 4))
  if ((isWeekly(period) || period.periodType === 'BiWeekly') && period.startDate.slice(5) >= '12-29') return year + 1
  return year
}

/** The periods `.yearToDate()` adds up for a period: itself and its predecessors of the same reporting year. */
export function yearToDatePeriods(period: Period): Period[] {
  const year = reportingYear(period)
  const out: Period[] = []
  let p = period
  do {
    out.push(p)
    p = addPeriods(p, -1)
  } while (reportingYear(p) === year && out.length < 400)
  return out
}
