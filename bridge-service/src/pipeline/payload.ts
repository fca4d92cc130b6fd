/**
 * What the map stage stores in `records.mapped` and the push stage reads back: the record's DHIS2 data
 * values (UIDs, DHIS2's JSON shape), where they go, and the mapper's warnings. A record that is fine but has
 * nothing to send says why in `note`.
 */
import type { DataValue, MappingIssue } from '@relais/mappings'

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
}

export function isMappedPayload(value: unknown): value is MappedPayload {
  if (value === null || typeof value !== 'object') return false
  const v = value as Partial<MappedPayload>
  return typeof v.dataSet === 'string' && Array.isArray(v.dataValues)
}
