// Which periods the dashboard offers, and the months behind each one. Pure: dates are the server's
// calendar days ('YYYY-MM-DD'), never the browser's clock.
import { addPeriods, parsePeriod, periodForDate, periodsInRange, type Period } from '@relais/mappings/src/dhis2/periods'

/** The period types a user can analyse by (community-program.md, "Periods of analysis"). */
export const DASHBOARD_PERIOD_TYPES = ['Weekly', 'Monthly', 'Quarterly', 'SixMonthly', 'Yearly'] as const
export type DashboardPeriodType = (typeof DASHBOARD_PERIOD_TYPES)[number]

export const DEFAULT_PERIOD_TYPE: DashboardPeriodType = 'Monthly'

/** How many periods back each type offers. */
const COUNTS: Record<DashboardPeriodType, number> = { Weekly: 12, Monthly: 12, Quarterly: 8, SixMonthly: 4, Yearly: 3 }

export function isDashboardPeriodType(value: string | null | undefined): value is DashboardPeriodType {
  return (DASHBOARD_PERIOD_TYPES as readonly string[]).includes(value ?? '')
}

/**
 * The latest month with reports to analyse: the month before today's. The current month's reports cannot
 * be entered yet (RC_MENSUEL has openFuturePeriods 0), so analysing it would only ever show 0 %.
 */
export function latestReportMonth(today: string): Period {
  return addPeriods(periodForDate('Monthly', today), -1)
}

/**
 * The periods offered for a type, newest first. Monthly and longer: only periods that hold at least one
 * month whose reports are due (a quarter is offered from the day after its first month ends). Weekly: the
 * current week and the ones before (the weekly view follows reporting as it happens).
 */
export function dashboardPeriodChoices(type: DashboardPeriodType, today: string): Period[] {
  const latest =
    type === 'Weekly' ? periodForDate('Weekly', today) : periodForDate(type, latestReportMonth(today).startDate)
  return Array.from({ length: COUNTS[type] }, (_, i) => addPeriods(latest, -i))
}

/** The chosen period when it is one of the choices; otherwise the newest choice (a typed-in address is not trusted). */
export function lockedPeriod(choices: Period[], requested: string | null | undefined): Period | undefined {
  return choices.find((p) => p.id === requested) ?? choices[0]
}

/** The months of a monthly-or-longer period (what its reports are), in order. */
export function monthsOf(period: Period): Period[] {
  return periodsInRange('Monthly', period.startDate, period.endDate)
}

/**
 * The twelve months of the trend charts: ending with the period's last month, but never after the latest
 * month with reports due.
 */
export function trendMonths(period: Period, today: string): Period[] {
  const latest = latestReportMonth(today)
  const periodEnd = periodForDate('Monthly', period.endDate)
  const last = periodEnd.startDate > latest.startDate ? latest : periodEnd
  return Array.from({ length: 12 }, (_, i) => addPeriods(last, i - 11))
}

/**
 * The month whose reports are being completed during a week: the month before the one that holds the
 * week's Thursday (DHIS2 puts a Monday week wholly in the month of its start + 3 days).
 */
export function reportingMonthOfWeek(week: Period): Period {
  const thursday = addPeriods(periodForDate('Daily', week.startDate), 3)
  return addPeriods(periodForDate('Monthly', thursday.startDate), -1)
}

export function periodById(id: string): Period | undefined {
  return parsePeriod(id)
}
