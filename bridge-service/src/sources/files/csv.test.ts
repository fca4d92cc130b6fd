import { readFileSync } from 'node:fs'
import path from 'node:path'
import { Readable } from 'node:stream'
import { detectSeparator } from './csv'
import type { FileRow } from './findings'
import { readAll, readFile } from './read-file'

const fixture = (name: string) => readFileSync(path.join(__dirname, 'fixtures', name))
const codes = (row: FileRow | undefined) => row?.findings.map((f) => [f.column ?? '', f.code])

describe('detectSeparator', () => {
  it.each([
    ['code_rc;mois;vad', ';'],
    ['code_rc,mois,vad', ','],
    ['code_rc\tmois\tvad', '\t'],
    ['"a;b",c,d', ','],
    ['a;b,c', ';'],
    ['code_rc', ','],
  ])('%j → %j', (line, sep) => expect(detectSeparator(line)).toBe(sep))
})

describe('CSV fixtures (sources.md §2 defects)', () => {
  it('semicolons, UTF-8 BOM, CRLF and trailing empty rows', async () => {
    const { rows, summary } = await readAll(await readFile(fixture('semicolon-bom.csv'), 'rapport.csv'))
    expect(summary).toMatchObject({
      format: 'csv',
      separator: ';',
      encoding: { encoding: 'utf-8', bom: true, replacedSequences: 0 },
      rows: 3,
      rowsWithFindings: 0,
      trailingBlankRows: 3,
      blankRowsSkipped: 0,
      findings: [],
    })
    expect(summary.headers).toHaveLength(30)
    expect(summary.headers[0]).toBe('code_rc') // BOM gone from the first header
    expect(rows.map((r) => [r.rowNumber, r.cells.code_rc, r.cells.mois])).toEqual([
      [2, 'RC-AQ-00042', '2026-09'],
      [3, 'rc-ou-00007', '09/2026'],
      [4, 'RC-ZO-00110', 'septembre 2026'],
    ])
    expect(rows[1]?.cells.difficultes).toBe('Route coupée vers Ouémé')
  })

  it('Windows-1252 accents ("Ouémé") are decoded and the encoding reported', async () => {
    const { rows, summary } = await readAll(await readFile(fixture('windows-1252.csv'), 'rapport.csv'))
    expect(summary.encoding).toEqual({ encoding: 'windows-1252', bom: false, replacedSequences: 0 })
    expect(rows[1]?.cells.difficultes).toBe('Route coupée vers Ouémé')
    expect(rows[2]?.cells.difficultes).toBe('Réunion à Zè-Centre reportée')
  })

  it('commas with quoted decimal commas, thousands spaces and a two-line remark', async () => {
    const { rows, summary } = await readAll(await readFile(fixture('comma.csv'), 'rapport.csv'))
    expect(summary.separator).toBe(',')
    expect(rows.map((r) => r.rowNumber)).toEqual([2, 3, 4])
    expect(rows[0]?.cells.sens_m_moins15).toBe('1,0')
    expect(rows[1]?.cells.sens_m_15_24).toBe('1 200')
    expect(rows[2]?.cells.difficultes).toBe('Deux lignes:\nTDR manquants, "urgent"')
    expect(rows.every((r) => r.findings.length === 0)).toBe(true)
  })

  it('tabs', async () => {
    const { rows, summary } = await readAll(await readFile(fixture('tab.txt'), 'export.txt'))
    expect(summary.separator).toBe('\t')
    expect(rows).toHaveLength(3)
    expect(rows[2]?.cells.rupture).toBe('x')
  })

  it('formulas, extra and missing columns, long text, duplicated header, blank row, unclosed quote', async () => {
    const { rows, summary } = await readAll(await readFile(fixture('defects.csv'), 'defauts.csv'))
    expect(summary.headers.slice(-2)).toEqual(['difficultes', 'mois (2)'])
    expect(summary.findings).toEqual([
      {
        code: 'duplicate-header',
        rowNumber: 1,
        column: 'mois (2)',
        message: 'Column 31 repeats the header "mois"; read as "mois (2)".',
      },
      { code: 'blank-rows-skipped', rowNumber: 7, message: 'Row 7 is blank; skipped.' },
    ])
    expect(summary).toMatchObject({ rows: 7, rowsWithFindings: 6, blankRowsSkipped: 1, trailingBlankRows: 2 })
    // every data row is there, in order, none dropped
    expect(rows.map((r) => [r.rowNumber, r.cells.code_rc])).toEqual([
      [2, 'RC-AQ-00001'],
      [3, 'RC-AQ-00002'],
      [4, 'RC-AQ-00003'],
      [5, 'RC-AQ-00004'],
      [6, 'RC-AQ-00005'],
      [8, 'RC-AQ-00006'],
      [9, 'RC-AQ-00007'],
    ])
    const [formulas, injection, long, extra, missing, unclosed, after] = rows
    expect(formulas?.cells.sens_m_moins15).toBe('=SUM(A1:A3)') // kept as text, never evaluated
    expect(formulas?.cells.difficultes).toBe("=cmd|' /C calc'!A0")
    expect(codes(formulas)).toEqual([
      ['sens_m_moins15', 'formula-text'],
      ['difficultes', 'formula-text'],
    ])
    expect(codes(injection)).toEqual([
      ['sens_m_15_24', 'formula-text'],
      ['difficultes', 'formula-text'],
    ])
    expect(injection?.cells.sens_m_25plus).toBe('-') // a dash is a blank marker, not a formula
    expect(codes(long)).toEqual([['difficultes', 'text-truncated']])
    expect(long?.cells.difficultes).toHaveLength(2000)
    expect(codes(extra)).toEqual([['', 'extra-cells']])
    expect(extra?.findings[0]?.message).toBe(
      '2 cell(s) beyond the header\'s 31 columns, not read: column 32 = "en trop"; column 33 = "encore".',
    )
    expect(codes(missing)).toEqual([['', 'missing-cells']])
    expect(missing?.cells.palu_fievre_m).toBe('7')
    expect(missing?.cells.palu_fievre_f).toBeUndefined()
    expect(missing?.findings[0]?.message).toMatch(/^11 cell\(s\) missing at the end of the row: palu_fievre_f, /)
    expect(codes(unclosed)).toEqual([['', 'unclosed-quote']])
    expect(unclosed?.cells.difficultes).toBe('"guillemet jamais fermé')
    expect(unclosed?.cells['mois (2)']).toBe('2026-09')
    expect(after?.findings).toEqual([])
  })

  it('names a file with no header', async () => {
    await expect(readAll(await readFile(Buffer.from('\n;;\n\n'), 'vide.csv'))).rejects.toMatchObject({
      code: 'no-header',
    })
  })

  it('reports a header row with no data', async () => {
    const { summary } = await readAll(await readFile(Buffer.from('code_rc;mois\n;\n'), 'vide.csv'))
    expect(summary.findings.map((f) => f.code)).toEqual(['no-data-rows'])
  })

  it('flags cells holding bytes that are not UTF-8 in a UTF-8 file', async () => {
    // UTF-8 is chosen on the first chunk; a Windows-1252 byte comes in a later one.
    const chunks = [Buffer.from('code_rc;commune\nRC-1;Ouémé\nRC-2;'), Buffer.from([0x5a, 0xe9, 0x0a])]
    const { rows, summary } = await readAll(await readFile(Readable.from(chunks), 'mixte.csv'))
    expect(codes(rows[1])).toEqual([['commune', 'undecodable-characters']])
    expect(summary.findings.map((f) => f.code)).toEqual(['invalid-utf8'])
  })

  it('names blank header cells and drops a trailing separator', async () => {
    const { rows, summary } = await readAll(await readFile(Buffer.from('a;;c;\n1;2;3;\n'), 'x.csv'))
    expect(summary.headers).toEqual(['a', 'column_2', 'c'])
    expect(summary.findings.map((f) => f.code)).toEqual(['blank-header'])
    expect(rows[0]?.cells).toEqual({ a: '1', column_2: '2', c: '3' })
    expect(rows[0]?.findings).toEqual([])
  })

  it('never lets a header name reach Object.prototype', async () => {
    const { rows } = await readAll(await readFile(Buffer.from('__proto__;constructor\n1;2\n'), 'x.csv'))
    expect(Object.getPrototypeOf(rows[0]?.cells)).toBeNull()
    expect(rows[0]?.cells.__proto__).toBe('1')
  })

  it('names at most 20 extra cells of a wide row in its finding, and counts them all', async () => {
    const { rows } = await readAll(await readFile(Buffer.from(`a;b\n1;2;${'x;'.repeat(5000)}x\n`), 'wide.csv'))
    const message = rows[0]?.findings[0]?.message ?? ''
    expect(message).toMatch(/^5001 cell\(s\) beyond the header's 2 columns, not read: column 3 = "x";/)
    expect(message).toMatch(/column 22 = "x"; and 4981 more\.$/)
    expect(message.length).toBeLessThan(1000)
  })
})
