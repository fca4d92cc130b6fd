/**
 * People's values are never overwritten silently (issue 13 §2). Before a push, what DHIS2 holds for each key
 * the push would write is read (read-back.ts `readBack`: the batch's data set × period, ORG_UNITS_PER_READ org units a read) and compared with what
 * Relais itself last wrote there (importedValues). A value DHIS2 holds that Relais did not write — an RC in the
 * app, someone in DHIS2's own data entry — and that the incoming value would change (or a deletion would remove)
 * is not written: the record waits in quarantine with the reason `overwrite`, with both values, who stored
 * DHIS2's and when. A person then takes the source's values (release), keeps DHIS2's (discard), or corrects.
 *
 * Not checked: records a person released from such a quarantine (their decision, audited), and the sources
 * declared the system of record (`precedence: source` in relais.config.yaml), whose pushes are noted in each
 * record's history instead.
 */
import type { HeldValue } from '../../dhis2/client'
import type { ImportedValue } from '../../ledger/imported-values'
import { valueKey } from '../../ledger/imported-values'
import type { OutgoingValue } from './batches'
import { valueHash } from '../hashing'
import { heldValueKey, sameValue } from './read-back'

/** One value a push would overwrite, as the quarantine screen shows it. */
export interface Overwrite {
  readonly dataElement: string
  readonly categoryOptionCombo: string
  readonly attributeOptionCombo: string
  readonly period: string
  readonly orgUnit: string
  readonly dhis2: { value: string; storedBy: string | null; lastUpdated: string | null }
  /** null: the push would delete DHIS2's value. */
  readonly incoming: string | null
}

/**
 * Pure: the values to send that would overwrite a person's, by record, given what DHIS2 holds for their keys
 * (read-back.ts `readBack`) and what we wrote there (importedValues).
 */
export function overwritesOf(
  values: readonly OutgoingValue[],
  held: readonly HeldValue[],
  ours: ReadonlyMap<string, ImportedValue>,
): Map<string, Overwrite[]> {
  const byKey = new Map(held.map((h) => [heldValueKey(h), h]))
  // A value of an org unit DHIS2 holds nothing for overwrites nothing, and needs no key string (this runs for
  // every value pushed; on a first import DHIS2 holds nothing).
  const orgUnits = new Set(held.map((h) => h.orgUnit))
  const found = new Map<string, Overwrite[]>()
  for (const v of values) {
    if (!orgUnits.has(v.orgUnit)) continue
    const key = valueKey(v)
    const current = byKey.get(key)
    if (!current || current.deleted || current.value === undefined) continue
    if (!v.deleted && v.value !== undefined && sameValue(v.value, current.value)) continue
    const previous = ours.get(key)
    if (previous && previous.contentHash === valueHash({ ...keyOf(v), value: current.value })) continue
    const list = found.get(v.recordId) ?? []
    list.push({
      ...keyOf(v),
      dhis2: { value: current.value, storedBy: current.storedBy ?? null, lastUpdated: current.lastUpdated ?? null },
      incoming: v.deleted ? null : (v.value ?? null),
    })
    found.set(v.recordId, list)
  }
  return found
}

function keyOf(v: OutgoingValue) {
  return {
    dataElement: v.dataElement,
    period: v.period,
    orgUnit: v.orgUnit,
    categoryOptionCombo: v.categoryOptionCombo,
    attributeOptionCombo: v.attributeOptionCombo,
  }
}
