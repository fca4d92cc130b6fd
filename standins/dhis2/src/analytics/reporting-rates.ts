/**
 * Reporting rates (analytics §4.2, `DataHandler.addReportingRates`, `ReportRatesHelper`):
 * EXPECTED = assigned org units of the cell open for the whole (first) period × floor(frequency order
 * of the query period type / of the data set's) × number of filter periods (daily data sets: × days);
 * ACTUAL / ACTUAL_ON_TIME = completed registrations whose period rolls up into the cell's;
 * REPORTING_RATE(_ON_TIME) = min(actual × 100 / expected, 100), 0 when nothing is expected. A cell with
 * at least one open assigned org unit always gives a row, also at 0 %.
 */
import { frequencyOrder, periodContainsForAggregation, type DataSet } from '@relais/mappings'
import type { PeriodSelection } from './aggregate'
import { rangeSum } from './aggregate'
import type { ReportingMetric } from './expression'
import { daysIn } from './periods'
import type { AnalyticsTable, Mask } from './table'

export interface ReportingValue {
  value: number
  /** Actual (on-time) reports; 0 for EXPECTED_REPORTS, whose actuals are not queried. */
  actual: number
  target: number
}

export type BoundReportingRate = (ranges: Int32Array) => ReportingValue | undefined

export function bindReportingRate(
  table: AnalyticsTable,
  ds: DataSet,
  metric: ReportingMetric,
  sel: PeriodSelection,
  mask: Mask | null,
): BoundReportingRate {
  const first = sel.periods[0]
  if (!first) return () => undefined
  const targets = table.targetCounts(ds.id, first.startDate, first.endDate, mask)
  if (!targets) return () => undefined
  const timeUnits = sel.filter ? sel.periods.length : 1
  let span: number
  if (ds.periodType === 'Daily') span = sel.filter ? sel.periods.reduce((n, p) => n + daysIn(p), 0) : daysIn(first)
  else span = Math.floor(frequencyOrder(first.periodType) / frequencyOrder(ds.periodType))
  const onTime = metric === 'REPORTING_RATE_ON_TIME' || metric === 'ACTUAL_REPORTS_ON_TIME'
  const actuals: Int32Array[] = []
  if (metric !== 'EXPECTED_REPORTS') {
    for (const r of table.completenessPeriods.get(ds.id) ?? []) {
      if (!sel.periods.some((p) => periodContainsForAggregation(p, r))) continue
      const col = table.completenessColumn(ds.id, r.id, mask)
      if (col) actuals.push(onTime ? col.timely : col.count)
    }
  }
  return (ranges) => {
    const open = rangeSum(targets, ranges)
    if (open === 0) return undefined
    const target = open * span * timeUnits
    let actual = 0
    for (const a of actuals) actual += rangeSum(a, ranges)
    let value: number
    if (metric === 'EXPECTED_REPORTS') value = target
    else if (metric === 'ACTUAL_REPORTS' || metric === 'ACTUAL_REPORTS_ON_TIME') value = actual
    else value = target === 0 ? 0 : Math.min((actual * 100) / target, 100)
    return { value, actual, target }
  }
}

export const METRIC_NAMES: Record<ReportingMetric, string> = {
  REPORTING_RATE: 'Reporting rate',
  REPORTING_RATE_ON_TIME: 'Reporting rate on time',
  ACTUAL_REPORTS: 'Actual reports',
  ACTUAL_REPORTS_ON_TIME: 'Actual reports on time',
  EXPECTED_REPORTS: 'Expected reports',
}
