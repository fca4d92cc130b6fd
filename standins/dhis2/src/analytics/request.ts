/**
 * Reading `GET /api/analytics` parameters (analytics §1.1, §1.6): `dimension` / `filter` repeated or
 * comma-joined, each `<dimension>:<item>;<item>`, and the options the stand-in honours.
 */
import { badRequest } from '../http/web-message'

export interface RawDimension {
  id: string
  items: string[]
  filter: boolean
}

export type OutputIdScheme = 'UID' | 'CODE' | 'NAME'

export interface MeasureCriterion {
  op: 'EQ' | 'GT' | 'GE' | 'LT' | 'LE'
  value: number
}

export interface AnalyticsRequest {
  dimensions: RawDimension[]
  filters: RawDimension[]
  displayProperty: 'NAME' | 'SHORTNAME'
  skipMeta: boolean
  skipData: boolean
  skipRounding: boolean
  includeNumDen: boolean
  order?: 'ASC' | 'DESC'
  relativePeriodDate?: string
  outputIdScheme?: OutputIdScheme
  outputOrgUnitIdScheme?: OutputIdScheme
  outputDataElementIdScheme?: OutputIdScheme
  /** Org units standing for USER_ORGUNIT (`userOrgUnit=a;b`). */
  userOrgUnit?: string[]
  aggregationType?: string
  measureCriteria: MeasureCriterion[]
  startDate?: string
  endDate?: string
}

type Query = Record<string, unknown>

function values(query: Query, name: string): string[] {
  const v = query[name]
  if (v === undefined || v === null) return []
  // qs turns more than 20 repeated parameters into an object keyed by index.
  const list = Array.isArray(v) ? v : typeof v === 'object' ? Object.values(v as object) : [v]
  return list.filter((x): x is string => typeof x === 'string')
}

function single(query: Query, name: string): string | undefined {
  const all = values(query, name)
  return all.length > 0 ? all[all.length - 1] : undefined
}

function flag(query: Query, name: string): boolean {
  return single(query, name)?.toLowerCase() === 'true'
}

function scheme(query: Query, name: string): OutputIdScheme | undefined {
  const v = single(query, name)?.toUpperCase()
  if (v === undefined || v === '') return undefined
  if (v === 'UID' || v === 'ID') return 'UID'
  if (v === 'CODE' || v === 'NAME') return v
  throw badRequest(`Value '${v}' is not valid for parameter ${name}`)
}

function isoDate(query: Query, name: string): string | undefined {
  const v = single(query, name)
  if (v === undefined || v === '') return undefined
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(v)
  if (!m) throw badRequest(`Value '${v}' is not valid for parameter ${name}`)
  return `${m[1]}-${m[2]}-${m[3]}`
}

/** `dx:a;b` → { id: 'dx', items: ['a', 'b'] }; `co` → { id: 'co', items: [] } (DHIS2's getDimensionFromParam). */
function parseDimensionParam(param: string, filter: boolean): RawDimension | undefined {
  const text = param.trim()
  if (text === '') return undefined
  const colon = text.indexOf(':')
  if (colon < 0) return { id: text, items: [], filter }
  const items = text
    .slice(colon + 1)
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
  return { id: text.slice(0, colon), items, filter }
}

function dimensionList(query: Query, name: string, filter: boolean): RawDimension[] {
  // Spring binds `dimension=a,b` to a Set: comma-joined dimensions, identical ones collapsed.
  const seen = new Set<string>()
  const out: RawDimension[] = []
  for (const value of values(query, name)) {
    for (const part of value.split(',')) {
      const key = part.trim()
      if (seen.has(key)) continue
      seen.add(key)
      const dim = parseDimensionParam(part, filter)
      if (dim) out.push(dim)
    }
  }
  return out
}

function measureCriteria(query: Query): MeasureCriterion[] {
  const v = single(query, 'measureCriteria')
  if (!v) return []
  return v.split(';').map((part) => {
    const [op = '', num = ''] = part.split(':')
    const upper = op.toUpperCase()
    if (!['EQ', 'GT', 'GE', 'LT', 'LE'].includes(upper) || Number.isNaN(Number(num)))
      throw badRequest(`Invalid measure criteria: ${part}`)
    return { op: upper as MeasureCriterion['op'], value: Number(num) }
  })
}

export function parseAnalyticsRequest(query: Query): AnalyticsRequest {
  const display = single(query, 'displayProperty')?.toUpperCase()
  const order = single(query, 'order')?.toUpperCase()
  const userOrgUnit = single(query, 'userOrgUnit')
  return {
    dimensions: dimensionList(query, 'dimension', false),
    filters: dimensionList(query, 'filter', true),
    displayProperty: display === 'SHORTNAME' ? 'SHORTNAME' : 'NAME',
    skipMeta: flag(query, 'skipMeta'),
    skipData: flag(query, 'skipData'),
    skipRounding: flag(query, 'skipRounding'),
    includeNumDen: flag(query, 'includeNumDen'),
    order: order === 'ASC' || order === 'DESC' ? order : undefined,
    relativePeriodDate: isoDate(query, 'relativePeriodDate'),
    outputIdScheme: scheme(query, 'outputIdScheme'),
    outputOrgUnitIdScheme: scheme(query, 'outputOrgUnitIdScheme'),
    outputDataElementIdScheme: scheme(query, 'outputDataElementIdScheme'),
    userOrgUnit: userOrgUnit ? userOrgUnit.split(';').filter(Boolean) : undefined,
    aggregationType: single(query, 'aggregationType')?.toUpperCase() || undefined,
    measureCriteria: measureCriteria(query),
    startDate: isoDate(query, 'startDate'),
    endDate: isoDate(query, 'endDate'),
  }
}
