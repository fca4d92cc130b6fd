/**
 * People's values are never overwritten silently (issue 13 §2). Before a push, what DHIS2 holds for each key
 * the push would write is read (one read per data set × period, 50 org units at a time) and compared with what
 * Relais itself last wrote there (importedValues). A value DHIS2 holds that Relais did not write — an RC in the
 * app, someone in DHIS2's own data entry — and that the incoming value would change (or a deletion would remove)
 * is not written: the record waits in quarantine with the reason `overwrite`, with both values, who stored
 * DHIS2's and when. A person then takes the source's values (release), keeps DHIS2's (discard), or corrects.
 *
 * Not checked: records a person released from such a quarantine (their decision, audited), and the sources
 * declared the system of record (`precedence: source` in relais.config.yaml), whose pushes are noted in each
 * record's history instead.
 */
import type { HeldValue } from '../dhis2/client'
import type { ImportedValue } from '../ledger/imported-values'
import { valueKey } from '../ledger/imported-values'
import type { OutgoingValue, RecordWork } from './batches'
import { valueHash } from './hashing'

const ORG_UNITS_PER_READ = 50

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

export type ReadHeld = (query: { dataSet: string; period: string; orgUnits: readonly string[] }) => Promise<HeldValue[]>

/** Same value for DHIS2: equal texts, or equal numbers (`5` and `5.0`). */
function sameValue(a: string, b: string): boolean {
  if (a.trim() === b.trim()) return true
  const x = Number(a)
  const y = Number(b)
  return a.trim() !== '' && b.trim() !== '' && Number.isFinite(x) && Number.isFinite(y) && x === y
}

/** Pure: the values of `work` that would overwrite a person's, given what DHIS2 holds and what we wrote. */
export function overwritesOf(
  work: readonly RecordWork[],
  held: ReadonlyMap<string, HeldValue>,
  ours: ReadonlyMap<string, ImportedValue>,
): Map<string, Overwrite[]> {
  const found = new Map<string, Overwrite[]>()
  for (const item of work) {
    for (const v of item.values) {
      const key = valueKey(v)
      const current = held.get(key)
      if (!current || current.deleted || current.value === undefined) continue
      if (!v.deleted && v.value !== undefined && sameValue(current.value, v.value)) continue
      const previous = ours.get(key)
      if (previous && previous.contentHash === valueHash({ ...keyOf(v), value: current.value })) continue
      const list = found.get(item.recordId) ?? []
      list.push({
        ...keyOf(v),
        dhis2: { value: current.value, storedBy: current.storedBy ?? null, lastUpdated: current.lastUpdated ?? null },
        incoming: v.deleted ? null : (v.value ?? null),
      })
      found.set(item.recordId, list)
    }
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

/** What DHIS2 holds for every key of `work`, read per data set × period. */
export async function readHeldFor(work: readonly RecordWork[], read: ReadHeld): Promise<Map<string, HeldValue>> {
  const groups = new Map<string, { dataSet: string; period: string; orgUnits: Set<string> }>()
  for (const item of work) {
    for (const v of item.values) {
      const g = `${item.dataSet}|${v.period}`
      const group = groups.get(g) ?? { dataSet: item.dataSet, period: v.period, orgUnits: new Set<string>() }
      group.orgUnits.add(v.orgUnit)
      groups.set(g, group)
    }
  }
  const held = new Map<string, HeldValue>()
  for (const { dataSet, period, orgUnits } of groups.values()) {
    const units = [...orgUnits]
    for (let i = 0; i < units.length; i += ORG_UNITS_PER_READ) {
      const rows = await read({ dataSet, period, orgUnits: units.slice(i, i + ORG_UNITS_PER_READ) })
      for (const row of rows) held.set(valueKey({ ...row, attributeOptionCombo: row.attributeOptionCombo ?? '' }), row)
    }
  }
  return held
}
