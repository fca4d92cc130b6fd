// DHIS2 fixed periods: ids, dates and arithmetic. Expected dates come from DHIS2 2.41's period types
// (DateUnitPeriodTypeParser, *PeriodType.createPeriod / getIsoDate) and its own unit tests where noted.
import {
  PERIOD_TYPES,
  Period,
  PeriodTypeName,
  addPeriods,
  comparePeriods,
  formatPeriodId,
  frequencyOrder,
  isCanonicalPeriodId,
  isPeriodOfType,
  parsePeriod,
  periodContainsForAggregation,
  periodForDate,
  periodsInRange,
} from './periods'

const period = (id: string): Period => {
  const parsed = parsePeriod(id)
  if (!parsed) throw new Error(`test setup: ${id} does not parse`)
  return parsed
}

describe('parsePeriod', () => {
  // [id, canonical id, type, first day, last day]
  it.each<[string, string, PeriodTypeName, string, string]>([
    ['20250312', '20250312', 'Daily', '2025-03-12', '2025-03-12'],
    ['20240229', '20240229', 'Daily', '2024-02-29', '2024-02-29'],
    ['2025W7', '2025W7', 'Weekly', '2025-02-10', '2025-02-16'],
    ['2025W1', '2025W1', 'Weekly', '2024-12-30', '2025-01-05'],
    ['2026W1', '2026W1', 'Weekly', '2025-12-29', '2026-01-04'],
    ['2020W53', '2020W53', 'Weekly', '2020-12-28', '2021-01-03'],
    ['2015W53', '2015W53', 'Weekly', '2015-12-28', '2016-01-03'],
    ['2009W1', '2009W1', 'Weekly', '2008-12-29', '2009-01-04'], // DHIS2 WeeklyPeriodTypeTest.isoDates
    ['2011W11', '2011W11', 'Weekly', '2011-03-14', '2011-03-20'], // idem
    ['2017WedW17', '2017WedW17', 'WeeklyWednesday', '2017-04-26', '2017-05-02'],
    ['2025WedW1', '2025WedW1', 'WeeklyWednesday', '2025-01-01', '2025-01-07'],
    ['2026WedW1', '2026WedW1', 'WeeklyWednesday', '2025-12-31', '2026-01-06'],
    ['2017ThuW18', '2017ThuW18', 'WeeklyThursday', '2017-04-27', '2017-05-03'],
    ['2021ThuW1', '2021ThuW1', 'WeeklyThursday', '2020-12-31', '2021-01-06'],
    ['2017SatW18', '2017SatW18', 'WeeklySaturday', '2017-04-29', '2017-05-05'],
    ['2022SatW1', '2022SatW1', 'WeeklySaturday', '2022-01-01', '2022-01-07'],
    ['2017SunW1', '2017SunW1', 'WeeklySunday', '2017-01-01', '2017-01-07'],
    ['2017SunW19', '2017SunW19', 'WeeklySunday', '2017-05-07', '2017-05-13'],
    ['2020SunW53', '2020SunW53', 'WeeklySunday', '2020-12-27', '2021-01-02'],
    ['2025BiW1', '2025BiW1', 'BiWeekly', '2024-12-30', '2025-01-12'],
    ['2025BiW6', '2025BiW6', 'BiWeekly', '2025-03-10', '2025-03-23'],
    ['2020BiW27', '2020BiW27', 'BiWeekly', '2020-12-28', '2021-01-10'],
    ['2021BiW1', '2021BiW1', 'BiWeekly', '2021-01-04', '2021-01-17'],
    ['2026BiW27', '2026BiW27', 'BiWeekly', '2026-12-28', '2027-01-10'],
    ['202503', '202503', 'Monthly', '2025-03-01', '2025-03-31'],
    ['202402', '202402', 'Monthly', '2024-02-01', '2024-02-29'],
    ['202302', '202302', 'Monthly', '2023-02-01', '2023-02-28'],
    ['190002', '190002', 'Monthly', '1900-02-01', '1900-02-28'],
    ['200002', '200002', 'Monthly', '2000-02-01', '2000-02-29'],
    ['202401B', '202401B', 'BiMonthly', '2024-01-01', '2024-02-29'],
    ['202406B', '202406B', 'BiMonthly', '2024-11-01', '2024-12-31'],
    ['2024Q1', '2024Q1', 'Quarterly', '2024-01-01', '2024-03-31'],
    ['2024Q4', '2024Q4', 'Quarterly', '2024-10-01', '2024-12-31'],
    ['2024NovQ1', '2024NovQ1', 'QuarterlyNov', '2023-11-01', '2024-01-31'],
    ['2024NovQ2', '2024NovQ2', 'QuarterlyNov', '2024-02-01', '2024-04-30'],
    ['2024NovQ4', '2024NovQ4', 'QuarterlyNov', '2024-08-01', '2024-10-31'],
    ['2024S1', '2024S1', 'SixMonthly', '2024-01-01', '2024-06-30'],
    ['2024S2', '2024S2', 'SixMonthly', '2024-07-01', '2024-12-31'],
    ['2024AprilS1', '2024AprilS1', 'SixMonthlyApril', '2024-04-01', '2024-09-30'],
    ['2024AprilS2', '2024AprilS2', 'SixMonthlyApril', '2024-10-01', '2025-03-31'],
    ['2024NovS1', '2024NovS1', 'SixMonthlyNov', '2023-11-01', '2024-04-30'],
    ['2024NovS2', '2024NovS2', 'SixMonthlyNov', '2024-05-01', '2024-10-31'],
    ['2024', '2024', 'Yearly', '2024-01-01', '2024-12-31'],
    ['2024April', '2024April', 'FinancialApril', '2024-04-01', '2025-03-31'],
    ['2024July', '2024July', 'FinancialJuly', '2024-07-01', '2025-06-30'],
    ['2024Oct', '2024Oct', 'FinancialOct', '2024-10-01', '2025-09-30'],
    // FinancialNov alone is named after the year it ends in.
    ['2024Nov', '2024Nov', 'FinancialNov', '2023-11-01', '2024-10-31'],
  ])('%s → %s %s %s … %s', (id, canonical, periodType, startDate, endDate) => {
    expect(parsePeriod(id)).toEqual({ id: canonical, periodType, startDate, endDate })
  })

  // Forms DHIS2 accepts besides its canonical ids: parsed, and given the canonical id.
  it.each([
    ['2025-03-12', '20250312'],
    ['2025-03', '202503'],
    ['2024W01', '2024W1'],
    ['2024SunW07', '2024SunW7'],
    ['2015BiW01', '2015BiW1'],
    // Bi-week 27 is checked against Joda's weeksInYear(2021) = 53 (January 1st, 2021 belongs to 2020's
    // 53 weeks), so it is accepted and lands on the first bi-week of 2022.
    ['2021BiW27', '2022BiW1'],
    ['2016BiW27', '2017BiW1'],
  ])('accepts %s as DHIS2 does and returns the canonical %s', (id, canonical) => {
    expect(parsePeriod(id)?.id).toBe(canonical)
    expect(isCanonicalPeriodId(id)).toBe(false)
    expect(isCanonicalPeriodId(canonical)).toBe(true)
  })

  it.each([
    '202413',
    '202400',
    '20250229',
    '20250230',
    '20250431',
    '2021W53', // 2021 has 52 ISO weeks
    '2024W54',
    '2024W0',
    '2024W00',
    '2024W100',
    '2015SunW53',
    '2022BiW27',
    '2024BiW0',
    '202400B',
    '202407B',
    '2024Q0',
    '2024Q5',
    '2024NovQ5',
    '2024NovQ0',
    '2024S3',
    '2024AprilS0',
    '2024NovS3',
    '2024TwoYearly', // DHIS2 has no ISO format for TwoYearly
    '2024w1',
    '24W1',
    '2024-3',
    '2024Oct ',
    ' 2024',
    '',
    'LAST_12_MONTHS',
  ])('rejects %j', (id) => {
    expect(parsePeriod(id)).toBeUndefined()
  })
})

