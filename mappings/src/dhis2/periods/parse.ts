/**
 * Reading DHIS2 ISO period ids the way DHIS2 2.38–2.41 does (`PeriodType.getPeriodFromIsoString`:
 * `DateUnitType` patterns + `DateUnitPeriodTypeParser`).
 *
 * DHIS2 is more lenient than its canonical ids, and parsePeriod follows it, returning the canonical id:
 * - weeks and bi-weeks may be zero-padded: the pattern is `(\d{4})W(\d[\d]?)` and the number goes
 *   through Integer.parseInt, so `2024W01` is 2024W1 (and `2024W00` is rejected: week < 1);
 * - `2025-03-12` is read as the day 20250312 and `2025-03` as the month 202503;
 * - `yyyyBiWn` is only checked against Joda's weeksInYear(year) (see weeks.ts), so in a year following a
 *   53-week year `2021BiW27` is accepted and means the bi-week starting 2022-01-03, i.e. 2022BiW1.
 * Use isCanonicalPeriodId to insist on the exact form DHIS2 itself prints.
 * TwoYearly has no ISO format in DHIS2, so no id parses to it.
 */
import { CalendarDate, fromDayNumber, fromMonthIndex, isRealDate, monthIndex } from './calendar'
import { periodAt } from './fixed'
import { Period, PeriodTypeName, WEEKLY_TYPES, WeeklyTypeName } from './types'
import { firstWeekStart, jodaWeeksInYear, weekOf } from './weeks'

type Reader = (year: number, n: number, third: number) => CalendarDate | undefined

/**
 * DHIS2's id patterns, tried in its order; a matching pattern gives the type and the period's first day
 * from the id's numbers (year, then week / month / quarter …). The first pattern that matches decides,
 * as in DHIS2: `202413` is an invalid month, not something else.
 */
const FORMATS: Array<[RegExp, PeriodTypeName, Reader]> = [
  [/^(\d{4})(\d{2})(\d{2})$/, 'Daily', (year, month, day) => validDate(year, month, day)],
  [/^(\d{4})-(\d{2})-(\d{2})$/, 'Daily', (year, month, day) => validDate(year, month, day)],
  ...weeklyFormats(),
  [/^(\d{4})BiW(\d\d?)$/, 'BiWeekly', (year, n) => biWeekStart(year, n)],
  [/^(\d{4})-?(\d{2})$/, 'Monthly', (year, month) => validDate(year, month, 1)],
  [/^(\d{4})(\d{2})B$/, 'BiMonthly', (year, n) => nth(year, n, { count: 6, months: 2, firstMonth: 1 })],
  [/^(\d{4})Q(\d)$/, 'Quarterly', (year, q) => nth(year, q, { count: 4, months: 3, firstMonth: 1 })],
  // QuarterlyNov and SixMonthlyNov years start on November 1st of the year before: 2024NovQ1 = Nov 2023 – Jan 2024.
  [/^(\d{4})NovQ(\d)$/, 'QuarterlyNov', (year, q) => nth(year, q, { count: 4, months: 3, firstMonth: -1 })],
  [/^(\d{4})S(\d)$/, 'SixMonthly', (year, s) => nth(year, s, { count: 2, months: 6, firstMonth: 1 })],
  [/^(\d{4})AprilS(\d)$/, 'SixMonthlyApril', (year, s) => nth(year, s, { count: 2, months: 6, firstMonth: 4 })],
  [/^(\d{4})NovS(\d)$/, 'SixMonthlyNov', (year, s) => nth(year, s, { count: 2, months: 6, firstMonth: -1 })],
  [/^(\d{4})$/, 'Yearly', (year) => ({ year, month: 1, day: 1 })],
  [/^(\d{4})April$/, 'FinancialApril', (year) => ({ year, month: 4, day: 1 })],
  [/^(\d{4})July$/, 'FinancialJuly', (year) => ({ year, month: 7, day: 1 })],
  [/^(\d{4})Oct$/, 'FinancialOct', (year) => ({ year, month: 10, day: 1 })],
  // Unlike April/July/Oct, FinancialNov is named after the year it ends in: 2024Nov = 2023-11-01 … 2024-10-31.
  [/^(\d{4})Nov$/, 'FinancialNov', (year) => ({ year: year - 1, month: 11, day: 1 })],
]

/** The period for a DHIS2 ISO period id, or undefined when DHIS2 would answer "Period not valid". */
export function parsePeriod(id: string): Period | undefined {
  for (const [pattern, type, read] of FORMATS) {
    const match = pattern.exec(id)
    if (!match) continue
    const start = read(Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0))
    return start ? periodAt(type, start) : undefined
  }
  return undefined
}

/** True only for ids in the exact form DHIS2 prints (`2024W1`, not `2024W01` or `2024-03`). */
export function isCanonicalPeriodId(id: string): boolean {
  return parsePeriod(id)?.id === id
}

export function isPeriodOfType(id: string, type: PeriodTypeName): boolean {
  return parsePeriod(id)?.periodType === type
}

function validDate(year: number, month: number, day: number): CalendarDate | undefined {
  return isRealDate(year, month, day) ? { year, month, day } : undefined
}

/**
 * First day of period `n` (1 … count) of a year cut into `months`-long periods, the first one starting
 * in `firstMonth` of that year (−1: November of the year before).
 */
function nth(
  year: number,
  n: number,
  cut: { count: number; months: number; firstMonth: number },
): CalendarDate | undefined {
  if (n < 1 || n > cut.count) return undefined
  return fromMonthIndex(monthIndex(year, cut.firstMonth) + (n - 1) * cut.months)
}

function weeklyFormats(): Array<[RegExp, PeriodTypeName, Reader]> {
  return (Object.keys(WEEKLY_TYPES) as WeeklyTypeName[]).map((type) => [
    new RegExp(`^(\\d{4})${WEEKLY_TYPES[type].infix}(\\d\\d?)$`),
    type,
    (year, week) => weekStart(year, week, WEEKLY_TYPES[type].firstDay),
  ])
}

/**
 * java.time accepts week numbers 1–53 for any year; DHIS2 then rejects the id when the week it got does
 * not belong to the requested year (week 53 of a 52-week year lands in the next year's week 1).
 */
function weekStart(year: number, week: number, firstDay: number): CalendarDate | undefined {
  if (week < 1 || week > 53) return undefined
  const start = firstWeekStart(year, firstDay) + (week - 1) * 7
  return weekOf(start, firstDay).year === year ? fromDayNumber(start) : undefined
}

/** Bi-week n starts on ISO week 2n − 1, checked only against Joda's weeksInYear (see the file comment). */
function biWeekStart(year: number, n: number): CalendarDate | undefined {
  const week = n * 2 - 1
  if (week < 1 || week > jodaWeeksInYear(year)) return undefined
  return fromDayNumber(firstWeekStart(year, 1) + (week - 1) * 7)
}
