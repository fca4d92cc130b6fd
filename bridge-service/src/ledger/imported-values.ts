/**
 * What DHIS2 holds from us, per dataValueSets upsert key (data element, period, org unit, category option combo,
 * attribute option combo) → content hash, record, source. Stored one row per org unit × period in
 * `imported_sets` (migration 003): `held` maps "<data element>.<COC>.<AOC>" to [hash, record id, source].
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

/** (org unit, period) pairs per statement (a JSON document of a few hundred kB either way). */
const GROUP_CHUNK = 5_000

/** One key of a row's `held`: [content hash, record id, source]. */
type Held = [string, string | null, string]

/** A key inside its org unit × period row. DHIS2 UIDs are alphanumeric: a dot never occurs in one. */
export function heldKey(k: Pick<DataValueKey, 'dataElement' | 'categoryOptionCombo' | 'attributeOptionCombo'>): string {
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

const groupOf = (ou: string, pe: string) => `${ou}\u001f${pe}`

export function importedValuesRepository(db: Db) {
  /**
   * Reads the rows of the keys' (org unit, period) pairs — a record's values share one, so 500 records are
   * 500 primary-key lookups — and answers the keys found in them.
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
    const rows = new Map<string, Record<string, Held>>()
    for (const chunk of chunks([...groups.values()], GROUP_CHUNK)) {
      const answer = await db.query<{ org_unit: string; period: string; held: Record<string, Held> }>(
        `SELECT s.org_unit, s.period, s.held FROM json_to_recordset($1::json) AS k(ou text, pe text)
           JOIN imported_sets s ON s.org_unit = k.ou AND s.period = k.pe`,
        [JSON.stringify(chunk)],
      )
      for (const r of answer) rows.set(groupOf(r.org_unit, r.period), r.held)
    }
    // A first import finds no row: no key string is built.
    if (rows.size === 0) return found
    for (const k of keys) {
      const held = rows.get(groupOf(k.orgUnit, k.period))?.[heldKey(k)]
      if (held === undefined) continue
      found.set(valueKey(k), {
        dataElement: k.dataElement,
        period: k.period,
        orgUnit: k.orgUnit,
        categoryOptionCombo: k.categoryOptionCombo,
        attributeOptionCombo: k.attributeOptionCombo,
        contentHash: held[0],
        recordId: held[1],
        source: held[2],
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
     * Stores what DHIS2 accepted: per org unit × period one upsert merging the keys into the row (`||`: per key
     * the last import wins; for a key given twice here, the last given).
     */
    async recordImported(
      values: readonly (DataValueKey & { contentHash: string; source: string; recordId?: string | null })[],
    ): Promise<void> {
      const rows = new Map<string, { ou: string; pe: string; held: Record<string, Held> }>()
      for (const v of values) {
        const group = groupOf(v.orgUnit, v.period)
        let row = rows.get(group)
        if (row === undefined) {
          row = { ou: v.orgUnit, pe: v.period, held: {} }
          rows.set(group, row)
        }
        row.held[heldKey(v)] = [v.contentHash, v.recordId ?? null, v.source]
      }
      // Rows locked in one order by every writer: two pushes sharing org units × periods cannot deadlock.
      const sorted = [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row)
      for (const chunk of chunks(sorted, GROUP_CHUNK)) {
        await db.query(
          `INSERT INTO imported_sets (org_unit, period, held)
           SELECT ou, pe, held FROM json_to_recordset($1::json) AS t(ou text, pe text, held jsonb)
           ON CONFLICT (org_unit, period)
           DO UPDATE SET held = imported_sets.held || EXCLUDED.held, imported_at = now()`,
          [JSON.stringify(chunk)],
        )
      }
    },
  }
}

export type ImportedValuesRepository = ReturnType<typeof importedValuesRepository>
