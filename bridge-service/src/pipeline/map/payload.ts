/**
 * What the map stage stores in `records.mapped` and the push stage reads back: the record's DHIS2 data
 * values (UIDs, DHIS2's JSON shape), where they go, and the mapper's warnings. A record that is fine but has
 * nothing to send says why in `note`.
 */
import type { DataValue, MappingIssue, RecordCompletion } from '@relais/mappings'

export type NothingToSend =
  /** A newer version of the same source record replaces this one. */
  | 'superseded'
  /** Same org unit, period and values as an earlier record of the same batch: sent once, with that one. */
  | 'duplicate-in-batch'
  /** Every field blank. */
  | 'empty'

export interface MappedPayload {
  readonly spec: { readonly id: string; readonly version: number }
  readonly snapshotId: string
  /** The target data set's UID. */
  readonly dataSet: string
  readonly orgUnit: string | null
  readonly orgUnitCode: string | null
  readonly period: string | null
  readonly dataValues: DataValue[]
  readonly warnings: MappingIssue[]
  readonly note?: NothingToSend
  /** For `superseded`: the record id of the newer version. */
  readonly supersededBy?: string
  /** The record is an RC's whole report: register the data set complete once its values are in (completion.ts). */
  readonly completion?: RecordCompletion
  /** A person released it from an `overwrite` quarantine: its values replace DHIS2's (overwrites.ts). */
  readonly overwriteAccepted?: true
}

function isMappedPayload(value: unknown): value is MappedPayload {
  if (value === null || typeof value !== 'object') return false
  const v = value as Partial<MappedPayload>
  return typeof v.dataSet === 'string' && Array.isArray(v.dataValues)
}

/** A value under its record's org unit and period: [data element, COC, AOC, value]. */
type CompactValue = readonly [string, string, string, string]

/**
 * How `records.mapped` is stored: each value as [data element, COC, AOC, value] under the record's org unit and
 * period (a value with another org unit or period keeps DHIS2's object form). DHIS2's shape repeats the period,
 * org unit and five field names in every value: ≈ 4.2 kB per 28-value record against ≈ 1.6 kB, and turning
 * that JSON into jsonb (plus compressing it past 2 kB) was PostgreSQL's largest cost on a big import —
 * 1.2 CPU-s against 0.3 for 3,572 records. The API and the push stage read it back in DHIS2's shape
 * (readMapped), which also reads payloads stored before this form existed.
 */
export interface StoredMappedPayload extends Omit<MappedPayload, 'dataValues'> {
  readonly values: readonly (CompactValue | DataValue)[]
}

export function storeMapped(payload: MappedPayload): StoredMappedPayload {
  const { dataValues, ...rest } = payload
  return {
    ...rest,
    values: dataValues.map((dv) =>
      dv.orgUnit === payload.orgUnit && dv.period === payload.period
        ? ([dv.dataElement, dv.categoryOptionCombo, dv.attributeOptionCombo, dv.value] as const)
        : dv,
    ),
  }
}

/** A stored `mapped` column in DHIS2's shape; undefined when it is not a mapped payload. */
export function readMapped(stored: unknown): MappedPayload | undefined {
  if (isMappedPayload(stored)) return stored
  if (stored === null || typeof stored !== 'object') return undefined
  const s = stored as Partial<StoredMappedPayload>
  if (typeof s.dataSet !== 'string' || !Array.isArray(s.values)) return undefined
  const { values, ...rest } = s as StoredMappedPayload
  const orgUnit = rest.orgUnit ?? ''
  const period = rest.period ?? ''
  return {
    ...rest,
    dataValues: values.map((v) =>
      Array.isArray(v)
        ? {
            dataElement: v[0],
            period,
            orgUnit,
            categoryOptionCombo: v[1],
            attributeOptionCombo: v[2],
            value: v[3],
          }
        : (v as DataValue),
    ),
  }
}
