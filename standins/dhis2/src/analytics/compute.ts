/**
 * The per-query computing context: period selections, data element plans and bound evaluators, cached
 * for the duration of one request so that a dashboard query (items × periods × org units) binds each
 * (item, period, restriction) once and then only reads arrays per org unit.
 */
import type { MetadataIndex, Period } from '@relais/mappings'
import { bindDataElement, planDataElement, type BoundValue, type DePlan, type PeriodSelection } from './aggregate'
import type { ReportingMetric } from './expression'
import { bindIndicator, type BoundIndicator, type ItemSource } from './indicators'
import { daysIn, dayNumber } from './periods'
import { bindReportingRate, type BoundReportingRate } from './reporting-rates'
import type { DxItem } from './resolve'
import type { AnalyticsTable, Mask } from './table'

const aocKey = (aoc: ReadonlySet<string> | string | null) =>
  aoc === null ? '*' : typeof aoc === 'string' ? aoc : [...aoc].sort().join('+')

export class QueryComputer implements ItemSource {
  private readonly selections = new Map<string, PeriodSelection>()
  private readonly plans = new Map<string, DePlan>()
  private readonly bound = new Map<string, unknown>()

  constructor(
    readonly table: AnalyticsTable,
    readonly index: MetadataIndex,
    readonly skipRounding: boolean,
    readonly aggregationType: string | undefined,
  ) {}

  selectionOf(periods: Period[], filter: boolean): PeriodSelection {
    const key = `${filter ? 'f' : 'd'}:${periods.map((p) => p.id).join(',')}`
    let sel = this.selections.get(key)
    if (!sel) {
      sel = { key, periods, filter, days: periods.reduce((n, p) => n + daysIn(p), 0) }
      this.selections.set(key, sel)
    }
    return sel
  }

  rangeSelection(startDate: string, endDate: string): PeriodSelection {
    const key = `r:${startDate}_${endDate}`
    let sel = this.selections.get(key)
    if (!sel) {
      sel = {
        key,
        periods: [],
        filter: true,
        range: { startDate, endDate },
        days: dayNumber(endDate) - dayNumber(startDate) + 1,
      }
      this.selections.set(key, sel)
    }
    return sel
  }

  private memo<T>(key: string, make: () => T): T {
    const hit = this.bound.get(key) as T | undefined
    if (hit !== undefined) return hit
    const v = make()
    this.bound.set(key, v)
    return v
  }

  dataElement(
    deId: string,
    coc: string | null,
    aoc: ReadonlySet<string> | string | null,
    sel: PeriodSelection,
    mask: Mask | null,
  ): BoundValue {
    return this.memo(`de|${deId}|${coc ?? '*'}|${aocKey(aoc)}|${sel.key}|${mask?.key ?? ''}`, () => {
      const de = this.index.objects.dataElements.byId.get(deId)
      if (!de) return () => undefined
      const planKey = `${deId}|${sel.key}`
      let plan = this.plans.get(planKey)
      if (!plan) {
        plan = planDataElement(this.table, this.index, de, this.aggregationType, sel)
        this.plans.set(planKey, plan)
      }
      return bindDataElement(this.table, de, plan, coc, aoc, mask)
    })
  }

  reportingRate(dsId: string, metric: ReportingMetric, sel: PeriodSelection, mask: Mask | null): BoundReportingRate {
    return this.memo(`rr|${dsId}|${metric}|${sel.key}|${mask?.key ?? ''}`, () => {
      const ds = this.index.objects.dataSets.byId.get(dsId)
      if (!ds) return () => undefined
      return bindReportingRate(this.table, ds, metric, sel, mask)
    })
  }

  indicator(
    item: Extract<DxItem, { type: 'INDICATOR' }>,
    sel: PeriodSelection,
    mask: Mask | null,
    aoc: ReadonlySet<string> | string | null,
  ): BoundIndicator {
    return this.memo(`in|${item.id}|${sel.key}|${mask?.key ?? ''}|${aocKey(aoc)}`, () =>
      bindIndicator(this, item, sel, mask, aoc),
    )
  }

  // ItemSource (indicator items).
  dataElementValue(
    de: string,
    coc: string | null,
    aoc: ReadonlySet<string> | string | null,
    sel: PeriodSelection,
    mask: Mask | null,
  ) {
    const bound = this.dataElement(de, coc, aoc, sel, mask)
    return (ranges: Int32Array) => bound(ranges)?.value
  }

  reportingValue(ds: string, metric: ReportingMetric, sel: PeriodSelection, mask: Mask | null) {
    const bound = this.reportingRate(ds, metric, sel, mask)
    return (ranges: Int32Array) => bound(ranges)?.value
  }
}
