/**
 * What happens between parsing and computing (analytics §1.5, §6, §7): the security check of the
 * requested org units against the user's data-view units (E7120), the implicit org-unit filter when a
 * request has none, then `DefaultQueryValidator` of 2.41 — first failing rule wins, in its order.
 */
import type { DataElement, OrganisationUnit } from '@relais/mappings'
import { AnalyticsError, javaList } from './errors'
import { hasPeriodOffset } from './expression'
import { DIMENSION_NAMES, type Dimension, type DxItem, type ResolveContext } from './resolve'

export interface ResolvedQuery {
  /** Dimensions in request order (header order is decided later). */
  dimensions: Dimension[]
  filters: Dimension[]
}

/** The user's data view org units, only when set on the user (DHIS2's `hasDataViewOrganisationUnit`). */
function dataViewUnits(rc: ResolveContext): OrganisationUnit[] {
  const byId = rc.ctx.index.metadata.objects.organisationUnits.byId
  return rc.user.user.dataViewOrganisationUnits
    .map((r) => byId.get(r.id))
    .filter((o): o is OrganisationUnit => o !== undefined)
}

/** `decideAccess` then `withUserConstraints` (DefaultAnalyticsSecurityManager). */
export function applySecurity(rc: ResolveContext, query: ResolvedQuery): void {
  const view = dataViewUnits(rc)
  const all = [...query.dimensions, ...query.filters]
  if (view.length > 0) {
    for (const dim of all) {
      if (dim.type !== 'ORGANISATION_UNIT') continue
      for (const unit of dim.items) {
        if (!view.some((v) => rc.ctx.index.metadata.isWithin(unit, v.id)))
          throw new AnalyticsError('E7120', rc.user.user.username, unit.id)
      }
    }
    if (!all.some((d) => d.type === 'ORGANISATION_UNIT' && d.items.length > 0)) {
      query.filters.push({
        type: 'ORGANISATION_UNIT',
        id: 'ou',
        name: DIMENSION_NAMES.ou,
        filter: true,
        keywords: [],
        items: view,
        userKeywords: [],
      })
    }
  }
}

const COMPLETENESS_TYPES = [
  'DATA_X',
  'PERIOD',
  'ORGANISATION_UNIT',
  'ORGANISATION_UNIT_GROUP_SET',
  'CATEGORY_OPTION_GROUP_SET',
  'CATEGORY',
]

export function isAggregatable(de: DataElement): boolean {
  if (de.aggregationType === 'NONE') return false
  if ((de.valueType as string) === 'FILE_RESOURCE' && de.aggregationType !== 'COUNT') return false
  return true
}

const dxItems = (dims: readonly Dimension[]): DxItem[] => dims.flatMap((d) => (d.type === 'DATA_X' ? d.items : []))

export function validateQuery(rc: ResolveContext, query: ResolvedQuery): void {
  const { dimensions, filters } = query
  const all = [...dimensions, ...filters]
  const allDx = dxItems(all)
  const filterDx = dxItems(filters)
  const hasPeriods = all.some((d) => d.type === 'PERIOD' && d.items.length > 0)
  const hasStartEnd = rc.request.startDate !== undefined && rc.request.endDate !== undefined
  const reportingRates = allDx.filter((i) => i.type === 'REPORTING_RATE')
  const hasCo = all.some((d) => d.type === 'CATEGORY_OPTION_COMBO')
  const dataElements = allDx.filter((i) => i.type === 'DATA_ELEMENT')
  const fail = (code: string, ...args: string[]): never => {
    throw new AnalyticsError(code, ...args)
  }

  // Data dimensions.
  if (dimensions.length === 0) fail('E7101')
  if (!rc.request.skipData && allDx.length === 0) fail('E7102')
  const asFilters = dimensions.filter((d) => filters.some((f) => f.id === d.id)).map((d) => d.id)
  if (asFilters.length > 0) fail('E7103', javaList(asFilters))
  // Periods.
  if (!hasPeriods && !hasStartEnd) fail('E7104')
  if (hasPeriods && hasStartEnd) fail('E7105')
  if (hasStartEnd && (rc.request.startDate ?? '') > (rc.request.endDate ?? '')) fail('E7106')
  if (hasStartEnd && reportingRates.length > 0) fail('E7107')
  // Indicators and filters.
  if (filterDx.some((i) => i.type === 'INDICATOR') && filterDx.length > 1) fail('E7108')
  if (filterDx.some((i) => i.type === 'REPORTING_RATE') && filterDx.length > 1) fail('E7109')
  if (filters.some((f) => f.type === 'CATEGORY_OPTION_COMBO')) fail('E7110')
  // Consistency.
  const seen = new Set<string>()
  const duplicates: string[] = []
  for (const d of all) {
    if (seen.has(d.id)) duplicates.push(d.id)
    seen.add(d.id)
  }
  if (duplicates.length > 0) fail('E7111', javaList(duplicates))
  if (reportingRates.length > 0 && all.some((d) => !COMPLETENESS_TYPES.includes(d.type)))
    fail('E7112', javaList(COMPLETENESS_TYPES))
  if (hasCo && dataElements.length === 0) fail('E7113')
  if (hasCo && dataElements.length !== allDx.length) fail('E7114')
  // Data elements.
  const elements = allDx.flatMap((i) => (i.type === 'DATA_ELEMENT' || i.type === 'DATA_ELEMENT_OPERAND' ? [i.de] : []))
  const nonAggregatable = [...new Map(elements.filter((de) => !isAggregatable(de)).map((de) => [de.id, de])).keys()]
  if (nonAggregatable.length > 0) fail('E7115', javaList(nonAggregatable))
  const skipTotal = dataElements.filter(
    (i) => rc.ctx.index.metadata.objects.categoryCombos.byId.get(i.de.categoryCombo.id)?.skipTotal === true,
  )
  if (skipTotal.length > 0) fail('E7134')
  // Indicators.
  const peFilter = filters.some((f) => f.type === 'PERIOD')
  if (
    peFilter &&
    allDx.some((i) => i.type === 'INDICATOR' && i.numerator !== undefined && hasPeriodOffset(i.numerator))
  )
    fail('E7152')
}
