// Weekly progress of one month's reporting: how many reports were completed in each week since the
// reporting window opened (the 1st of the next month), cumulated. Pure.
import { addPeriods, periodForDate, type Period } from '@relais/mappings/src/dhis2/periods'
import { isOnTime, type RegistrationRow } from '../performance/performance'

export interface WeekProgress {
  week: Period
  /** The part of the week inside the reporting window (first row starts on the 1st). */
  from: string
  to: string
  completed: number
  cumulative: number
  cumulativeOnTime: number
  /** cumulative × 100 / expected, capped at 100; 0 when nothing is expected. */
  cumulativeRate: number
}

/**
 * One row per ISO week from the week holding the 1st of the month after `month` up to `lastWeek`
 * included. Completions earlier than the window count in its first week; later ones are left out.
 * Only completed registrations of `month` by the `units` expected to report count.
 */
export function weeklyProgress(
  month: Period,
  lastWeek: Period,
  registrations: readonly RegistrationRow[],
  units: ReadonlySet<string>,
  expected: number,
  timelyDays: number,
): WeekProgress[] {
  const windowStart = addPeriods(month, 1).startDate
  const dates = registrations
    .filter((r) => r.completed && r.period === month.id && units.has(r.organisationUnit))
    .map((r) => r.date)
  const rows: WeekProgress[] = []
  let cumulative = 0
  let cumulativeOnTime = 0
  for (
    let week = periodForDate('Weekly', windowStart);
    week.startDate <= lastWeek.startDate;
    week = addPeriods(week, 1)
  ) {
    const first = rows.length === 0
    const from = first ? windowStart : week.startDate
    const inWeek = dates.filter((d) => (first || d.slice(0, 10) >= week.startDate) && d.slice(0, 10) <= week.endDate)
    cumulative += inWeek.length
    cumulativeOnTime += inWeek.filter((d) => isOnTime(month.endDate, timelyDays, d)).length
    rows.push({
      week,
      from,
      to: week.endDate,
      completed: inWeek.length,
      cumulative,
      cumulativeOnTime,
      cumulativeRate: expected > 0 ? Math.min((cumulative * 100) / expected, 100) : 0,
    })
  }
  return rows
}
