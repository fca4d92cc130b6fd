import { useDataEngine } from '@dhis2/app-runtime'
import type { Period } from '@relais/mappings/src/dhis2/periods'
import { RC_LEVEL } from '../../shared/orgunits/types'
import { AnalyticsTable, reportingRate, type AnalyticsResponse } from '../analytics/analyticsResponse'
import { analyticsAsOf, analyticsQuery, readSystemInfo, registrationsQuery } from '../analytics/useDashboardData'
import type { DashboardMetadata } from '../analytics/useDashboardMetadata'
import { useLoad } from '../../shared/useLoad'
import type { RegistrationRow } from '../performance/performance'
import { weeklyProgress } from './weekly'

/**
 * Analytics cannot split a monthly data set by week (a weekly period gives 0 %), so the weeks come from
 * the completion registrations themselves; analytics only says which RC are expected (active, open).
 */
export function useWeeklyData(
  meta: DashboardMetadata,
  orgUnit: { id: string; level: number },
  month: Period,
  week: Period,
) {
  const engine = useDataEngine()
  return useLoad(`weekly|${orgUnit.id}|${month.id}|${week.id}`, async () => {
    const ds = meta.dataSet.id
    const rcLevel = orgUnit.level >= RC_LEVEL ? orgUnit.id : `${orgUnit.id};LEVEL-${RC_LEVEL}`
    const info = await readSystemInfo(engine)
    const data = (await engine.query({
      rcs: analyticsQuery(meta, [reportingRate(ds)], [month.id], rcLevel, false, analyticsAsOf(info)),
      registrations: registrationsQuery(ds, orgUnit.id, [month.id]),
    } as Parameters<typeof engine.query>[0])) as unknown as {
      rcs: AnalyticsResponse
      registrations: { completeDataSetRegistrations?: RegistrationRow[] }
    }
    const rcs = new AnalyticsTable(data.rcs)
    const units = rcs.itemsOf('ou')
    const expected = units.reduce(
      (sum, ou) => sum + (rcs.get({ dx: reportingRate(ds), pe: month.id, ou })?.denominator ?? 0),
      0,
    )
    const weeks = weeklyProgress(
      month,
      week,
      data.registrations.completeDataSetRegistrations ?? [],
      new Set(units),
      expected,
      meta.dataSet.timelyDays,
    )
    return { info, expected, weeks }
  })
}
