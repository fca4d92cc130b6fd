/**
 * DHIS2 relative periods (`RelativePeriodEnum`) expanded to fixed periods as analytics does
 * (`RelativePeriods.getRelativePeriods` with the period types' generatePeriods / generateRollingPeriods,
 * DHIS2 2.40–2.41). `date` plays the part of `relativePeriodDate` (or the server's today).
 */
import { CalendarDate, addDays, addMonths, fromDayNumber, parseDate, toDayNumber } from './calendar'
import { addPeriods, periodAt } from './fixed'
import { Period, PeriodTypeName } from './types'
import { biWeekStartOf, firstWeekStart, weeksInWeekYear } from './weeks'

/** Every relative period name, in the order of the analytics reference (§1.4). */
export const RELATIVE_PERIODS = [
  'TODAY',
  'YESTERDAY',
  'LAST_3_DAYS',
  'LAST_7_DAYS',
  'LAST_14_DAYS',
  'LAST_30_DAYS',
  'LAST_60_DAYS',
  'LAST_90_DAYS',
  'LAST_180_DAYS',
  'THIS_WEEK',
  'LAST_WEEK',
  'THIS_BIWEEK',
  'LAST_BIWEEK',
  'LAST_4_WEEKS',
  'LAST_4_BIWEEKS',
  'LAST_12_WEEKS',
  'LAST_52_WEEKS',
  'WEEKS_THIS_YEAR',
  'THIS_MONTH',
  'LAST_MONTH',
  'THIS_BIMONTH',
  'LAST_BIMONTH',
  'LAST_3_MONTHS',
  'LAST_6_MONTHS',
  'LAST_12_MONTHS',
  'LAST_6_BIMONTHS',
  'MONTHS_THIS_YEAR',
  'BIMONTHS_THIS_YEAR',
  'MONTHS_LAST_YEAR',
  'THIS_QUARTER',
  'LAST_QUARTER',
  'LAST_4_QUARTERS',
  'QUARTERS_THIS_YEAR',
  'QUARTERS_LAST_YEAR',
  'THIS_SIX_MONTH',
  'LAST_SIX_MONTH',
  'LAST_2_SIXMONTHS',
  'THIS_YEAR',
  'LAST_YEAR',
  'LAST_5_YEARS',
  'LAST_10_YEARS',
  'THIS_FINANCIAL_YEAR',
  'LAST_FINANCIAL_YEAR',
  'LAST_5_FINANCIAL_YEARS',
  'LAST_10_FINANCIAL_YEARS',
] as const

export type RelativePeriodName = (typeof RELATIVE_PERIODS)[number]

/** System setting `analyticsFinancialYearStart` (DHIS2 2.41 offers APRIL, JULY, OCTOBER; default OCTOBER). */
export type FinancialYearStart = 'APRIL' | 'JULY' | 'OCTOBER' | 'NOVEMBER'

export interface RelativePeriodOptions {
  financialYearStart?: FinancialYearStart
  /** The server's today ('YYYY-MM-DD') for financial years; defaults to `date`. */
  now?: string
}

const FINANCIAL_TYPES: Record<FinancialYearStart, PeriodTypeName> = {
  APRIL: 'FinancialApril',
  JULY: 'FinancialJuly',
  OCTOBER: 'FinancialOct',
  NOVEMBER: 'FinancialNov',
}

interface Context {
  date: CalendarDate
  /** The same date one year earlier: DHIS2 rewinds 12 months for every "last year" period. */
  yearAgo: CalendarDate
  now: CalendarDate
  financial: PeriodTypeName
}

export function isRelativePeriodName(name: string): name is RelativePeriodName {
  return (RELATIVE_PERIODS as readonly string[]).includes(name)
}

/**
 * The fixed periods a relative period stands for on `date`, in DHIS2's order; undefined for an unknown
 * name (DHIS2 2.41.1+ answers E7611). Financial years ignore `date`: DHIS2 computes them from the
 * server's clock even when a relativePeriodDate is given, so they use `options.now` (default `date`).
 */
