/** A data value as DHIS2 returns it from `/api/dataValueSets` (web-api §2): the report, its history, the queue. */
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
