// CSV built in the browser (RFC 4180), safe to open in a spreadsheet. Pure.

export type CsvCell = string | number | null | undefined

/**
 * A cell that a spreadsheet would read as a formula (=, +, -, @, or a leading tab / carriage return) is
 * prefixed with an apostrophe: RC names and free text come from users (OWASP "CSV injection"). Numbers
 * are written as numbers, so a negative number stays a number.
 */
export function csvCell(cell: CsvCell): string {
  if (cell === null || cell === undefined) return ''
  let text = typeof cell === 'number' ? (Number.isFinite(cell) ? String(cell) : '') : cell
  if (typeof cell === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text
}

/** Header line then rows, CRLF line ends (RFC 4180). */
export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly CsvCell[]>): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n'
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
