/**
 * `GET /api/analytics` end to end: parse → resolve (E7124/E7125/E7143/E7611) → security (E7120) →
 * validate (E7101…E7152) → read the analytics tables (E7144 when never generated) → rows in DHIS2's
 * handler order (indicators, data elements, operands, reporting rates by metric) → metaData → output
 * id scheme → order.
 */
import type { DataElement } from '@relais/mappings'
import type { AuthUser, StandinContext } from '../context'
import type { PeriodSelection } from './aggregate'
import { QueryComputer } from './compute'
import { AnalyticsError } from './errors'
import { REPORTING_METRICS, type ReportingMetric } from './expression'
import { formatDataValue, formatIndicatorNumber, formatReportingRate, javaDouble } from './format'
import { rangesOf } from './hierarchy'
import { parseAnalyticsRequest, type AnalyticsRequest, type MeasureCriterion } from './request'
import { Namer, findDimension, resolveDimension, type Dimension, type DxItem, type ResolveContext } from './resolve'
import { buildHeaders, buildMetaData, headerDimensions, idSchemeMap, type GridHeader } from './response'
import type { AnalyticsTable, Mask } from './table'
import { applySecurity, validateQuery, type ResolvedQuery } from './validate'

export interface AnalyticsResponse {
  headers: GridHeader[]
  metaData: Record<string, unknown>
  rowContext: Record<string, never>
  rows: string[][]
  height: number
  width: number
  headerWidth: number
}

/** keyAnalyticsMaxLimit (2.41 default). */
const MAX_LIMIT = 100000
const EMPTY = new Int32Array(0)

type AocRestriction = ReadonlySet<string> | string | null

function satisfies(criteria: readonly MeasureCriterion[], value: number, any: boolean): boolean {
  if (criteria.length === 0) return true
  const test = (c: MeasureCriterion) => {
    switch (c.op) {
      case 'EQ':
        return value === c.value
      case 'GT':
        return value > c.value
      case 'GE':
        return value >= c.value
      case 'LT':
        return value < c.value
      case 'LE':
        return value <= c.value
    }
  }
  return any ? criteria.some(test) : criteria.every(test)
}

/** Intersects an item's own AOC with the cell's and the ao filter's; undefined when they exclude each other. */
function combineAoc(
  own: string | null,
  cell: string | null,
  filter: ReadonlySet<string> | null,
): AocRestriction | undefined {
  let r: AocRestriction = own
  if (cell !== null) {
    if (r !== null && r !== cell) return undefined
    r = cell
  }
  if (filter !== null) {
    if (r === null) return filter
    if (typeof r === 'string' && !filter.has(r)) return undefined
  }
  return r
}

function cartesian<T>(lists: T[][]): T[][] {
  return lists.reduce<T[][]>((acc, list) => acc.flatMap((prefix) => list.map((x) => [...prefix, x])), [[]])
}

interface CellContext {
  sel: PeriodSelection
  peId?: string
  mask: Mask | null
  groups: [string, string][]
  aoc: string | null
}

