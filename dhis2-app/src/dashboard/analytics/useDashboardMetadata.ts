import { useDataEngine } from '@dhis2/app-runtime'
import { DATA_SET_CODE } from '../../shared/programme'
import { validThresholds, type Thresholds } from '../performance/performance'
import { useLoad } from '../../shared/useLoad'
import { engineAccess } from '../../shared/dhis2Access'
import { loadDashboardSettings } from './dashboardSettings'

/** Indicators of community-program.md shown against their targets (completeness and timeliness come from the reporting rates). */
export const INDICATOR_CODES = [
  'IND_TDR_POS',
  'IND_CTA_24H',
  'IND_PDV_RETR',
  'IND_REAL_SENS',
  'IND_REAL_VAD',
  'IND_REAL_TDR',
] as const
export type IndicatorCode = (typeof INDICATOR_CODES)[number]
/** The three target achievements that make up the RC score. */
export const ACHIEVEMENT_CODES = ['IND_REAL_SENS', 'IND_REAL_VAD', 'IND_REAL_TDR'] as const

/** Expected reports count only active RC: the group set dimension filter `OUGS_ACTIVITE_RC:OUG_RC_ACTIFS`. */
export const ACTIVITY_GROUP_SET_CODE = 'OUGS_ACTIVITE_RC'
export const ACTIVE_GROUP_CODE = 'OUG_RC_ACTIFS'

export interface DashboardMetadata {
  dataSet: { id: string; displayName: string; timelyDays: number }
  indicators: Partial<Record<IndicatorCode, { id: string; displayName: string }>>
  /** `<groupSetUid>:<groupUid>`, or undefined when the group set is missing (then every RC is expected). */
  activeFilter?: string
  thresholds: Thresholds
  /** The server's clock when the screen opened, and when it was read (browser ms): today's date comes from it. */
  serverDate: string
  readAt: number
}

interface MetadataResult {
  dataSets: { dataSets: Array<{ id: string; displayName: string; timelyDays?: number }> }
  indicators: { indicators: Array<{ id: string; code: string; displayName: string }> }
  groupSets: {
    organisationUnitGroupSets: Array<{ id: string; organisationUnitGroups: Array<{ id: string; code?: string }> }>
  }
  info: { serverDate: string }
}

const metadataQuery = {
  dataSets: {
    resource: 'dataSets',
    params: { filter: `code:eq:${DATA_SET_CODE}`, fields: 'id,displayName,timelyDays', paging: false },
  },
  indicators: {
    resource: 'indicators',
    params: { filter: `code:in:[${INDICATOR_CODES.join(',')}]`, fields: 'id,code,displayName', paging: false },
  },
  groupSets: {
    resource: 'organisationUnitGroupSets',
    params: {
      filter: `code:eq:${ACTIVITY_GROUP_SET_CODE}`,
      fields: 'id,organisationUnitGroups[id,code]',
      paging: false,
    },
  },
  info: { resource: 'system/info' },
}

export function toDashboardMetadata(
  result: MetadataResult,
  settings: unknown,
  readAt: number,
): DashboardMetadata | null {
  const dataSet = result.dataSets.dataSets[0]
  if (!dataSet) return null
  const indicators: DashboardMetadata['indicators'] = {}
  for (const indicator of result.indicators.indicators) {
    if ((INDICATOR_CODES as readonly string[]).includes(indicator.code))
      indicators[indicator.code as IndicatorCode] = { id: indicator.id, displayName: indicator.displayName }
  }
  const groupSet = result.groupSets.organisationUnitGroupSets[0]
  const group = groupSet?.organisationUnitGroups.find((g) => g.code === ACTIVE_GROUP_CODE)
  return {
    // DHIS2's default for "days after period to qualify for timely submission" is 15.
    dataSet: { id: dataSet.id, displayName: dataSet.displayName, timelyDays: dataSet.timelyDays ?? 15 },
    indicators,
    activeFilter: groupSet && group ? `${groupSet.id}:${group.id}` : undefined,
    thresholds: validThresholds((settings as { thresholds?: unknown } | null)?.thresholds),
    serverDate: result.info.serverDate,
    readAt,
  }
}

/** Data set, indicators, the active-RC group and the class thresholds: once per visit of the screen. */
export function useDashboardMetadata() {
  const engine = useDataEngine()
  return useLoad('metadata', async () => {
    const [result, settings] = await Promise.all([
      engine.query(metadataQuery) as unknown as Promise<MetadataResult>,
      // Missing, unreadable or not written by an administrator: the documented defaults apply.
      loadDashboardSettings(engineAccess(engine)).then(
        (settings) => settings.value,
        () => null,
      ),
    ])
    return toDashboardMetadata(result, settings, Date.now())
  })
}
