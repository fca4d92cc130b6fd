import {
  classify,
  freshRegistrations,
  isOnTime,
  performanceScore,
  rankRcs,
  reportingRate,
  sumFresh,
  validThresholds,
} from './performance'

describe('RC performance', () => {
  it('classes Bon from 80 %, Moyen from 50 %, Faible below, with configurable limits', () => {
    expect([80, 79.99, 50, 49.9].map((s) => classify(s))).toEqual(['bon', 'moyen', 'moyen', 'faible'])
    expect(classify(75, { good: 70, fair: 40 })).toBe('bon')
    expect(validThresholds({ good: 70, fair: 40 })).toEqual({ good: 70, fair: 40 })
    expect(validThresholds({ good: 40, fair: 70 })).toEqual({ good: 80, fair: 50 })
    expect(validThresholds(undefined)).toEqual({ good: 80, fair: 50 })
  })

  it('scores the mean of completeness, timeliness and the mean achievement, each capped at 100 %', () => {
    // achievements 150 → 100, 60, 80: mean 80; (100 + 50 + 80) / 3
    expect(performanceScore(100, 50, [150, 60, 80])).toBeCloseTo(76.667, 3)
    // no target entered for one: left out of the mean
    expect(performanceScore(100, 100, [40, undefined, 60])).toBeCloseTo(83.333, 3)
    expect(performanceScore(0, 0, [undefined, undefined, undefined])).toBe(0)
  })

  it('computes reporting rates as DHIS2: capped at 100, 0 when nothing is expected', () => {
    expect(reportingRate(1, 3)).toBeCloseTo(33.333, 3)
    expect(reportingRate(3, 2)).toBe(100)
    expect(reportingRate(1, 0)).toBe(0)
  })

  it('counts a report on time up to the end date + timelyDays + 1 day (DHIS2 2.41.8+)', () => {
    expect(isOnTime('2026-09-30', 5, '2026-10-05T23:59:00.000')).toBe(true)
    expect(isOnTime('2026-09-30', 5, '2026-10-06T00:00:00.000')).toBe(true)
    expect(isOnTime('2026-09-30', 5, '2026-10-06T00:00:01.000')).toBe(false)
  })

  it('adds only completed registrations of expected RC made after the analytics run', () => {
    const fresh = freshRegistrations(
      [
        { period: '202609', organisationUnit: 'rcA', date: '2026-10-03T11:00:00.000', completed: true },
        { period: '202609', organisationUnit: 'rcB', date: '2026-10-07T09:00:00.000', completed: true },
        { period: '202609', organisationUnit: 'rcC', date: '2026-10-03T11:00:00.000', completed: false },
        { period: '202609', organisationUnit: 'rcD', date: '2026-10-02T08:00:00.000', completed: true },
        { period: '202609', organisationUnit: 'inactive', date: '2026-10-03T11:00:00.000', completed: true },
      ],
      '2026-10-03T10:00:00.000',
      new Set(['rcA', 'rcB', 'rcC', 'rcD']),
      (id) => (id === '202609' ? '2026-09-30' : undefined),
      5,
    )
    expect(sumFresh(fresh, new Set(['202609']))).toEqual({ actual: 2, onTime: 1 })
    expect(sumFresh(fresh, new Set(['202609']), 'rcB')).toEqual({ actual: 1, onTime: 0 })
    expect(sumFresh(fresh, new Set(['202608']))).toEqual({ actual: 0, onTime: 0 })
  })

  it('ranks best first and marks Faible and non-reporting RC as gaps', () => {
    const ranked = rankRcs([
      { id: 'a', name: 'RC A', reports: { expected: 1, actual: 0, onTime: 0 }, achievements: [90, 90, 90] },
      { id: 'b', name: 'RC B', reports: { expected: 1, actual: 1, onTime: 1 }, achievements: [70, 70, 70] },
      { id: 'c', name: 'RC C', reports: { expected: 1, actual: 1, onTime: 0 }, achievements: [40, 50, 60] },
    ])
    expect(ranked.map((r) => [r.rank, r.id, r.performance, r.gap, r.notReported])).toEqual([
      [1, 'b', 'bon', false, false],
      [2, 'c', 'moyen', false, false],
      [3, 'a', 'faible', true, true],
    ])
    expect(ranked[0]?.score).toBeCloseTo(90, 5)
    expect(ranked[1]?.score).toBe(50)
  })
})
