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

/** Keys as one JSON document for json_to_recordset (text[] parameters cost an escape pass per element). */
const keysJson = (keys: readonly DataValueKey[]) =>
  JSON.stringify(
    keys.map((k) => ({
      de: k.dataElement,
      pe: k.period,
      ou: k.orgUnit,
      coc: k.categoryOptionCombo,
      aoc: k.attributeOptionCombo,
    })),
  )

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
  async function lookup(keys: readonly DataValueKey[]): Promise<Map<string, ImportedValue>> {
    const found = new Map<string, ImportedValue>()
    for (const chunk of chunks(keys, CHUNK)) {
      const rows = await db.query<Row>(
        `SELECT v.* FROM json_to_recordset($1::json) AS k(de text, pe text, ou text, coc text, aoc text)
           JOIN imported_values v
             ON v.data_element = k.de AND v.period = k.pe AND v.org_unit = k.ou
            AND v.category_option_combo = k.coc AND v.attribute_option_combo = k.aoc`,
        [keysJson(chunk)],
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
        found.set(valueKey(value), value)
      }
    }
    return found
  }

  return {
    /** What we imported before, for the keys that have something. */
    lookup,

    /** Classifies candidate values against what we imported before (one query per 20,000 values). */
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
      const last = new Map(values.map((v) => [valueKey(v), v]))
      for (const chunk of chunks([...last.values()], CHUNK)) {
        await db.query(
          `INSERT INTO imported_values (data_element, period, org_unit, category_option_combo, attribute_option_combo,
                                        content_hash, source, record_id)
           SELECT de, pe, ou, coc, aoc, h, s, r
             FROM json_to_recordset($1::json)
               AS t(de text, pe text, ou text, coc text, aoc text, h text, s text, r text)
           ON CONFLICT (data_element, period, org_unit, category_option_combo, attribute_option_combo)
           DO UPDATE SET content_hash = EXCLUDED.content_hash, source = EXCLUDED.source,
                         record_id = EXCLUDED.record_id, imported_at = now()`,
          [
            JSON.stringify(
              chunk.map((v) => ({
                de: v.dataElement,
                pe: v.period,
                ou: v.orgUnit,
                coc: v.categoryOptionCombo,
                aoc: v.attributeOptionCombo,
                h: v.contentHash,
                s: v.source,
                r: v.recordId ?? null,
              })),
            ),
          ],
        )
      }
    },
  }
}

export type ImportedValuesRepository = ReturnType<typeof importedValuesRepository>
