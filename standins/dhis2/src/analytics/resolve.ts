/**
 * Turning request dimensions into resolved dimensions the way DHIS2 2.41 does
 * (`DefaultDataQueryService.getDimension`, `DimensionalObjectProducer`): dx items (unknown ones
 * dropped, none left → E7124), periods (fixed ids and relative periods; invalid → E7611), org units
 * (ids, LEVEL-n, OU_GROUP-x, USER_ORGUNIT*, boundaries; none → E7143), `co` / `ao`, org-unit group
 * sets; anything else → E7125. Errors come in parameter order, dimensions before filters.
 */
import {
  isRelativePeriodName,
  periodName,
  relativePeriodName,
  relativePeriods,
  type CategoryOptionCombo,
  type DataElement,
  type DataSet,
  type FinancialYearStart,
  type Indicator,
  type IndicatorType,
  type OrganisationUnit,
  type OrganisationUnitGroup,
  type OrganisationUnitGroupSet,
  type Period,
  type Translation,
} from '@relais/mappings'
import type { AuthUser, StandinContext } from '../context'
import { AnalyticsError } from './errors'
import { isReportingMetric, parseExpression, type ParsedExpression, type ReportingMetric } from './expression'
import { periodOf } from './periods'
import type { AnalyticsRequest, RawDimension } from './request'

export type DxItem =
  | { type: 'DATA_ELEMENT'; id: string; de: DataElement }
  | {
      type: 'DATA_ELEMENT_OPERAND'
      id: string
      de: DataElement
      coc: CategoryOptionCombo | null
      aoc: CategoryOptionCombo | null
    }
  | {
      type: 'INDICATOR'
      id: string
      indicator: Indicator
      indicatorType?: IndicatorType
      numerator?: ParsedExpression
      denominator?: ParsedExpression
    }
  | { type: 'REPORTING_RATE'; id: string; ds: DataSet; metric: ReportingMetric }

export interface KeywordItem {
  uid?: string
  code?: string
  name: string
}

export interface Keyword {
  key: string
  item: KeywordItem
}

export type UserOrgUnitKeyword = 'USER_ORGUNIT' | 'USER_ORGUNIT_CHILDREN' | 'USER_ORGUNIT_GRANDCHILDREN'

interface DimBase {
  id: string
  /** The dimension's display name: "Data", "Period", … or the group set's name. */
  name: string
  filter: boolean
  keywords: Keyword[]
}

export type Dimension =
  | (DimBase & { type: 'DATA_X'; items: DxItem[] })
  | (DimBase & { type: 'PERIOD'; items: Period[] })
  | (DimBase & { type: 'ORGANISATION_UNIT'; items: OrganisationUnit[]; userKeywords: UserOrgUnitKeyword[] })
  | (DimBase & { type: 'CATEGORY_OPTION_COMBO'; items: CategoryOptionCombo[] })
  | (DimBase & { type: 'ATTRIBUTE_OPTION_COMBO'; items: CategoryOptionCombo[] })
  | (DimBase & {
      type: 'ORGANISATION_UNIT_GROUP_SET'
      items: OrganisationUnitGroup[]
      groupSet: OrganisationUnitGroupSet
    })

export type DimensionOf<T extends Dimension['type']> = Extract<Dimension, { type: T }>

export function findDimension<T extends Dimension['type']>(
  list: readonly Dimension[],
  type: T,
): DimensionOf<T> | undefined {
  return list.find((d): d is DimensionOf<T> => d.type === type)
}

export const DIMENSION_NAMES = {
  dx: 'Data',
  pe: 'Period',
  ou: 'Organisation unit',
  co: 'Category option combo',
  ao: 'Attribute option combo',
} as const

type Nameable = { name: string; shortName?: string; translations?: Translation[] }

/** Names as analytics prints them: translated into the user's database locale, NAME or SHORTNAME. */
export class Namer {
  constructor(
    readonly dbLocale: string,
    readonly uiLocale: string,
    readonly displayProperty: 'NAME' | 'SHORTNAME',
  ) {}

  private translation(object: Nameable, property: Translation['property']): string | undefined {
    const list = object.translations ?? []
    const lang = this.dbLocale.split(/[_-]/)[0]
    return (
      list.find((t) => t.property === property && t.locale === this.dbLocale) ??
      list.find((t) => t.property === property && t.locale === lang)
    )?.value
  }

