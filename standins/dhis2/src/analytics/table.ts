/**
 * The in-memory analytics tables (analytics §3.1, §4.1, §5): a snapshot, taken when a table run starts,
 * of every aggregatable data value and every completed data set registration last updated before that
 * instant, plus the resource tables it needs (hierarchy, org-unit group members, data-set
 * assignments). Queries read only this snapshot.
 *
 * Storage: one column per (data element, COC, AOC, period) holding prefix sums over org units in
 * pre-order (see hierarchy.ts), so a sub-tree total is `sum[end] - sum[start]`. Derived columns (a data
 * element's total over its COCs, restrictions to an org-unit group) are built on first use and cached.
 */
import {
  frequencyOrder,
  isNumericValueType,
  type DataElement,
  type DataSet,
  type MetadataIndex,
  type MetadataSnapshot,
  type Period,
  type PeriodTypeName,
} from '@relais/mappings'
import { localTimestamp, parseLocalTimestamp } from '../store/clock'
import type { StandinState } from '../store/state'
import { OrgUnitTree } from './hierarchy'
import { dayNumber, periodOf } from './periods'

/** Prefix sums over org-unit positions, length size + 1. */
export interface Column {
  sum: Float64Array
  count: Int32Array
}

export interface Series {
  coc: string
  aoc: string
  columns: Map<string, Column>
}

export interface CompletenessColumn {
  count: Int32Array
  timely: Int32Array
}

/** An org-unit group restriction: the union of some groups, intersected across group sets. */
export interface Mask {
  key: string
  bits: Uint8Array
}

export interface TableBuildOptions {
  /** Server-local start instant of the run: only data last updated before it gets in. */
  startedAt: string
  timeZone: string
  /** System setting keyIncludeZeroValuesInAnalytics. */
  includeZeroValues?: boolean
  /** Only rebuild the partitions of the last n years; older ones are kept from `previous`. */
  lastYears?: number
  previous?: AnalyticsTable
}

const NUMERIC_LENIENT = /^(-?[0-9]+)(\.[0-9]+)?$/
const CACHE_LIMIT = 4000

interface KeyState {
  series: Series
  kind: 'number' | 'boolean' | 'trueOnly'
  keepZero: boolean
}

export class AnalyticsTable {
  readonly tree: OrgUnitTree
  readonly startedAt: string
  valueCount = 0
  registrationCount = 0
  /** data element id → its (COC, AOC) series. */
  readonly series = new Map<string, Series[]>()
  /** data element id → the periods it has data for. */
  readonly dePeriods = new Map<string, Period[]>()
  /** Every attribute option combo that has data. */
  readonly aocs = new Set<string>()
  readonly groups = new Map<string, Uint8Array>()
  /** data set id → period id → registrations (prefix counts). */
  readonly completeness = new Map<string, Map<string, CompletenessColumn>>()
  readonly completenessPeriods = new Map<string, Period[]>()
  /** data set id → positions of its assigned org units (resource table of the run). */
  readonly targets = new Map<string, Int32Array>()
  private readonly cache = new Map<string, unknown>()

  constructor(tree: OrgUnitTree, startedAt: string) {
    this.tree = tree
    this.startedAt = startedAt
  }

  private cached<T>(key: string, make: () => T): T {
    const hit = this.cache.get(key) as T | undefined
    if (hit !== undefined) return hit
    const value = make()
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear()
    this.cache.set(key, value)
    return value
  }

  /** The union of the groups of each inner list, intersected across lists; null = no restriction. */
  mask(groupSets: readonly (readonly string[])[]): Mask | null {
    if (groupSets.length === 0) return null
    const key = groupSets.map((g) => [...g].sort().join('+')).join('&')
    return this.cached(`m|${key}`, () => {
      const bits = new Uint8Array(this.tree.size).fill(1)
      for (const groups of groupSets) {
        const union = new Uint8Array(this.tree.size)
        for (const g of groups) {
          const members = this.groups.get(g)
          if (members) for (let i = 0; i < members.length; i++) if (members[i]) union[i] = 1
        }
        for (let i = 0; i < bits.length; i++) if (!union[i]) bits[i] = 0
      }
      return { key, bits }
    })
  }

