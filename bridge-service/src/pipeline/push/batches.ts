/**
 * Cutting the values to send into dataValueSets requests. Pure.
 *
 * One request per data set × period (what DHIS2 locks, completes and approves together), at most `maxValues`
 * values (default 5,000) and a JSON body of at most `maxBytes` (10 MB). A record's values stay together in
 * one request whenever they fit, so that one import summary tells the whole fate of a record.
 */
import type { DataValue } from '../../dhis2/client'
import type { DataValueKey } from '../../ledger/imported-values'
import { valueHash } from '../hashing'

export const DEFAULT_BATCH_VALUES = 5_000
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024
/** `{"dataSet":"…","dataValues":[…]}` around the values. */
const ENVELOPE_BYTES = 64

/** One value as sent, with the record it comes from and its content hash. */
export interface OutgoingValue extends DataValueKey {
  readonly recordId: string
  readonly hash: string
  readonly value?: string
  /** Removes a value an older version of the record had and this one has not. */
  readonly deleted?: true
}

/**
 * A mapped data value as the push sends it, with its hash — the hash `imported_sets` keeps and every stage
 * compares (the map's duplicate check, the push's "unchanged", a release's preview): taken here only.
 */
export function outgoingValue(dv: DataValueKey & { readonly value: string }, recordId: string): OutgoingValue {
  return {
    dataElement: dv.dataElement,
    period: dv.period,
    orgUnit: dv.orgUnit,
    categoryOptionCombo: dv.categoryOptionCombo,
    attributeOptionCombo: dv.attributeOptionCombo,
    value: dv.value,
    recordId,
    hash: valueHash(dv),
  }
}

/** The deletion of a key an older version of the record sent and this one has not. */
export function outgoingDeletion(key: DataValueKey, recordId: string): OutgoingValue {
  const k: DataValueKey = {
    dataElement: key.dataElement,
    period: key.period,
    orgUnit: key.orgUnit,
    categoryOptionCombo: key.categoryOptionCombo,
    attributeOptionCombo: key.attributeOptionCombo,
  }
  return { ...k, deleted: true, recordId, hash: valueHash({ ...k, value: '', deleted: true }) }
}

export interface RecordWork {
  readonly recordId: string
  readonly dataSet: string
  readonly period: string
  readonly values: readonly OutgoingValue[]
}

export interface Batch {
  readonly dataSet: string
  readonly period: string
  readonly values: OutgoingValue[]
  readonly recordIds: string[]
}

export interface BatchLimits {
  readonly maxValues: number
  readonly maxBytes: number
}

/** The value exactly as it goes in the body (DHIS2's JSON: strings). */
export function wireValue(v: OutgoingValue): DataValue {
  const out: DataValue = {
    dataElement: v.dataElement,
    period: v.period,
    orgUnit: v.orgUnit,
    categoryOptionCombo: v.categoryOptionCombo,
    attributeOptionCombo: v.attributeOptionCombo,
  }
  if (v.deleted) out.deleted = true
  else out.value = v.value ?? ''
  return out
}

/** The JSON of a wire value with empty strings (ASCII: its length is its bytes); each string adds its own. */
const BASE_VALUE = JSON.stringify(wireValue({ ...emptyKey(), recordId: '', hash: '', value: '' })).length
const BASE_DELETED = JSON.stringify(wireValue({ ...emptyKey(), recordId: '', hash: '', deleted: true })).length
function emptyKey(): DataValueKey {
  return { dataElement: '', period: '', orgUnit: '', categoryOptionCombo: '', attributeOptionCombo: '' }
}
/**
 * The bytes of a string in JSON (UTF-8), quotes left out: its length when it is plain ASCII that JSON writes as
 * it is — else measured on JSON's own escaping and UTF-8.
 */
function jsonBytes(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x20 || c === 0x22 || c === 0x5c || c > 0x7e) return Buffer.byteLength(JSON.stringify(s)) - 2
  }
  return s.length
}

