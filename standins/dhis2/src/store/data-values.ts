/**
 * Data values as DHIS2 keeps them: one row per (dataElement, period, orgUnit, categoryOptionCombo,
 * attributeOptionCombo) — the upsert key — with soft deletes. Stored as org unit → period → entries so
 * that reads by org-unit sub-tree and period (dataValueSets GET, analytics) touch only what they need.
 *
 * Memory matters for the large seed (≈ 7 million values): an entry whose metadata equals its row's
 * defaults is kept as a bare string, and only written values carry a full record.
 */
export interface StoredValue {
  value: string
  comment?: string
  followup: boolean
  storedBy: string
  created: string
  lastUpdated: string
  deleted: boolean
}

/** A written value's record; the comment is left out when there is none (DHIS2 omits null fields). */
export function storedValue(
  value: string | null,
  comment: string | null,
  followup: boolean,
  deleted: boolean,
  storedBy: string,
  created: string,
  lastUpdated: string,
): StoredValue {
  const record: StoredValue = { value: value ?? '', followup, storedBy, created, lastUpdated, deleted }
  if (comment !== null) record.comment = comment
  return record
}

export interface DataValueKey {
  dataElement: string
  period: string
  orgUnit: string
  categoryOptionCombo: string
  attributeOptionCombo: string
}

export interface DataValueRecord extends DataValueKey, StoredValue {}

export type SavedRow = [
  orgUnit: string,
  period: string,
  storedBy: string,
  created: string,
  entries: [string, string | StoredValue][],
]

interface Row {
  storedBy: string
  created: string
  entries: Map<string, string | StoredValue>
}

/** The in-row key: dataElement, COC and AOC (UIDs have no `.`). */
export const entryKey = (de: string, coc: string, aoc: string): string => `${de}.${coc}.${aoc}`

export class DataValueStore {
  private readonly byOrgUnit = new Map<string, Map<string, Row>>()
  private readonly interned = new Map<string, string>()
  private count = 0

  get size(): number {
    return this.count
  }

  get(key: DataValueKey): StoredValue | undefined {
    const row = this.byOrgUnit.get(key.orgUnit)?.get(key.period)
    if (!row) return undefined
    const entry = row.entries.get(entryKey(key.dataElement, key.categoryOptionCombo, key.attributeOptionCombo))
    return entry === undefined ? undefined : materialise(row, entry)
  }

  set(key: DataValueKey, value: StoredValue): void {
    const row = this.row(key.orgUnit, key.period, value.storedBy, value.created)
    const k = this.intern(entryKey(key.dataElement, key.categoryOptionCombo, key.attributeOptionCombo))
    if (!row.entries.has(k)) this.count++
    const plain =
      !value.deleted &&
      !value.followup &&
      value.comment === undefined &&
      value.storedBy === row.storedBy &&
      value.created === row.created &&
      value.lastUpdated === row.created
    row.entries.set(k, plain ? value.value : value)
  }

  /** Fast path for the seed: a plain value whose metadata is its row's defaults. */
  seed(
    orgUnit: string,
    period: string,
    dataElement: string,
    coc: string,
    aoc: string,
    value: string,
    storedBy: string,
    created: string,
  ): void {
    const row = this.row(orgUnit, period, storedBy, created)
    const k = this.intern(entryKey(dataElement, coc, aoc))
    if (!row.entries.has(k)) this.count++
    row.entries.set(k, value)
  }

  /** Every org unit id that has at least one row. */
  orgUnits(): IterableIterator<string> {
    return this.byOrgUnit.keys()
  }

  /** Values of one org unit, optionally restricted to some periods. */
  *valuesOf(orgUnit: string, periods?: ReadonlySet<string>): Generator<DataValueRecord> {
    const rows = this.byOrgUnit.get(orgUnit)
    if (!rows) return
    for (const [period, row] of rows) {
      if (periods && !periods.has(period)) continue
      for (const [k, entry] of row.entries) yield toRecord(orgUnit, period, k, materialise(row, entry))
    }
  }

  *all(): Generator<DataValueRecord> {
    for (const orgUnit of this.byOrgUnit.keys()) yield* this.valuesOf(orgUnit)
  }

  /** Raw iteration for analytics table builds: no object per value unless it carries metadata. */
  forEachEntry(
    visit: (orgUnit: string, period: string, key: string, value: string, deleted: boolean, lastUpdated: string) => void,
  ): void {
    for (const [orgUnit, rows] of this.byOrgUnit) {
      for (const [period, row] of rows) {
        for (const [k, entry] of row.entries) {
          if (typeof entry === 'string') visit(orgUnit, period, k, entry, false, row.created)
          else visit(orgUnit, period, k, entry.value, entry.deleted, entry.lastUpdated)
        }
      }
    }
  }

  /** Compact rows for the state file: [orgUnit, period, storedBy, created, [[entryKey, value], …]]. */
  exportRows(): SavedRow[] {
    const rows: SavedRow[] = []
    for (const [orgUnit, periods] of this.byOrgUnit) {
      for (const [period, row] of periods) rows.push([orgUnit, period, row.storedBy, row.created, [...row.entries]])
    }
    return rows
  }

  importRows(rows: SavedRow[]): void {
    for (const [orgUnit, period, storedBy, created, entries] of rows) {
      const row = this.row(orgUnit, period, storedBy, created)
      for (const [k, entry] of entries) {
        const key = this.intern(k)
        if (!row.entries.has(key)) this.count++
        row.entries.set(key, entry)
      }
    }
  }

  clear(): void {
    this.byOrgUnit.clear()
    this.count = 0
  }

  private row(orgUnit: string, period: string, storedBy: string, created: string): Row {
    let rows = this.byOrgUnit.get(orgUnit)
    if (!rows) {
      rows = new Map()
      this.byOrgUnit.set(orgUnit, rows)
    }
    let row = rows.get(period)
    if (!row) {
      row = { storedBy, created, entries: new Map() }
      rows.set(period, row)
    }
    return row
  }

  private intern(key: string): string {
    const known = this.interned.get(key)
    if (known !== undefined) return known
    this.interned.set(key, key)
    return key
  }
}

function materialise(row: Row, entry: string | StoredValue): StoredValue {
  if (typeof entry !== 'string') return entry
  return {
    value: entry,
    followup: false,
    storedBy: row.storedBy,
    created: row.created,
    lastUpdated: row.created,
    deleted: false,
  }
}

function toRecord(orgUnit: string, period: string, key: string, value: StoredValue): DataValueRecord {
  const [dataElement = '', categoryOptionCombo = '', attributeOptionCombo = ''] = key.split('.')
  return { dataElement, period, orgUnit, categoryOptionCombo, attributeOptionCombo, ...value }
}