  /**
   * A data element's column for a period, over the series matching the COC / AOC restriction (null:
   * all), restricted to a mask. Undefined when there is no data at all.
   */
  deColumn(
    de: string,
    coc: string | null,
    aoc: ReadonlySet<string> | string | null,
    periodId: string,
    mask: Mask | null,
  ): Column | undefined {
    const aocKey = aoc === null ? '*' : typeof aoc === 'string' ? aoc : [...aoc].sort().join('+')
    const key = `v|${de}|${coc ?? '*'}|${aocKey}|${periodId}|${mask?.key ?? ''}`
    const hit = this.cache.get(key) as Column | null | undefined
    if (hit !== undefined) return hit ?? undefined
    const matches: Column[] = []
    for (const s of this.series.get(de) ?? []) {
      if (coc !== null && s.coc !== coc) continue
      if (aoc !== null && (typeof aoc === 'string' ? s.aoc !== aoc : !aoc.has(s.aoc))) continue
      const col = s.columns.get(periodId)
      if (col) matches.push(col)
    }
    let result: Column | null = null
    if (matches.length === 1) result = matches[0] as Column
    else if (matches.length > 1) result = addColumns(matches, this.tree.size)
    if (result && mask) result = maskColumn(result, mask.bits)
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear()
    this.cache.set(key, result)
    return result ?? undefined
  }

  completenessColumn(ds: string, periodId: string, mask: Mask | null): CompletenessColumn | undefined {
    const base = this.completeness.get(ds)?.get(periodId)
    if (!base || !mask) return base
    return this.cached(`c|${ds}|${periodId}|${mask.key}`, () => ({
      count: maskCounts(base.count, mask.bits),
      timely: maskCounts(base.timely, mask.bits),
    }))
  }

  /** Prefix counts of the data set's assigned org units open for the whole of [start, end]. */
  targetCounts(ds: string, startDate: string, endDate: string, mask: Mask | null): Int32Array | undefined {
    const positions = this.targets.get(ds)
    if (!positions) return undefined
    return this.cached(`t|${ds}|${startDate}|${endDate}|${mask?.key ?? ''}`, () => {
      const start = dayNumber(startDate)
      const end = dayNumber(endDate)
      const counts = new Int32Array(this.tree.size + 1)
      for (const pos of positions) {
        if ((this.tree.opening[pos] ?? 0) > start || (this.tree.closed[pos] ?? 0) < end) continue
        if (mask && !mask.bits[pos]) continue
        counts[pos + 1] = (counts[pos + 1] ?? 0) + 1
      }
      for (let i = 1; i < counts.length; i++) counts[i] = (counts[i] ?? 0) + (counts[i - 1] ?? 0)
      return counts
    })
  }
}

function addColumns(columns: Column[], size: number): Column {
  const sum = new Float64Array(size + 1)
  const count = new Int32Array(size + 1)
  for (const c of columns) {
    for (let i = 0; i <= size; i++) {
      sum[i] = (sum[i] ?? 0) + (c.sum[i] ?? 0)
      count[i] = (count[i] ?? 0) + (c.count[i] ?? 0)
    }
  }
  return { sum, count }
}

function maskColumn(column: Column, bits: Uint8Array): Column {
  const size = bits.length
  const sum = new Float64Array(size + 1)
  const count = new Int32Array(size + 1)
  let s = 0
  let n = 0
  for (let i = 0; i < size; i++) {
    if (bits[i]) {
      s += (column.sum[i + 1] ?? 0) - (column.sum[i] ?? 0)
      n += (column.count[i + 1] ?? 0) - (column.count[i] ?? 0)
    }
    sum[i + 1] = s
    count[i + 1] = n
  }
  return { sum, count }
}

function maskCounts(prefix: Int32Array, bits: Uint8Array): Int32Array {
  const out = new Int32Array(prefix.length)
  let n = 0
  for (let i = 0; i < bits.length; i++) {
    if (bits[i]) n += (prefix[i + 1] ?? 0) - (prefix[i] ?? 0)
    out[i + 1] = n
  }
  return out
}

function toPrefix(values: Float64Array | Int32Array): void {
  for (let i = 1; i < values.length; i++) values[i] = (values[i] ?? 0) + (values[i - 1] ?? 0)
}

/** Wall-clock milliseconds of a server-local timestamp (a zone suffix is converted to server time first). */
function wallClock(text: string, timeZone: string): number {
  if (/(Z|[+-]\d{2}:?\d{2})$/.test(text)) {
    const instant = parseLocalTimestamp(text, timeZone)
    return instant ? Date.parse(`${localTimestamp(instant, timeZone)}Z`) : NaN
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?/.exec(text)
  if (!m) return NaN
  return Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4] ?? 0),
    Number(m[5] ?? 0),
    Number(m[6] ?? 0),
    Number((m[7] ?? '0').padEnd(3, '0')),
  )
}