  displayName(object: Nameable): string {
    return this.translation(object, 'NAME') ?? object.name
  }

  /** `getDisplayProperty(displayProperty)`. */
  of(object: Nameable): string {
    if (this.displayProperty === 'SHORTNAME')
      return this.translation(object, 'SHORT_NAME') ?? object.shortName ?? this.displayName(object)
    return this.displayName(object)
  }

  period(period: Period): string {
    return periodName(period, this.uiLocale.startsWith('fr') ? 'fr' : 'en')
  }

  relative(name: string): string {
    return relativePeriodName(name, this.uiLocale.startsWith('fr') ? 'fr' : 'en') ?? name
  }
}

export interface ResolveContext {
  ctx: StandinContext
  user: AuthUser
  request: AnalyticsRequest
  namer: Namer
  /** Server's today (yyyy-MM-dd): relative periods without relativePeriodDate, financial years. */
  today: string
}

const FINANCIAL: Record<string, FinancialYearStart> = {
  FINANCIAL_YEAR_APRIL: 'APRIL',
  FINANCIAL_YEAR_JULY: 'JULY',
  FINANCIAL_YEAR_OCTOBER: 'OCTOBER',
  FINANCIAL_YEAR_NOVEMBER: 'NOVEMBER',
}

const indicatorCache = new WeakMap<
  Indicator,
  { numerator?: ParsedExpression; denominator?: ParsedExpression; key: string }
>()

function parsedIndicator(indicator: Indicator): { numerator?: ParsedExpression; denominator?: ParsedExpression } {
  const key = `${indicator.numerator}\u0000${indicator.denominator}`
  const hit = indicatorCache.get(indicator)
  if (hit && hit.key === key) return hit
  const safe = (text: string) => {
    try {
      return parseExpression(text)
    } catch {
      return undefined
    }
  }
  const parsed = { numerator: safe(indicator.numerator), denominator: safe(indicator.denominator), key }
  indicatorCache.set(indicator, parsed)
  return parsed
}

function resolveDx(rc: ResolveContext, raw: RawDimension): Dimension {
  const o = rc.ctx.index.metadata.objects
  const items: DxItem[] = []
  const seen = new Set<string>()
  const add = (item: DxItem) => {
    if (seen.has(item.id)) return
    seen.add(item.id)
    items.push(item)
  }
  for (const id of raw.items) {
    if (id.startsWith('DE_GROUP-') || id.startsWith('IN_GROUP-')) continue // no data element / indicator groups in the programme
    const parts = id.split('.')
    if (parts.length === 1) {
      const de = o.dataElements.byId.get(id)
      if (de) {
        add({ type: 'DATA_ELEMENT', id, de })
        continue
      }
      const indicator = o.indicators.byId.get(id)
      if (indicator) {
        add({
          type: 'INDICATOR',
          id,
          indicator,
          indicatorType: o.indicatorTypes.byId.get(indicator.indicatorType.id),
          ...parsedIndicator(indicator),
        })
      }
      continue
    }
    const [first = '', second = '', third] = parts
    if (parts.length === 2 && isReportingMetric(second)) {
      const ds = o.dataSets.byId.get(first)
      if (ds) add({ type: 'REPORTING_RATE', id, ds, metric: second })
      continue
    }
    const de = o.dataElements.byId.get(first)
    if (!de || parts.length > 3) continue
    if (second === '*' && third === undefined) {
      // `de.*`: TotalType NONE, keyed and summed as the plain total.
      add({ type: 'DATA_ELEMENT', id: first, de })
      continue
    }
    const coc = second === '*' ? null : o.categoryOptionCombos.byId.get(second)
    const aoc = third === undefined ? null : o.categoryOptionCombos.byId.get(third)
    if (coc === undefined || aoc === undefined) continue
    add({ type: 'DATA_ELEMENT_OPERAND', id, de, coc, aoc })
  }
  if (items.length === 0) throw new AnalyticsError('E7124', 'dx')
  return { type: 'DATA_X', id: 'dx', name: DIMENSION_NAMES.dx, filter: raw.filter, keywords: [], items }
}