function computeRows(
  rc: ResolveContext,
  table: AnalyticsTable,
  query: ResolvedQuery,
  headerDims: Dimension[],
  dxItems: DxItem[],
  request: AnalyticsRequest,
): string[][] {
  const { ctx } = rc
  const tree = table.tree
  const computer = new QueryComputer(table, ctx.index.metadata, request.skipRounding, request.aggregationType)
  const colOf = new Map(headerDims.map((d, i) => [d.id, i]))
  const width = headerDims.length
  const find = findDimension
  const rows: string[][] = []
  const numDen = request.includeNumDen
  const criteria = request.measureCriteria

  // Periods: one selection per dimension period, or the filter periods together, or a date range.
  const peDim = find(query.dimensions, 'PERIOD')
  const peFilter = find(query.filters, 'PERIOD')
  const selections: { sel: PeriodSelection; peId?: string }[] = peDim
    ? peDim.items.map((p) => ({ sel: computer.selectionOf([p], false), peId: p.id }))
    : peFilter
      ? [{ sel: computer.selectionOf(peFilter.items, true) }]
      : [{ sel: computer.rangeSelection(request.startDate ?? '', request.endDate ?? '') }]

  // Org units: one cell per dimension item (its sub-tree), or the union of the filter's sub-trees.
  const ouDim = find(query.dimensions, 'ORGANISATION_UNIT')
  const ouFilter = find(query.filters, 'ORGANISATION_UNIT')
  const positions = (ids: { id: string }[]) =>
    ids.map((u) => tree.position.get(u.id)).filter((p): p is number => p !== undefined)
  const ouCells: { id?: string; ranges: Int32Array }[] = ouDim
    ? ouDim.items.map((u) => {
        const p = tree.position.get(u.id)
        return { id: u.id, ranges: p === undefined ? EMPTY : Int32Array.of(p, tree.end[p] ?? p + 1) }
      })
    : [
        {
          ranges: ouFilter
            ? rangesOf(tree, positions(ouFilter.items))
            : rangesOf(
                tree,
                tree.ids.map((_, i) => i).filter((i) => tree.parent[i] === -1),
              ),
        },
      ]

  // Org-unit group sets: filters restrict every cell; dimensions give one cell per group.
  const groupFilters = query.filters.flatMap((d) =>
    d.type === 'ORGANISATION_UNIT_GROUP_SET' ? [d.items.map((g) => g.id)] : [],
  )
  const groupDims = query.dimensions.filter(
    (d): d is Extract<Dimension, { type: 'ORGANISATION_UNIT_GROUP_SET' }> => d.type === 'ORGANISATION_UNIT_GROUP_SET',
  )
  const groupCombos = cartesian(groupDims.map((d) => d.items.map((g): [string, string] => [d.id, g.id])))

  // Attribute option combos.
  const aoDim = find(query.dimensions, 'ATTRIBUTE_OPTION_COMBO')
  const aoFilter = find(query.filters, 'ATTRIBUTE_OPTION_COMBO')
  const aoFilterSet = aoFilter && aoFilter.items.length > 0 ? new Set(aoFilter.items.map((c) => c.id)) : null
  const aoCells: (string | null)[] = aoDim
    ? aoDim.items.length > 0
      ? aoDim.items.map((c) => c.id)
      : [...table.aocs].sort()
    : [null]
  const coDim = find(query.dimensions, 'CATEGORY_OPTION_COMBO')
  const coItems = coDim && coDim.items.length > 0 ? new Set(coDim.items.map((c) => c.id)) : null

  const contexts: CellContext[] = []
  for (const { sel, peId } of selections) {
    for (const groups of groupCombos) {
      const mask = table.mask([...groupFilters, ...groups.map(([, g]) => [g])])
      for (const aoc of aoCells) contexts.push({ sel, peId, mask, groups, aoc })
    }
  }

  const dxCol = colOf.get('dx') ?? -1
  const peCol = colOf.get('pe') ?? -1
  const ouCol = colOf.get('ou') ?? -1
  const coCol = colOf.get('co') ?? -1
  const aoCol = colOf.get('ao') ?? -1
  const row = (c: CellContext, dxId: string | null, ouId: string | undefined, coc: string | null): string[] => {
    const r = new Array<string>(width)
    if (dxCol >= 0 && dxId !== null) r[dxCol] = dxId
    if (peCol >= 0 && c.peId !== undefined) r[peCol] = c.peId
    if (ouCol >= 0 && ouId !== undefined) r[ouCol] = ouId
    if (coCol >= 0 && coc !== null) r[coCol] = coc
    if (aoCol >= 0 && c.aoc !== null) r[aoCol] = c.aoc
    for (const [dim, g] of c.groups) {
      const i = colOf.get(dim)
      if (i !== undefined) r[i] = g
    }
    return r
  }

  const dataElementRows = (
    entries: { de: DataElement; coc: string | null; aoc: string | null }[],
    dxId: string | null,
  ) => {
    let cocCells: (string | null)[] = [null]
    if (coDim) {
      const found = new Set<string>()
      for (const e of entries)
        for (const s of table.series.get(e.de.id) ?? [])
          if (s.columns.size > 0 && (e.coc === null || e.coc === s.coc)) found.add(s.coc)
      cocCells = [...found].filter((c) => coItems === null || coItems.has(c)).sort()
    }
    for (const c of contexts) {
      for (const coc of cocCells) {
        const bounds = entries.flatMap((e) => {
          if (coc !== null && e.coc !== null && e.coc !== coc) return []
          const aoc = combineAoc(e.aoc, c.aoc, aoFilterSet)
          return aoc === undefined ? [] : [computer.dataElement(e.de.id, coc ?? e.coc, aoc, c.sel, c.mask)]
        })
        if (bounds.length === 0) continue
        for (const ou of ouCells) {
          let value = 0
          let count = 0
          for (const b of bounds) {
            const v = b(ou.ranges)
            if (v) {
              value += v.value
              count += v.count
            }
          }
          if (count === 0 || !satisfies(criteria, value, false)) continue
          const r = row(c, dxId, ou.id, coc)
          r.push(formatDataValue(value, request.skipRounding))
          if (numDen) r.push('', '', '', '', '')
          rows.push(r)
        }
      }
    }
  }

  const indicators = dxItems.filter((i): i is Extract<DxItem, { type: 'INDICATOR' }> => i.type === 'INDICATOR')
  for (const item of indicators) {
    const decimals = item.indicator.decimals ?? undefined
    for (const c of contexts) {
      const aoc = combineAoc(null, c.aoc, aoFilterSet)
      if (aoc === undefined) continue
      const bound = computer.indicator(item, c.sel, c.mask, aoc)
      for (const ou of ouCells) {
        const v = bound(ou.ranges)
        if (!v) continue
        const shown = formatIndicatorNumber(v.value, decimals, request.skipRounding)
        if (!satisfies(criteria, Number(shown), false)) continue
        const r = row(c, item.id, ou.id, null)
        r.push(shown)
        if (numDen) {
          const f = (n: number) => formatIndicatorNumber(n, decimals, request.skipRounding)
          r.push(f(v.numerator), f(v.denominator), f(v.multiplier / v.divisor), String(v.multiplier), String(v.divisor))
        }
        rows.push(r)
      }
    }
  }

  const deTotals = dxItems.filter((i): i is Extract<DxItem, { type: 'DATA_ELEMENT' }> => i.type === 'DATA_ELEMENT')
  const operands = dxItems.filter(
    (i): i is Extract<DxItem, { type: 'DATA_ELEMENT_OPERAND' }> => i.type === 'DATA_ELEMENT_OPERAND',
  )
  const dxFilter = find(query.filters, 'DATA_X')
  if (dxFilter && !find(query.dimensions, 'DATA_X') && dxItems.length === 0) {
    // Several data elements as dx filter: one value per cell, their sum, without a dx column.
    const entries = dxFilter.items.flatMap((i) =>
      i.type === 'DATA_ELEMENT'
        ? [{ de: i.de, coc: null, aoc: null }]
        : i.type === 'DATA_ELEMENT_OPERAND'
          ? [{ de: i.de, coc: i.coc?.id ?? null, aoc: i.aoc?.id ?? null }]
          : [],
    )
    if (entries.length > 0) dataElementRows(entries, null)
  }
  for (const item of deTotals) dataElementRows([{ de: item.de, coc: null, aoc: null }], item.id)
  for (const item of operands)
    dataElementRows([{ de: item.de, coc: item.coc?.id ?? null, aoc: item.aoc?.id ?? null }], item.id)

  const rates = dxItems.filter((i): i is Extract<DxItem, { type: 'REPORTING_RATE' }> => i.type === 'REPORTING_RATE')
  for (const metric of REPORTING_METRICS as readonly ReportingMetric[]) {
    for (const item of rates.filter((r) => r.metric === metric)) {
      for (const c of contexts) {
        const bound = computer.reportingRate(item.ds.id, metric, c.sel, c.mask)
        for (const ou of ouCells) {
          const v = bound(ou.ranges)
          if (!v) continue
          const shown = formatReportingRate(v.value, request.skipRounding)
          if (!satisfies(criteria, Number(shown), true)) continue
          const r = row(c, item.id, ou.id, null)
          r.push(shown)
          if (numDen) r.push(javaDouble(v.actual), javaDouble(v.target), '100', '', '')
          rows.push(r)
        }
      }
    }
  }
  return rows
}

