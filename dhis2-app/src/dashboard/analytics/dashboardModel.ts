// Turns the analytics answers and the fresh completion registrations into what the dashboard shows.
// Pure, so that every figure can be checked without a server.
import type { Period } from '@relais/mappings/src/dhis2/periods'
import {
  addFresh,
  freshRegistrations,
  rankRcs,
  reportingRate as rate,
  sumFresh,
  type RankedRc,
  type RegistrationRow,
  type ReportCounts,
  type Thresholds,
} from '../performance/performance'
import { AnalyticsTable, reportingRate, reportingRateOnTime } from './analyticsResponse'
import { ACHIEVEMENT_CODES, INDICATOR_CODES, type DashboardMetadata, type IndicatorCode } from './useDashboardMetadata'

export interface IndicatorFigure {
  value?: number
  numerator?: number
  denominator?: number
}

export interface UnitFigures {
  id: string
  name: string
  reports: ReportCounts
  completeness: number
  timeliness: number
}

export interface TrendPoint {
  month: Period
  completeness?: number
  timeliness?: number
  indicators: Partial<Record<IndicatorCode, number>>
}

export interface DashboardModel {
  summary: UnitFigures & { indicators: Partial<Record<IndicatorCode, IndicatorFigure>> }
  trend: TrendPoint[]
  rcs: RankedRc[]
  children: UnitFigures[]
  /** Completions after the last analytics run that were added to the figures. */
  freshCount: number
}

export interface ModelInput {
  meta: DashboardMetadata
  orgUnit: { id: string; name: string }
  period: Period
  months: Period[]
  trendMonths: Period[]
  summary: AnalyticsTable
  trend: AnalyticsTable
  rcs: AnalyticsTable
  children?: AnalyticsTable
  registrations: RegistrationRow[]
  analyticsStartedAt?: string
  thresholds: Thresholds
}

/** Reports of one org unit for one period from the reporting-rate cells (includeNumDen: actual / expected). */
function reportCounts(table: AnalyticsTable, dataSet: string, items: Record<string, string>): ReportCounts | undefined {
  const all = table.get({ ...items, dx: reportingRate(dataSet) })
  if (!all || all.denominator === undefined) return undefined
  const onTime = table.get({ ...items, dx: reportingRateOnTime(dataSet) })
  return { expected: all.denominator, actual: all.numerator ?? 0, onTime: onTime?.numerator ?? 0 }
}

const figures = (id: string, name: string, reports: ReportCounts): UnitFigures => ({
  id,
  name,
  reports,
  completeness: rate(reports.actual, reports.expected),
  timeliness: rate(reports.onTime, reports.expected),
})

export function buildDashboardModel(input: ModelInput): DashboardModel {
  const { meta, period } = input
  const ds = meta.dataSet.id
  const indicatorId = (code: IndicatorCode) => meta.indicators[code]?.id ?? code
  const monthEnd = new Map([...input.months, ...input.trendMonths].map((m) => [m.id, m.endDate]))

  // The RC analytics expects (active, open): fresh completions count only for them.
  const rcIds = input.rcs.itemsOf('ou')
  const fresh = freshRegistrations(
    input.registrations,
    input.analyticsStartedAt,
    new Set(rcIds),
    (id) => monthEnd.get(id),
    meta.dataSet.timelyDays,
  )
  const periodMonths = new Set(input.months.map((m) => m.id))

  const rcs = rankRcs(
    rcIds.map((id) => {
      const counts = reportCounts(input.rcs, ds, { pe: period.id, ou: id }) ?? { expected: 0, actual: 0, onTime: 0 }
      const reports = addFresh(counts, sumFresh(fresh, periodMonths, id))
      const achievement = (code: IndicatorCode) => input.rcs.value({ dx: indicatorId(code), pe: period.id, ou: id })
      return {
        id,
        name: input.rcs.name(id),
        reports,
        achievements: ACHIEVEMENT_CODES.map(achievement) as [
          number | undefined,
          number | undefined,
          number | undefined,
        ],
      }
    }),
    input.thresholds,
  )

  const summaryCounts = reportCounts(input.summary, ds, { pe: period.id, ou: input.orgUnit.id }) ?? {
    expected: 0,
    actual: 0,
    onTime: 0,
  }
  const indicators: Partial<Record<IndicatorCode, IndicatorFigure>> = {}
  for (const code of INDICATOR_CODES) {
    const cell = input.summary.get({ dx: indicatorId(code), pe: period.id, ou: input.orgUnit.id })
    if (cell) indicators[code] = { value: cell.value, numerator: cell.numerator, denominator: cell.denominator }
  }
  const summary = {
    ...figures(input.orgUnit.id, input.orgUnit.name, addFresh(summaryCounts, sumFresh(fresh, periodMonths))),
    indicators,
  }

  const trend: TrendPoint[] = input.trendMonths.map((month) => {
    const counts = reportCounts(input.trend, ds, { pe: month.id, ou: input.orgUnit.id })
    const reports = counts && addFresh(counts, sumFresh(fresh, new Set([month.id])))
    const values: Partial<Record<IndicatorCode, number>> = {}
    for (const code of INDICATOR_CODES) {
      const value = input.trend.value({ dx: indicatorId(code), pe: month.id, ou: input.orgUnit.id })
      if (value !== undefined) values[code] = value
    }
    return {
      month,
      completeness: reports && rate(reports.actual, reports.expected),
      timeliness: reports && rate(reports.onTime, reports.expected),
      indicators: values,
    }
  })

  const children = (input.children?.itemsOf('ou') ?? [])
    .filter((id) => id !== input.orgUnit.id)
    .map((id) => {
      const counts = reportCounts(input.children as AnalyticsTable, ds, { pe: period.id, ou: id })
      return figures(id, (input.children as AnalyticsTable).name(id), counts ?? { expected: 0, actual: 0, onTime: 0 })
    })
    .sort((a, b) => a.name.localeCompare(b.name, 'fr'))

  return { summary, trend, rcs, children, freshCount: sumFresh(fresh, new Set(monthEnd.keys())).actual }
}
