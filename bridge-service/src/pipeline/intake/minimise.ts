/**
 * Data minimisation (issue 11 §4, DESIGN.md "identifiers never enter the ledger in clear"): of a received record
 * the bridge keeps only the fields its mapping spec uses (`fieldsUsedBy`: what the values read, identity, org
 * unit, period, and the spec's `keep` and `pseudonymise` lists), the source system's own bookkeeping fields the
 * bridge needs (Kobo's `_uuid` for the sweep…), and its own `relais:` marks. Everything else — Kobo's
 * `_submitted_by` and `_geolocation`, an extra CSV column, a patient's name in a field nobody maps — is dropped
 * before the record is stored, and so never served by `GET /records/{id}`. The names (never the values) of the
 * filled fields dropped are listed in `relais:dropped`, so that a spec with `extraFields: warn` still warns.
 * Pure.
 */
import { DROPPED_KEY, RELAIS_KEY_PREFIX } from '@relais/mappings'
import { isPersonalField } from '../../sources/pseudonym'

const EMPTY: ReadonlySet<string> = new Set()

/** Bookkeeping fields of each source kind that the bridge itself reads from stored records. */
export const SYSTEM_FIELDS: Readonly<Record<string, readonly string[]>> = {
  kobo: ['_id', '_uuid', '_submission_time', '__version__', 'meta/instanceID', 'meta/deprecatedID'],
  // Flattened OData rows (sources/odk/records.ts): the identity and the times the pull and a person read.
  odk: ['__id', 'meta/instanceID', '__system/submissionDate', '__system/updatedAt', '__system/deletedAt'],
}

/** At most this many dropped names are listed (a record with 10,000 columns names the first ones). */
const MAX_DROPPED_LISTED = 50

/**
 * `raw` with only the `kept` fields, the fields whose folded name is `personal` (pseudonymised next), and the
 * `relais:` marks; the same object when nothing is dropped.
 */
export function minimise(raw: unknown, kept: ReadonlySet<string>, personal: ReadonlySet<string> = EMPTY): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw
  const record = raw as Record<string, unknown>
  let out: Record<string, unknown> | undefined
  const dropped: string[] = []
  const keys = Object.keys(record)
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string
    if (kept.has(key) || key.startsWith(RELAIS_KEY_PREFIX) || isPersonalField(key, personal)) {
      if (out) out[key] = record[key]
      continue
    }
    if (!out) {
      // Null prototype: a received `__proto__` key stays data (clean-text.ts does the same).
      out = Object.create(null) as Record<string, unknown>
      for (let j = 0; j < i; j++) out[keys[j] as string] = record[keys[j] as string]
    }
    if (isFilled(record[key]) && dropped.length < MAX_DROPPED_LISTED) dropped.push(key)
  }
  if (!out) return raw
  if (dropped.length > 0) out[DROPPED_KEY] = dropped
  return { ...out }
}

function isFilled(value: unknown): boolean {
  if (value === null || value === undefined) return false
  if (typeof value === 'string') return value.trim() !== ''
  return true
}
