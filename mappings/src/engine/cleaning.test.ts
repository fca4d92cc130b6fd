/** Unit tests of the cell-cleaning rules: numbers, booleans, text folding, source periods. */
import { readBoolean } from './booleans'
import { formatNumber, readNumber } from './numbers'
import { readSourcePeriod, resolveSourcePeriod } from './source-periods'
import { cellText, fold, isFormula } from './text'

describe('readNumber', () => {
  it.each([
    ['12', '12'],
    ['1 200', '1200'],
    ['1\u00a0200', '1200'],
    ['1\u202f200 000', '1200000'],
    ['1,0', '1'],
    ['12,50', '12.5'],
    ['007', '7'],
    ['+5', '5'],
    ['-0', '0'],
    ['-3', '-3'],
    ['0,000', '0'],
  ])('%j → %j', (text, expected) => {
    expect(readNumber(text, false)).toEqual({ ok: true, text: expected })
  })

  it('leaves what is not a number as it came, for DHIS2 to refuse', () => {
    expect(readNumber('12 enfants', false)).toEqual({ ok: false, ambiguous: false, text: '12 enfants' })
    expect(readNumber('1 20', false).ok).toBe(false)
    expect(readNumber('1e3', false).ok).toBe(false)
  })

  it('refuses to guess 1,200 for a whole-number element, but reads it as 1.2 for a decimal one', () => {
    expect(readNumber('1,200', true)).toEqual({ ok: false, ambiguous: true, text: '1,200' })
    expect(readNumber('1,200', false)).toEqual({ ok: true, text: '1.2' })
  })

  it('formats sums without float noise or exponents', () => {
    expect(formatNumber(0.1 + 0.2)).toBe('0.3')
    expect(formatNumber(1e20)).toBe('100000000000000000000')
    expect(formatNumber(-0)).toBe('0')
  })
})

describe('readBoolean', () => {
  it.each(['oui', 'Oui', 'OUI', ' yes', 'x', 'X', '1', 'vrai', 'true', 'TRUE'])('%j is true', (text) => {
    expect(readBoolean(text.trim())).toBe('true')
  })
  it.each(['non', 'NON', 'Non', 'no', '0', 'faux', 'false', 'F'])('%j is false', (text) => {
    expect(readBoolean(text)).toBe('false')
  })
  it('does not guess anything else', () => {
    expect(readBoolean('peut-être')).toBeUndefined()
    expect(readBoolean('2')).toBeUndefined()
  })
})

describe('text helpers', () => {
  it('folds case, spaces and accents, nothing else', () => {
    expect(fold('  Rc-aq- 00042 ')).toBe('rc-aq-00042')
    expect(fold('Zè-Centre')).toBe(fold('ZE-CENTRE'))
    expect(fold('RC-AQ-00042')).not.toBe(fold('RC_AQ_00042'))
  })
  it('reads any cell without throwing', () => {
    expect(cellText(12)).toBe('12')
    expect(cellText(null)).toBeUndefined()
    expect(cellText({ a: 1 })).toBe('{"a":1}')
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(cellText(cyclic)).toBe('[object Object]')
    expect(cellText(10n)).toBe('10')
  })
  it('recognises formulas', () => {
    expect(isFormula('=SUM(A1:A3)')).toBe(true)
    expect(isFormula("=cmd|' /C calc'!A0")).toBe(true)
    expect(isFormula('=')).toBe(false)
    expect(isFormula('12')).toBe(false)
  })
})

describe('source periods', () => {
  it.each([
    ['2026-09', '2026-09-01', '2026-09-30'],
    ['09/2026', '2026-09-01', '2026-09-30'],
    ['9/2026', '2026-09-01', '2026-09-30'],
    ['sept. 2026', '2026-09-01', '2026-09-30'],
    ['Sept 2026', '2026-09-01', '2026-09-30'],
    ['septembre 2026', '2026-09-01', '2026-09-30'],
    ['Septembre 2026', '2026-09-01', '2026-09-30'],
    ['févr. 2026', '2026-02-01', '2026-02-28'],
    ['décembre 2025', '2025-12-01', '2025-12-31'],
    ['août 2026', '2026-08-01', '2026-08-31'],
    ['46280', '2026-09-15', '2026-09-15'],
    ['45658', '2025-01-01', '2025-01-01'],
    ['46280.5', '2026-09-15', '2026-09-15'],
    ['2026-09-15', '2026-09-15', '2026-09-15'],
    ['2026-09-15T10:30:00', '2026-09-15', '2026-09-15'],
    ['15/09/2026', '2026-09-15', '2026-09-15'],
    ['202609', '2026-09-01', '2026-09-30'],
    ['2026Q3', '2026-07-01', '2026-09-30'],
  ])('%j is %s → %s', (text, startDate, endDate) => {
    expect(readSourcePeriod(text)).toEqual({ startDate, endDate })
  })

  it.each(['13/2026', 'sept', '2026-02-30', 'brumaire 2026', '', '12345678901'])('%j is unreadable', (text) => {
    expect(readSourcePeriod(text)).toBeUndefined()
  })

  it('gives the period of the data set type holding the span', () => {
    expect(resolveSourcePeriod('sept. 2026', 'Monthly')).toMatchObject({ ok: true, period: { id: '202609' } })
    expect(resolveSourcePeriod('2026-09-15', 'Monthly')).toMatchObject({ ok: true, period: { id: '202609' } })
    expect(resolveSourcePeriod('2026-09', 'Quarterly')).toMatchObject({ ok: true, period: { id: '2026Q3' } })
    expect(resolveSourcePeriod('2026-09', 'Yearly')).toMatchObject({ ok: true, period: { id: '2026' } })
    expect(resolveSourcePeriod('2026-09-15', 'Weekly')).toMatchObject({ ok: true, period: { id: '2026W38' } })
    expect(resolveSourcePeriod('2026-09', 'FinancialOct')).toMatchObject({ ok: true, period: { id: '2025Oct' } })
  })

  it('never squeezes a month into a week, nor a quarter into a month', () => {
    expect(resolveSourcePeriod('2026-09', 'Weekly')).toMatchObject({ ok: false, code: 'PERIOD_TOO_COARSE' })
    expect(resolveSourcePeriod('2026Q3', 'Monthly')).toMatchObject({ ok: false, code: 'PERIOD_TOO_COARSE' })
    expect(resolveSourcePeriod('n/a', 'Monthly')).toMatchObject({ ok: false, code: 'PERIOD_UNREADABLE' })
  })
})