/** `lastUpdated < startedAt`; plain string comparison when both have DHIS2's own format. */
function updatedBefore(lastUpdated: string, startedAt: string, startMs: number, timeZone: string): boolean {
  if (lastUpdated.length === 23 && lastUpdated.charCodeAt(10) === 84 /* T */) return lastUpdated < startedAt
  return wallClock(lastUpdated, timeZone) < startMs
}

/**
 * Timeliness as 2.41.8+ computes the `timely` column: the completion date is at most timelyDays + 1
 * days (fractional) after the period's end date at 00:00 (analytics §4.3).
 */
export function isTimely(completed: string, period: Period, timelyDays: number, timeZone: string): boolean {
  const done = wallClock(completed, timeZone)
  const end = Date.UTC(
    Number(period.endDate.slice(0, 4)),
    Number(period.endDate.slice(5, 7)) - 1,
    Number(period.endDate.slice(8, 10)),
  )
  return (done - end) / 86400000 <= timelyDays + 1
}

/** The period type whose data a data element holds: its most frequent data set's (DataElement.getDataSet). */
export function dataPeriodTypeOf(index: MetadataIndex, de: DataElement): PeriodTypeName | undefined {
  let best: DataSet | undefined
  for (const ds of index.dataSetsOf(de.id)) {
    if (!best || frequencyOrder(ds.periodType) < frequencyOrder(best.periodType)) best = ds
  }
  return best?.periodType
}

