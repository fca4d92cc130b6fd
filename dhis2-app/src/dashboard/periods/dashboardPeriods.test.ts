import { dashboardPeriodChoices, lockedPeriod, monthsOf, reportingMonthOfWeek, trendMonths } from './dashboardPeriods'

const ids = (periods: Array<{ id: string }>) => periods.map((p) => p.id)

describe('dashboard periods', () => {
  const today = '2026-10-03'

  it('offers only periods with reports due: from last month back, never the current month', () => {
    expect(ids(dashboardPeriodChoices('Monthly', today)).slice(0, 3)).toEqual(['202609', '202608', '202607'])
    expect(ids(dashboardPeriodChoices('Quarterly', today)).slice(0, 2)).toEqual(['2026Q3', '2026Q2'])
    expect(ids(dashboardPeriodChoices('SixMonthly', today)).slice(0, 2)).toEqual(['2026S2', '2026S1'])
    expect(ids(dashboardPeriodChoices('Yearly', today))).toEqual(['2026', '2025', '2024'])
    expect(ids(dashboardPeriodChoices('Weekly', today)).slice(0, 2)).toEqual(['2026W40', '2026W39'])
    // on 1 October the third quarter is complete; on 1 August only July of it is due
    expect(dashboardPeriodChoices('Quarterly', '2026-08-01')[0]?.id).toBe('2026Q3')
    expect(dashboardPeriodChoices('Quarterly', '2026-07-15')[0]?.id).toBe('2026Q2')
  })

  it('refuses a period that is not offered (a future month typed in the address)', () => {
    const choices = dashboardPeriodChoices('Monthly', today)
    expect(lockedPeriod(choices, '202610')?.id).toBe('202609')
    expect(lockedPeriod(choices, '202608')?.id).toBe('202608')
  })

  it('knows the months of a period and the twelve months of the trend', () => {
    const [q3] = dashboardPeriodChoices('Quarterly', today)
    expect(ids(monthsOf(q3!))).toEqual(['202607', '202608', '202609'])
    const [year] = dashboardPeriodChoices('Yearly', today)
    expect(ids(trendMonths(year!, today))).toEqual([
      '202510',
      '202511',
      '202512',
      '202601',
      '202602',
      '202603',
      '202604',
      '202605',
      '202606',
      '202607',
      '202608',
      '202609',
    ])
  })

  it('follows the reporting of the previous month during a week (the month of its Thursday)', () => {
    const [week] = dashboardPeriodChoices('Weekly', today) // 28 Sep – 4 Oct, Thursday 1 Oct
    expect(reportingMonthOfWeek(week!).id).toBe('202609')
  })
})
