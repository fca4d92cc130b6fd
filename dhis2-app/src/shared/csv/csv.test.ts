import { CSV_FR, csvCell, csvFileName, toCsv } from './csv'

describe('CSV', () => {
  it('quotes commas, quotes and line breaks, doubling the quotes', () => {
    expect(csvCell('RC Afiavi, Zè')).toBe('"RC Afiavi, Zè"')
    expect(csvCell('dit "non"')).toBe('"dit ""non"""')
    expect(csvCell('ligne 1\nligne 2')).toBe('"ligne 1\nligne 2"')
    expect(csvCell('plain')).toBe('plain')
  })

  it('neutralises cells a spreadsheet would run as a formula, but keeps numbers as numbers', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"')
    expect(csvCell('+33 6')).toBe("'+33 6")
    expect(csvCell('-1+1')).toBe("'-1+1")
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(csvCell(-12.5)).toBe('-12.5')
    expect(csvCell(undefined)).toBe('')
    expect(csvCell(Number.NaN)).toBe('')
  })

  it('writes a header and rows with CRLF line ends', () => {
    expect(
      toCsv(
        ['RC', 'Score'],
        [
          ['RC A', 85.5],
          ['RC, B', 40],
        ],
      ),
    ).toBe('RC,Score\r\nRC A,85.5\r\n"RC, B",40\r\n')
  })

  it('makes file names without accents or separators', () => {
    expect(csvFileName('ranking', 'ZS Ouidah / Kpomassè', '202609')).toBe('ranking_ZS-Ouidah-Kpomasse_202609.csv')
  })

  it('writes what French Excel reads in columns: « ; » between cells, a decimal comma', () => {
    expect(
      toCsv(
        ['RC', 'Score'],
        [
          ['RC A', 85.5],
          ['RC; B, Zè', -4],
        ],
        CSV_FR,
      ),
    ).toBe('RC;Score\r\nRC A;85,5\r\n"RC; B, Zè";-4\r\n')
  })
})