function resolvePe(rc: ResolveContext, raw: RawDimension): Dimension {
  const periods: Period[] = []
  const keywords: Keyword[] = []
  const fy = FINANCIAL[String(rc.ctx.state.systemSettings.analyticsFinancialYearStart ?? '')] ?? 'OCTOBER'
  const date = rc.request.relativePeriodDate ?? rc.today
  for (const item of raw.items) {
    if (isRelativePeriodName(item)) {
      keywords.push({ key: item, item: { name: rc.namer.relative(item) } })
      periods.push(...(relativePeriods(item, date, { financialYearStart: fy, now: rc.today }) ?? []))
      continue
    }
    const period = periodOf(item)
    if (!period) throw new AnalyticsError('E7611', item)
    keywords.push({ key: item, item: { name: rc.namer.period(period) } })
    periods.push(period)
  }
  const seen = new Set<string>()
  const items = periods.filter((p) => !seen.has(p.id) && seen.add(p.id) !== undefined)
  return { type: 'PERIOD', id: 'pe', name: DIMENSION_NAMES.pe, filter: raw.filter, keywords, items }
}

/** Java's `compareToIgnoreCase` on display names (BaseIdentifiableObject.compareTo), keys computed once. */
function sortByName(namer: Namer, units: OrganisationUnit[]): OrganisationUnit[] {
  const keyed = units.map((u) => ({ u, k: namer.displayName(u).toLowerCase() }))
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
  return keyed.map((x) => x.u)
}

/** The org units behind USER_ORGUNIT: `userOrgUnit=` or the user's data capture units, sorted. */
export function userOrgUnits(rc: ResolveContext): OrganisationUnit[] {
  const byId = rc.ctx.index.metadata.objects.organisationUnits.byId
  const units = rc.request.userOrgUnit
    ? rc.request.userOrgUnit.map((id) => byId.get(id)).filter((o): o is OrganisationUnit => o !== undefined)
    : [...rc.user.captureOrgUnits]
  return sortByName(rc.namer, units)
}

export function childrenOf(rc: ResolveContext, units: readonly OrganisationUnit[]): OrganisationUnit[] {
  const byId = rc.ctx.index.metadata.objects.organisationUnits.byId
  const out: OrganisationUnit[] = []
  for (const unit of units) {
    out.push(
      ...sortByName(
        rc.namer,
        unit.children.map((c) => byId.get(c.id)).filter((o): o is OrganisationUnit => o !== undefined),
      ),
    )
  }
  return out
}

function resolveOu(rc: ResolveContext, raw: RawDimension): Dimension {
  const meta = rc.ctx.index.metadata
  const byId = meta.objects.organisationUnits.byId
  const levels: number[] = []
  const groups: OrganisationUnitGroup[] = []
  const ous: OrganisationUnit[] = []
  const userKeywords: UserOrgUnitKeyword[] = []
  let mine: OrganisationUnit[] | undefined
  const userUnits = () => (mine ??= userOrgUnits(rc))
  for (const item of raw.items) {
    if (item === 'USER_ORGUNIT' || item === 'USER_ORGUNIT_CHILDREN' || item === 'USER_ORGUNIT_GRANDCHILDREN') {
      userKeywords.push(item)
      if (userUnits().length === 0) continue
      if (item === 'USER_ORGUNIT') ous.push(...userUnits())
      else if (item === 'USER_ORGUNIT_CHILDREN') ous.push(...childrenOf(rc, userUnits()))
      else ous.push(...childrenOf(rc, childrenOf(rc, userUnits())))
    } else if (item.startsWith('LEVEL-')) {
      const value = item.slice('LEVEL-'.length)
      const level = /^\d+$/.test(value) ? Number(value) : meta.objects.organisationUnitLevels.byId.get(value)?.level
      if (level !== undefined && meta.objects.organisationUnitLevels.items.some((l) => l.level === level))
        levels.push(level)
    } else if (item.startsWith('OU_GROUP-')) {
      const group = meta.objects.organisationUnitGroups.byId.get(item.slice('OU_GROUP-'.length))
      if (group) groups.push(group)
    } else {
      const unit = byId.get(item)
      if (unit) ous.push(unit)
    }
  }
  const boundaries = [...new Map(ous.map((o) => [o.id, o])).values()]
  // The sub-trees of the boundaries, walked through the children (a LEVEL-5 under one zone visits the zone only).
  let inside: Set<string> | undefined
  const within = (unit: OrganisationUnit) => {
    if (boundaries.length === 0) return true
    if (!inside) {
      inside = new Set<string>()
      const stack = [...boundaries]
      while (stack.length > 0) {
        const u = stack.pop() as OrganisationUnit
        if (inside.has(u.id)) continue
        inside.add(u.id)
        for (const c of u.children) {
          const child = byId.get(c.id)
          if (child) stack.push(child)
        }
      }
    }
    return inside.has(unit.id)
  }
  let items: OrganisationUnit[] = []
  const keywords: Keyword[] = []
  if (levels.length > 0) {
    const wanted = new Set(levels)
    items.push(
      ...sortByName(
        rc.namer,
        rc.ctx.state.metadata.organisationUnits.filter((u) => wanted.has(u.level) && within(u)),
      ),
    )
    for (const level of levels) {
      const l = meta.objects.organisationUnitLevels.items.find((x) => x.level === level)
      if (l) keywords.push({ key: l.id, item: { uid: l.id, ...(l.code ? { code: l.code } : {}), name: l.name } })
    }
  }
  if (groups.length > 0) {
    const members = new Set(groups.flatMap((g) => g.organisationUnits.map((r) => r.id)))
    items.push(
      ...sortByName(
        rc.namer,
        [...members].map((id) => byId.get(id)).filter((u): u is OrganisationUnit => u !== undefined && within(u)),
      ),
    )
    for (const g of groups)
      keywords.push({ key: g.id, item: { uid: g.id, ...(g.code ? { code: g.code } : {}), name: rc.namer.of(g) } })
  }
  // When levels or groups are present, the plain org units are boundaries, not rows.
  if (levels.length === 0 && groups.length === 0) items = boundaries
  if (keywords.length > 0)
    for (const b of boundaries)
      keywords.push({ key: b.id, item: { uid: b.id, ...(b.code ? { code: b.code } : {}), name: b.name } })
  if (items.length === 0) throw new AnalyticsError('E7143')
  items = [...new Map(items.map((o) => [o.id, o])).values()]
  return {
    type: 'ORGANISATION_UNIT',
    id: 'ou',
    name: DIMENSION_NAMES.ou,
    filter: raw.filter,
    keywords,
    items,
    userKeywords,
  }
}