describe('isPeriodOfType', () => {
  it.each<[string, PeriodTypeName, boolean]>([
    ['2024W1', 'Weekly', true],
    ['2024W1', 'WeeklySunday', false],
    ['2024SunW1', 'WeeklySunday', true],
    ['2024', 'Yearly', true],
    ['2024Nov', 'FinancialNov', true],
    ['2024NovQ1', 'Quarterly', false],
    ['2021W53', 'Weekly', false],
  ])('%s is %s: %s', (id, type, expected) => {
    expect(isPeriodOfType(id, type)).toBe(expected)
  })
})

describe('periodForDate', () => {
  it.each<[PeriodTypeName, string, string, string, string]>([
    ['Daily', '2025-03-12', '20250312', '2025-03-12', '2025-03-12'],
    ['Weekly', '2025-02-12', '2025W7', '2025-02-10', '2025-02-16'],
    ['Weekly', '2025-12-29', '2026W1', '2025-12-29', '2026-01-04'],
    ['Weekly', '2021-01-03', '2020W53', '2020-12-28', '2021-01-03'],
    ['Weekly', '2012-12-31', '2013W1', '2012-12-31', '2013-01-06'], // DHIS2 WeeklyPeriodTypeTest.getIsoDate
    ['Weekly', '2012-12-30', '2012W52', '2012-12-24', '2012-12-30'],
    ['Weekly', '2009-12-29', '2009W53', '2009-12-28', '2010-01-03'],
    ['Weekly', '2010-01-04', '2010W1', '2010-01-04', '2010-01-10'],
    ['WeeklyWednesday', '2017-05-02', '2017WedW17', '2017-04-26', '2017-05-02'], // DHIS2 testWeeklyWednesday
    ['WeeklyWednesday', '2017-05-03', '2017WedW18', '2017-05-03', '2017-05-09'],
    ['WeeklyThursday', '2017-05-03', '2017ThuW18', '2017-04-27', '2017-05-03'], // testWeeklyThursday
    ['WeeklyThursday', '2017-05-04', '2017ThuW19', '2017-05-04', '2017-05-10'],
    ['WeeklySaturday', '2017-05-05', '2017SatW18', '2017-04-29', '2017-05-05'], // testWeeklySaturday
    ['WeeklySaturday', '2017-05-06', '2017SatW19', '2017-05-06', '2017-05-12'],
    ['WeeklySunday', '2017-05-06', '2017SunW18', '2017-04-30', '2017-05-06'], // testWeeklySunday
    ['WeeklySunday', '2017-05-07', '2017SunW19', '2017-05-07', '2017-05-13'],
    ['WeeklySunday', '2017-01-08', '2017SunW2', '2017-01-08', '2017-01-14'],
    ['BiWeekly', '2025-03-12', '2025BiW6', '2025-03-10', '2025-03-23'],
    ['BiWeekly', '2025-03-20', '2025BiW6', '2025-03-10', '2025-03-23'], // even ISO week: second half
    ['BiWeekly', '2020-12-31', '2020BiW27', '2020-12-28', '2021-01-10'],
    ['BiWeekly', '2021-01-05', '2021BiW1', '2021-01-04', '2021-01-17'], // overlaps 2020BiW27
    ['BiWeekly', '2025-12-30', '2026BiW1', '2025-12-29', '2026-01-11'],
    ['Monthly', '2024-02-15', '202402', '2024-02-01', '2024-02-29'],
    ['BiMonthly', '2024-04-30', '202402B', '2024-03-01', '2024-04-30'],
    ['Quarterly', '2024-05-15', '2024Q2', '2024-04-01', '2024-06-30'],
    ['QuarterlyNov', '2023-11-01', '2024NovQ1', '2023-11-01', '2024-01-31'],
    ['QuarterlyNov', '2024-01-31', '2024NovQ1', '2023-11-01', '2024-01-31'],
    ['QuarterlyNov', '2024-10-31', '2024NovQ4', '2024-08-01', '2024-10-31'],
    ['SixMonthly', '2024-07-01', '2024S2', '2024-07-01', '2024-12-31'],
    ['SixMonthlyApril', '2025-03-31', '2024AprilS2', '2024-10-01', '2025-03-31'],
    ['SixMonthlyApril', '2024-04-01', '2024AprilS1', '2024-04-01', '2024-09-30'],
    ['SixMonthlyNov', '2024-04-30', '2024NovS1', '2023-11-01', '2024-04-30'],
    ['SixMonthlyNov', '2024-05-01', '2024NovS2', '2024-05-01', '2024-10-31'],
    ['SixMonthlyNov', '2024-11-01', '2025NovS1', '2024-11-01', '2025-04-30'],
    ['Yearly', '2024-12-31', '2024', '2024-01-01', '2024-12-31'],
    ['TwoYearly', '2025-06-01', '2024TwoYearly', '2024-01-01', '2025-12-31'],
    ['TwoYearly', '2024-01-01', '2024TwoYearly', '2024-01-01', '2025-12-31'],
    ['FinancialApril', '2025-03-31', '2024April', '2024-04-01', '2025-03-31'],
    ['FinancialApril', '2025-04-01', '2025April', '2025-04-01', '2026-03-31'],
    ['FinancialJuly', '2025-06-30', '2024July', '2024-07-01', '2025-06-30'],
    ['FinancialOct', '2025-03-12', '2024Oct', '2024-10-01', '2025-09-30'],
    ['FinancialNov', '2024-10-31', '2024Nov', '2023-11-01', '2024-10-31'],
    ['FinancialNov', '2024-11-01', '2025Nov', '2024-11-01', '2025-10-31'],
  ])('%s on %s → %s (%s … %s)', (type, date, id, startDate, endDate) => {
    expect(periodForDate(type, date)).toEqual({ id, periodType: type, startDate, endDate })
    expect(formatPeriodId(type, date)).toBe(id)
  })

  it.each(['2025-02-29', '2025-2-1', '20250201', ''])('refuses the date %j', (date) => {
    expect(() => periodForDate('Monthly', date)).toThrow(RangeError)
  })

  // Every day of 2019–2027 (around the 53-week years 2020 and 2026) for every type with an ISO id: the
  // period holds the day and its id parses back to the same period.
  it.each(PERIOD_TYPES.filter((type) => type !== 'TwoYearly'))(
    '%s: ids round-trip for every day of 2019–2027',
    (type) => {
      const problems: string[] = []
      for (let day = Date.UTC(2019, 0, 1); day <= Date.UTC(2027, 11, 31); day += 86_400_000) {
        const date = new Date(day).toISOString().slice(0, 10)
        const found = periodForDate(type, date)
        if (found.startDate > date || found.endDate < date) problems.push(`${date} not in ${found.id}`)
        if (JSON.stringify(parsePeriod(found.id)) !== JSON.stringify(found))
          problems.push(`${found.id} does not round-trip`)
      }
      expect(problems.slice(0, 5)).toEqual([])
    },
  )
})

