import { CsvTokenizer, type RawRecord, type TokenizerOptions } from './csv-tokenizer'

function tokenize(text: string, sep = ';', options: Partial<TokenizerOptions> = {}, chunk = text.length || 1) {
  const t = new CsvTokenizer(sep, options)
  const out: RawRecord[] = []
  for (let i = 0; i < text.length; i += chunk) out.push(...t.push(text.slice(i, i + chunk)))
  out.push(...t.end())
  return out
}

const simple = (records: RawRecord[]) => records.map((r) => [r.line, r.fields, r.issues])

describe('CsvTokenizer', () => {
  it('splits records on LF, CRLF and CR and numbers their lines', () => {
    const text = 'a;b\r\n1;2\n3;4\r5;6'
    for (const chunk of [1, 2, 3, 100]) {
      expect(simple(tokenize(text, ';', {}, chunk))).toEqual([
        [1, ['a', 'b'], []],
        [2, ['1', '2'], []],
        [3, ['3', '4'], []],
        [4, ['5', '6'], []],
      ])
    }
  })

  it('reads quoted fields with separators, doubled quotes and line breaks', () => {
    const text = 'a,b\n"1,0","dit ""oui""\nsur deux lignes"\n2,3\n'
    for (const chunk of [1, 5, 1000]) {
      expect(simple(tokenize(text, ',', {}, chunk))).toEqual([
        [1, ['a', 'b'], []],
        [2, ['1,0', 'dit "oui"\nsur deux lignes'], []],
        [4, ['2', '3'], []],
      ])
    }
  })

  it('keeps empty lines as one-empty-field records (the row layer skips them)', () => {
    expect(simple(tokenize('a\n\n\nb\n'))).toEqual([
      [1, ['a'], []],
      [2, [''], []],
      [3, [''], []],
      [4, ['b'], []],
    ])
  })

  it('keeps a quote inside an unquoted field as a character', () => {
    expect(simple(tokenize('12" TV;x\n'))).toEqual([[1, ['12" TV', 'x'], []]])
  })

  it('keeps text after a closing quote and flags the record', () => {
    expect(simple(tokenize('"5"z;6\n7;8\n'))).toEqual([
      [1, ['5z', '6'], ['malformed-quotes']],
      [2, ['7', '8'], []],
    ])
  })

  it('recovers from a quote never closed before the end of the file, losing no row', () => {
    const text = 'a;b;c\n1;"jamais fermé;3\n4;5;6\n7;8;9\n'
    for (const chunk of [1, 7, 1000]) {
      expect(simple(tokenize(text, ';', {}, chunk))).toEqual([
        [1, ['a', 'b', 'c'], []],
        [2, ['1', '"jamais fermé', '3'], ['unclosed-quote']],
        [3, ['4', '5', '6'], []],
        [4, ['7', '8', '9'], []],
      ])
    }
  })

  it('recovers from an open quote that runs past maxQuotedChars, in the middle of a stream', () => {
    const rows = Array.from({ length: 50 }, (_, i) => `${i};ligne ${i}`).join('\n')
    const text = `a;b\n1;"ouvert\n${rows}\n"fin";x\n`
    const out = tokenize(text, ';', { maxQuotedChars: 100 }, 13)
    expect(out[1]).toEqual({ line: 2, fields: ['1', '"ouvert'], issues: ['unclosed-quote'] })
    expect(out.slice(2, 52).map((r) => r.fields)).toEqual(
      Array.from({ length: 50 }, (_, i) => [String(i), `ligne ${i}`]),
    )
    expect(out[52]).toEqual({ line: 53, fields: ['fin', 'x'], issues: [] })
  })

  it('stores at most maxFieldChars of a field and keeps its real length', () => {
    const out = tokenize(`a;${'x'.repeat(500)}\n"${'y'.repeat(300)}";b\n`, ';', { maxFieldChars: 100 }, 64)
    expect(out[0]?.fields[1]).toHaveLength(100)
    expect(out[0]?.overflow).toEqual(new Map([[1, 500]]))
    expect(out[1]?.overflow).toEqual(new Map([[0, 300]]))
  })

  it('refuses a row past maxCellsPerRow or maxRowChars, naming the line and the limit', () => {
    expect(() => tokenize(`a;b\n${'1;'.repeat(10)}1\n`, ';', { maxCellsPerRow: 10 }, 7)).toThrow(
      expect.objectContaining({
        code: 'csv-row-limit',
        message: expect.stringMatching(/ligne 2 .*10 cellules.*Line 2 .*10 cells/),
      }),
    )
    expect(tokenize(`a;b\n${'1;'.repeat(9)}1\n`, ';', { maxCellsPerRow: 10 })[1]?.fields).toHaveLength(10)
    // Real lengths count, even of a field stored shortened; an unclosed quote read again is not counted twice.
    expect(() => tokenize(`a;${'x'.repeat(500)}\n`, ';', { maxFieldChars: 10, maxRowChars: 400 }, 64)).toThrow(
      expect.objectContaining({
        code: 'csv-row-limit',
        message: expect.stringMatching(/400 caractères.*400 characters/),
      }),
    )
    expect(tokenize(`a;"${'x'.repeat(300)}\n`, ';', { maxQuotedChars: 100, maxRowChars: 400 }, 64)[0]?.issues).toEqual([
      'unclosed-quote',
    ])
  })

  it('reads tab separated text', () => {
    expect(simple(tokenize('a\tb\n1\t2', '\t'))).toEqual([
      [1, ['a', 'b'], []],
      [2, ['1', '2'], []],
    ])
  })
})