/** `Buffer.byteLength(JSON.stringify(wireValue(v))) + 1` (the comma), without building the object and its JSON. */
export function sizeOf(v: OutgoingValue): number {
  const keys =
    jsonBytes(v.dataElement) +
    jsonBytes(v.period) +
    jsonBytes(v.orgUnit) +
    jsonBytes(v.categoryOptionCombo) +
    jsonBytes(v.attributeOptionCombo)
  return (v.deleted ? BASE_DELETED : BASE_VALUE + jsonBytes(v.value ?? '')) + keys + 1
}

/**
 * At least sizeOf(v), from the strings' lengths alone: a UTF-16 unit is at most 6 bytes in JSON (`\u0001`; a
 * non-ASCII one is 2–3 bytes of UTF-8, a surrogate pair 4 for two units). A request of 5,000 ordinary values is
 * ≈ 2 MB by this bound against 10 MB allowed, so the exact size — a scan of every character of every value,
 * ≈ 3 % of the bridge's CPU in an import — is only taken near the limit.
 */
function boundOf(v: OutgoingValue): number {
  const keys =
    v.dataElement.length +
    v.period.length +
    v.orgUnit.length +
    v.categoryOptionCombo.length +
    v.attributeOptionCombo.length
  return (v.deleted ? BASE_DELETED : BASE_VALUE + 6 * (v.value ?? '').length) + 6 * keys + 1
}

const sum = (values: readonly OutgoingValue[], size: (v: OutgoingValue) => number) =>
  values.reduce((total, v) => total + size(v), 0)

export function planBatches(records: readonly RecordWork[], limits: BatchLimits): Batch[] {
  if (!(limits.maxValues >= 1) || !(limits.maxBytes > ENVELOPE_BYTES)) throw new RangeError('batch limits too small')
  const groups = new Map<string, RecordWork[]>()
  for (const r of records) {
    if (r.values.length === 0) continue
    const key = JSON.stringify([r.dataSet, r.period])
    const list = groups.get(key)
    if (list) list.push(r)
    else groups.set(key, [r])
  }
  const batches: Batch[] = []
  for (const group of groups.values()) {
    const { dataSet, period } = group[0] as RecordWork
    let current: Batch | undefined
    // The body's bytes so far: exact, or an upper bound while `exact` is false (boundOf).
    let bytes = 0
    let exact = true
    const close = () => {
      if (current && current.values.length > 0) batches.push(current)
      current = undefined
      bytes = ENVELOPE_BYTES
      exact = true
    }
    const open = (): Batch => (current ??= { dataSet, period, values: [], recordIds: [] })
    /** Near the limit: the request's exact size, so that a bound never closes it early. */
    const toExact = () => {
      if (!exact) bytes = ENVELOPE_BYTES + (current ? sum(current.values, sizeOf) : 0)
      exact = true
    }
    close()
    for (const record of group) {
      let recordBytes = sum(record.values, boundOf)
      const bounded = bytes + recordBytes <= limits.maxBytes
      if (!bounded) {
        toExact()
        recordBytes = sum(record.values, sizeOf)
      }
      const fitsAlone = record.values.length <= limits.maxValues && recordBytes + ENVELOPE_BYTES <= limits.maxBytes
      if (fitsAlone) {
        if (
          current &&
          (current.values.length + record.values.length > limits.maxValues || bytes + recordBytes > limits.maxBytes)
        )
          close()
        const batch = open()
        batch.values.push(...record.values)
        batch.recordIds.push(record.recordId)
        bytes += recordBytes
        if (bounded) exact = false
        continue
      }
      // A record larger than a request on its own (never seen in practice): its values are split.
      toExact()
      for (const value of record.values) {
        const size = sizeOf(value)
        if (current && (current.values.length + 1 > limits.maxValues || bytes + size > limits.maxBytes)) close()
        const batch = open()
        batch.values.push(value)
        if (batch.recordIds.at(-1) !== record.recordId) batch.recordIds.push(record.recordId)
        bytes += size
      }
    }
    close()
  }
  return batches
}
