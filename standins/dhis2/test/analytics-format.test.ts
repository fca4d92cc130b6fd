/**
 * How analytics numbers are printed (shared/reference/dhis2-analytics.md §2.4) and how indicator
 * expressions evaluate (§3.4): the pure helpers behind the contract tests.
 */
import { evaluateExpression, parseExpression } from '../src/analytics/expression'
import { formatDataValue, formatIndicatorNumber, javaDouble, roundHalfUp } from '../src/analytics/format'

test.each([
  [1.005, 2, 1.01],
  [2.675, 2, 2.68],
  [-1.005, 2, -1.01],
  [9.995, 2, 10],
  [33.333333, 2, 33.33],
  [66.666666, 1, 66.7],
  [1e-7, 2, 0],
  [123456789.125, 2, 123456789.13],
])('Precision.round(%p, %p) = %p (HALF_UP on the decimal text)', (value, scale, expected) => {
  expect(roundHalfUp(value, scale)).toBe(expected)
})

test.each([
  [90, '90.0'],
  [72.12, '72.12'],
  [0.0001, '1.0E-4'],
  [12345678, '12345678.0'],
  [99999999.5, '99999999.5'],
])('Java Double %p prints as %p', (value, text) => {
  expect(javaDouble(value)).toBe(text)
})

test('data values: whole numbers as longs, else 2 decimals; skipRounding keeps doubles', () => {
  expect([
    formatDataValue(54062, false),
    formatDataValue(72.125, false),
    formatDataValue(100, false),
    formatDataValue(12, true),
  ]).toEqual(['54062', '72.13', '100', '12.0'])
})

test('indicators: decimals, ".0" kept, decimals 0 as a long, default 2', () => {
  expect([
    formatIndicatorNumber(90, 1, false),
    formatIndicatorNumber(33.333, 1, false),
    formatIndicatorNumber(90, 0, false),
    formatIndicatorNumber(1 / 3, undefined, false),
  ]).toEqual(['90.0', '33.3', '90', '0.33'])
})

test.each([
  ['#{a} + #{b}', [2, undefined], 2],
  ['#{a} + #{b}', [undefined, undefined], null],
  ['(#{a} - 1) * [periodInYear] / [yearlyPeriodCount]', [13], 9],
  ['#{a} / #{b}', [1, 0], null],
  ['-#{a} ^ 2 + R{ds.ACTUAL_REPORTS}.yearToDate()', [3, 1], -8],
  ['5', [], 5],
])('%p with %p → %p', (text, values, expected) => {
  const parsed = parseExpression(text)
  expect(evaluateExpression(parsed, values, { days: 30, periodInYear: 9, yearlyPeriodCount: 12 })).toBe(expected)
})

test('items and their methods are parsed', () => {
  expect(
    parseExpression('#{a.b}.yearToDate() + #{c.*.d}.periodOffset(-2) + R{ds.REPORTING_RATE_ON_TIME}').items,
  ).toEqual([
    { kind: 'DE', de: 'a', coc: 'b', aoc: null, yearToDate: true, periodOffset: 0 },
    { kind: 'DE', de: 'c', coc: null, aoc: 'd', yearToDate: false, periodOffset: -2 },
    { kind: 'RR', ds: 'ds', metric: 'REPORTING_RATE_ON_TIME', yearToDate: false, periodOffset: 0 },
  ])
  expect(() => parseExpression('#{a} +')).toThrow()
})
