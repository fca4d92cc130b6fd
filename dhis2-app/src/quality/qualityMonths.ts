// The months the data-quality screen looks at: by default the last 12 ended months (the current month's
// reports are still coming in). Pure.
import { addPeriods, parsePeriod, periodForDate } from '../shared/mappings'

export const DEFAULT_MONTHS = 12
/** How far back the screen offers to look. */
export const OFFERED_MONTHS = 24

/** The ended months before `today` (`YYYY-MM-DD`), oldest first. */
export function endedMonths(today: string, count: number): string[] {
  const current = periodForDate('Monthly', today)
  return Array.from({ length: count }, (_, i) => addPeriods(current, i - count).id)
}

const isMonth = (id: string | null | undefined): id is string => !!id && /^\d{6}$/.test(id) && !!parsePeriod(id)

/**
 * The months from `from` to `to` (inclusive, oldest first), both within the offered ones; a missing, unknown or
 * reversed choice falls back to the default range.
 */
export function monthRange(offered: readonly string[], from?: string | null, to?: string | null): string[] {
  const fallback = offered.slice(-DEFAULT_MONTHS)
  if (!isMonth(from) || !isMonth(to)) return fallback
  const start = offered.indexOf(from)
  const end = offered.indexOf(to)
  if (start < 0 || end < 0 || start > end) return fallback
  return offered.slice(start, end + 1)
}

/** The months the Saisie screen offers (saisie/periods: the current month and the eleven before it). */
export function saisieMonths(today: string): Set<string> {
  return new Set([...endedMonths(today, 11), periodForDate('Monthly', today).id])
}