describe('addPeriods', () => {
  it.each<[string, number, string]>([
    ['2024W52', 1, '2025W1'],
    ['2020W52', 1, '2020W53'],
    ['2020W53', 1, '2021W1'],
    ['2025W1', -1, '2024W52'],
    ['2017SunW52', 1, '2018SunW1'],
    ['202412', 1, '202501'],
    ['202501', -13, '202312'],
    ['202406B', 1, '202501B'],
    ['2024Q4', 1, '2025Q1'],
    ['2024NovQ4', 1, '2025NovQ1'],
    ['2025NovQ1', -1, '2024NovQ4'],
    ['2024S2', 1, '2025S1'],
    ['2024AprilS2', 1, '2025AprilS1'],
    ['2024NovS2', 1, '2025NovS1'],
    ['2024', -5, '2019'],
    ['2024Oct', 1, '2025Oct'],
    ['2024Nov', 1, '2025Nov'],
    ['20241231', 1, '20250101'],
    ['20240228', 1, '20240229'],
    ['20240301', -1, '20240229'],
    ['21000228', 1, '21000301'], // 2100 is not a leap year
    ['16000228', 1, '16000229'], // 1600 is
    ['2024', 0, '2024'],
    ['2020BiW26', 1, '2020BiW27'],
    ['2020BiW27', 1, '2021BiW1'],
    // DHIS2 steps back 14 days from the start (2020-12-21, ISO week 52) and lands on bi-week 26.
    ['2021BiW1', -1, '2020BiW26'],
  ])('%s %+d → %s', (id, n, expected) => {
    expect(addPeriods(period(id), n).id).toBe(expected)
  })

  it('moves TwoYearly periods by two years', () => {
    expect(addPeriods(periodForDate('TwoYearly', '2024-05-01'), 1)).toEqual({
      id: '2026TwoYearly',
      periodType: 'TwoYearly',
      startDate: '2026-01-01',
      endDate: '2027-12-31',
    })
  })

  it('refuses a fractional step', () => {
    expect(() => addPeriods(period('2024'), 0.5)).toThrow(RangeError)
  })
})

