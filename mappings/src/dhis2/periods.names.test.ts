// Period and relative-period names. English must equal DHIS2 analytics metaData names (I18nFormat
// patterns of i18n_global.properties; examples from the analytics reference §2.3 and §2.6).
import { RELATIVE_PERIODS, parsePeriod, periodForDate, periodName, relativePeriodName } from './periods'

const nameOf = (id: string, locale: 'en' | 'fr') => {
  const period = parsePeriod(id) ?? periodForDate('TwoYearly', `${id.slice(0, 4)}-01-01`)
  return periodName(period, locale)
}

describe('periodName', () => {
  // [id, English (DHIS2), French (Relais)]
  it.each<[string, string, string]>([
    ['20250312', '2025-03-12', '2025-03-12'],
    ['2025W7', 'Week 7 2025-02-10 - 2025-02-16', 'Semaine 7 2025-02-10 - 2025-02-16'],
    ['2020W53', 'Week 53 2020-12-28 - 2021-01-03', 'Semaine 53 2020-12-28 - 2021-01-03'],
    ['2017SunW1', 'Week 1 2017-01-01 - 2017-01-07', 'Semaine 1 2017-01-01 - 2017-01-07'],
    ['2026WedW1', 'Week 1 2025-12-31 - 2026-01-06', 'Semaine 1 2025-12-31 - 2026-01-06'],
    ['2020BiW27', 'Bi-Week 27 2020-12-28 - 2021-01-10', 'Quinzaine 27 2020-12-28 - 2021-01-10'],
    ['202309', 'September 2023', 'septembre 2023'],
    ['202402', 'February 2024', 'février 2024'],
    ['202401B', 'January - February 2024', 'janvier - février 2024'],
    ['2024Q1', 'January - March 2024', 'janvier - mars 2024'],
    ['2021Q2', 'April - June 2021', 'avril - juin 2021'],
    ['2021Q3', 'July - September 2021', 'juillet - septembre 2021'],
    ['2021Q4', 'October - December 2021', 'octobre - décembre 2021'],
    ['2024NovQ1', 'Nov to Jan 2024', 'nov. à janv. 2024'],
    ['2024NovQ3', 'May to Jul 2024', 'mai à juil. 2024'],
    ['2024S1', 'January - June 2024', 'janvier - juin 2024'],
    ['2024AprilS2', 'October - March 2025', 'octobre - mars 2025'],
    ['2024NovS1', 'November - April 2024', 'novembre - avril 2024'],
    ['2024', '2024', '2024'],
    ['2024TwoYearly', '2024 and 2025', '2024 et 2025'],
    ['2024April', 'April 2024 - March 2025', 'avril 2024 - mars 2025'],
    ['2024July', 'July 2024 - June 2025', 'juillet 2024 - juin 2025'],
    ['2024Oct', 'October 2024 - September 2025', 'octobre 2024 - septembre 2025'],
    ['2024Nov', 'November 2023 - October 2024', 'novembre 2023 - octobre 2024'],
  ])('%s: "%s" / "%s"', (id, english, french) => {
    expect(nameOf(id, 'en')).toBe(english)
    expect(nameOf(id, 'fr')).toBe(french)
  })

  it('speaks English by default', () => {
    expect(periodName(periodForDate('Monthly', '2023-09-15'))).toBe('September 2023')
  })
})

describe('relativePeriodName', () => {
  it.each<[string, string, string]>([
    ['LAST_12_MONTHS', 'Last 12 months', '12 derniers mois'],
    ['LAST_4_QUARTERS', 'Last 4 quarters', '4 derniers trimestres'],
    ['THIS_YEAR', 'This year', 'Cette année'],
    ['LAST_5_YEARS', 'Last 5 years', '5 dernières années'],
    ['TODAY', 'Today', "Aujourd'hui"],
    ['THIS_BIMONTH', 'This bi-month', 'Ce bimestre'],
    ['LAST_SIX_MONTH', 'Last six-month', 'Semestre dernier'],
    ['LAST_2_SIXMONTHS', 'Last 2 six-months', '2 derniers semestres'],
    ['THIS_FINANCIAL_YEAR', 'This financial year', 'Exercice en cours'],
    ['LAST_10_FINANCIAL_YEARS', 'Last 10 financial years', '10 derniers exercices'],
  ])('%s: "%s" / "%s"', (name, english, french) => {
    expect(relativePeriodName(name)).toBe(english)
    expect(relativePeriodName(name, 'en')).toBe(english)
    expect(relativePeriodName(name, 'fr')).toBe(french)
  })

  it.each(['fr', 'en'] as const)('gives every relative period a distinct %s name', (locale) => {
    const names = RELATIVE_PERIODS.map((name) => relativePeriodName(name, locale) ?? '')
    expect(names.filter((name) => name === '')).toEqual([])
    expect(new Set(names).size).toBe(RELATIVE_PERIODS.length)
  })

  it('has no name for an unknown relative period', () => {
    expect(relativePeriodName('LAST_13_MONTHS')).toBeUndefined()
  })
})
