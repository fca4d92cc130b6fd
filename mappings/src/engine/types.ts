/**
 * What a compiled mapper gives for a record. `dataValues` is DHIS2's JSON shape, ready for
 * POST /api/dataValueSets; `origins` (same order) says which source field and target codes each value
 * came from, for previews and the quarantine screen.
 */
import type { DataSet } from '../dhis2/metadata'
import type { MappingSpec } from '../spec/schema'
import type { RecordCompletion } from './completion'
import type { MappingIssue } from './issues'

export interface DataValue {
  dataElement: string
  period: string
  orgUnit: string
  categoryOptionCombo: string
  attributeOptionCombo: string
  value: string
}

export interface ValueOrigin {
  field: string
  dataElement: string
  categoryOptionCombo: string
}

/**
 * `ok`: import it; `invalid`: has errors (quarantine); `empty`: nothing in it (a trailing empty row);
 * `duplicate`: same content as an earlier record of the batch; `superseded`: replaced by a later version
 * in the batch. Values that passed DHIS2's rules are listed even in an invalid record (for previews);
 * only `ok` records are to be sent.
 */
export type RecordStatus = 'ok' | 'invalid' | 'empty' | 'duplicate' | 'superseded'

export interface MapResult {
  status: RecordStatus
  /** The source key (identity.key fields joined by `|`). */
  key?: string
  version?: string
  replaces?: string
  /** Resolved org unit UID and its code (for people), and the period's ISO id. */
  orgUnit?: string
  orgUnitCode?: string
  period?: string
  dataValues: DataValue[]
  origins: ValueOrigin[]
  errors: MappingIssue[]
  warnings: MappingIssue[]
  /** Set when the spec says this record is an RC's whole report (the bridge then registers its completion). */
  completion?: RecordCompletion
}

export interface BatchRecord extends MapResult {
  /** 0-based position in the batch (the CSV's data row n is index n − 1). */
  index: number
}

export interface BatchSummary {
  records: number
  ok: number
  invalid: number
  empty: number
  duplicate: number
  superseded: number
  /** Data values of the `ok` records. */
  values: number
  errors: number
  warnings: number
}

export interface BatchResult {
  spec: { id: string; version: number; dataSet: string }
  summary: BatchSummary
  records: BatchRecord[]
}

/** A value's history at an org unit, oldest first (for outliers): UIDs of org unit, element, option combo. */
export type HistoryLookup = (
  orgUnit: string,
  dataElement: string,
  categoryOptionCombo: string,
) => readonly number[] | undefined

export interface Mapper {
  readonly spec: MappingSpec
  readonly dataSet: DataSet
  /** Maps one record; never throws. */
  map(record: unknown): MapResult
  /** Maps records and applies the batch checks: duplicates, conflicting records, superseded versions. */
  mapBatch(records: readonly unknown[]): BatchResult
}
