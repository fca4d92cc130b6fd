import { addPeriods, type Period } from '../../shared/mappings'
import { cellKey } from '../metadata/types'

export const HISTORY_MONTHS = 12

export interface DataValueJson {
  dataElement: string
  period: string
  orgUnit: string
  categoryOptionCombo: string
  value?: string
  deleted?: boolean
  storedBy?: string
  /** DHIS2's clock, server-local. */
  lastUpdated?: string
}

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

export function splitReportValues(dataValues: readonly DataValueJson[], periodId: string): ReportValues {
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
  return { values, stamps, history }
}
