import { parsePeriod, type Period } from '@relais/mappings/src/dhis2/periods'
import { weeklyProgress } from './weekly'

const p = (id: string) => parsePeriod(id) as Period
const reg = (organisationUnit: string, date: string, completed = true, period = '202609') => ({
  period,
  organisationUnit,
  date,
  completed,
})

describe('weekly progress', () => {
  it('counts the month’s completions per week since the 1st of the next month, cumulated', () => {
    const rows = weeklyProgress(
      p('202609'),
      p('2026W41'),
      [
        reg('a', '2026-10-01T09:00:00.000'),
        reg('b', '2026-10-04T18:00:00.000'),
        reg('c', '2026-10-07T09:00:00.000'),
        reg('d', '2026-10-05T09:00:00.000', false), // un-completed
        reg('e', '2026-10-02T09:00:00.000'), // not expected (inactive)
        reg('a', '2026-09-02T09:00:00.000', true, '202608'), // another month
        reg('f', '2026-10-20T09:00:00.000'), // after the last week shown
      ],
      new Set(['a', 'b', 'c', 'd', 'f']),
      5,
      5,
    )
    expect(
      rows.map((r) => [r.week.id, r.from, r.to, r.completed, r.cumulative, r.cumulativeOnTime, r.cumulativeRate]),
    ).toEqual([
      ['2026W40', '2026-10-01', '2026-10-04', 2, 2, 2, 40],
      ['2026W41', '2026-10-05', '2026-10-11', 1, 3, 2, 60],
    ])
  })
})
