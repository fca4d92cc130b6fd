// Which periods a bulletin can cover, what each one is read from, and their names in French and English. Pure:
// dates are the server's calendar days ('YYYY-MM-DD'), never the browser's clock.
import { periodName, type Period } from '../shared/mappings'
import type { Language } from '../shared/language'
import {
  DASHBOARD_PERIOD_TYPES,
  dashboardPeriodChoices,
  isDashboardPeriodType,
  monthsOf,
  reportingMonthOfWeek,
  type DashboardPeriodType,
} from '../dashboard/periods/dashboardPeriods'

/** The five: week, month, quarter, half-year, year — the dashboard's own, so both screens agree. */
export const BULLETIN_PERIOD_TYPES = DASHBOARD_PERIOD_TYPES
export type BulletinPeriodType = DashboardPeriodType
export const isBulletinPeriodType = isDashboardPeriodType

const TYPE_NAMES: Record<BulletinPeriodType, Record<Language, string>> = {
  Weekly: { fr: 'hebdomadaire', en: 'weekly' },
  Monthly: { fr: 'mensuel', en: 'monthly' },
  Quarterly: { fr: 'trimestriel', en: 'quarterly' },
  SixMonthly: { fr: 'semestriel', en: 'six-monthly' },
  Yearly: { fr: 'annuel', en: 'yearly' },
}

/** « Bulletin mensuel » / "Monthly bulletin": the adjective of the type. */
export const periodTypeName = (type: BulletinPeriodType, language: Language): string => TYPE_NAMES[type][language]

/**
 * The periods offered for a type, newest first: the dashboard's choices (a month, quarter … only once at least
 * one of its months has reports due; the current week and the eleven before).
 */
export const bulletinPeriodChoices = (type: BulletinPeriodType, today: string): Period[] =>
  dashboardPeriodChoices(type, today)

/** The period's name in the bulletin: « septembre 2026 », « juillet - septembre 2026 », « Semaine 40 … ». */
export const bulletinPeriodName = (period: Period, language: Language): string => periodName(period, language)

/**
 * The period analytics is asked about. RC_MENSUEL is a monthly data set: DHIS2 2.41 spreads no month over
 * weeks (ReportRatesHelper: expected = open RC × floor(7 / 30) = 0, so a week is always 0 %), so a weekly
 * bulletin reads the month whose reports are being completed during that week, and counts the week's
 * completions from the completion registrations themselves (the dashboard's weekly view does the same).
 */
export function analyticsPeriodOf(period: Period): Period {
  return period.periodType === 'Weekly' ? reportingMonthOfWeek(period) : period
}

/** The months whose reports the bulletin is about, in order. */
export function reportMonthsOf(period: Period): Period[] {
  return monthsOf(analyticsPeriodOf(period))
}
