import { addPeriods, type Period } from '../../shared/mappings'
import type { DataValueJson } from '../../shared/dhis2/dataValues'

export type { DataValueJson }
import { cellKey } from '../metadata/types'
import type { MinMaxRange } from '../validation/outliers'

export const HISTORY_MONTHS = 12

/** Who stored a value of the report in DHIS2, and when. */
export interface Stamp {
  storedBy?: string
  lastUpdated?: string
}

export interface ReportValues {
  /** The chosen period's values, by cell. */
  values: Map<string, string>
  /** Who stored each of those values and when, by cell. */
  stamps: Map<string, Stamp>
  /** Numeric values of the previous months, oldest first, by cell: the outlier history. */
  history: Map<string, number[]>
  /** DHIS2's min–max range of the RC's boxes, by cell (none for most). */
  ranges: Map<string, MinMaxRange>
}

/** One row of `GET /api/minMaxDataElements` with the fields the form asks for. */
export interface MinMaxJson {
  dataElement: { id: string }
  optionCombo: { id: string }
  min: number
  max: number
}

/** The org unit's min–max ranges: DHIS2's own outlier bounds for its boxes. */
export function minMaxParams(orgUnitId: string) {
  return { filter: `source.id:eq:${orgUnitId}`, fields: 'dataElement[id],optionCombo[id],min,max', paging: false }
}

export function rangesByCell(rows: readonly MinMaxJson[]): Map<string, MinMaxRange> {
  return new Map(rows.map((r) => [cellKey(r.dataElement.id, r.optionCombo.id), { min: r.min, max: r.max }]))
}

/** One request for the report and its history: the chosen period and the 12 before it. */
export function reportValuesParams(dataSetId: string, orgUnitId: string, period: Period) {
  return {
    dataSet: dataSetId,
    orgUnit: orgUnitId,
    startDate: addPeriods(period, -HISTORY_MONTHS).startDate,
    endDate: period.endDate,
  }
}

export function splitReportValues(
  dataValues: readonly DataValueJson[],
  periodId: string,
  minMax: readonly MinMaxJson[] = [],
): ReportValues {
  const values = new Map<string, string>()
  const stamps = new Map<string, Stamp>()
  const byCell = new Map<string, Array<{ period: string; value: number }>>()
  for (const dv of dataValues) {
    if (dv.deleted || dv.value === undefined) continue
    const key = cellKey(dv.dataElement, dv.categoryOptionCombo)
    if (dv.period === periodId) {
      values.set(key, dv.value)
      stamps.set(key, { storedBy: dv.storedBy, lastUpdated: dv.lastUpdated })
      continue
    }
    const number = Number(dv.value)
    if (dv.value.trim() === '' || !Number.isFinite(number)) continue
    const list = byCell.get(key) ?? []
    list.push({ period: dv.period, value: number })
    byCell.set(key, list)
  }
  const history = new Map<string, number[]>()
  for (const [key, list] of byCell) {
    history.set(
      key,
      list.sort((a, b) => a.period.localeCompare(b.period)).map((entry) => entry.value),
    )
  }
  return { values, stamps, history, ranges: rangesByCell(minMax) }
}
