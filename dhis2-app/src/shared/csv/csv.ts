// CSV built in the browser (RFC 4180), safe to open in a spreadsheet. Pure.

export type CsvCell = string | number | null | undefined

/**
 * How a spreadsheet of the user's locale reads CSV: French Excel splits on « ; » and reads « 12,5 » as a number
 * (a comma-separated file opened in one column, issue 14 §4); English Excel splits on « , » and reads « 12.5 ».
 */
export interface CsvDialect {
  separator: ',' | ';'
  decimal: '.' | ','
}

export const CSV_EN: CsvDialect = { separator: ',', decimal: '.' }
export const CSV_FR: CsvDialect = { separator: ';', decimal: ',' }

/** The dialect of a UI language. */
export const csvDialect = (language: 'fr' | 'en'): CsvDialect => (language === 'fr' ? CSV_FR : CSV_EN)

/**
 * A cell that a spreadsheet would read as a formula (=, +, -, @, or a leading tab / carriage return) is
 * prefixed with an apostrophe: RC names and free text come from users (OWASP "CSV injection"). Numbers
 * are written as numbers, so a negative number stays a number.
 */
export function csvCell(cell: CsvCell, dialect: CsvDialect = CSV_EN): string {
  if (cell === null || cell === undefined) return ''
  let text = typeof cell === 'number' ? (Number.isFinite(cell) ? String(cell).replace('.', dialect.decimal) : '') : cell
  if (typeof cell === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`
  const special = dialect.separator === ';' ? /[";\r\n]/ : /[",\r\n]/
  return special.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text
}

/** Header line then rows, CRLF line ends (RFC 4180), in the dialect of the user's spreadsheet. */
export function toCsv(
  header: readonly string[],
  rows: ReadonlyArray<readonly CsvCell[]>,
  dialect: CsvDialect = CSV_EN,
): string {
  const line = (row: readonly CsvCell[]) => row.map((cell) => csvCell(cell, dialect)).join(dialect.separator)
  return [header, ...rows].map(line).join('\r\n') + '\r\n'
}

/** A file name safe on every system: letters, digits, '-' and '_' only. */
export function csvFileName(...parts: string[]): string {
  const base = parts
    .map((p) =>
      p
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .replace(/[^A-Za-z0-9_-]+/g, '-')
        .replace(/^-+|-+$/g, ''),
    )
    .filter(Boolean)
    .join('_')
  return `${base || 'export'}.csv`
}
