import { useDataEngine } from '@dhis2/app-runtime'
import type { Period } from '@relais/mappings/src/dhis2/periods'
import { RC_LEVEL } from '../../shared/orgunits/types'
import type { RegistrationRow } from '../performance/performance'
import { AnalyticsTable, reportingRate, reportingRateOnTime, type AnalyticsResponse } from './analyticsResponse'
import { buildDashboardModel, type DashboardModel } from './dashboardModel'
import { ACHIEVEMENT_CODES, INDICATOR_CODES, type DashboardMetadata } from './useDashboardMetadata'
import { useLoad } from '../../shared/useLoad'

type Engine = ReturnType<typeof useDataEngine>

export interface SystemInfo {
  serverDate: string
  lastAnalyticsTableSuccess?: string
  lastAnalyticsTablePartitionSuccess?: string
}

export interface Selection {
  orgUnit: { id: string; name: string; level: number }
  period: Period
  months: Period[]
  trendMonths: Period[]
}

/** When analytics last finished a run: the later of the full and the continuous ("latest") runs (analytics §5). */
export function analyticsAsOf(info: SystemInfo): string | undefined {
  const runs = [info.lastAnalyticsTableSuccess, info.lastAnalyticsTablePartitionSuccess].filter(
    (t): t is string => typeof t === 'string' && t !== '',
  )
  return runs.sort().at(-1)
}

/**
 * GET /api/analytics for the dashboard: always counting active RC only (community-program.md).
 * DHIS2 lets browsers cache analytics answers (keyCacheStrategy, 1 minute by default), so an answer from
 * before a new analytics run could come back from the cache: `_` (ignored by DHIS2) carries the run's
 * start, which makes every run's answers a new address while answers within one run stay cacheable.
 */
export function analyticsQuery(
  meta: DashboardMetadata,
  dx: string[],
  pe: string[],
  ou: string,
  ouAsFilter: boolean,
  asOf: string | undefined,
) {
  const dimension = [`dx:${dx.join(';')}`, `pe:${pe.join(';')}`]
  const filter: string[] = []
  if (ouAsFilter) filter.push(`ou:${ou}`)
  else dimension.push(`ou:${ou}`)
  if (meta.activeFilter) filter.push(meta.activeFilter)
  return {
    resource: 'analytics',
    params: { dimension, filter, includeNumDen: true, displayProperty: 'NAME', ...(asOf ? { _: asOf } : {}) },
  }
}

export function registrationsQuery(dataSet: string, orgUnit: string, periods: string[], createdSince?: string) {
  return {
    resource: 'completeDataSetRegistrations',
    params: {
      dataSet,
      orgUnit,
      children: true,
      period: periods,
      ...(createdSince ? { created: createdSince } : {}),
    },
  }
}

export async function readSystemInfo(engine: Engine): Promise<SystemInfo & { readAt: number }> {
  const data = (await engine.query({ info: { resource: 'system/info' } })) as unknown as { info: SystemInfo }
  return { ...data.info, readAt: Date.now() }
}

export interface DashboardData {
  info: SystemInfo & { readAt: number }
  model: DashboardModel
}

async function loadDashboard(engine: Engine, meta: DashboardMetadata, selection: Selection): Promise<DashboardData> {
  const { orgUnit, period } = selection
  const ds = meta.dataSet.id
  const rr = [reportingRate(ds), reportingRateOnTime(ds)]
  const indicators = INDICATOR_CODES.map((c) => meta.indicators[c]?.id).filter((id): id is string => !!id)
  const achievements = ACHIEVEMENT_CODES.map((c) => meta.indicators[c]?.id).filter((id): id is string => !!id)
  const info = await readSystemInfo(engine)
  const since = analyticsAsOf(info)
  const rcLevel = orgUnit.level >= RC_LEVEL ? orgUnit.id : `${orgUnit.id};LEVEL-${RC_LEVEL}`
  const childLevel = orgUnit.level + 1
  const queries: Record<string, unknown> = {
    summary: analyticsQuery(meta, [...rr, ...indicators], [period.id], orgUnit.id, true, since),
    trend: analyticsQuery(
      meta,
      [...rr, ...indicators],
      selection.trendMonths.map((m) => m.id),
      orgUnit.id,
      true,
      since,
    ),
    rcs: analyticsQuery(meta, [...rr, ...achievements], [period.id], rcLevel, false, since),
    registrations: registrationsQuery(
      ds,
      orgUnit.id,
      [...new Set([...selection.months, ...selection.trendMonths].map((m) => m.id))],
      since,
    ),
  }
  // Sub-units above the aire (below it, the sub-units are the RC of the ranking).
  if (childLevel < RC_LEVEL)
    queries.children = analyticsQuery(meta, rr, [period.id], `${orgUnit.id};LEVEL-${childLevel}`, false, since)
  const data = (await engine.query(queries as Parameters<Engine['query']>[0])) as unknown as {
    summary: AnalyticsResponse
    trend: AnalyticsResponse
    rcs: AnalyticsResponse
    children?: AnalyticsResponse
    registrations: { completeDataSetRegistrations?: RegistrationRow[] }
  }
  const model = buildDashboardModel({
    meta,
    orgUnit,
    period,
    months: selection.months,
    trendMonths: selection.trendMonths,
    summary: new AnalyticsTable(data.summary),
    trend: new AnalyticsTable(data.trend),
    rcs: new AnalyticsTable(data.rcs),
    children: data.children ? new AnalyticsTable(data.children) : undefined,
    registrations: data.registrations.completeDataSetRegistrations ?? [],
    // No run yet: analytics has answered with an error already; without a date every completion is fresh.
    analyticsStartedAt: since,
    thresholds: meta.thresholds,
  })
  return { info, model }
}

/** Everything the main view shows for one org unit and period (six requests in parallel after system/info). */
export function useDashboardData(meta: DashboardMetadata, selection: Selection) {
  const engine = useDataEngine()
  return useLoad(`${selection.orgUnit.id}|${selection.period.id}`, () => loadDashboard(engine, meta, selection))
}
