import { Readable } from 'node:stream'
import ExcelJS from 'exceljs'
import { readAll, readFile } from './read-file'
import { formatNumber, isoDate, readCell } from './xlsx'

const HEADER = ['code_rc', 'mois', 'sens_m_moins15', 'sens_m_15_24', 'sens_m_25plus', 'rupture', 'difficultes']

/** A partner workbook with every XLSX defect of sources.md §2, built with exceljs (no binary fixture). */
async function partnerWorkbook(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  const sheet = wb.addWorksheet('Rapport septembre')
  sheet.addRow(HEADER)
  // Excel date cell for `mois`, numbers, a boolean
  sheet.addRow(['RC-AQ-00042', new Date(Date.UTC(2026, 8, 1)), 3, 12, 7, false, 'Pas de TDR depuis le 20'])
  sheet.getCell('B2').numFmt = 'mmm-yy'
  // formulas: a cached result is taken, a formula without one is blank, neither is evaluated
  sheet.addRow([
    'RC-AQ-00043',
    '09/2026',
    { formula: 'SUM(C2:E2)', result: 22 },
    { formula: "cmd|' /C calc'!A0" },
    0.1 + 0.2,
    'Oui',
    '=HYPERLINK("http://evil")',
  ])
  // error cell, rich text, hyperlink, very long text, date with a time, a number with 15+ digits
  sheet.addRow([
    { richText: [{ text: 'RC-AQ-' }, { text: '00044', font: { bold: true } }] },
    new Date(Date.UTC(2026, 8, 15, 8, 30)),
    { error: '#N/A' },
    { text: '1 200', hyperlink: 'http://example.org' },
    { formula: 'DATE(2026,9,1)', result: 46266 },
    'x',
    'é'.repeat(2500),
  ])
  sheet.getCell('B4').numFmt = 'dd/mm/yyyy hh:mm'
  sheet.getCell('E4').numFmt = 'dd/mm/yyyy'
  // a blank row in the middle, a data cell beyond the header, then trailing empty rows
  sheet.addRow([])
  sheet.addRow(['RC-AQ-00045', '2026-09', 1, 2, 3, 'non', 'ok', undefined, 'hors en-tête'])
  sheet.addRow(['', '', null])
  sheet.addRow(['  '])
  const second = wb.addWorksheet('Notes')
  second.addRow(['code_rc', 'mois'])
  second.addRow(['RC-XX-99999', '2026-01'])
  return Buffer.from(await wb.xlsx.writeBuffer())
}

describe('XLSX reader', () => {
  it('reads the first sheet only, says so, and gives each defect a cell finding', async () => {
    const reading = await readFile(Readable.from([await partnerWorkbook()]), 'rapport.xlsx')
    expect(reading.format).toBe('xlsx')
    const { rows, summary } = await readAll(reading)
    expect(summary).toMatchObject({
      format: 'xlsx',
      sheet: 'Rapport septembre',
      ignoredSheets: ['Notes'],
      headers: HEADER,
      rows: 4,
      blankRowsSkipped: 1,
      trailingBlankRows: 2,
    })
    expect(summary.findings).toEqual([
      { code: 'blank-rows-skipped', rowNumber: 5, message: 'Row 5 is blank; skipped.' },
      {
        code: 'other-sheets-ignored',
        message: 'Only the first sheet "Rapport septembre" was read; ignored: "Notes".',
      },
    ])
    expect(rows.map((r) => r.rowNumber)).toEqual([2, 3, 4, 6])

    const [dated, formulas, odd, extra] = rows
    expect(dated?.cells).toEqual({
      code_rc: 'RC-AQ-00042',
      mois: '2026-09-01',
      sens_m_moins15: '3',
      sens_m_15_24: '12',
      sens_m_25plus: '7',
      rupture: 'false',
      difficultes: 'Pas de TDR depuis le 20',
    })
    expect(dated?.findings).toEqual([])

    expect(formulas?.cells.sens_m_moins15).toBe('22')
    expect(formulas?.cells.sens_m_15_24).toBe('')
    expect(formulas?.cells.sens_m_25plus).toBe('0.3')
    expect(formulas?.cells.difficultes).toBe('=HYPERLINK("http://evil")')
    expect(formulas?.findings.map((f) => [f.column, f.code])).toEqual([
      ['sens_m_moins15', 'formula-cached-result'],
      ['sens_m_15_24', 'formula-without-result'],
      ['difficultes', 'formula-text'],
    ])
    expect(formulas?.findings[1]?.message).toContain("=cmd|' /C calc'!A0")

    expect(odd?.cells).toMatchObject({
      code_rc: 'RC-AQ-00044',
      mois: '2026-09-15T08:30:00',
      sens_m_moins15: '#N/A',
      sens_m_15_24: '1 200',
      sens_m_25plus: '2026-09-01',
    })
    expect(odd?.cells.difficultes).toHaveLength(2000)
    expect(odd?.findings.map((f) => [f.column, f.code])).toEqual([
      ['sens_m_moins15', 'excel-error'],
      ['sens_m_25plus', 'formula-cached-result'],
      ['difficultes', 'text-truncated'],
    ])

    expect(extra?.findings).toEqual([
      {
        code: 'extra-cells',
        rowNumber: 6,
        message: '1 cell(s) beyond the header\'s 7 columns, not read: column 9 = "hors en-tête".',
      },
    ])
  })

  it('fills cells Excel leaves out with blanks, without a finding', async () => {
    const wb = new ExcelJS.Workbook()
    const sheet = wb.addWorksheet('S')
    sheet.addRow(['a', 'b', 'c'])
    sheet.addRow(['1'])
    const { rows } = await readAll(await readFile(Buffer.from(await wb.xlsx.writeBuffer()), 'x.xlsx'))
    expect(rows[0]).toEqual({ rowNumber: 2, cells: { a: '1', b: '', c: '' }, findings: [] })
  })

  it('answers a corrupt workbook with a clear error', async () => {
    const bytes = await partnerWorkbook()
    const broken = Buffer.concat([bytes.subarray(0, 200), Buffer.alloc(300, 7)])
    await expect(readAll(await readFile(broken, 'x.xlsx'))).rejects.toMatchObject({ code: 'corrupt-xlsx' })
  })
})

describe('cell conversions', () => {
  it('gives numbers as Excel shows them', () => {
    expect(formatNumber(1200)).toBe('1200')
    expect(formatNumber(0.1 + 0.2)).toBe('0.3')
    expect(formatNumber(-1.5)).toBe('-1.5')
  })

  it('gives dates as ISO text without a zone', () => {
    expect(isoDate(new Date(Date.UTC(2026, 8, 1)))).toBe('2026-09-01')
    expect(isoDate(new Date(Date.UTC(2026, 8, 1, 23, 59, 59)))).toBe('2026-09-01T23:59:59')
  })

  it('reads a formula result that is an error', () => {
    expect(readCell({ value: { formula: '1/0', result: { error: '#DIV/0!' } }, numFmt: '' })).toEqual({
      text: '#DIV/0!',
      findings: [{ code: 'excel-error', message: 'The cell holds the Excel error #DIV/0! (formula "=1/0").' }],
    })
  })
})