function resolveCombo(
  rc: ResolveContext,
  raw: RawDimension,
  type: 'CATEGORY_OPTION_COMBO' | 'ATTRIBUTE_OPTION_COMBO',
): Dimension {
  const cocs = rc.ctx.index.metadata.objects.categoryOptionCombos.byId
  const items = raw.items.map((id) => cocs.get(id)).filter((c): c is CategoryOptionCombo => c !== undefined)
  if (type === 'CATEGORY_OPTION_COMBO')
    return { type, id: 'co', name: DIMENSION_NAMES.co, filter: raw.filter, keywords: [], items }
  return { type, id: 'ao', name: DIMENSION_NAMES.ao, filter: raw.filter, keywords: [], items }
}

function resolveDynamic(rc: ResolveContext, raw: RawDimension): Dimension {
  const o = rc.ctx.index.metadata.objects
  const groupSet = o.organisationUnitGroupSets.byId.get(raw.id)
  if (!groupSet || !groupSet.dataDimension) throw new AnalyticsError('E7125', raw.id)
  const all = raw.items.length === 0 || raw.items.includes('ALL_ITEMS')
  const members = new Set(groupSet.organisationUnitGroups.map((g) => g.id))
  const items = all
    ? groupSet.organisationUnitGroups
        .map((g) => o.organisationUnitGroups.byId.get(g.id))
        .filter((g): g is OrganisationUnitGroup => g !== undefined)
    : raw.items
        .map((id) => o.organisationUnitGroups.byId.get(id))
        .filter((g): g is OrganisationUnitGroup => g !== undefined && members.has(g.id))
  if (items.length === 0) throw new AnalyticsError('E7124', raw.id)
  return {
    type: 'ORGANISATION_UNIT_GROUP_SET',
    id: groupSet.id,
    name: rc.namer.of(groupSet),
    filter: raw.filter,
    keywords: [],
    items,
    groupSet,
  }
}

export function resolveDimension(rc: ResolveContext, raw: RawDimension): Dimension {
  switch (raw.id) {
    case 'dx':
      return resolveDx(rc, raw)
    case 'pe':
      return resolvePe(rc, raw)
    case 'ou':
      return resolveOu(rc, raw)
    case 'co':
      return resolveCombo(rc, raw, 'CATEGORY_OPTION_COMBO')
    case 'ao':
      return resolveCombo(rc, raw, 'ATTRIBUTE_OPTION_COMBO')
    default:
      return resolveDynamic(rc, raw)
  }
}