export interface QueryOptions {
  /** The analytics tables; undefined when they were never generated (E7144). Called only when data is needed. */
  table: () => AnalyticsTable | undefined
  /** keyIgnoreAnalyticsLimit-like switch: `ignoreLimit=true`. */
  ignoreLimit?: boolean
}

export function runAnalyticsQuery(
  ctx: StandinContext,
  user: AuthUser,
  rawQuery: Record<string, unknown>,
  options: QueryOptions,
): AnalyticsResponse {
  const request = parseAnalyticsRequest(rawQuery)
  const settings = user.user.settings
  const namer = new Namer(settings.keyDbLocale || 'en', settings.keyUiLocale || 'en', request.displayProperty)
  const rc: ResolveContext = { ctx, user, request, namer, today: ctx.clock.today() }

  const query: ResolvedQuery = {
    dimensions: request.dimensions.map((d) => resolveDimension(rc, d)),
    filters: request.filters.map((d) => resolveDimension(rc, d)),
  }
  applySecurity(rc, query)
  validateQuery(rc, query)
  const all = [...query.dimensions, ...query.filters]

  // A single indicator or reporting rate as dx filter is computed as a dimension whose column is dropped.
  const dxDim = query.dimensions.find((d) => d.type === 'DATA_X')
  const dxFilter = query.filters.find((d) => d.type === 'DATA_X')
  const singleFilterItem =
    dxFilter &&
    dxFilter.items.length === 1 &&
    (dxFilter.items[0] as DxItem).type !== 'DATA_ELEMENT' &&
    (dxFilter.items[0] as DxItem).type !== 'DATA_ELEMENT_OPERAND'
  const dxItems: DxItem[] =
    dxDim?.type === 'DATA_X' ? dxDim.items : singleFilterItem && dxFilter?.type === 'DATA_X' ? dxFilter.items : []

  const headerDims = headerDimensions(query.dimensions)
  let headers = buildHeaders(headerDims, request.includeNumDen)
  let rows: string[][] = []
  if (!request.skipData) {
    const table = options.table()
    if (!table) throw new AnalyticsError('E7144')
    rows = computeRows(rc, table, query, headerDims, dxItems, request)
    if (rows.length > MAX_LIMIT && !options.ignoreLimit) throw new AnalyticsError('E7128', String(MAX_LIMIT))
  } else headers = []

  const metaData = request.skipMeta ? {} : buildMetaData(rc, all)
  if (!request.skipMeta) {
    const map = idSchemeMap(rc, all)
    if (map)
      for (const r of rows)
        for (let i = 0; i < headerDims.length; i++) r[i] = map.get(r[i] as string) ?? (r[i] as string)
  }
  if (request.order) {
    const i = headerDims.length
    const sign = request.order === 'ASC' ? 1 : -1
    rows.sort((a, b) => sign * (Number(a[i]) - Number(b[i])))
  }
  return {
    headers,
    metaData,
    rowContext: {},
    rows,
    height: rows.length,
    width: rows.length > 0 ? (rows[0] as string[]).length : 0,
    headerWidth: headers.length,
  }
}