/** Builds the tables from the state as it is now (the caller runs this synchronously: a true snapshot). */
export function buildAnalyticsTable(
  state: StandinState,
  index: MetadataIndex,
  options: TableBuildOptions,
): AnalyticsTable {
  const metadata: MetadataSnapshot = state.metadata
  const tree = new OrgUnitTree(metadata.organisationUnits)
  const table = new AnalyticsTable(tree, options.startedAt)
  const size = tree.size
  const startMs = wallClock(options.startedAt, options.timeZone)
  const cutoffYear =
    options.lastYears !== undefined && options.lastYears > 0
      ? Number(options.startedAt.slice(0, 4)) - options.lastYears + 1
      : undefined
  const inPartition = (period: Period) => cutoffYear === undefined || Number(period.startDate.slice(0, 4)) >= cutoffYear
  const previousOk =
    options.previous &&
    options.previous.tree.size === size &&
    options.previous.tree.ids.every((id, i) => tree.ids[i] === id)

  // Resource tables: org-unit group members and data-set assignments.
  for (const group of metadata.organisationUnitGroups) {
    const bits = new Uint8Array(size)
    for (const ref of group.organisationUnits) {
      const pos = tree.position.get(ref.id)
      if (pos !== undefined) bits[pos] = 1
    }
    table.groups.set(group.id, bits)
  }
  for (const ds of metadata.dataSets) {
    const positions = ds.organisationUnits
      .map((o) => tree.position.get(o.id))
      .filter((p): p is number => p !== undefined)
    table.targets.set(ds.id, Int32Array.from(new Set(positions)).sort())
  }

  // Data values (analytics table).
  const includeZero = options.includeZeroValues === true
  const keyStates = new Map<string, KeyState | null>()
  const keyState = (key: string): KeyState | null => {
    const [de = '', coc = '', aoc = ''] = key.split('.')
    const element = index.objects.dataElements.byId.get(de)
    if (!element || element.domainType !== 'AGGREGATE') return null
    const vt = element.valueType
    const kind =
      vt === 'BOOLEAN' ? 'boolean' : vt === 'TRUE_ONLY' ? 'trueOnly' : isNumericValueType(vt) ? 'number' : null
    if (!kind) return null
    let list = table.series.get(de)
    if (!list) table.series.set(de, (list = []))
    let series = list.find((s) => s.coc === coc && s.aoc === aoc)
    if (!series) list.push((series = { coc, aoc, columns: new Map() }))
    const agg = element.aggregationType
    return {
      series,
      kind,
      keepZero: agg === 'AVERAGE' || agg === 'AVERAGE_SUM_ORG_UNIT' || (includeZero && element.zeroIsSignificant),
    }
  }
  let lastOu = ''
  let lastPos = -1
  let lastTs = ''
  let lastTsOk = false
  state.dataValues.forEachEntry((orgUnit, periodId, key, value, deleted, lastUpdated) => {
    if (deleted) return
    if (lastUpdated !== lastTs) {
      lastTs = lastUpdated
      lastTsOk = updatedBefore(lastUpdated, options.startedAt, startMs, options.timeZone)
    }
    if (!lastTsOk) return
    let ks = keyStates.get(key)
    if (ks === undefined) {
      ks = keyState(key)
      keyStates.set(key, ks)
    }
    if (ks === null) return
    if (orgUnit !== lastOu) {
      lastOu = orgUnit
      lastPos = tree.position.get(orgUnit) ?? -1
    }
    if (lastPos < 0) return
    let v: number
    if (ks.kind === 'number') {
      if (value === '0' && !ks.keepZero) return
      if (!NUMERIC_LENIENT.test(value)) return
      v = Number(value)
    } else if (value === 'true') v = 1
    else if (value === 'false' && ks.kind === 'boolean') v = 0
    else return
    let col = ks.series.columns.get(periodId)
    if (!col) {
      const period = periodOf(periodId)
      if (!period || !inPartition(period)) return
      col = { sum: new Float64Array(size + 1), count: new Int32Array(size + 1) }
      ks.series.columns.set(periodId, col)
    }
    col.sum[lastPos + 1] = (col.sum[lastPos + 1] ?? 0) + v
    col.count[lastPos + 1] = (col.count[lastPos + 1] ?? 0) + 1
    table.valueCount++
  })
  for (const list of table.series.values())
    for (const s of list)
      for (const col of s.columns.values()) {
        toPrefix(col.sum)
        toPrefix(col.count)
      }
  if (cutoffYear !== undefined && previousOk && options.previous) {
    // Partitions older than lastYears are kept as the previous run left them.
    for (const [de, list] of options.previous.series) {
      for (const old of list) {
        let mine = table.series.get(de)
        if (!mine) table.series.set(de, (mine = []))
        let s = mine.find((x) => x.coc === old.coc && x.aoc === old.aoc)
        if (!s) mine.push((s = { coc: old.coc, aoc: old.aoc, columns: new Map() }))
        for (const [pe, col] of old.columns) {
          const period = periodOf(pe)
          if (period && !inPartition(period)) s.columns.set(pe, col)
        }
      }
    }
  }
  for (const [de, list] of table.series) {
    const periods = new Map<string, Period>()
    for (const s of list) {
      if (s.columns.size > 0) table.aocs.add(s.aoc)
      for (const pe of s.columns.keys()) {
        const p = periodOf(pe)
        if (p) periods.set(pe, p)
      }
    }
    table.dePeriods.set(de, [...periods.values()])
  }

  // Completeness (completed registrations with a date, last updated before the start).
  const raw = new Map<string, Map<string, { count: Int32Array; timely: Int32Array }>>()
  for (const r of state.registrations.values()) {
    if (!r.completed || !r.date) continue
    if (!updatedBefore(r.lastUpdated || r.date, options.startedAt, startMs, options.timeZone)) continue
    const ds = index.objects.dataSets.byId.get(r.dataSet)
    const pos = tree.position.get(r.organisationUnit)
    const period = periodOf(r.period)
    if (!ds || pos === undefined || !period || !inPartition(period)) continue
    let byPeriod = raw.get(ds.id)
    if (!byPeriod) raw.set(ds.id, (byPeriod = new Map()))
    let col = byPeriod.get(period.id)
    if (!col) byPeriod.set(period.id, (col = { count: new Int32Array(size + 1), timely: new Int32Array(size + 1) }))
    col.count[pos + 1] = (col.count[pos + 1] ?? 0) + 1
    if (isTimely(r.date, period, ds.timelyDays ?? 15, options.timeZone))
      col.timely[pos + 1] = (col.timely[pos + 1] ?? 0) + 1
    table.registrationCount++
  }
  for (const [ds, byPeriod] of raw) {
    for (const col of byPeriod.values()) {
      toPrefix(col.count)
      toPrefix(col.timely)
    }
    table.completeness.set(ds, byPeriod)
  }
  if (cutoffYear !== undefined && previousOk && options.previous) {
    for (const [ds, byPeriod] of options.previous.completeness) {
      let mine = table.completeness.get(ds)
      if (!mine) table.completeness.set(ds, (mine = new Map()))
      for (const [pe, col] of byPeriod) {
        const period = periodOf(pe)
        if (period && !inPartition(period)) mine.set(pe, col)
      }
    }
  }
  for (const [ds, byPeriod] of table.completeness) {
    table.completenessPeriods.set(
      ds,
      [...byPeriod.keys()].map((pe) => periodOf(pe)).filter((p): p is Period => p !== undefined),
    )
  }
  return table
}
