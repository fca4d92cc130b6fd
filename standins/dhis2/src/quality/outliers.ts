/**
 * `GET /api/outlierDetection` as DHIS2 2.41 computes it on the `datavalue` table (core@2.41
 * `dhis-service-validation/…/outlierdetection/`: `parser/OutlierDetectionQueryParser`,
 * `validation/outlierdetection/ValidationOutlierDetectionRequest`, `service/DefaultOutlierDetectionService`,
 * `processor/ZscoreSqlStatementProcessor`, `processor/MinMaxSqlStatementProcessor`,
 * `service/AbstractOutlierDetectionManager`), not on the analytics tables: a value saved a second ago is
 * seen. (2.41 also has `GET /api/analytics/outlierDetection`, on the analytics tables, with `pe`,
 * `sortOrder` and a grid answer: not played here. Newer cores moved this code under `analytics/outlier`;
 * the shape below is 2.41's.)
 *
 * - Data elements: the numeric elements of the `ds` data sets plus `dx` (2.41.0+; `de` up to 2.40);
 *   unknown UIDs are dropped silently (`getByUid`), none left → E2200.
 * - Values: org unit in the sub-tree of one of `ou`, period inside [startDate, endDate] (start ≥, end ≤),
 *   not deleted, any category and attribute option combo.
 * - Z_SCORE: mean and `stddev_pop` per data element × org unit × COC × AOC over all periods (or
 *   [dataStartDate, dataEndDate]); groups with deviation 0 are left out; outlier when
 *   |value − mean| / stdDev ≥ threshold; bounds mean ∓ stdDev × threshold.
 * - MOD_Z_SCORE: median and median absolute deviation (MAD, answered as `stdDev`); outlier when
 *   0.6745 × |value − median| / MAD ≥ threshold; bounds median ∓ MAD × threshold / 0.6745.
 * - MIN_MAX: the min–max ranges (`/api/minMaxDataElements`); outlier outside [min, max]; `absDev` is
 *   the distance to the nearer bound.
 * - Ordered by absolute deviation (`MEAN_ABS_DEV`, default) or z-score, descending, cut at maxResults
 *   (default 500, at most `keyDataQualityMaxLimit`, default 500). Ties, which SQL leaves unordered, are
 *   broken by data element, org unit, period and option combos so that answers are stable.
 */
import type { StandinContext } from '../context'
import { periodOf } from '../analytics/periods'
import { isNumericValueType, type OrganisationUnit } from '@relais/mappings'
import { dateParam, enumParam, illegalQuery, list, numberParam } from './params'

export const ALGORITHMS = ['Z_SCORE', 'MIN_MAX', 'MOD_Z_SCORE', 'INVALID_NUMERIC'] as const
export type OutlierAlgorithm = (typeof ALGORITHMS)[number]
export const ORDERS = ['MEAN_ABS_DEV', 'Z_SCORE'] as const
export type OutlierOrder = (typeof ORDERS)[number]

export interface OutlierRequest {
  dataElements: string[]
  orgUnits: OrganisationUnit[]
  startDate?: string
  endDate?: string
  algorithm: OutlierAlgorithm
  threshold: number
  dataStartDate?: string
  dataEndDate?: string
  orderBy: OutlierOrder
  maxResults: number
}

/** One `OutlierValue`, its keys in Jackson's order (`@JsonPropertyOrder`, then declaration order); nulls omitted. */
export interface OutlierValue {
  de: string
  deName: string
  pe: string
  ou: string
  ouName: string
  coc: string
  cocName: string
  aoc: string
  value?: number
  mean?: number
  stdDev?: number
  absDev?: number
  zScore?: number
  lowerBound?: number
  upperBound?: number
  aocName: string
  /** INVALID_NUMERIC only: the stored text. */
  rawValue?: string
  median?: number
  followup: boolean
}

export interface OutlierResponse {
  metadata: {
    algorithm: OutlierAlgorithm
    threshold: number
    dataStartDate?: string
    dataEndDate?: string
    orderBy: OutlierOrder
    maxResults: number
    count: number
  }
  outlierValues: OutlierValue[]
}

/** `keyDataQualityMaxLimit` (SettingKey.MAX_DATA_QUALITY_LIMIT, default 500). */
export function dataQualityMaxLimit(ctx: StandinContext): number {
  const raw = Number(ctx.state.systemSettings.keyDataQualityMaxLimit)
  return Number.isInteger(raw) && raw > 0 ? raw : 500
}

