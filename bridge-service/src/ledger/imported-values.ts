/**
 * What DHIS2 holds from us, per dataValueSets upsert key (data element, period, org unit, category option combo,
 * attribute option combo) → content hash, record, source. Stored in `imported_sets` (migration 003): each push
 * appends one row per record — its org unit, period, id, source and `held`, the keys it stored with their
 * hashes as "<data element>.<COC>.<AOC>:<hash>" joined by ","; for a key, the newest row (seq) wins.
 *
 * - before a push, `classify` tells for each value: `new` (DHIS2 has nothing from us), `unchanged` (same
 *   content hash: do not send), `changed` (same source, new content: send), `duplicate` (another source
 *   gave a different value for the same key: quarantine the later record as a duplicate);
 * - after DHIS2 accepted values, `recordImported` stores their hashes.
 */
import type { Db } from './db'
import { chunks } from './sql'

export interface DataValueKey {
  readonly dataElement: string
  readonly period: string
  readonly orgUnit: string
  readonly categoryOptionCombo: string
  readonly attributeOptionCombo: string
}

export interface ImportedValue extends DataValueKey {
  readonly contentHash: string
  readonly recordId: string | null
  readonly source: string
}

export interface CandidateValue extends DataValueKey {
  readonly contentHash: string
  readonly source: string
}

export type ValueClass = 'new' | 'unchanged' | 'changed' | 'duplicate'

export interface Classified<T extends CandidateValue> {
  readonly value: T
  readonly class: ValueClass
  /** What DHIS2 holds from us for that key, when it holds something. */
  readonly existing?: ImportedValue
}

/** Pure: how a candidate value compares with what we imported before for its key. */
export function classifyValue(
  existing: Pick<ImportedValue, 'contentHash' | 'source'> | undefined,
  candidate: CandidateValue,
): ValueClass {
  if (!existing) return 'new'
  if (existing.contentHash === candidate.contentHash) return 'unchanged'
  return existing.source === candidate.source ? 'changed' : 'duplicate'
}

/**
 * A stable string for a key, for maps. Joined with a control character no DHIS2 id or period contains:
 * JSON.stringify here was a top CPU item (it runs for every value, several times per push).
 */
export function valueKey(k: DataValueKey): string {
  return `${k.dataElement}\u001f${k.period}\u001f${k.orgUnit}\u001f${k.categoryOptionCombo}\u001f${k.attributeOptionCombo}`
}

/** (org unit, period) pairs, or record rows, per statement (a JSON document of a few hundred kB). */
const GROUP_CHUNK = 5_000

/** A key inside its org unit × period. DHIS2 UIDs are alphanumeric: never a ".", ":" or "," in one. */
function heldKey(k: Pick<DataValueKey, 'dataElement' | 'categoryOptionCombo' | 'attributeOptionCombo'>): string {
  return `${k.dataElement}.${k.categoryOptionCombo}.${k.attributeOptionCombo}`
}

/** The inverse of heldKey; undefined for a key that is not three dotted parts. */
export function parseHeldKey(
  key: string,
): Pick<DataValueKey, 'dataElement' | 'categoryOptionCombo' | 'attributeOptionCombo'> | undefined {
  const parts = key.split('.')
  if (parts.length !== 3) return undefined
  const [dataElement, categoryOptionCombo, attributeOptionCombo] = parts as [string, string, string]
  return { dataElement, categoryOptionCombo, attributeOptionCombo }
}

/** A row of `imported_sets`. */
export interface HeldRow {
  org_unit: string
  period: string
  record_id: string | null
  source: string
  held: string
}

export interface Holder {
  readonly orgUnit: string
  readonly period: string
  readonly contentHash: string
  readonly recordId: string | null
  readonly source: string
}

/**
 * Pure: per org unit × period, per held key, what DHIS2 holds from us. `rows` in `seq` order: a later row's
 * key replaces an earlier one's.
 */
export function holdersOf(rows: readonly HeldRow[]): Map<string, Map<string, Holder>> {
  const out = new Map<string, Map<string, Holder>>()
  for (const row of rows) {
    const group = groupOf(row.org_unit, row.period)
    let holders = out.get(group)
    if (holders === undefined) {
      holders = new Map()
      out.set(group, holders)
    }
    for (const entry of row.held.split(',')) {
      const colon = entry.lastIndexOf(':')
      if (colon <= 0) continue
      holders.set(entry.slice(0, colon), {
        orgUnit: row.org_unit,
        period: row.period,
        contentHash: entry.slice(colon + 1),
        recordId: row.record_id,
        source: row.source,
      })
    }
  }
  return out
}

const groupOf = (ou: string, pe: string) => `${ou}\u001f${pe}`

