/**
 * Fixed DHIS2 periods: the period of a type holding a date, stepping between periods, and their ids —
 * following DHIS2's `*PeriodType.createPeriod`, `getIsoDate` and `getNextPeriod`.
 */
import {
  CalendarDate,
  addDays,
  daysInMonth,
  formatDate,
  fromDayNumber,
  fromMonthIndex,
  monthIndex,
  parseDate,
  toDayNumber,
} from './calendar'
import { Period, PeriodTypeName, WEEKLY_TYPES, frequencyOrder, isWeeklyType } from './types'
import { biWeekOf, biWeekStartOf, weekOf } from './weeks'

/**
 * Types made of whole months. Periods start on months congruent to `anchor` (0-based month index of
 * year 0) modulo `months`: Quarterly starts in January, April, July, October; QuarterlyNov in November,
 * February, May, August; TwoYearly on January 1st of even years.
 */
const MONTH_TYPES: Partial<Record<PeriodTypeName, { months: number; anchor: number }>> = {
  Monthly: { months: 1, anchor: 0 },
  BiMonthly: { months: 2, anchor: 0 },
  Quarterly: { months: 3, anchor: 0 },
  QuarterlyNov: { months: 3, anchor: 10 },
  SixMonthly: { months: 6, anchor: 0 },
  SixMonthlyApril: { months: 6, anchor: 3 },
  SixMonthlyNov: { months: 6, anchor: 10 },
  Yearly: { months: 12, anchor: 0 },
  TwoYearly: { months: 24, anchor: 0 },
  FinancialApril: { months: 12, anchor: 3 },
  FinancialJuly: { months: 12, anchor: 6 },
  FinancialOct: { months: 12, anchor: 9 },
  FinancialNov: { months: 12, anchor: 10 },
}

/** The period of `type` containing `date` ('YYYY-MM-DD'). */
export function periodForDate(type: PeriodTypeName, date: string): Period {
  return periodAt(type, parseDate(date))
}

export function periodAt(type: PeriodTypeName, date: CalendarDate): Period {
  const months = MONTH_TYPES[type]
  if (months) {
    const index = monthIndex(date.year, date.month)
    const startIndex = index - mod(index - months.anchor, months.months)
    return monthPeriod(type, startIndex, months.months)
  }
  const day = toDayNumber(date)
  if (type === 'Daily') return dayPeriod(type, day, day)
  if (type === 'BiWeekly') return dayPeriod(type, biWeekStartOf(day), biWeekStartOf(day) + 13)
  if (isWeeklyType(type)) {
    const start = weekOf(day, WEEKLY_TYPES[type].firstDay).start
    return dayPeriod(type, start, start + 6)
  }
  throw new RangeError(`Unknown period type: ${String(type)}`)
}

/**
 * The period `n` periods after (n < 0: before) the given one. Like DHIS2's getNextPeriod it moves the
 * start date by one period length at a time (days, weeks or months) and takes the period holding the
 * result, which is not always reversible for BiWeekly around ISO week 53: 2020BiW27 + 1 = 2021BiW1 but
 * 2021BiW1 − 1 = 2020BiW26, because the bi-week of week 53 overlaps the next year's first bi-week.
 */
export function addPeriods(period: Period, n: number): Period {
  if (!Number.isInteger(n)) throw new RangeError(`addPeriods needs a whole number, got ${n}`)
  let current = period
  for (let i = 0; i < Math.abs(n); i++) current = step(current, Math.sign(n))
  return current
}

function step(period: Period, direction: number): Period {
  const type = period.periodType
  const start = parseDate(period.startDate)
  const months = MONTH_TYPES[type]
  if (months) return monthPeriod(type, monthIndex(start.year, start.month) + direction * months.months, months.months)
  const days = type === 'Daily' ? 1 : type === 'BiWeekly' ? 14 : 7
  return periodAt(type, addDays(start, direction * days))
}

/** The periods of `type` whose start date lies within [startDate, endDate] (both inclusive), in order. */
export function periodsInRange(type: PeriodTypeName, startDate: string, endDate: string): Period[] {
  const last = formatDate(parseDate(endDate)) // validates endDate; ISO dates then compare as strings
  const periods: Period[] = []
  let period = periodForDate(type, startDate)
  if (period.startDate < startDate) period = addPeriods(period, 1)
  while (period.startDate <= last) {
    periods.push(period)
    period = addPeriods(period, 1)
  }
  return periods
}

/** The canonical id of the period of `type` containing `date` (e.g. Weekly, 2025-02-12 → `2025W7`). */
export function formatPeriodId(type: PeriodTypeName, date: string): string {
  return periodForDate(type, date).id
}