/** Binds and checks the query as OutlierDetectionQueryParser + ValidationOutlierDetectionRequest do. */
export function parseOutlierRequest(ctx: StandinContext, query: Record<string, unknown>): OutlierRequest {
  // Binding first (a BindException is a 400 before any check).
  const dataSets = list(query, 'ds')
  const minor = Number(/^2\.(\d+)/.exec(ctx.options.version)?.[1] ?? 41)
  const explicit = list(query, minor <= 40 ? 'de' : 'dx')
  const orgUnitIds = list(query, 'ou')
  const startDate = dateParam(query, 'startDate')
  const endDate = dateParam(query, 'endDate')
  const algorithm = enumParam(query, 'algorithm', ALGORITHMS) ?? 'Z_SCORE'
  const threshold = numberParam(query, 'threshold', false) ?? 3.0
  const dataStartDate = dateParam(query, 'dataStartDate')
  const dataEndDate = dateParam(query, 'dataEndDate')
  const orderBy = enumParam(query, 'orderBy', ORDERS) ?? 'MEAN_ABS_DEV'
  const maxResults = numberParam(query, 'maxResults', true) ?? 500

  const objects = ctx.index.metadata.objects
  const numeric = new Set<string>()
  for (const id of dataSets) {
    for (const e of objects.dataSets.byId.get(id)?.dataSetElements ?? []) {
      const element = objects.dataElements.byId.get(e.dataElement.id)
      if (element && isNumericValueType(element.valueType)) numeric.add(element.id)
    }
  }
  for (const id of explicit) if (objects.dataElements.byId.has(id)) numeric.add(id)
  const orgUnits = orgUnitIds.flatMap((id) => objects.organisationUnits.byId.get(id) ?? [])

  const maxLimit = dataQualityMaxLimit(ctx)
  if (numeric.size === 0) throw illegalQuery('E2200')
  if (startDate === undefined || endDate === undefined) throw illegalQuery('E2201')
  if (startDate > endDate) throw illegalQuery('E2202')
  if (orgUnits.length === 0) throw illegalQuery('E2203')
  if (threshold <= 0) throw illegalQuery('E2204')
  if (maxResults <= 0) throw illegalQuery('E2205')
  if (maxResults > maxLimit) throw illegalQuery('E2206', maxLimit)
  if (dataStartDate !== undefined && dataEndDate !== undefined && dataStartDate > dataEndDate)
    throw illegalQuery('E2207')
  return {
    dataElements: [...numeric],
    orgUnits,
    startDate,
    endDate,
    algorithm,
    threshold,
    dataStartDate,
    dataEndDate,
    orderBy,
    maxResults,
  }
}

interface Observation {
  pe: string
  value: number
  inWindow: boolean
  inData: boolean
  followup: boolean
}

