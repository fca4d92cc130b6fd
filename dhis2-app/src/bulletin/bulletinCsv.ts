// The bulletin as one CSV file (RFC 4180: fields quoted when they hold the separator, a quote or a line break,
// quotes doubled, CRLF line ends). Pure.
//
// Always the French spreadsheet dialect — « ; » between fields and a decimal comma — whatever the UI language:
// the bulletin is a document passed on (to the département, the partners, the SE/CNLS-TP), and in Benin it is
// opened in Excel or LibreOffice set to French, which split a line on « ; » (the list separator of the French
// regional settings) and read « 85,5 » as a number; a « , » file opens there as one column of text. The file is
// UTF-8 with a byte order mark (added by downloadCsv): without it Excel reads UTF-8 as Windows-1252 and breaks
// every accented name (« Zè », « Pahou-Avlékété »).
import { CSV_FR, csvCell, type CsvCell, type CsvDialect } from '../shared/csv/csv'
import type { BulletinTable } from './bulletinTables'

export const BULLETIN_CSV_DIALECT: CsvDialect = CSV_FR

export interface BulletinHeading {
  title: string
  /** Label and value: organisation unit, period, generated on, analytics as of. */
  lines: ReadonlyArray<readonly [string, string]>
}

/**
 * The heading, then each section: its title alone on a line, its header and rows (and total), a blank line.
 * A section that could not be read has its title and the reason.
 */
export function bulletinCsv(heading: BulletinHeading, tables: readonly BulletinTable[]): string {
  const lines: Array<readonly CsvCell[]> = [[heading.title], ...heading.lines, []]
  for (const table of tables) {
    lines.push([table.title])
    if (table.unavailable || (table.rows.length === 0 && !table.total)) {
      lines.push([table.empty], [])
      continue
    }
    lines.push(table.headers)
    for (const row of table.rows) lines.push(row.csv)
    if (table.total) lines.push(table.total.csv)
    lines.push([])
  }
  const text = (row: readonly CsvCell[]) => row.map((cell) => csvCell(cell, BULLETIN_CSV_DIALECT)).join(';')
  return lines.map(text).join('\r\n') + '\r\n'
}

/** Reads a bulletin CSV back into rows of fields (RFC 4180, « ; »): for tests and for checking a download. */
export function parseBulletinCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text
  for (let i = 0; i < body.length; i++) {
    const c = body[i]
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ';') {
      row.push(field)
      field = ''
    } else if (c === '\r' && body[i + 1] === '\n') {
      row.push(field)
      rows.push(row)
      row = []
      field = ''
      i++
    } else field += c
  }
  if (field !== '' || row.length > 0) rows.push([...row, field])
  return rows
}