/** Orders periods by start date, then end date (shorter first), then id: a stable chronological order. */
export function comparePeriods(a: Period, b: Period): number {
  return compare(a.startDate, b.startDate) || compare(a.endDate, b.endDate) || compare(a.id, b.id)
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/**
 * Whether analytics counts data of `inner` inside `outer` (DHIS2 `PeriodType.getPeriodTypePeriods` and
 * `IdentifiableObjectUtils.getPeriodByPeriodType`). Only finer types roll up into coarser ones, each inner
 * period wholly into the one outer period holding its start date — for weekly types the start + 3 days
 * (the Thursday of a Monday week), so a week is never split between months. Same type: only itself.
 * Equal frequency but different types (Weekly/WeeklySunday, Quarterly/QuarterlyNov, Yearly/FinancialOct)
 * and coarser inner periods never match: DHIS2 leaves those period columns empty.
 */
export function periodContainsForAggregation(outer: Period, inner: Period): boolean {
  if (inner.periodType === outer.periodType) return inner.startDate === outer.startDate
  if (frequencyOrder(inner.periodType) >= frequencyOrder(outer.periodType)) return false
  const anchor = isWeeklyType(inner.periodType) ? addDays(parseDate(inner.startDate), 3) : parseDate(inner.startDate)
  // Take the outer type's period of that day rather than testing outer's date range: overlapping BiWeekly
  // periods (week 53) must go to the one DHIS2 creates for the day.
  return periodAt(outer.periodType, anchor).startDate === outer.startDate
}

function dayPeriod(type: PeriodTypeName, startDay: number, endDay: number): Period {
  const start = fromDayNumber(startDay)
  return {
    id: dayPeriodId(type, start, startDay),
    periodType: type,
    startDate: formatDate(start),
    endDate: formatDate(fromDayNumber(endDay)),
  }
}

function dayPeriodId(type: PeriodTypeName, start: CalendarDate, startDay: number): string {
  if (type === 'Daily') return formatDate(start).replace(/-/g, '')
  if (type === 'BiWeekly') {
    const { year, biWeek } = biWeekOf(startDay)
    return `${year}BiW${biWeek}`
  }
  const weekly = WEEKLY_TYPES[type as keyof typeof WEEKLY_TYPES]
  const { year, week } = weekOf(startDay, weekly.firstDay)
  return `${year}${weekly.infix}${week}`
}

function monthPeriod(type: PeriodTypeName, startIndex: number, months: number): Period {
  const start = fromMonthIndex(startIndex)
  const last = fromMonthIndex(startIndex + months - 1)
  return {
    id: monthPeriodId(type, start),
    periodType: type,
    startDate: formatDate(start),
    endDate: formatDate({ ...last, day: daysInMonth(last.year, last.month) }),
  }
}

/** Ids by start month, as DHIS2's getIsoDate prints them. Nov-based types are named after their end year. */
function monthPeriodId(type: PeriodTypeName, { year, month }: CalendarDate): string {
  const yyyy = String(year).padStart(4, '0')
  const next = String(year + 1).padStart(4, '0')
  const mm = String(month).padStart(2, '0')
  switch (type) {
    case 'Monthly':
      return `${yyyy}${mm}`
    case 'BiMonthly':
      return `${yyyy}${String((month + 1) / 2).padStart(2, '0')}B`
    case 'Quarterly':
      return `${yyyy}Q${(month + 2) / 3}`
    case 'QuarterlyNov':
      return month === 11 ? `${next}NovQ1` : `${yyyy}NovQ${(month + 4) / 3}`
    case 'SixMonthly':
      return `${yyyy}S${month === 1 ? 1 : 2}`
    case 'SixMonthlyApril':
      return `${yyyy}AprilS${month === 4 ? 1 : 2}`
    case 'SixMonthlyNov':
      return month === 11 ? `${next}NovS1` : `${yyyy}NovS2`
    case 'Yearly':
      return yyyy
    case 'TwoYearly':
      return `${yyyy}TwoYearly`
    case 'FinancialApril':
      return `${yyyy}April`
    case 'FinancialJuly':
      return `${yyyy}July`
    case 'FinancialOct':
      return `${yyyy}Oct`
    case 'FinancialNov':
      // FinancialNovemberPeriodType.getIsoDate: the year it ends in (2024Nov = 2023-11-01 … 2024-10-31).
      return `${next}Nov`
    default:
      throw new RangeError(`Not a month-based period type: ${type}`)
  }
}

const mod = (a: number, b: number) => ((a % b) + b) % b
