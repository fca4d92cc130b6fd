/**
 * What each outbound event says (issue 19 §4), built from ledger facts. Pure. A payload carries ids, codes,
 * counts, periods and instants only — never a record's raw or mapped values, a name, a phone number or a
 * pseudonym — because it leaves the bridge for a partner's system.
 */
import type { CompletionFact, FinishedRunFact, OutboundDelivery, OutboundEvent } from '../ledger/outbound'

export interface ReportCompleted {
  readonly recordId: string
  readonly source: string
  readonly dataSet: string | null
  readonly period: string | null
  readonly orgUnit: string | null
  readonly orgUnitCode: string | null
  /** The registration's date as DHIS2 holds it (DHIS2's local time). */
  readonly completedAt: string | null
  /** When the bridge registered it. */
  readonly registeredAt: string
}

export function reportCompleted(fact: CompletionFact): ReportCompleted {
  return {
    recordId: fact.recordId,
    source: fact.source,
    dataSet: fact.dataSet,
    period: fact.period,
    orgUnit: fact.orgUnit,
    orgUnitCode: fact.orgUnitCode,
    completedAt: fact.date,
    registeredAt: fact.at.toISOString(),
  }
}

export interface RunFinished {
  readonly runId: string
  readonly source: string
  readonly mode: string
  readonly trigger: string
  readonly status: string
  /** Records per status when the run ended. */
  readonly counts: Record<string, number>
  readonly startedAt: string
  readonly finishedAt: string
}

export function runFinished(fact: FinishedRunFact): RunFinished {
  // Only numbers go out: the counts column is the bridge's own, but a partner gets nothing else by mistake.
  const counts: Record<string, number> = {}
  for (const [status, n] of Object.entries(fact.counts ?? {})) if (typeof n === 'number') counts[status] = n
  return {
    runId: fact.id,
    source: fact.source,
    mode: fact.mode,
    trigger: fact.trigger,
    status: fact.status,
    counts,
    startedAt: fact.startedAt.toISOString(),
    finishedAt: fact.finishedAt.toISOString(),
  }
}

export interface QuarantineGrowing {
  readonly source: string
  readonly quarantined: number
  readonly threshold: number
  /** The count the previous alert gave; null for the first one. */
  readonly previous: number | null
  readonly at: string
}

/**
 * Whether a source's quarantine deserves an alert now: at or over the threshold, and — when an alert was sent
 * already — grown since, and at least `everyMs` after it (a partner hears of it at most once an hour).
 */
export function quarantineAlertDue(
  quarantined: number,
  threshold: number,
  last: { at: Date; quarantined: number } | undefined,
  now: Date,
  everyMs: number,
): boolean {
  if (quarantined < threshold) return false
  if (!last) return true
  return now.getTime() - last.at.getTime() >= everyMs && quarantined > last.quarantined
}

/** The body a partner receives: the same bytes at every attempt (only the signature's timestamp changes). */
export function deliveryBody(delivery: Pick<OutboundDelivery, 'id' | 'event' | 'createdAt' | 'payload'>): string {
  return JSON.stringify({
    id: delivery.id,
    event: delivery.event,
    createdAt: delivery.createdAt.toISOString(),
    data: delivery.payload,
  })
}

export type { OutboundEvent }
