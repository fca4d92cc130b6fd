/**
 * Indicator values (analytics §3.4, `DefaultExpressionService.getIndicatorValueObject`): each item of
 * the numerator and denominator is aggregated for the cell on its own (rounded to 2 decimals like the
 * sub-query DHIS2 runs, unless skipRounding), then both expressions are evaluated;
 * value = numerator × multiplier / (denominator × divisor), no row when either side is null or the
 * denominator is 0. `.yearToDate()` adds the item's values for the periods of the same type from the
 * start of the reporting year (`PeriodOffsetUtils`); `.periodOffset(n)` reads the shifted period.
 */
import { addPeriods, type Period } from '@relais/mappings'
import type { PeriodSelection } from './aggregate'
import { evaluateExpression, type ExpressionItem, type ParsedExpression } from './expression'
import { roundHalfUp } from './format'
import { periodInYear, yearToDatePeriods, yearlyPeriodCount } from './periods'
import type { DxItem } from './resolve'
import type { Mask } from './table'

export interface IndicatorResult {
  value: number
  numerator: number
  denominator: number
  multiplier: number
  divisor: number
}

export type BoundIndicator = (ranges: Int32Array) => IndicatorResult | undefined

/** What the indicator binder needs from the query: single-item values for a selection. */
export interface ItemSource {
  skipRounding: boolean
  selectionOf(periods: Period[], filter: boolean): PeriodSelection
  dataElementValue(
    de: string,
    coc: string | null,
    aoc: ReadonlySet<string> | string | null,
    sel: PeriodSelection,
    mask: Mask | null,
  ): ((ranges: Int32Array) => number | undefined) | undefined
  reportingValue(
    ds: string,
    metric: NonNullable<ExpressionItem['metric']>,
    sel: PeriodSelection,
    mask: Mask | null,
  ): ((ranges: Int32Array) => number | undefined) | undefined
}

type ItemValue = (ranges: Int32Array) => number | undefined

const missing: ItemValue = () => undefined

function bindItem(
  source: ItemSource,
  item: ExpressionItem,
  sel: PeriodSelection,
  mask: Mask | null,
  cellAoc: ReadonlySet<string> | string | null,
): ItemValue {
  const round = (v: number) => roundHalfUp(v, source.skipRounding ? 10 : 2)
  const single = sel.periods.length === 1 && !sel.filter && !sel.range ? sel.periods[0] : undefined
  if ((item.yearToDate || item.periodOffset !== 0) && !single) return missing // both need the period as a dimension
  let periods: Period[] = single ? [single] : []
  if (single && item.periodOffset !== 0) periods = [addPeriods(single, item.periodOffset)]
  if (single && item.yearToDate) periods = yearToDatePeriods(periods[0] as Period)
  const selections = single ? periods.map((p) => source.selectionOf([p], false)) : [sel]
  const evaluators: ItemValue[] = []
  for (const s of selections) {
    let ev: ItemValue | undefined
    if (item.kind === 'DE' && item.de) {
      let aoc: ReadonlySet<string> | string | null = item.aoc ?? null
      if (cellAoc !== null) {
        if (aoc === null) aoc = cellAoc
        else if (typeof cellAoc === 'string' ? cellAoc !== aoc : !cellAoc.has(aoc)) return missing
      }
      ev = source.dataElementValue(item.de, item.coc ?? null, aoc, s, mask)
    } else if (item.kind === 'RR' && item.ds && item.metric) ev = source.reportingValue(item.ds, item.metric, s, mask)
    if (ev) evaluators.push(ev)
  }
  if (evaluators.length === 0) return missing
  if (evaluators.length === 1) {
    const ev = evaluators[0] as ItemValue
    return (ranges) => {
      const v = ev(ranges)
      return v === undefined ? undefined : round(v)
    }
  }
  return (ranges) => {
    let total: number | undefined
    for (const ev of evaluators) {
      const v = ev(ranges)
      if (v !== undefined) total = (total ?? 0) + round(v)
    }
    return total
  }
}

export function bindIndicator(
  source: ItemSource,
  item: Extract<DxItem, { type: 'INDICATOR' }>,
  sel: PeriodSelection,
  mask: Mask | null,
  cellAoc: ReadonlySet<string> | string | null,
): BoundIndicator {
  const { numerator, denominator, indicator, indicatorType } = item
  if (!numerator || !denominator || !indicatorType) return () => undefined
  const single = sel.periods.length === 1 ? sel.periods[0] : undefined
  const vars = {
    days: sel.days,
    periodInYear: single && !sel.range ? periodInYear(single) : 0,
    yearlyPeriodCount: single && !sel.range ? yearlyPeriodCount(single) : 0,
  }
  const bindAll = (parsed: ParsedExpression) => parsed.items.map((i) => bindItem(source, i, sel, mask, cellAoc))
  const num = bindAll(numerator)
  const den = bindAll(denominator)
  let multiplier = indicatorType.factor
  let divisor = 1
  if (indicator.annualized) {
    multiplier *= 365
    divisor = sel.days
  }
  const numValues: (number | undefined)[] = new Array(num.length)
  const denValues: (number | undefined)[] = new Array(den.length)
  return (ranges) => {
    for (let i = 0; i < den.length; i++) denValues[i] = (den[i] as ItemValue)(ranges)
    const d = evaluateExpression(denominator, denValues, vars)
    if (d === null || d === 0) return undefined
    for (let i = 0; i < num.length; i++) numValues[i] = (num[i] as ItemValue)(ranges)
    const n = evaluateExpression(numerator, numValues, vars)
    if (n === null) return undefined
    return { value: (n * multiplier) / (d * divisor), numerator: n, denominator: d, multiplier, divisor }
  }
}
