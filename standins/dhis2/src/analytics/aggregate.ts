/**
 * Data element values of a cell (analytics §3): which stored periods feed a query period (equal or
 * finer types, weeks by start + 3 days; coarser data only for AVERAGE-period aggregation types, which
 * repeat it — "disaggregation"), how they combine (SUM, AVERAGE_SUM_ORG_UNIT as
 * sum(value × days) / days of the query period, AVERAGE, COUNT), summed over org-unit sub-trees.
 *
 * A plan (periods and weights) is made once per data element and period selection; it is then bound to
 * the table's columns for one COC/AOC restriction and org-unit group mask, and the bound evaluator is
 * called for each org unit with nothing but array reads.
 */
import {
  frequencyOrder,
  periodContainsForAggregation,
  periodForDate,
  type DataElement,
  type MetadataIndex,
  type Period,
} from '@relais/mappings'
import { daysIn } from './periods'
import { dataPeriodTypeOf, type AnalyticsTable, type Column, type Mask } from './table'

/** The periods of a cell: one dimension period, the filter periods, or a start/end date range. */
export interface PeriodSelection {
  key: string
  periods: Period[]
  filter: boolean
  range?: { startDate: string; endDate: string }
  days: number
}

export type AggregationKind = 'SUM' | 'AVERAGE_SUM_ORG_UNIT' | 'AVERAGE' | 'AVERAGE_BOOL' | 'COUNT'

export interface DePlan {
  kind: AggregationKind
  terms: { periodId: string; weight: number; days: number }[]
}

export interface CellValue {
  value: number
  count: number
}

export type BoundValue = (ranges: Int32Array) => CellValue | undefined

export function rangeSum(prefix: Float64Array | Int32Array, ranges: Int32Array): number {
  let s = 0
  for (let i = 0; i < ranges.length; i += 2)
    s += (prefix[ranges[i + 1] as number] as number) - (prefix[ranges[i] as number] as number)
  return s
}

function kindOf(de: DataElement, override: string | undefined): AggregationKind {
  const type = override ?? de.aggregationType
  const bool = de.valueType === 'BOOLEAN' || de.valueType === 'TRUE_ONLY'
  switch (type) {
    case 'AVERAGE_SUM_ORG_UNIT':
      return 'AVERAGE_SUM_ORG_UNIT'
    case 'AVERAGE':
      return bool ? 'AVERAGE_BOOL' : 'AVERAGE'
    case 'COUNT':
      return 'COUNT'
    default:
      // SUM, and the types the stand-in does not model (LAST, MIN, MAX …) fall back to SUM.
      return 'SUM'
  }
}

const periodAverage = (kind: AggregationKind) => kind !== 'SUM' && kind !== 'COUNT'

/** Disaggregation: a data period type coarser than (or as long as, but different from) the query's. */
function isDisaggregation(
  kind: AggregationKind,
  queryType: Period['periodType'],
  dataType: Period['periodType'] | undefined,
): boolean {
  if (!dataType || !periodAverage(kind)) return false
  const q = frequencyOrder(queryType)
  const d = frequencyOrder(dataType)
  return q < d || (q === d && queryType !== dataType)
}

export function planDataElement(
  table: AnalyticsTable,
  index: MetadataIndex,
  de: DataElement,
  override: string | undefined,
  sel: PeriodSelection,
): DePlan {
  const kind = kindOf(de, override)
  const available = table.dePeriods.get(de.id) ?? []
  const terms: DePlan['terms'] = []
  if (sel.range) {
    const { startDate, endDate } = sel.range
    for (const d of available) {
      if (d.startDate >= startDate && d.endDate <= endDate)
        terms.push({ periodId: d.id, weight: daysIn(d) / sel.days, days: daysIn(d) })
    }
    return { kind, terms }
  }
  const first = sel.periods[0]
  if (!first) return { kind, terms }
  const dataType = dataPeriodTypeOf(index, de)
  if (isDisaggregation(kind, first.periodType, dataType) && dataType) {
    // The coarser data period holding each query period's start, repeated for the query period(s).
    const outer = new Map<string, Period>()
    for (const p of sel.periods) {
      const y = periodForDate(dataType, p.startDate)
      outer.set(y.id, y)
    }
    const days = [...outer.values()].reduce((n, y) => n + daysIn(y), 0)
    for (const d of available) {
      if ([...outer.values()].some((y) => periodContainsForAggregation(y, d)))
        terms.push({ periodId: d.id, weight: daysIn(d) / days, days: daysIn(d) })
    }
    return { kind, terms }
  }
  for (const d of available) {
    if (sel.periods.some((p) => periodContainsForAggregation(p, d)))
      terms.push({ periodId: d.id, weight: daysIn(d) / sel.days, days: daysIn(d) })
  }
  return { kind, terms }
}

/** Binds a plan to columns: COC restriction (null = all), AOC restriction, org-unit group mask. */
export function bindDataElement(
  table: AnalyticsTable,
  de: DataElement,
  plan: DePlan,
  coc: string | null,
  aoc: ReadonlySet<string> | string | null,
  mask: Mask | null,
): BoundValue {
  const cols: { col: Column; weight: number; days: number }[] = []
  for (const t of plan.terms) {
    const col = table.deColumn(de.id, coc, aoc, t.periodId, mask)
    if (col) cols.push({ col, weight: t.weight, days: t.days })
  }
  if (cols.length === 0) return () => undefined
  const kind = plan.kind
  return (ranges) => {
    let sum = 0
    let weighted = 0
    let count = 0
    let dayCount = 0
    let dayValue = 0
    for (const { col, weight, days } of cols) {
      const c = rangeSum(col.count, ranges)
      if (c === 0) continue
      const s = rangeSum(col.sum, ranges)
      sum += s
      weighted += s * weight
      count += c
      dayCount += c * days
      dayValue += s * days
    }
    if (count === 0) return undefined
    switch (kind) {
      case 'SUM':
        return { value: sum, count }
      case 'AVERAGE_SUM_ORG_UNIT':
        return { value: weighted, count }
      case 'AVERAGE':
        return { value: sum / count, count }
      case 'AVERAGE_BOOL':
        // sum(daysxvalue) / sum(daysno) * 100: the share of "true", weighted by period length.
        return { value: (dayValue / dayCount) * 100, count }
      case 'COUNT':
        return { value: count, count }
    }
  }
}
