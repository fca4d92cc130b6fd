// Reads what the data-quality screen and the dashboard's score need from DHIS2, for one org unit's sub-tree
// (a zone, or more) and a range of months, and turns it into findings (findings.ts, disaggregations.ts).
// DHIS2's own checks first: outlier detection (Z_SCORE against each RC's own history of the cell, threshold
// 3, DHIS2's default), validation rule analysis, values marked for follow-up.
import type { Dhis2Access } from '../shared/dhis2Access'
import { parsePeriod } from '../shared/mappings'
import { DATA_SET_CODE } from '../shared/programme'
import { RC_LEVEL } from '../shared/orgunits/types'
import {
  DISAGGREGATED_COMBOS,
  missingDisaggregations,
  reportingRcs,
  type DataValueRow,
  type DisaggregatedElement,
} from './disaggregations'
import {
  followupFindings,
  outlierFindings,
  validationFindings,
  type Finding,
  type FollowupValue,
  type OutlierValue,
  type RuleInfo,
  type ValidationResultView,
} from './findings'

/** DHIS2 access with a POST whose answer is needed (the validation rule analysis answers in its body). */
export interface QualityAccess extends Dhis2Access {
  post(resource: string, data: unknown): Promise<unknown>
}

/** DHIS2's defaults for outlier detection; the seed is clean for exactly these (standins/dhis2 seed). */
export const OUTLIER_ALGORITHM = 'Z_SCORE'
export const OUTLIER_THRESHOLD = 3
/** `keyDataQualityMaxLimit`'s default: DHIS2 refuses more (E2206). */
export const MAX_RESULTS = 500

export interface QualityMetadata {
  dataSet: string
  disaggregated: DisaggregatedElement[]
  rules: RuleInfo[]
}

interface DataSetAnswer {
  dataSets?: Array<{
    id: string
    dataSetElements?: Array<{
      dataElement: {
        id: string
        displayName: string
        categoryCombo?: { code?: string; categoryOptionCombos?: Array<{ id: string; displayName: string }> }
      }
    }>
  }>
}

/** The monthly report's data set and rules; null when the data set is not in DHIS2. */
export async function loadQualityMetadata(api: Dhis2Access): Promise<QualityMetadata | null> {
  const [sets, rules] = await Promise.all([
    api.get('dataSets', {
      filter: `code:eq:${DATA_SET_CODE}`,
      fields:
        'id,dataSetElements[dataElement[id,displayName,categoryCombo[code,categoryOptionCombos[id,displayName]]]]',
      paging: false,
    }) as Promise<DataSetAnswer>,
    api.get('validationRules', {
      fields: 'id,displayName,leftSide[description],rightSide[description]',
      paging: false,
    }) as Promise<{ validationRules?: RuleInfo[] }>,
  ])
  const dataSet = sets.dataSets?.[0]
  if (!dataSet) return null
  const disaggregated = (dataSet.dataSetElements ?? [])
    .map((e) => e.dataElement)
    .filter((d) => DISAGGREGATED_COMBOS.includes(d.categoryCombo?.code ?? ''))
    .map((d) => ({
      id: d.id,
      name: d.displayName,
      combos: (d.categoryCombo?.categoryOptionCombos ?? []).map((c) => ({ id: c.id, name: c.displayName })),
    }))
  return { dataSet: dataSet.id, disaggregated, rules: validationRulesOf(rules) }
}

const validationRulesOf = (answer: { validationRules?: RuleInfo[] }) => answer.validationRules ?? []

export interface RcInfo {
  id: string
  name: string
  code?: string
  path: string
}

export interface QualityData {
  findings: Finding[]
  /** month → RC that reported. */
  reporting: Map<string, Set<string>>
  /** The RC of the sub-tree. */
  rcs: Map<string, RcInfo>
  /** DHIS2 cut an answer at MAX_RESULTS: there may be more findings than listed. */
  truncated: boolean
}

/** `YYYY-MM-DD` of the first month's first day and the last month's last day. */
export function dateRange(months: readonly string[]): { startDate: string; endDate: string } {
  const sorted = [...months].sort()
  const first = parsePeriod(sorted[0] ?? '')
  const last = parsePeriod(sorted[sorted.length - 1] ?? '')
  if (!first || !last) throw new Error(`Not a month: ${sorted.join(', ')}`)
  return { startDate: first.startDate, endDate: last.endDate }
}

export async function loadQualityData(
  api: QualityAccess,
  meta: QualityMetadata,
  root: string,
  months: readonly string[],
): Promise<QualityData> {
  const { startDate, endDate } = dateRange(months)
  const wanted = new Set(months)
  const [units, outliers, violations, followups, values] = await Promise.all([
    // The sub-tree (RC are its level 5); one filter, as the engine sends one per parameter name.
    api.get('organisationUnits', {
      filter: `path:like:${root}`,
      fields: 'id,displayName,code,path,level',
      paging: false,
    }) as Promise<{
      organisationUnits?: Array<{ id: string; displayName: string; code?: string; path: string; level: number }>
    }>,
    api.get('outlierDetection', {
      ds: meta.dataSet,
      ou: root,
      startDate,
      endDate,
      algorithm: OUTLIER_ALGORITHM,
      threshold: OUTLIER_THRESHOLD,
      maxResults: MAX_RESULTS,
      orderBy: 'Z_SCORE',
    }) as Promise<{ outlierValues?: OutlierValue[] }>,
    api.post('dataAnalysis/validationRules', {
      ou: root,
      startDate,
      endDate,
      persist: false,
      notification: false,
      maxResults: MAX_RESULTS,
    }) as Promise<ValidationResultView[] | null>,
    api.get('dataAnalysis/followup', {
      ds: meta.dataSet,
      ou: root,
      startDate,
      endDate,
      maxResults: MAX_RESULTS,
    }) as Promise<{ followupValues?: FollowupValue[] }>,
    api.get('dataValueSets', {
      dataSet: meta.dataSet,
      orgUnit: root,
      children: true,
      startDate,
      endDate,
    }) as Promise<{ dataValues?: DataValueRow[] }>,
  ])
  const rows = (values.dataValues ?? []).filter((r) => wanted.has(r.period))
  const outlierValues = outliers.outlierValues ?? []
  const views = Array.isArray(violations) ? violations : []
  const followupValues = followups.followupValues ?? []
  const findings = [
    ...outlierFindings(outlierValues),
    ...validationFindings(views, meta.rules),
    ...followupFindings(followupValues),
    ...missingDisaggregations(rows, meta.disaggregated),
  ].filter((f) => wanted.has(f.period))
  return {
    findings,
    reporting: reportingRcs(rows),
    rcs: new Map(
      (units.organisationUnits ?? [])
        .filter((u) => u.level === RC_LEVEL)
        .map((u) => [u.id, { id: u.id, name: u.displayName, code: u.code, path: u.path }]),
    ),
    truncated: [outlierValues, views, followupValues].some((list) => list.length >= MAX_RESULTS),
  }
}
