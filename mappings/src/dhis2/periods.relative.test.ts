// Relative periods as DHIS2 2.41 analytics expands them (RelativePeriods.getRelativePeriods). The main
// table is the worked example of the analytics reference (§1.4, D = 2025-03-12, a Wednesday in 2025W11).
import { RELATIVE_PERIODS, relativePeriods } from './periods'

const ids = (name: string, date: string, options?: Parameters<typeof relativePeriods>[2]) =>
  relativePeriods(name, date, options)?.map((period) => period.id)

/** `from` … `to` with `count` entries, for lists too long to spell out. */
type Span = { from: string; to: string; count: number }

const span = (list: string[] | undefined): Span | undefined =>
  list && { from: list[0] ?? '', to: list[list.length - 1] ?? '', count: list.length }

describe('relativePeriods on D = 2025-03-12', () => {
  it.each<[string, string[]]>([
    ['TODAY', ['20250312']],
    ['YESTERDAY', ['20250311']],
    ['LAST_3_DAYS', ['20250309', '20250310', '20250311']],
    ['LAST_7_DAYS', ['20250305', '20250306', '20250307', '20250308', '20250309', '20250310', '20250311']],
    ['THIS_WEEK', ['2025W11']],
    ['LAST_WEEK', ['2025W10']],
    ['THIS_BIWEEK', ['2025BiW6']],
    ['LAST_BIWEEK', ['2025BiW5']],
    ['LAST_4_WEEKS', ['2025W7', '2025W8', '2025W9', '2025W10']],
    ['LAST_4_BIWEEKS', ['2025BiW2', '2025BiW3', '2025BiW4', '2025BiW5']],
    ['THIS_MONTH', ['202503']],
    ['LAST_MONTH', ['202502']],
    ['THIS_BIMONTH', ['202502B']],
    ['LAST_BIMONTH', ['202501B']],
    ['LAST_3_MONTHS', ['202412', '202501', '202502']],
    ['LAST_6_MONTHS', ['202409', '202410', '202411', '202412', '202501', '202502']],
    // DHIS2's BiMonthly rolling window ends one bi-month early when D − 2 months is an odd month.
    ['LAST_6_BIMONTHS', ['202401B', '202402B', '202403B', '202404B', '202405B', '202406B']],
    ['BIMONTHS_THIS_YEAR', ['202501B', '202502B', '202503B', '202504B', '202505B', '202506B']],
    ['THIS_QUARTER', ['2025Q1']],
    ['LAST_QUARTER', ['2024Q4']],
    ['LAST_4_QUARTERS', ['2024Q1', '2024Q2', '2024Q3', '2024Q4']],
    ['QUARTERS_THIS_YEAR', ['2025Q1', '2025Q2', '2025Q3', '2025Q4']],
    ['QUARTERS_LAST_YEAR', ['2024Q1', '2024Q2', '2024Q3', '2024Q4']],
    ['THIS_SIX_MONTH', ['2025S1']],
    ['LAST_SIX_MONTH', ['2024S2']],
    ['LAST_2_SIXMONTHS', ['2024S1', '2024S2']],
    ['THIS_YEAR', ['2025']],
    ['LAST_YEAR', ['2024']],
    ['LAST_5_YEARS', ['2020', '2021', '2022', '2023', '2024']],
    ['THIS_FINANCIAL_YEAR', ['2024Oct']],
    ['LAST_FINANCIAL_YEAR', ['2023Oct']],
    ['LAST_5_FINANCIAL_YEARS', ['2019Oct', '2020Oct', '2021Oct', '2022Oct', '2023Oct']],
  ])('%s', (name, expected) => {
    expect(ids(name, '2025-03-12')).toEqual(expected)
  })

  it.each<[string, Span]>([
    ['LAST_14_DAYS', { from: '20250226', to: '20250311', count: 14 }],
    ['LAST_30_DAYS', { from: '20250210', to: '20250311', count: 30 }],
    ['LAST_60_DAYS', { from: '20250111', to: '20250311', count: 60 }],
    ['LAST_90_DAYS', { from: '20241212', to: '20250311', count: 90 }],
    ['LAST_180_DAYS', { from: '20240913', to: '20250311', count: 180 }],
    ['LAST_12_WEEKS', { from: '2024W51', to: '2025W10', count: 12 }],
    ['LAST_52_WEEKS', { from: '2024W11', to: '2025W10', count: 52 }],
    ['WEEKS_THIS_YEAR', { from: '2025W1', to: '2025W52', count: 52 }],
    ['LAST_12_MONTHS', { from: '202403', to: '202502', count: 12 }],
    ['MONTHS_THIS_YEAR', { from: '202501', to: '202512', count: 12 }],
    ['MONTHS_LAST_YEAR', { from: '202401', to: '202412', count: 12 }],
    ['LAST_10_YEARS', { from: '2015', to: '2024', count: 10 }],
    ['LAST_10_FINANCIAL_YEARS', { from: '2014Oct', to: '2023Oct', count: 10 }],
  ])('%s', (name, expected) => {
    expect(span(ids(name, '2025-03-12'))).toEqual(expected)
  })

  it('covers every relative period name, each with consecutive periods and no duplicates', () => {
    expect(RELATIVE_PERIODS).toHaveLength(45)
    for (const name of RELATIVE_PERIODS) {
      const periods = relativePeriods(name, '2025-03-12') ?? []
      expect([name, periods.length > 0]).toEqual([name, true])
      expect([name, new Set(periods.map((p) => p.id)).size]).toEqual([name, periods.length])
      const sorted = periods.every((p, i) => i === 0 || (periods[i - 1]?.endDate ?? '') < p.startDate)
      expect([name, sorted]).toEqual([name, true])
    }
  })
})

