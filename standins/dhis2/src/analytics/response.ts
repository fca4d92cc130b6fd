/**
 * The analytics response apart from the values (analytics §2): headers (dx, co, ao first, then the
 * request order; value; the five num/den columns), `metaData.items` (names by displayProperty, period
 * and relative-period names, keywords, the 2.41 USER_ORGUNIT items) and `metaData.dimensions` (every
 * resolved item of dimensions and filters, `co` always), and the output id schemes applied to rows.
 */
import type { CategoryOptionCombo, DataElement, OrganisationUnit } from '@relais/mappings'
import type { StandinContext } from '../context'
import type { OutputIdScheme } from './request'
import { METRIC_NAMES } from './reporting-rates'
import { childrenOf, type Dimension, type DxItem, type Namer, type ResolveContext } from './resolve'

export interface GridHeader {
  name: string
  column: string
  valueType: 'TEXT' | 'NUMBER'
  type: 'java.lang.String' | 'java.lang.Double'
  hidden: false
  meta: boolean
}

const TYPE_ORDER: Partial<Record<Dimension['type'], number>> = {
  DATA_X: 0,
  CATEGORY_OPTION_COMBO: 1,
  ATTRIBUTE_OPTION_COMBO: 2,
}

/** Header order: dx, co, ao, then the others in request order (DataQueryParams.addDimension). */
export function headerDimensions(dimensions: readonly Dimension[]): Dimension[] {
  return dimensions
    .map((d, i) => ({ d, i }))
    .sort((a, b) => (TYPE_ORDER[a.d.type] ?? 3) - (TYPE_ORDER[b.d.type] ?? 3) || a.i - b.i)
    .map((x) => x.d)
}

export function buildHeaders(dims: readonly Dimension[], includeNumDen: boolean): GridHeader[] {
  const headers: GridHeader[] = dims.map((d) => ({
    name: d.id,
    column: d.name,
    valueType: 'TEXT',
    type: 'java.lang.String',
    hidden: false,
    meta: true,
  }))
  const number = (name: string, column: string): GridHeader => ({
    name,
    column,
    valueType: 'NUMBER',
    type: 'java.lang.Double',
    hidden: false,
    meta: false,
  })
  headers.push(number('value', 'Value'))
  if (includeNumDen) {
    headers.push(
      number('numerator', 'Numerator'),
      number('denominator', 'Denominator'),
      number('factor', 'Factor'),
      number('multiplier', 'Multiplier'),
      number('divisor', 'Divisor'),
    )
  }
  return headers
}

/** The category option combos of a data element's combos, data-set overrides included. */
export function cocsOfDataElement(ctx: StandinContext, de: DataElement): CategoryOptionCombo[] {
  const meta = ctx.index.metadata
  const out: CategoryOptionCombo[] = []
  for (const comboId of meta.allowedCategoryCombos(de)) {
    for (const ref of meta.objects.categoryCombos.byId.get(comboId)?.categoryOptionCombos ?? []) {
      const coc = meta.objects.categoryOptionCombos.byId.get(ref.id)
      if (coc && !out.includes(coc)) out.push(coc)
    }
  }
  return out
}

export function dxName(namer: Namer, item: DxItem): string {
  switch (item.type) {
    case 'DATA_ELEMENT':
      return namer.of(item.de)
    case 'DATA_ELEMENT_OPERAND': {
      // DataElementOperand.getDisplayName: "<element> <COC>", " *" for any COC with an AOC, then " <AOC>".
      let name = namer.of(item.de)
      const nonDefault = (c: CategoryOptionCombo | null) => c !== null && c.code !== 'default' && c.name !== 'default'
      if (nonDefault(item.coc)) name += ` ${namer.of(item.coc as CategoryOptionCombo)}`
      else if (nonDefault(item.aoc)) name += ' *'
      if (nonDefault(item.aoc)) name += ` ${namer.of(item.aoc as CategoryOptionCombo)}`
      return name
    }
    case 'INDICATOR':
      return namer.of(item.indicator)
    case 'REPORTING_RATE':
      // ReportingRate.getName: the data set's own (untranslated) name.
      return `${namer.displayProperty === 'SHORTNAME' ? item.ds.shortName : item.ds.name} - ${METRIC_NAMES[item.metric]}`
  }
}

const itemKeys = (dim: Dimension): string[] => (dim.items as { id: string }[]).map((i) => i.id)