export function relativePeriods(name: string, date: string, options: RelativePeriodOptions = {}): Period[] | undefined {
  if (!isRelativePeriodName(name)) return undefined
  const day = parseDate(date)
  const context: Context = {
    date: day,
    yearAgo: addMonths(day, -12),
    now: parseDate(options.now ?? date),
    financial: FINANCIAL_TYPES[options.financialYearStart ?? 'OCTOBER'],
  }
  return EXPANSIONS[name](context)
}

const EXPANSIONS: Record<RelativePeriodName, (c: Context) => Period[]> = {
  TODAY: (c) => [periodAt('Daily', c.date)],
  YESTERDAY: (c) => [periodAt('Daily', addDays(c.date, -1))],
  // Rolling days always end yesterday: DHIS2 takes the last n of the 365 days ending D − 1.
  LAST_3_DAYS: (c) => lastN('Daily', addDays(c.date, -1), 3),
  LAST_7_DAYS: (c) => lastN('Daily', addDays(c.date, -1), 7),
  LAST_14_DAYS: (c) => lastN('Daily', addDays(c.date, -1), 14),
  LAST_30_DAYS: (c) => lastN('Daily', addDays(c.date, -1), 30),
  LAST_60_DAYS: (c) => lastN('Daily', addDays(c.date, -1), 60),
  LAST_90_DAYS: (c) => lastN('Daily', addDays(c.date, -1), 90),
  LAST_180_DAYS: (c) => lastN('Daily', addDays(c.date, -1), 180),
  // Relative weeks are always Monday weeks, whatever weekly type a data set uses.
  THIS_WEEK: (c) => [periodAt('Weekly', c.date)],
  LAST_WEEK: (c) => [periodAt('Weekly', addDays(c.date, -7))],
  THIS_BIWEEK: (c) => [periodAt('BiWeekly', c.date)],
  LAST_BIWEEK: (c) => [periodAt('BiWeekly', addDays(c.date, -14))],
  LAST_4_WEEKS: (c) => lastN('Weekly', addDays(c.date, -7), 4),
  LAST_4_BIWEEKS: (c) => rollingBiWeeks(addDays(c.date, -14)).slice(-4),
  LAST_12_WEEKS: (c) => lastN('Weekly', addDays(c.date, -7), 12),
  LAST_52_WEEKS: (c) => lastN('Weekly', addDays(c.date, -7), 52),
  WEEKS_THIS_YEAR: (c) => weeksOfYear(c.date.year),
  THIS_MONTH: (c) => [periodAt('Monthly', c.date)],
  LAST_MONTH: (c) => [periodAt('Monthly', addMonths(c.date, -1))],
  THIS_BIMONTH: (c) => [periodAt('BiMonthly', c.date)],
  LAST_BIMONTH: (c) => [periodAt('BiMonthly', addMonths(c.date, -2))],
  LAST_3_MONTHS: (c) => lastN('Monthly', addMonths(c.date, -1), 3),
  LAST_6_MONTHS: (c) => lastN('Monthly', addMonths(c.date, -1), 6),
  LAST_12_MONTHS: (c) => lastN('Monthly', addMonths(c.date, -1), 12),
  LAST_6_BIMONTHS: (c) => rollingBiMonths(addMonths(c.date, -2)),
  MONTHS_THIS_YEAR: (c) => periodsOfYear('Monthly', c.date.year, 12),
  BIMONTHS_THIS_YEAR: (c) => periodsOfYear('BiMonthly', c.date.year, 6),
  MONTHS_LAST_YEAR: (c) => periodsOfYear('Monthly', c.yearAgo.year, 12),
  THIS_QUARTER: (c) => [periodAt('Quarterly', c.date)],
  LAST_QUARTER: (c) => [periodAt('Quarterly', addMonths(c.date, -3))],
  LAST_4_QUARTERS: (c) => lastN('Quarterly', addMonths(c.date, -3), 4),
  QUARTERS_THIS_YEAR: (c) => periodsOfYear('Quarterly', c.date.year, 4),
  QUARTERS_LAST_YEAR: (c) => periodsOfYear('Quarterly', c.yearAgo.year, 4),
  THIS_SIX_MONTH: (c) => [periodAt('SixMonthly', c.date)],
  LAST_SIX_MONTH: (c) => [periodAt('SixMonthly', addMonths(c.date, -6))],
  LAST_2_SIXMONTHS: (c) => lastN('SixMonthly', addMonths(c.date, -6), 2),
  THIS_YEAR: (c) => [periodAt('Yearly', c.date)],
  LAST_YEAR: (c) => [periodAt('Yearly', c.yearAgo)],
  // "Last n years" never include the current year: they end with the year of D − 12 months.
  LAST_5_YEARS: (c) => lastN('Yearly', c.yearAgo, 5),
  LAST_10_YEARS: (c) => lastN('Yearly', c.yearAgo, 10),
  THIS_FINANCIAL_YEAR: (c) => [periodAt(c.financial, c.now)],
  LAST_FINANCIAL_YEAR: (c) => [periodAt(c.financial, addMonths(c.now, -12))],
  LAST_5_FINANCIAL_YEARS: (c) => lastN(c.financial, addMonths(c.now, -12), 5),
  LAST_10_FINANCIAL_YEARS: (c) => lastN(c.financial, addMonths(c.now, -12), 10),
}