describe('periodsInRange', () => {
  it.each<[PeriodTypeName, string, string, string[]]>([
    ['Monthly', '2024-01-15', '2024-04-01', ['202402', '202403', '202404']],
    ['Monthly', '2024-01-02', '2024-01-31', []],
    ['Daily', '2024-02-28', '2024-03-01', ['20240228', '20240229', '20240301']],
    ['Weekly', '2025-12-25', '2026-01-12', ['2026W1', '2026W2', '2026W3']],
    ['Quarterly', '2024-01-01', '2024-12-31', ['2024Q1', '2024Q2', '2024Q3', '2024Q4']],
    ['FinancialNov', '2023-01-01', '2024-12-31', ['2024Nov', '2025Nov']],
    ['BiWeekly', '2020-12-01', '2021-02-01', ['2020BiW26', '2020BiW27', '2021BiW1', '2021BiW2', '2021BiW3']],
  ])('%s starting in %s … %s', (type, start, end, expected) => {
    expect(periodsInRange(type, start, end).map((p) => p.id)).toEqual(expected)
  })
})

describe('comparePeriods', () => {
  it('orders by start date, then the shorter period first', () => {
    const ids = ['2025', '202502', '2024Q4', '20250101', '202501', '2025W1', '2024']
    expect(
      ids
        .map(period)
        .sort(comparePeriods)
        .map((p) => p.id),
    ).toEqual(['2024', '2024Q4', '2025W1', '20250101', '202501', '2025', '202502'])
  })
})

