import { myResults, shownPeriods, targetPeriods } from './myResults'

const elements = {
  sens: 'deSens',
  vad: 'deVad',
  tdr: 'deTdr',
  targetSens: 'deCS',
  targetVad: 'deCV',
  targetTdr: 'deCT',
}
const reg = (period: string, date: string, completed = true) => ({ period, date, completed })

describe('myResults', () => {
  const base = { timelyDays: 5, expiryDays: 15, elements, values: [] }

  it('the report due is last month: on time until the 5th, closed after the 15th, with the days left', () => {
    const early = myResults({ ...base, today: '2026-10-03', registrations: [] })
    expect(early.due).toMatchObject({ state: 'open', onTimeUntil: '2026-10-05', closesOn: '2026-10-15', daysLeft: 2 })
    expect(early.due.period.id).toBe('202609')
    // After the 5th: late, and the days left are those before it closes.
    const late = myResults({ ...base, today: '2026-10-09', registrations: [] })
    expect(late.due).toMatchObject({ state: 'missing', daysLeft: 6 })
    const done = myResults({ ...base, today: '2026-10-09', registrations: [reg('202609', '2026-10-06T00:00:00.000')] })
    expect(done.due).toMatchObject({ state: 'on-time', completedOn: '2026-10-06' })
  })

  it('six months, oldest first; rates over the months decided, the one still open left out', () => {
    const r = myResults({
      ...base,
      today: '2026-10-03',
      registrations: [
        reg('202604', '2026-05-02T09:00:00.000'),
        reg('202605', '2026-06-20T09:00:00.000'),
        reg('202606', '2026-07-01T09:00:00.000', false),
        reg('202607', '2026-08-05T09:00:00.000'),
        reg('202608', '2026-09-04T09:00:00.000'),
      ],
    })
    expect(r.months.map((m) => `${m.period.id}:${m.state}`)).toEqual([
      '202604:on-time',
      '202605:late',
      '202606:missing',
      '202607:on-time',
      '202608:on-time',
      '202609:open',
    ])
    expect(r.completeness).toBe(80)
    expect(r.timeliness).toBe(60)
  })

  it('counts the year so far against the target pro-rated to the month due', () => {
    const values = [
      { dataElement: 'deCS', period: '2026', value: '240' },
      { dataElement: 'deSens', period: '202601', value: '10' },
      { dataElement: 'deSens', period: '202601', value: '5' }, // another option combo
      { dataElement: 'deSens', period: '202609', value: '165' },
      { dataElement: 'deSens', period: '202512', value: '999' }, // last year
      { dataElement: 'deVad', period: '202609', value: '4' },
    ]
    const r = myResults({ ...base, today: '2026-10-03', registrations: [], values })
    // 180 done of 240 × 9 / 12 = 180 expected by September.
    expect(r.achievements[0]).toEqual({ key: 'sens', done: 180, target: 240, expected: 180, percent: 100 })
    // No target entered: what was done, without a percentage.
    expect(r.achievements[1]).toEqual({ key: 'vad', done: 4 })
    // An element this DHIS2 does not have: left out, not shown as nothing done.
    const without = myResults({
      ...base,
      elements: { ...base.elements, vad: undefined },
      today: '2026-10-03',
      registrations: [],
      values,
    })
    expect(without.achievements.map((a) => a.key)).toEqual(['sens', 'tdr'])
  })

  it('crosses the year: in February, the months shown start in September; targets read January and the year', () => {
    expect(shownPeriods('2027-02-10').map((p) => p.id)).toEqual([
      '202608',
      '202609',
      '202610',
      '202611',
      '202612',
      '202701',
    ])
    expect(targetPeriods('2027-02-10')).toEqual(['202701', '2027'])
  })
})
