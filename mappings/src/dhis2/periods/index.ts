/**
 * DHIS2 periods for the Gregorian (ISO 8601) calendar: ids, dates, relative periods and names, as
 * DHIS2 2.38–2.41 computes them. Pure functions on 'YYYY-MM-DD' strings, independent of the time zone.
 */
export { PERIOD_TYPES, frequencyOrder, isPeriodTypeName } from './types'
export type { Period, PeriodTypeName } from './types'
export {
  addPeriods,
  comparePeriods,
  formatPeriodId,
  periodContainsForAggregation,
  periodForDate,
  periodsInRange,
} from './fixed'
export { isCanonicalPeriodId, isPeriodOfType, parsePeriod } from './parse'
export { RELATIVE_PERIODS, isRelativePeriodName, relativePeriods } from './relative'
export type { FinancialYearStart, RelativePeriodName, RelativePeriodOptions } from './relative'
export { periodName, relativePeriodName } from './names'