/** The n consecutive periods ending with the one holding `date`, oldest first. */
function lastN(type: PeriodTypeName, date: CalendarDate, n: number): Period[] {
  const last = periodAt(type, date)
  return Array.from({ length: n }, (_, i) => addPeriods(last, i - n + 1))
}

/** The periods of a calendar year, starting with the one that starts on January 1st. */
function periodsOfYear(type: PeriodTypeName, year: number, count: number): Period[] {
  return lastN(type, { year, month: 12, day: 31 }, count)
}

/**
 * WeeklyPeriodType.generatePeriods: the weeks numbered 1 … 52/53 of D's calendar year (not of D's week
 * year), so on 2025-12-30, which lies in 2026W1, WEEKS_THIS_YEAR is still 2025W1 … 2025W52.
 */
function weeksOfYear(year: number): Period[] {
  const first = firstWeekStart(year, 1)
  return Array.from({ length: weeksInWeekYear(year, 1) }, (_, i) => periodAt('Weekly', fromDayNumber(first + 7 * i)))
}

/**
 * BiWeeklyPeriodType.generateRollingPeriods: from the bi-week of `date` go back 350 days, then take the
 * bi-week of every 14th day. Around ISO week 53 this can differ from stepping bi-week by bi-week.
 */
function rollingBiWeeks(date: CalendarDate): Period[] {
  const first = biWeekStartOf(toDayNumber(date)) - 350
  return Array.from({ length: 26 }, (_, i) => periodAt('BiWeekly', fromDayNumber(first + 14 * i)))
}

/**
 * BiMonthlyPeriodType.generateRollingPeriods goes back `month % 2 + 10` months and takes 6 bi-months.
 * That is right for even months, but from an odd month (the first month of its bi-month) it lands one
 * bi-month too early, so the list ends with the bi-month *before* that of the date: LAST_6_BIMONTHS on
 * 2025-03-12 (D − 2 months = January) is 202401B … 202406B, not 202402B … 202501B. DHIS2 2.38–2.41 (and its
 * main branch in 2026) do this; Relais reproduces it so that its numbers match DHIS2's.
 */
function rollingBiMonths(date: CalendarDate): Period[] {
  const first = addMonths({ ...date, day: 1 }, -((date.month % 2) + 10))
  return Array.from({ length: 6 }, (_, i) => periodAt('BiMonthly', addMonths(first, 2 * i)))
}
