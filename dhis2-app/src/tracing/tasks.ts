// What the RC sees of a tracing event: only what helps find the person (never a name or a phone — the care
// site's counsellor holds the list by the same tracing code). Pure: no React, no i18n, no DHIS2 calls.
import { isOutcome, type OutcomeCode, type TracingField, type TracingMeta } from './tracingProgram'
import { valueOf, type TrackerEvent } from './trackerEvents'

export interface TracingTask {
  event: string
  orgUnit: string
  /** ACTIVE until the outcome is recorded, then COMPLETED. */
  open: boolean
  code?: string
  site?: string
  sex?: string
  ageBand?: string
  locality?: string
  /** The missed appointment, 'YYYY-MM-DD'. */
  missedOn?: string
  outcome?: OutcomeCode
  outcomeDate?: string
  updatedAt?: string
  /** As read: an UPDATE sends the whole event back. */
  source: TrackerEvent
}

export function toTask(event: TrackerEvent, meta: TracingMeta): TracingTask {
  const field = (name: TracingField) => valueOf(event, meta.elements[name])
  const outcome = field('outcome')
  return {
    event: event.event,
    orgUnit: event.orgUnit,
    open: event.status !== 'COMPLETED',
    code: field('code'),
    site: field('site'),
    sex: field('sex'),
    ageBand: field('ageBand'),
    locality: field('locality'),
    missedOn: field('missedOn')?.slice(0, 10),
    outcome: isOutcome(outcome) ? outcome : undefined,
    outcomeDate: field('outcomeDate')?.slice(0, 10),
    updatedAt: event.updatedAt,
    source: event,
  }
}

/** Whole days from the missed appointment to today (both 'YYYY-MM-DD'), or undefined without a date. */
export function daysSince(date: string | undefined, today: string): number | undefined {
  if (!date) return undefined
  const from = Date.parse(`${date.slice(0, 10)}T00:00:00Z`)
  const to = Date.parse(`${today.slice(0, 10)}T00:00:00Z`)
  if (Number.isNaN(from) || Number.isNaN(to)) return undefined
  return Math.round((to - from) / 86_400_000)
}

/** Open tasks, the longest waiting first (the oldest missed appointment); without a date last. */
export function openTasks(tasks: readonly TracingTask[]): TracingTask[] {
  return tasks
    .filter((t) => t.open)
    .sort((a, b) => (a.missedOn ?? '9999').localeCompare(b.missedOn ?? '9999') || a.event.localeCompare(b.event))
}

/** Closed tasks, the latest outcome first, at most `limit`. */
export function recentClosed(tasks: readonly TracingTask[], limit = 20): TracingTask[] {
  const when = (t: TracingTask) => t.outcomeDate ?? t.updatedAt ?? ''
  return tasks
    .filter((t) => !t.open)
    .sort((a, b) => when(b).localeCompare(when(a)))
    .slice(0, limit)
}

export type OutcomeDateProblem = 'missing' | 'invalid' | 'future' | 'before-missed'

/**
 * Why an outcome date cannot be recorded: it must be a real day, not after today (DHIS2's day) and not before
 * the missed appointment the tracing started from.
 */
export function outcomeDateProblem(date: string, today: string, missedOn?: string): OutcomeDateProblem | undefined {
  if (!date) return 'missing'
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return 'invalid'
  const parsed = new Date(`${date}T00:00:00Z`)
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) return 'invalid'
  if (date > today.slice(0, 10)) return 'future'
  if (missedOn && date < missedOn) return 'before-missed'
  return undefined
}
