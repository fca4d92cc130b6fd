/**
 * An OData row as the mapping engine reads records: flat keys. Central nests groups (`{"vih": {"sens_m_15_24":
 * 4}}`, kobo-odk-api.md §B4, §C2) where Kobo writes `"vih/sens_m_15_24"`; the engine, the ledger's field
 * dropping (issue 11 §4) and the specs all work on top-level keys, so the row is flattened to the XForm
 * paths once, on receipt, and a spec names ODK fields exactly as the Kobo spec names Kobo's.
 *
 * Kept whole: arrays (repeats, with `$expand=*`) and GeoJSON values (a geopoint is an object with `type`
 * and `coordinates`, not a group). Names are Central's sanitised OData names (`age-group` → `age_group`).
 * `__system` flattens like a group: `__system/submissionDate`, `__system/updatedAt`, …
 */
import type { OdkRow } from './client'

export type OdkRecord = Record<string, unknown> & { __id: string }

const isGroup = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !('type' in value && 'coordinates' in value)

export function odkRecord(row: OdkRow): OdkRecord {
  const out: Record<string, unknown> = {}
  const walk = (object: Record<string, unknown>, prefix: string) => {
    for (const [key, value] of Object.entries(object)) {
      const path = `${prefix}${key}`
      if (isGroup(value)) walk(value, `${path}/`)
      else out[path] = value
    }
  }
  walk(row, '')
  return out as OdkRecord
}
