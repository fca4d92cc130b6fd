/**
 * Display names of periods and relative periods.
 *
 * English is exactly what DHIS2 analytics puts in `metaData.items.<pe>.name` (`I18nFormat.formatPeriod`
 * with the `format.<Type>.startDate/endDate(.ext)` patterns and month names of i18n_global.properties;
 * relative names from the same file). French is Relais' own wording for its French-speaking users, in
 * the same shapes but with French typography: DHIS2's French bundle capitalises months ("Septembre
 * 2023"), keeps "Week"/"Bi-Week" in English and has several wrong relative names ("Ces 2 dernières
 * semaines" for This bi-month), so we do not copy it.
 */
import { parseDate, toDayNumber } from './calendar'
import { RelativePeriodName, isRelativePeriodName } from './relative'
import { Period, WEEKLY_TYPES, isWeeklyType } from './types'
import { biWeekOf, weekOf } from './weeks'

type Locale = 'en' | 'fr'

const MONTHS: Record<Locale, string[]> = {
  en: [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
  ],
  fr: [
    'janvier',
    'février',
    'mars',
    'avril',
    'mai',
    'juin',
    'juillet',
    'août',
    'septembre',
    'octobre',
    'novembre',
    'décembre',
  ],
}

const SHORT_MONTHS: Record<Locale, string[]> = {
  en: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
  fr: ['janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'août', 'sept.', 'oct.', 'nov.', 'déc.'],
}

const WORDS: Record<Locale, { week: string; biWeek: string; to: string; and: string }> = {
  en: { week: 'Week', biWeek: 'Bi-Week', to: 'to', and: 'and' },
  fr: { week: 'Semaine', biWeek: 'Quinzaine', to: 'à', and: 'et' },
}

/**
 * "September 2023", "January - March 2024", "October 2024 - September 2025", "Week 7 2025-02-10 -
 * 2025-02-16", "2025-03-12" … (French: "septembre 2023", "janvier - mars 2024", "Semaine 7 …").
 */
export function periodName(period: Period, locale: Locale = 'en'): string {
  const start = parseDate(period.startDate)
  const end = parseDate(period.endDate)
  const month = (m: number) => MONTHS[locale][m - 1] ?? ''
  const short = (m: number) => SHORT_MONTHS[locale][m - 1] ?? ''
  const words = WORDS[locale]
  const type = period.periodType
  if (type === 'Daily') return period.startDate
  if (isWeeklyType(type)) {
    const { week } = weekOf(toDayNumber(start), WEEKLY_TYPES[type].firstDay)
    return `${words.week} ${week} ${period.startDate} - ${period.endDate}`
  }
  switch (type) {
    case 'BiWeekly':
      return `${words.biWeek} ${biWeekOf(toDayNumber(start)).biWeek} ${period.startDate} - ${period.endDate}`
    case 'Monthly':
      return `${month(start.month)} ${start.year}`
    case 'BiMonthly':
    case 'Quarterly':
    case 'SixMonthly':
    case 'SixMonthlyApril':
    case 'SixMonthlyNov':
      return `${month(start.month)} - ${month(end.month)} ${end.year}`
    case 'QuarterlyNov':
      // Not a QuarterlyPeriodType in DHIS2, so it gets the short "MMM 'to '" pattern: "Nov to Jan 2025".
      return `${short(start.month)} ${words.to} ${short(end.month)} ${end.year}`
    case 'Yearly':
      return String(start.year)
    case 'TwoYearly':
      return `${start.year} ${words.and} ${end.year}`
    default:
      // Financial years: "October 2024 - September 2025".
      return `${month(start.month)} ${start.year} - ${month(end.month)} ${end.year}`
  }
}

// A Record over every name, so a relative period without a translation does not compile.
const RELATIVE_NAMES: Record<RelativePeriodName, [en: string, fr: string]> = {
  TODAY: ['Today', "Aujourd'hui"],
  YESTERDAY: ['Yesterday', 'Hier'],
  LAST_3_DAYS: ['Last 3 days', '3 derniers jours'],
  LAST_7_DAYS: ['Last 7 days', '7 derniers jours'],
  LAST_14_DAYS: ['Last 14 days', '14 derniers jours'],
  LAST_30_DAYS: ['Last 30 days', '30 derniers jours'],
  LAST_60_DAYS: ['Last 60 days', '60 derniers jours'],
  LAST_90_DAYS: ['Last 90 days', '90 derniers jours'],
  LAST_180_DAYS: ['Last 180 days', '180 derniers jours'],
  THIS_WEEK: ['This week', 'Cette semaine'],
  LAST_WEEK: ['Last week', 'Semaine dernière'],
  THIS_BIWEEK: ['This bi-week', 'Cette quinzaine'],
  LAST_BIWEEK: ['Last bi-week', 'Quinzaine dernière'],
  LAST_4_WEEKS: ['Last 4 weeks', '4 dernières semaines'],
  LAST_4_BIWEEKS: ['Last 4 bi-weeks', '4 dernières quinzaines'],
  LAST_12_WEEKS: ['Last 12 weeks', '12 dernières semaines'],
  LAST_52_WEEKS: ['Last 52 weeks', '52 dernières semaines'],
  WEEKS_THIS_YEAR: ['Weeks this year', 'Semaines de cette année'],
  THIS_MONTH: ['This month', 'Ce mois-ci'],
  LAST_MONTH: ['Last month', 'Mois dernier'],
  THIS_BIMONTH: ['This bi-month', 'Ce bimestre'],
  LAST_BIMONTH: ['Last bi-month', 'Bimestre dernier'],
  LAST_3_MONTHS: ['Last 3 months', '3 derniers mois'],
  LAST_6_MONTHS: ['Last 6 months', '6 derniers mois'],
  LAST_12_MONTHS: ['Last 12 months', '12 derniers mois'],
  LAST_6_BIMONTHS: ['Last 6 bi-months', '6 derniers bimestres'],
  MONTHS_THIS_YEAR: ['Months this year', 'Mois de cette année'],
  BIMONTHS_THIS_YEAR: ['Bi-months this year', 'Bimestres de cette année'],
  MONTHS_LAST_YEAR: ['Months last year', "Mois de l'année dernière"],
  THIS_QUARTER: ['This quarter', 'Ce trimestre'],
  LAST_QUARTER: ['Last quarter', 'Trimestre dernier'],
  LAST_4_QUARTERS: ['Last 4 quarters', '4 derniers trimestres'],
  QUARTERS_THIS_YEAR: ['Quarters this year', 'Trimestres de cette année'],
  QUARTERS_LAST_YEAR: ['Quarters last year', "Trimestres de l'année dernière"],
  THIS_SIX_MONTH: ['This six-month', 'Ce semestre'],
  LAST_SIX_MONTH: ['Last six-month', 'Semestre dernier'],
  LAST_2_SIXMONTHS: ['Last 2 six-months', '2 derniers semestres'],
  THIS_YEAR: ['This year', 'Cette année'],
  LAST_YEAR: ['Last year', 'Année dernière'],
  LAST_5_YEARS: ['Last 5 years', '5 dernières années'],
  LAST_10_YEARS: ['Last 10 years', '10 dernières années'],
  THIS_FINANCIAL_YEAR: ['This financial year', 'Exercice en cours'],
  LAST_FINANCIAL_YEAR: ['Last financial year', 'Exercice précédent'],
  LAST_5_FINANCIAL_YEARS: ['Last 5 financial years', '5 derniers exercices'],
  // Missing from DHIS2's i18n_global.properties (2.41); named like its siblings.
  LAST_10_FINANCIAL_YEARS: ['Last 10 financial years', '10 derniers exercices'],
}

/** "Last 12 months" / "12 derniers mois"; undefined for a name that is not a relative period. */
export function relativePeriodName(name: string, locale: Locale = 'en'): string | undefined {
  if (!isRelativePeriodName(name)) return undefined
  return RELATIVE_NAMES[name][locale === 'fr' ? 1 : 0]
}