export function buildMetaData(rc: ResolveContext, all: readonly Dimension[]): Record<string, unknown> {
  const { namer, ctx } = rc
  const items: Record<string, unknown> = {}
  const keywordItems: [string, unknown][] = []
  for (const dim of all) {
    switch (dim.type) {
      case 'DATA_X':
        for (const item of dim.items) {
          items[item.id] = { name: dxName(namer, item) }
          if (item.type === 'DATA_ELEMENT')
            for (const coc of cocsOfDataElement(ctx, item.de)) items[coc.id] = { name: namer.of(coc) }
        }
        break
      case 'PERIOD':
        for (const p of dim.items) items[p.id] = { name: namer.period(p) }
        break
      case 'ORGANISATION_UNIT':
        for (const o of dim.items) items[o.id] = { name: namer.of(o) }
        break
      default:
        for (const o of dim.items) items[o.id] = { name: namer.of(o) }
    }
    items[dim.id] = { name: dim.name }
    for (const k of dim.keywords) keywordItems.push([k.key, k.item])
  }
  for (const [key, item] of keywordItems) if (!(key in items)) items[key] = item
  // 2.41: the user's own org units behind the USER_ORGUNIT keywords used.
  const used = new Set(all.flatMap((d) => (d.type === 'ORGANISATION_UNIT' ? d.userKeywords : [])))
  if (used.size > 0) {
    const capture = rc.user.captureOrgUnits
    const ids = (units: OrganisationUnit[]) => units.map((u) => u.id)
    if (used.has('USER_ORGUNIT')) items.USER_ORGUNIT = { organisationUnits: ids(capture) }
    if (used.has('USER_ORGUNIT_CHILDREN'))
      items.USER_ORGUNIT_CHILDREN = { organisationUnits: ids(childrenOf(rc, capture)) }
    if (used.has('USER_ORGUNIT_GRANDCHILDREN'))
      items.USER_ORGUNIT_GRANDCHILDREN = { organisationUnits: ids(childrenOf(rc, childrenOf(rc, capture))) }
  }

  const dimensions: Record<string, string[]> = {}
  const periods: string[] = []
  for (const d of all) if (d.type === 'PERIOD') for (const p of d.items) if (!periods.includes(p.id)) periods.push(p.id)
  dimensions.pe = periods
  const cocs = new Set<string>()
  for (const d of all)
    if (d.type === 'DATA_X')
      for (const i of d.items)
        if (i.type === 'DATA_ELEMENT') for (const c of cocsOfDataElement(ctx, i.de)) cocs.add(c.id)
  dimensions.co = [...cocs]
  for (const d of all) if (!(d.id in dimensions)) dimensions[d.id] = itemKeys(d)
  return { items, dimensions }
}

/**
 * uid → output id for the meta cells of rows (SchemeIdResponseMapper): the general scheme for every
 * dimension item, then outputDataElementIdScheme for data elements and outputOrgUnitIdScheme for org units.
 */
export function idSchemeMap(rc: ResolveContext, all: readonly Dimension[]): Map<string, string> | undefined {
  const { outputIdScheme: general, outputDataElementIdScheme: deScheme, outputOrgUnitIdScheme: ouScheme } = rc.request
  if ((!general || general === 'UID') && (!deScheme || deScheme === 'UID') && (!ouScheme || ouScheme === 'UID'))
    return undefined
  const map = new Map<string, string>()
  const prop = (o: { id: string; code?: string; name: string }, scheme: OutputIdScheme): string | undefined =>
    scheme === 'UID' ? o.id : scheme === 'CODE' ? o.code : o.name
  const put = (key: string, value: string | undefined) => {
    if (value !== undefined) map.set(key, value)
  }
  for (const dim of all) {
    for (const item of dim.items as unknown[]) {
      let scheme: OutputIdScheme | undefined = general
      if (dim.type === 'ORGANISATION_UNIT' && ouScheme) scheme = ouScheme
      const dx = dim.type === 'DATA_X' ? (item as DxItem) : undefined
      if (dx?.type === 'DATA_ELEMENT' && deScheme) scheme = deScheme
      if (!scheme) continue
      if (dim.type === 'PERIOD') {
        const p = item as { id: string }
        if (scheme === 'NAME') put(p.id, rc.namer.period(item as never))
        continue
      }
      if (dx) {
        switch (dx.type) {
          case 'DATA_ELEMENT':
          case 'INDICATOR':
            put(dx.id, prop(dx.type === 'DATA_ELEMENT' ? dx.de : dx.indicator, scheme))
            break
          case 'DATA_ELEMENT_OPERAND': {
            const de = prop(dx.de, scheme)
            const coc = dx.coc ? prop(dx.coc, scheme) : '*'
            const aoc = dx.aoc ? prop(dx.aoc, scheme) : undefined
            if (de !== undefined && coc !== undefined)
              put(dx.id, [de, coc, ...(dx.aoc ? [aoc ?? dx.aoc.id] : [])].join('.'))
            break
          }
          case 'REPORTING_RATE': {
            const ds = prop(dx.ds, scheme)
            if (ds !== undefined) put(dx.id, `${ds}.${dx.metric}`)
            break
          }
        }
        continue
      }
      const o = item as { id: string; code?: string; name: string }
      put(o.id, prop(o, scheme))
    }
  }
  return map
}
