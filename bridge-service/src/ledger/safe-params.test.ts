/**
 * What safe-params.ts lets through and what it replaces: NUL and lone surrogates anywhere (whether the string
 * is stored one byte per character or two), their JSON escapes in JSON text; emoji (paired surrogates) and
 * plain backslashes are data.
 */
import { mayHoldBadChars, safeParams, safeText, withoutBadChars } from './safe-params'

const LONE_HIGH = '\uD83D'
const LONE_LOW = '\uDE00'

test.each([
  ['a NUL in Latin-1 text', 'Sô-Ava\u0000', 'Sô-Ava\uFFFD'],
  ['a NUL in text with characters beyond Latin-1', '« rupture »\u0000’', '« rupture »\uFFFD’'],
  ['a lone high surrogate', `ok${LONE_HIGH}`, 'ok\uFFFD'],
  ['a lone low surrogate', `${LONE_LOW}ok`, '\uFFFDok'],
  ['a low before a high', `${LONE_LOW}${LONE_HIGH}`, '\uFFFD\uFFFD'],
])('%s is replaced by U+FFFD', (_name, text, clean) => {
  expect(mayHoldBadChars(text)).toBe(true)
  expect(withoutBadChars(text)).toBe(clean)
})

test.each([['rupture de stock'], ['Abomey-Calavi — Sô-Ava'], ['😀 ok'], [''], ['C:\\chemin\\u0000']])(
  '%j is kept as it is',
  (text) => {
    expect(mayHoldBadChars(text)).toBe(false)
    expect(withoutBadChars(text)).toBe(text)
  },
)

test('in JSON text, the escapes of NUL and of lone surrogates are replaced; an escaped backslash is not', () => {
  expect(safeText(JSON.stringify({ v: `a\u0000b${LONE_HIGH}` }))).toBe('{"v":"a\\ufffdb\\ufffd"}')
  expect(safeText(JSON.stringify({ v: 'C:\\u0000' }))).toBe('{"v":"C:\\\\u0000"}')
  expect(safeText(JSON.stringify({ v: '😀' }))).toBe('{"v":"😀"}')
})

test('parameters: strings and arrays of strings are made safe, the rest passes through', () => {
  expect(safeParams([`x\u0000`, [`y${LONE_LOW}`, 3], 7, null])).toEqual(['x\uFFFD', ['y\uFFFD', 3], 7, null])
})