describe('frequencyOrder', () => {
  it.each<[PeriodTypeName, number]>([
    ['Daily', 1],
    ['Weekly', 7],
    ['WeeklyWednesday', 7],
    ['WeeklyThursday', 7],
    ['WeeklySaturday', 7],
    ['WeeklySunday', 7],
    ['BiWeekly', 14],
    ['Monthly', 30],
    ['BiMonthly', 61],
    ['Quarterly', 91],
    ['QuarterlyNov', 91],
    ['SixMonthly', 182],
    ['SixMonthlyApril', 182],
    ['SixMonthlyNov', 182],
    ['Yearly', 365],
    ['TwoYearly', 730],
    ['FinancialApril', 365],
    ['FinancialJuly', 365],
    ['FinancialOct', 365],
    ['FinancialNov', 365],
  ])('%s: %d', (type, order) => {
    expect(frequencyOrder(type)).toBe(order)
  })

  it('lists all 20 period types', () => {
    expect(PERIOD_TYPES).toHaveLength(20)
  })
})

describe('periodContainsForAggregation (analytics §3.1)', () => {
  it.each<[string, string, boolean]>([
    ['2025Q1', '202503', true],
    ['2025Q1', '202504', false],
    // 2025W5 runs 2025-01-27 … 02-02; its Thursday (start + 3) is in January.
    ['202501', '2025W5', true],
    ['202502', '2025W5', false],
    // 2024W40 starts Monday 2024-09-30 but counts in October.
    ['202409', '2024W40', false],
    ['202410', '2024W40', true],
    ['2020', '2020W53', true],
    ['2021', '2020W53', false],
    ['2025', '2026W1', false],
    ['2026', '2026W1', true],
    ['201701', '2017SunW1', true],
    ['2025W7', '20250216', true],
    ['2025W7', '20250217', false],
    // BiWeekly is not a weekly type for this rule: its start date decides.
    ['202012', '2020BiW27', true],
    ['2020', '2020BiW27', true],
    // Days of the overlap between 2020BiW27 and 2021BiW1 go to the bi-week DHIS2 creates for them.
    ['2020BiW27', '20201231', true],
    ['2020BiW27', '20210105', false],
    ['2021BiW1', '20210105', true],
    ['2024Oct', '202410', true],
    ['2024Oct', '202409', false],
    ['2024Oct', '2025Q3', true],
    ['2024W1', '2024W1', true],
    ['2024W1', '2024W2', false],
    ['2024', '2024', true],
    // Same frequency, different type: DHIS2 leaves the column empty.
    ['2024SunW1', '2024W1', false],
    ['2024NovQ2', '2024Q2', false],
    ['2024Oct', '2024', false],
    // Coarser inside finer: never.
    ['2024W10', '202403', false],
    ['202403', '2024Q1', false],
  ])('%s ⊇ %s: %s', (outer, inner, expected) => {
    expect(periodContainsForAggregation(period(outer), period(inner))).toBe(expected)
  })

  it('puts a year into its two-year period', () => {
    expect(periodContainsForAggregation(periodForDate('TwoYearly', '2025-01-01'), period('2025'))).toBe(true)
    expect(periodContainsForAggregation(periodForDate('TwoYearly', '2025-01-01'), period('2026'))).toBe(false)
  })
})
