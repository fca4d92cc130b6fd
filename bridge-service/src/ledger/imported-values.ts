/**
 * `imported_values`: what DHIS2 holds from us, per dataValueSets upsert key (data element, period, org unit,
 * category option combo, attribute option combo) → content hash, record, source.
 *
 * - before a push, `classify` tells for each value: `new` (DHIS2 has nothing from us), `unchanged` (same
 *   content hash: do not send), `changed` (same source, new content: send), `duplicate` (another source
 *   gave a different value for the same key: quarantine the later record as a duplicate);
 * - after DHIS2 accepted values, `recordImported` stores their hashes.
 */
import type { Db } from './db'
import { chunks, toDate } from './sql'

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
  readonly importedAt: Date
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

/** Keys per statement: a JSON document of this many keys is a few hundred kB. */
const CHUNK = 20_000

/** (org unit, period) pairs per statement. */
const GROUP_CHUNK = 5_000

/** A value as `recordImported` sends it (json_to_recordset's columns). */
interface ImportedRow {
  de: string
  pe: string
  ou: string
  coc: string
  aoc: string
  h: string
  s: string
  r: string | null
}

interface Row {
  data_element: string
  period: string
  org_unit: string
  category_option_combo: string
  attribute_option_combo: string
  content_hash: string
  record_id: string | null
  source: string
  imported_at: unknown
}

export function importedValuesRepository(db: Db) {
  /**
   * Asks for the (org unit, period) pairs of the keys — the primary key's first columns (migration 002) — and
   * keeps the rows of the keys asked: a record's values share one org unit × period, so 500 records are 500
   * index ranges instead of 14,000 point lookups, and a JSON document 30 times smaller.
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
      const group = `${k.orgUnit}\u001f${k.period}`
      if (!groups.has(group)) groups.set(group, { ou: k.orgUnit, pe: k.period })
    }
    // The keys as strings only when DHIS2 holds something from us for their org units × periods (a first
    // import holds nothing: no key is built).
    let wanted: Set<string> | undefined
    for (const chunk of chunks([...groups.values()], GROUP_CHUNK)) {
      const rows = await db.query<Row>(
        `SELECT v.* FROM json_to_recordset($1::json) AS k(ou text, pe text)
           JOIN imported_values v ON v.org_unit = k.ou AND v.period = k.pe`,
        [JSON.stringify(chunk)],
      )
      for (const r of rows) {
        const value: ImportedValue = {
          dataElement: r.data_element,
          period: r.period,
          orgUnit: r.org_unit,
          categoryOptionCombo: r.category_option_combo,
          attributeOptionCombo: r.attribute_option_combo,
          contentHash: r.content_hash,
          recordId: r.record_id,
          source: r.source,
          importedAt: toDate(r.imported_at),
        }
        wanted ??= new Set(keys.map(valueKey))
        const key = valueKey(value)
        if (wanted.has(key)) found.set(key, value)
      }
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

    /** Stores what DHIS2 accepted (upsert per key; for a key given twice, the last wins). */
    async recordImported(
      values: readonly (DataValueKey & { contentHash: string; source: string; recordId?: string | null })[],
    ): Promise<void> {
      // One row per key, the last given winning (ON CONFLICT cannot touch a row twice in one statement),
      // built in one pass: this runs for every value DHIS2 accepted.
      const at = new Map<string, number>()
      const rows: ImportedRow[] = []
      for (const v of values) {
        const row: ImportedRow = {
          de: v.dataElement,
          pe: v.period,
          ou: v.orgUnit,
          coc: v.categoryOptionCombo,
          aoc: v.attributeOptionCombo,
          h: v.contentHash,
          s: v.source,
          r: v.recordId ?? null,
        }
        const key = valueKey(v)
        const index = at.get(key)
        if (index === undefined) {
          at.set(key, rows.length)
          rows.push(row)
        } else rows[index] = row
      }
      for (const chunk of chunks(rows, CHUNK)) {
        await db.query(
          `INSERT INTO imported_values (data_element, period, org_unit, category_option_combo, attribute_option_combo,
                                        content_hash, source, record_id)
           SELECT de, pe, ou, coc, aoc, h, s, r
             FROM json_to_recordset($1::json)
               AS t(de text, pe text, ou text, coc text, aoc text, h text, s text, r text)
           ON CONFLICT (data_element, period, org_unit, category_option_combo, attribute_option_combo)
           DO UPDATE SET content_hash = EXCLUDED.content_hash, source = EXCLUDED.source,
                         record_id = EXCLUDED.record_id, imported_at = now()`,
          [JSON.stringify(chunk)],
        )
      }
    },
  }
}

export type ImportedValuesRepository = ReturnType<typeof importedValuesRepository>