/** What PostgreSQL's `::double precision` accepts (a value it refuses makes the query fail: E2208). */
const PG_CASTABLE = /^\s*([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?(NaN|Infinity|inf))\s*$/i
/** `OutlierDetectionUtils.PG_DOUBLE_REGEX`, applied to the trimmed value by INVALID_NUMERIC. */
const PG_DOUBLE_REGEX = /^[+-]?(\d+(\.\d*)?|\.\d+)$/

function median(sorted: number[]): number {
  const n = sorted.length
  const mid = n >> 1
  return n % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}

/** The org units of the request's sub-trees (`ou.path like '<path>%'`), each once. */
function subTree(ctx: StandinContext, roots: OrganisationUnit[]): OrganisationUnit[] {
  const paths = roots.map((r) => r.path)
  return ctx.state.metadata.organisationUnits.filter((o) => paths.some((p) => o.path.startsWith(p)))
}

export function detectOutliers(ctx: StandinContext, request: OutlierRequest): OutlierResponse {
  const objects = ctx.index.metadata.objects
  const wanted = new Set(request.dataElements)
  const start = request.startDate ?? ''
  const end = request.endDate ?? ''
  const ranges = new Map<string, { min: number; max: number }>()
  if (request.algorithm === 'MIN_MAX')
    for (const r of ctx.state.minMaxValues ?? [])
      ranges.set(`${r.dataElement}.${r.orgUnit}.${r.optionCombo}`, { min: r.minValue, max: r.maxValue })

  const found: (OutlierValue & { sortKey: number })[] = []
  /** INVALID_NUMERIC: no order in the SQL, only the limit. */
  const invalid: OutlierValue[] = []
  const name = (id: string) => objects.categoryOptionCombos.byId.get(id)?.name ?? ''
  for (const ou of subTree(ctx, request.orgUnits)) {
    // Every series of this org unit: data element × COC × AOC.
    const series = new Map<string, Observation[]>()
    for (const v of ctx.state.dataValues.valuesOf(ou.id)) {
      if (v.deleted || !wanted.has(v.dataElement)) continue
      const period = periodOf(v.period)
      if (!period) continue
      const inWindow = `${period.startDate}T00:00:00.000` >= start && `${period.endDate}T00:00:00.000` <= end
      const inData =
        (request.dataStartDate === undefined || `${period.startDate}T00:00:00.000` >= request.dataStartDate) &&
        (request.dataEndDate === undefined || `${period.endDate}T00:00:00.000` <= request.dataEndDate)
      if (request.algorithm === 'INVALID_NUMERIC') {
        const text = v.value.trim()
        if (inWindow && (!PG_DOUBLE_REGEX.test(text) || text.split('.')[0]!.replace(/^[+-]/, '').length > 307))
          invalid.push({
            de: v.dataElement,
            deName: objects.dataElements.byId.get(v.dataElement)?.name ?? '',
            pe: v.period,
            ou: ou.id,
            ouName: ou.name,
            coc: v.categoryOptionCombo,
            cocName: name(v.categoryOptionCombo),
            aoc: v.attributeOptionCombo,
            aocName: name(v.attributeOptionCombo),
            rawValue: v.value,
            followup: v.followup,
          })
        continue
      }
      // The SQL casts every selected value to double precision: a text that does not cast fails the query.
      if (!PG_CASTABLE.test(v.value)) throw illegalQuery('E2208')
      const key = `${v.dataElement}.${v.categoryOptionCombo}.${v.attributeOptionCombo}`
      let list = series.get(key)
      if (!list) series.set(key, (list = []))
      list.push({ pe: v.period, value: Number(v.value), inWindow, inData, followup: v.followup })
    }
    for (const [key, observations] of series) {
      const [de = '', coc = '', aoc = ''] = key.split('.')
      // Jackson's order: de, deName, pe, ou, ouName, coc, cocName, aoc, value… (`@JsonPropertyOrder`).
      const head = (pe: string) => ({
        de,
        deName: objects.dataElements.byId.get(de)?.name ?? '',
        pe,
        ou: ou.id,
        ouName: ou.name,
        coc,
        cocName: name(coc),
        aoc,
      })
      const candidates = observations.filter((o) => o.inWindow)
      if (candidates.length === 0) continue
      if (request.algorithm === 'MIN_MAX') {
        const range = ranges.get(`${de}.${ou.id}.${coc}`)
        if (!range) continue
        for (const o of candidates) {
          if (o.value >= range.min && o.value <= range.max) continue
          const absDev = Math.min(Math.abs(o.value - range.min), Math.abs(o.value - range.max))
          found.push({
            ...head(o.pe),
            value: o.value,
            absDev,
            lowerBound: range.min,
            upperBound: range.max,
            aocName: name(aoc),
            followup: o.followup,
            sortKey: absDev,
          })
        }
        continue
      }
      const history = observations.filter((o) => o.inData).map((o) => o.value)
      if (history.length === 0) continue
      const t = request.threshold
      if (request.algorithm === 'Z_SCORE') {
        const mean = history.reduce((s, v) => s + v, 0) / history.length
        const stdDev = Math.sqrt(history.reduce((s, v) => s + (v - mean) ** 2, 0) / history.length)
        if (!(stdDev > 0)) continue
        for (const o of candidates) {
          const absDev = Math.abs(o.value - mean)
          const zScore = absDev / stdDev
          if (zScore < t) continue
          found.push({
            ...head(o.pe),
            value: o.value,
            mean,
            stdDev,
            absDev,
            zScore,
            lowerBound: mean - stdDev * t,
            upperBound: mean + stdDev * t,
            aocName: name(aoc),
            followup: o.followup,
            sortKey: request.orderBy === 'Z_SCORE' ? zScore : absDev,
          })
        }
      } else {
        const middle = median([...history].sort((a, b) => a - b))
        const mad = median(history.map((v) => Math.abs(middle - v)).sort((a, b) => a - b))
        if (mad === 0) continue
        for (const o of candidates) {
          const absDev = Math.abs(o.value - middle)
          const zScore = (0.6745 * absDev) / mad
          if (zScore < t) continue
          found.push({
            ...head(o.pe),
            value: o.value,
            stdDev: mad,
            absDev,
            zScore,
            lowerBound: middle - (mad * t) / 0.6745,
            upperBound: middle + (mad * t) / 0.6745,
            aocName: name(aoc),
            median: middle,
            followup: o.followup,
            sortKey: request.orderBy === 'Z_SCORE' ? zScore : absDev,
          })
        }
      }
    }
  }
  found.sort(
    (a, b) =>
      b.sortKey - a.sortKey ||
      a.de.localeCompare(b.de) ||
      a.ou.localeCompare(b.ou) ||
      a.pe.localeCompare(b.pe) ||
      a.coc.localeCompare(b.coc) ||
      a.aoc.localeCompare(b.aoc),
  )
  const outlierValues =
    request.algorithm === 'INVALID_NUMERIC'
      ? invalid.slice(0, request.maxResults)
      : found.slice(0, request.maxResults).map(({ sortKey: _sortKey, ...v }) => v)
  const metadata: OutlierResponse['metadata'] = {
    algorithm: request.algorithm,
    threshold: request.threshold,
    orderBy: request.orderBy,
    maxResults: request.maxResults,
    count: outlierValues.length,
  }
  // Jackson's order: algorithm, threshold, dataStartDate, dataEndDate, orderBy, maxResults, count.
  return {
    metadata: {
      algorithm: metadata.algorithm,
      threshold: metadata.threshold,
      ...(request.dataStartDate !== undefined ? { dataStartDate: request.dataStartDate } : {}),
      ...(request.dataEndDate !== undefined ? { dataEndDate: request.dataEndDate } : {}),
      orderBy: metadata.orderBy,
      maxResults: metadata.maxResults,
      count: metadata.count,
    },
    outlierValues,
  }
}
