/**
 * DHIS2 period types (PeriodTypeEnum of DHIS2 2.38–2.41, Gregorian/ISO calendar) and the Period value.
 */

/** Every DHIS2 period type name, in DHIS2's PeriodTypeEnum order (finest first). */
export const PERIOD_TYPES = [
  'Daily',
  'Weekly',
  'WeeklyWednesday',
  'WeeklyThursday',
  'WeeklySaturday',
  'WeeklySunday',
  'BiWeekly',
  'Monthly',
  'BiMonthly',
  'Quarterly',
  'QuarterlyNov',
  'SixMonthly',
  'SixMonthlyApril',
  'SixMonthlyNov',
  'Yearly',
  'TwoYearly',
  'FinancialApril',
  'FinancialJuly',
  'FinancialOct',
  'FinancialNov',
] as const

export type PeriodTypeName = (typeof PERIOD_TYPES)[number]

/**
 * One DHIS2 period. Dates are calendar dates 'YYYY-MM-DD'; `endDate` is the last day, inclusive.
 * `id` is the canonical ISO id DHIS2 prints (`2025W7`, `202503`, `2024Oct` …). TwoYearly has no ISO
 * format in DHIS2 (its PeriodType returns null), so its id is Relais' own `2024TwoYearly`, which DHIS2
 * will not accept and parsePeriod rejects.
 */
export interface Period {
  id: string
  periodType: PeriodTypeName
  startDate: string
  endDate: string
}

export type WeeklyTypeName = 'Weekly' | 'WeeklyWednesday' | 'WeeklyThursday' | 'WeeklySaturday' | 'WeeklySunday'

/** First day of each weekly type, 1 = Monday … 7 = Sunday (DHIS2's MAP_WEEK_TYPE) and its id infix. */
export const WEEKLY_TYPES: Record<WeeklyTypeName, { firstDay: number; infix: string }> = {
  Weekly: { firstDay: 1, infix: 'W' },
  WeeklyWednesday: { firstDay: 3, infix: 'WedW' },
  WeeklyThursday: { firstDay: 4, infix: 'ThuW' },
  WeeklySaturday: { firstDay: 6, infix: 'SatW' },
  WeeklySunday: { firstDay: 7, infix: 'SunW' },
}

export function isWeeklyType(type: PeriodTypeName): type is WeeklyTypeName {
  return type in WEEKLY_TYPES
}

export function isPeriodTypeName(name: string): name is PeriodTypeName {
  return (PERIOD_TYPES as readonly string[]).includes(name)
}

/**
 * Approximate length in days that DHIS2 calls the frequency order (`PeriodType.getFrequencyOrder`). It
 * ranks types (finer → coarser) and sizes expected reports: floor(order(query) / order(data set)).
 */
const FREQUENCY_ORDER: Record<PeriodTypeName, number> = {
  Daily: 1,
  Weekly: 7,
  WeeklyWednesday: 7,
  WeeklyThursday: 7,
  WeeklySaturday: 7,
  WeeklySunday: 7,
  BiWeekly: 14,
  Monthly: 30,
  BiMonthly: 61,
  Quarterly: 91,
  QuarterlyNov: 91,
  SixMonthly: 182,
  SixMonthlyApril: 182,
  SixMonthlyNov: 182,
  Yearly: 365,
  TwoYearly: 730,
  FinancialApril: 365,
  FinancialJuly: 365,
  FinancialOct: 365,
  FinancialNov: 365,
}

export function frequencyOrder(type: PeriodTypeName): number {
  return FREQUENCY_ORDER[type]
}
