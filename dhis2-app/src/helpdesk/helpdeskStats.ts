// The help desk's figures, per category and per zone, from the tickets alone (issue 15 §2): how many are still
// open, how long the RC waited for a first answer, how long until resolved. Medians, not means: one ticket left a
// month skews a mean past meaning. Pure.
import { TICKET_CATEGORIES } from './ticketSubject'
import { timeOf, type Ticket } from './tickets'

export interface StatsRow {
  /** The category, or the zone's org unit id ('' when the RC's zone is not known). */
  key: string
  total: number
  open: number
  /** Tickets answered at least once, and the median wait for that answer (ms). */
  answered: number
  medianFirstAnswerMs?: number
  resolved: number
  medianResolutionMs?: number
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}

const duration = (from: string, to: string | undefined): number | undefined => {
  if (!to || !from) return undefined
  const ms = timeOf(to) - timeOf(from)
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined
}

function row(key: string, tickets: readonly Ticket[]): StatsRow {
  const firstAnswers = tickets.flatMap((t) => duration(t.created, t.firstAnswerAt) ?? [])
  const resolutions = tickets.flatMap((t) => (t.status === 'resolved' ? (duration(t.created, t.resolvedAt) ?? []) : []))
  const result: StatsRow = {
    key,
    total: tickets.length,
    open: tickets.filter((t) => t.status !== 'resolved').length,
    answered: firstAnswers.length,
    resolved: tickets.filter((t) => t.status === 'resolved').length,
  }
  const answerMedian = median(firstAnswers)
  const resolutionMedian = median(resolutions)
  if (answerMedian !== undefined) result.medianFirstAnswerMs = answerMedian
  if (resolutionMedian !== undefined) result.medianResolutionMs = resolutionMedian
  return result
}

/** One row per category, in the form's order, each shown even without tickets (a zero is an answer too). */
export function statsByCategory(tickets: readonly Ticket[]): StatsRow[] {
  return TICKET_CATEGORIES.map((category) =>
    row(
      category,
      tickets.filter((t) => t.category === category),
    ),
  )
}

/** One row per zone that has tickets, the most open first; tickets of an unknown zone under ''. */
export function statsByZone(tickets: readonly Ticket[]): StatsRow[] {
  const zones = new Map<string, Ticket[]>()
  for (const t of tickets) {
    const key = t.zoneId ?? ''
    zones.set(key, [...(zones.get(key) ?? []), t])
  }
  return [...zones]
    .map(([key, list]) => row(key, list))
    .sort((a, b) => b.open - a.open || b.total - a.total || a.key.localeCompare(b.key))
}

/** Everything together: the table's last line. */
export const statsTotal = (tickets: readonly Ticket[]): StatsRow => row('', tickets)
