import { closingDay, latestOpenPeriod, periodChoices, type PeriodRules } from './periodChoices'

const RC_MENSUEL: PeriodRules = { periodType: 'Monthly', openFuturePeriods: 0, expiryDays: 15 }

describe('periodChoices', () => {
  it('opens the previous month only once the current one has started (openFuturePeriods 0)', () => {
    expect(latestOpenPeriod(RC_MENSUEL, '2026-10-03').id).toBe('202609')
    expect(latestOpenPeriod({ ...RC_MENSUEL, openFuturePeriods: 1 }, '2026-10-03').id).toBe('202610')
  })

  it('closes September on 16 October (expiryDays 15)', () => {
    const september = latestOpenPeriod(RC_MENSUEL, '2026-10-03')
    expect(closingDay(RC_MENSUEL, september)).toBe('2026-10-16')
    expect(closingDay({ ...RC_MENSUEL, expiryDays: 0 }, september)).toBeUndefined()
  })

  it('lists the open month first and the older, closed months with the day they closed', () => {
    const choices = periodChoices(RC_MENSUEL, '2026-10-03', 3)
    expect(choices).toEqual([
      { period: expect.objectContaining({ id: '202609' }), open: true },
      { period: expect.objectContaining({ id: '202608' }), open: false, closedSince: '2026-09-16' },
      { period: expect.objectContaining({ id: '202607' }), open: false, closedSince: '2026-08-16' },
    ])
  })

  it('keeps a month open until the end of its last day, and closes it the next morning', () => {
    expect(periodChoices(RC_MENSUEL, '2026-10-15', 1)[0]).toMatchObject({ open: true })
    expect(periodChoices(RC_MENSUEL, '2026-11-01', 2)[1]).toMatchObject({
      period: { id: '202609' },
      open: false,
      closedSince: '2026-10-16',
    })
  })

  it('leaves every month open to a user who may edit expired periods', () => {
    expect(periodChoices(RC_MENSUEL, '2026-10-03', 4, true).every((c) => c.open)).toBe(true)
  })
})