export function importedValuesRepository(db: Db) {
  /**
   * Reads the rows of the keys' (org unit, period) pairs — a record's values share one, so 500 records are
   * 500 index ranges — and answers the keys found in them.
   */
  async function lookup(keys: readonly DataValueKey[]): Promise<Map<string, ImportedValue>> {
    const found = new Map<string, ImportedValue>()
    if (keys.length === 0) return found
    const groups = new Map<string, { ou: string; pe: string }>()
    let last: DataValueKey | undefined
    for (const k of keys) {
      // A record's keys come together: most keys repeat the org unit and period of the one before.
      if (last !== undefined && k.orgUnit === last.orgUnit && k.period === last.period) continue
      last = k
      const group = groupOf(k.orgUnit, k.period)
      if (!groups.has(group)) groups.set(group, { ou: k.orgUnit, pe: k.period })
    }
    const rows: HeldRow[] = []
    for (const chunk of chunks([...groups.values()], GROUP_CHUNK))
      rows.push(
        ...(await db.query<HeldRow>(
          `SELECT s.org_unit, s.period, s.record_id, s.source, s.held
             FROM json_to_recordset($1::json) AS k(ou text, pe text)
             JOIN imported_sets s ON s.org_unit = k.ou AND s.period = k.pe
            ORDER BY s.seq`,
          [JSON.stringify(chunk)],
        )),
      )
    // A first import finds no row: no key string is built.
    if (rows.length === 0) return found
    const holders = holdersOf(rows)
    for (const k of keys) {
      const holder = holders.get(groupOf(k.orgUnit, k.period))?.get(heldKey(k))
      if (holder === undefined) continue
      // the holder's org unit and period are the key's: its row was found by them
      found.set(valueKey(k), {
        dataElement: k.dataElement,
        categoryOptionCombo: k.categoryOptionCombo,
        attributeOptionCombo: k.attributeOptionCombo,
        ...holder,
      })
    }
    return found
  }

  return {
    /** What we imported before, for the keys that have something. */
    lookup,

    /** Classifies candidate values against what we imported before (one query per 5,000 org unit × period). */
    async classify<T extends CandidateValue>(values: readonly T[]): Promise<Classified<T>[]> {
      const existing = await lookup(values)
      return values.map((value) => {
        const previous = existing.get(valueKey(value))
        return previous ? { value, class: classifyValue(previous, value), existing: previous } : { value, class: 'new' }
      })
    },

    /**
     * Stores what DHIS2 accepted: one row per record (org unit × period × record × source) of the call. A key
     * given twice is kept with its last occurrence only, so no two rows of one call share a key.
     */
    async recordImported(
      values: readonly (DataValueKey & { contentHash: string; source: string; recordId?: string | null })[],
    ): Promise<void> {
      // Per org unit × period, per key, the last given (a record's values come together: one Map per record).
      type Last = { hash: string; r: string | null; s: string }
      const sets = new Map<string, { ou: string; pe: string; keys: Map<string, Last> }>()
      let set: { ou: string; pe: string; keys: Map<string, Last> } | undefined
      for (const v of values) {
        if (set === undefined || set.ou !== v.orgUnit || set.pe !== v.period) {
          const group = groupOf(v.orgUnit, v.period)
          set = sets.get(group)
          if (set === undefined) {
            set = { ou: v.orgUnit, pe: v.period, keys: new Map() }
            sets.set(group, set)
          }
        }
        set.keys.set(heldKey(v), { hash: v.contentHash, r: v.recordId ?? null, s: v.source })
      }
      // Then one row per record (and source) of each org unit × period.
      const rows: { ou: string; pe: string; r: string | null; s: string; held: string }[] = []
      for (const { ou, pe, keys } of sets.values()) {
        // By record, then source: no string built per key to find its row.
        const byHolder = new Map<string | null, Map<string, string[]>>()
        for (const [key, last] of keys) {
          let ofRecord = byHolder.get(last.r)
          if (ofRecord === undefined) byHolder.set(last.r, (ofRecord = new Map()))
          let held = ofRecord.get(last.s)
          if (held === undefined) ofRecord.set(last.s, (held = []))
          held.push(`${key}:${last.hash}`)
        }
        for (const [r, ofRecord] of byHolder)
          for (const [s, held] of ofRecord) rows.push({ ou, pe, r, s, held: held.join(',') })
      }
      for (const chunk of chunks(rows, GROUP_CHUNK))
        await db.query(
          `INSERT INTO imported_sets (org_unit, period, record_id, source, held)
           SELECT ou, pe, r, s, held FROM json_to_recordset($1::json) AS t(ou text, pe text, r text, s text, held text)`,
          [JSON.stringify(chunk)],
        )
    },
  }
}

export type ImportedValuesRepository = ReturnType<typeof importedValuesRepository>
