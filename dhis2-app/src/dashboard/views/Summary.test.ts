import { surprisingFigures } from './Summary'

describe('surprisingFigures', () => {
  const september = { endDate: '2026-09-30' }
  it('a period not over yet says so, whatever its figures', () => {
    expect(surprisingFigures(september, '2026-09-30', { actual: 3, expected: 10 })).toBe('not-over')
  })
  it('a past period with reports expected and none counted says why', () => {
    expect(surprisingFigures(september, '2026-10-03', { actual: 0, expected: 10 })).toBe('none-counted')
  })
  it('says nothing when reports are counted, or none is expected', () => {
    expect(surprisingFigures(september, '2026-10-03', { actual: 1, expected: 10 })).toBeUndefined()
    expect(surprisingFigures(september, '2026-10-03', { actual: 0, expected: 0 })).toBeUndefined()
  })
})