describe('relativePeriods confirmed by DHIS2 end-to-end tests (real responses)', () => {
  it.each<[string, string, string[]]>([
    ['LAST_4_QUARTERS', '2022-01-01', ['2021Q1', '2021Q2', '2021Q3', '2021Q4']], // AnalyticsQueryDv5AutoTest
    ['LAST_6_MONTHS', '2024-01-29', ['202307', '202308', '202309', '202310', '202311', '202312']], // Dv10
    ['LAST_10_YEARS', '2025-01-01', ['2015', '2016', '2017', '2018', '2019', '2020', '2021', '2022', '2023', '2024']], // Dv14
  ])('%s with relativePeriodDate %s', (name, date, expected) => {
    expect(ids(name, date)).toEqual(expected)
  })
})

describe('relativePeriods around year ends and month ends', () => {
  it.each<[string, string, string[]]>([
    ['THIS_WEEK', '2021-01-03', ['2020W53']],
    ['LAST_WEEK', '2021-01-04', ['2020W53']],
    ['THIS_WEEK', '2025-12-30', ['2026W1']],
    ['THIS_BIWEEK', '2021-01-05', ['2021BiW1']],
    ['LAST_BIWEEK', '2021-01-11', ['2020BiW27']],
    // Stepping the raw date 14 days at a time skips 2020BiW27 (see relative.ts, rollingBiWeeks).
    ['LAST_4_BIWEEKS', '2021-01-25', ['2020BiW24', '2020BiW25', '2020BiW26', '2021BiW1']],
    ['LAST_MONTH', '2025-03-31', ['202502']],
    ['LAST_3_MONTHS', '2025-01-15', ['202410', '202411', '202412']],
    ['LAST_QUARTER', '2025-01-01', ['2024Q4']],
    ['LAST_YEAR', '2024-02-29', ['2023']],
    ['LAST_SIX_MONTH', '2025-08-31', ['2025S1']],
    // From an even month the LAST_6_BIMONTHS window is the expected one.
    ['LAST_6_BIMONTHS', '2025-04-12', ['202402B', '202403B', '202404B', '202405B', '202406B', '202501B']],
  ])('%s on %s', (name, date, expected) => {
    expect(ids(name, date)).toEqual(expected)
  })

  it.each<[string, Span]>([
    ['2020-06-01', { from: '2020W1', to: '2020W53', count: 53 }],
    ['2026-03-01', { from: '2026W1', to: '2026W53', count: 53 }],
    // The calendar year of D decides, not its week-based year:
    ['2025-12-30', { from: '2025W1', to: '2025W52', count: 52 }], // a day of 2026W1
    ['2027-01-01', { from: '2027W1', to: '2027W52', count: 52 }], // a day of 2026W53
  ])('WEEKS_THIS_YEAR on %s', (date, expected) => {
    expect(span(ids('WEEKS_THIS_YEAR', date))).toEqual(expected)
  })

  it('has LAST_52_WEEKS include week 53 when it falls in the window', () => {
    expect(span(ids('LAST_52_WEEKS', '2021-01-11'))).toEqual({ from: '2020W3', to: '2021W1', count: 52 })
  })
})

describe('financial years', () => {
  it('ignores the relative period date and uses "now"', () => {
    expect(ids('THIS_FINANCIAL_YEAR', '2022-01-01', { now: '2025-03-12' })).toEqual(['2024Oct'])
    expect(ids('LAST_5_FINANCIAL_YEARS', '2010-06-01', { now: '2025-03-12' })).toEqual(
      ids('LAST_5_FINANCIAL_YEARS', '2025-03-12'),
    )
  })

  it.each<[string, string, string, string[]]>([
    ['APRIL', 'THIS_FINANCIAL_YEAR', '2025-03-12', ['2024April']],
    ['APRIL', 'THIS_FINANCIAL_YEAR', '2025-04-01', ['2025April']],
    ['APRIL', 'LAST_FINANCIAL_YEAR', '2025-03-12', ['2023April']],
    ['JULY', 'THIS_FINANCIAL_YEAR', '2025-03-12', ['2024July']],
    ['JULY', 'LAST_5_FINANCIAL_YEARS', '2025-08-01', ['2020July', '2021July', '2022July', '2023July', '2024July']],
    ['OCTOBER', 'THIS_FINANCIAL_YEAR', '2025-10-01', ['2025Oct']],
    ['OCTOBER', 'LAST_FINANCIAL_YEAR', '2025-09-30', ['2023Oct']],
    // A November year is named after the year it ends in.
    ['NOVEMBER', 'THIS_FINANCIAL_YEAR', '2025-03-12', ['2025Nov']],
    ['NOVEMBER', 'THIS_FINANCIAL_YEAR', '2025-11-01', ['2026Nov']],
    ['NOVEMBER', 'LAST_FINANCIAL_YEAR', '2025-03-12', ['2024Nov']],
  ])('%s start: %s on %s', (start, name, now, expected) => {
    const financialYearStart = start as 'APRIL' | 'JULY' | 'OCTOBER' | 'NOVEMBER'
    expect(ids(name, '2000-01-01', { financialYearStart, now })).toEqual(expected)
  })
})

describe('relativePeriods input', () => {
  it.each(['LAST_13_MONTHS', 'last_12_months', 'LAST_12_MONTHS ', '', '2024'])(
    '%j is not a relative period',
    (name) => {
      expect(relativePeriods(name, '2025-03-12')).toBeUndefined()
    },
  )

  it('refuses an invalid date', () => {
    expect(() => relativePeriods('THIS_YEAR', '2025-02-30')).toThrow(RangeError)
    expect(() => relativePeriods('THIS_YEAR', '2025-03-12', { now: '12/03/2025' })).toThrow(RangeError)
  })
})
