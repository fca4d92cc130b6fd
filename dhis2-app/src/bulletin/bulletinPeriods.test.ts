import { parsePeriod, type Period } from '../shared/mappings'
import {
  analyticsPeriodOf,
  bulletinPeriodChoices,
  bulletinPeriodName,
  periodTypeName,
  reportMonthsOf,
} from './bulletinPeriods'

const p = (id: string) => parsePeriod(id) as Period
const ids = (periods: Period[]) => periods.map((period) => period.id)

describe('bulletin periods', () => {
  const today = '2026-10-03'

  it('offers each of the five types, newest first, only with reports due', () => {
    expect(ids(bulletinPeriodChoices('Weekly', today)).slice(0, 2)).toEqual(['2026W40', '2026W39'])
    expect(ids(bulletinPeriodChoices('Monthly', today)).slice(0, 2)).toEqual(['202609', '202608'])
    expect(ids(bulletinPeriodChoices('Quarterly', today)).slice(0, 2)).toEqual(['2026Q3', '2026Q2'])
    expect(ids(bulletinPeriodChoices('SixMonthly', today)).slice(0, 2)).toEqual(['2026S2', '2026S1'])
    expect(ids(bulletinPeriodChoices('Yearly', today))).toEqual(['2026', '2025', '2024'])
  })

  it('reads a week from the month whose reports are completed during it', () => {
    // Week 40 (28 Sept – 4 Oct) has its Thursday in October: September's reports.
    expect(analyticsPeriodOf(p('2026W40')).id).toBe('202609')
    expect(ids(reportMonthsOf(p('2026W40')))).toEqual(['202609'])
    expect(analyticsPeriodOf(p('2026Q3')).id).toBe('2026Q3')
    expect(ids(reportMonthsOf(p('2026S2')))).toEqual(['202607', '202608', '202609', '202610', '202611', '202612'])
    expect(reportMonthsOf(p('2026'))).toHaveLength(12)
  })

  it('names types and periods in French and English', () => {
    expect(periodTypeName('SixMonthly', 'fr')).toBe('semestriel')
    expect(periodTypeName('SixMonthly', 'en')).toBe('six-monthly')
    expect(bulletinPeriodName(p('202609'), 'fr')).toBe('septembre 2026')
    expect(bulletinPeriodName(p('2026Q3'), 'en')).toBe('July - September 2026')
  })
})
