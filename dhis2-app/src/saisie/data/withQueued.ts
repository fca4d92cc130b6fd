import { dhis2IsNewer, type StoredValue } from '../../offline/freshness'
import { isCompletion, type PendingItem, type PendingValue } from '../../offline/types'
import { cellKey } from '../metadata/types'
import type { ReportValues } from './reportValues'

/** A queued value older than what DHIS2 now holds for its cell. */
export interface StaleQueued {
  item: PendingValue
  dhis2: StoredValue
}

export interface QueuedOverlay {
  /** What each box shows: the newest of DHIS2's value and the one queued on this device. */
  values: Map<string, string>
  /** Queued values someone changed in DHIS2 after they were typed: not to be sent. */
  stale: StaleQueued[]
}

/**
 * The report's boxes after a reload, online or offline: a value still queued (or refused) on this device
 * was typed after DHIS2's — it has not reached DHIS2 — unless DHIS2's was stored later still, by someone
 * else (dhis2IsNewer). Without this the form showed DHIS2's older value beside a queue holding the newer one.
 */
export function withQueued(
  report: Pick<ReportValues, 'values' | 'stamps'>,
  queued: readonly PendingItem[],
  orgUnitId: string,
  periodId: string,
): QueuedOverlay {
  const values = new Map(report.values)
  const stale: StaleQueued[] = []
  for (const item of queued) {
    if (isCompletion(item) || item.ou !== orgUnitId || item.pe !== periodId) continue
    const cell = cellKey(item.de, item.co)
    const value = report.values.get(cell)
    const stored = value === undefined ? undefined : { value, ...report.stamps.get(cell) }
    if (stored && dhis2IsNewer(item, stored)) stale.push({ item, dhis2: stored })
    else values.set(cell, item.value)
  }
  return { values, stale }
}
