/**
 * Reading back what DHIS2 holds after a push whose answer never came (issue 11 §9): a timeout, a connection
 * reset or a gateway error may come after DHIS2 saved the values. Before such a push counts as failed — or
 * before a retry DHIS2 then refuses counts as a conflict — the bridge asks DHIS2 for the same keys: a record
 * whose every value DHIS2 holds as it was sent is imported, whatever the answer was.
 */
import { ORG_UNITS_PER_READ, type Dhis2Client, type HeldValue } from '../../dhis2/client'
import type { Dhis2Error } from '../../dhis2/errors'
import { valueKey } from '../../ledger/imported-values'
import type { OutgoingValue } from './batches'

/** Network codes of a connection that never reached DHIS2: nothing can have been saved. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'])

/** Could DHIS2 have saved the request although this error came back? */
export function answerMayBeLost(error: Dhis2Error): boolean {
  if (error.reason === 'timeout') return true
  if (error.reason === 'network') return !NEVER_SENT.has(error.networkCode ?? '')
  // A gateway that gave up waiting (502/504) may have left DHIS2 finishing the import.
  return error.reason === 'http' && (error.status === 502 || error.status === 504)
}

const keyOf = (
  v: Pick<HeldValue, 'dataElement' | 'period' | 'orgUnit' | 'categoryOptionCombo' | 'attributeOptionCombo'>,
) => `${v.dataElement}|${v.period}|${v.orgUnit}|${v.categoryOptionCombo}|${v.attributeOptionCombo ?? ''}`

/** DHIS2 stores numbers in its own form ("5" may come back "5.0"): equal numbers are the same value. */
export function sameValue(sent: string, held: string): boolean {
  if (sent === held) return true
  const a = Number(sent)
  const b = Number(held)
  return sent.trim() !== '' && held.trim() !== '' && Number.isFinite(a) && Number.isFinite(b) && a === b
}

/**
 * The records of `values` whose every value DHIS2 holds as sent (a deletion: DHIS2 holds none). Pure.
 */
export function recordsHeld(
  values: readonly OutgoingValue[],
  held: readonly HeldValue[],
  /**
   * false before a push (push-worker's "already held"): a zero or empty value DHIS2 does not hold is not taken as
   * held — a zero may be significant and still to be written. true (default) after one, where DHIS2 had the chance.
   */
  absentIsEmpty = true,
): Set<string> {
  // By the full key, and by the key without its attribute option combo for values sent without one (DHIS2
  // answers the default combo's id there).
  const full = new Map<string, HeldValue>()
  const noAoc = new Map<string, HeldValue>()
  // A value of an org unit DHIS2 holds nothing for needs no key string: on a first import, none does.
  const orgUnits = new Set<string>()
  for (const h of held) {
    if (h.deleted) continue
    full.set(keyOf(h), h)
    noAoc.set(keyOf({ ...h, attributeOptionCombo: undefined }), h)
    orgUnits.add(h.orgUnit)
  }
  const ok = new Map<string, boolean>()
  for (const v of values) {
    const found = !orgUnits.has(v.orgUnit)
      ? undefined
      : v.attributeOptionCombo
        ? full.get(keyOf(v))
        : noAoc.get(keyOf(v))
    // DHIS2 keeps no zero for a data element where zero is not significant, and no empty value: absent is
    // then what it holds.
    const nothing = v.deleted || (absentIsEmpty && ((v.value ?? '').trim() === '' || Number(v.value) === 0))
    const matches =
      found === undefined ? nothing : !v.deleted && found.value !== undefined && sameValue(v.value ?? '', found.value)
    ok.set(v.recordId, (ok.get(v.recordId) ?? true) && matches)
  }
  return new Set([...ok].filter(([, isHeld]) => isHeld).map(([id]) => id))
}

/** A value DHIS2 holds, keyed as the ledger keys what Relais wrote (importedValues' valueKey). */
export const heldValueKey = (h: HeldValue): string =>
  valueKey({ ...h, attributeOptionCombo: h.attributeOptionCombo ?? '' })

/** What DHIS2 holds for a batch's keys (one data set and period; ORG_UNITS_PER_READ org units a read). */
export async function readBack(
  dhis2: Pick<Dhis2Client, 'getDataValues'>,
  dataSet: string,
  period: string,
  values: readonly { readonly orgUnit: string }[],
): Promise<HeldValue[]> {
  const orgUnits = [...new Set(values.map((v) => v.orgUnit))]
  const held: HeldValue[] = []
  for (let i = 0; i < orgUnits.length; i += ORG_UNITS_PER_READ)
    held.push(...(await dhis2.getDataValues({ dataSet, period, orgUnits: orgUnits.slice(i, i + ORG_UNITS_PER_READ) })))
  return held
}
