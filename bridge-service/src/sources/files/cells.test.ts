import { MAX_CELL_CHARS, checkCell, looksLikeFormula, spreadsheetSafe, truncate } from './cells'

describe('looksLikeFormula', () => {
  it.each([
    '=SUM(A1:A3)',
    "=cmd|' /C calc'!A0",
    '+cmd|calc',
    "-2+3+cmd|' /C calc'!A0",
    '@SUM(1+1)',
    '\t=1+1',
    '\r=1',
    '  =HYPERLINK("http://x")',
  ])('flags %j', (text) => expect(looksLikeFormula(text)).toBe(true))

  it.each(['-3', '+229 97 00 00 00', '-1,5', '- 1 200', '-', '--', '=', '12', 'Pas de TDR', '', 'N/A', 'a=b'])(
    'leaves %j alone',
    (text) => expect(looksLikeFormula(text)).toBe(false),
  )
})

describe('checkCell', () => {
  it('keeps a formula as the exact text and flags it', () => {
    const { value, flags } = checkCell("=cmd|' /C calc'!A0")
    expect(value).toBe("=cmd|' /C calc'!A0")
    expect(flags.map((f) => f.code)).toEqual(['formula-text'])
  })

  it('truncates long text at the limit and says how long it was', () => {
    const { value, flags } = checkCell('é'.repeat(3000))
    expect(value).toHaveLength(MAX_CELL_CHARS)
    expect(flags).toEqual([{ code: 'text-truncated', message: 'Text of 3000 characters cut to 2000.' }])
  })

  it('reports the real length of a text a reader already shortened', () => {
    const { flags } = checkCell('x'.repeat(MAX_CELL_CHARS + 1), 1_000_000)
    expect(flags[0]?.message).toContain('1000000')
  })

  it('flags characters that could not be decoded', () => {
    expect(checkCell('Ou\uFFFDm\uFFFD').flags.map((f) => f.code)).toEqual(['undecodable-characters'])
  })

  it('passes ordinary text untouched', () => {
    expect(checkCell('  1 200 ')).toEqual({ value: '  1 200 ', flags: [] })
  })
})

describe('truncate', () => {
  it('never splits a surrogate pair', () => {
    const text = 'a' + '😀'.repeat(10)
    expect(truncate(text, 4)).toBe('a😀')
  })
})

describe('spreadsheetSafe', () => {
  it('escapes formulas for exports only', () => {
    expect(spreadsheetSafe('=1+1')).toBe("'=1+1")
    expect(spreadsheetSafe('-3')).toBe('-3')
  })
})
