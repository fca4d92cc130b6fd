/**
 * Reading source cells: records come from JSON, CSV readers and spreadsheets, so a cell may be a
 * string, a number, a boolean, null — or anything at all from a careless client. These helpers turn
 * any of them into text without ever throwing, and fold text for insensitive comparisons.
 */

/** The text of a cell, or undefined when the cell is absent or null. */
export function cellText(cell: unknown): string | undefined {
  if (typeof cell === 'string') return cell
  if (cell === undefined || cell === null) return undefined
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : 'NaN'
  if (typeof cell === 'boolean') return cell ? 'true' : 'false'
  if (typeof cell === 'bigint') return String(cell)
  try {
    // Objects from a bad client: their JSON text, so that the error shows what came.
    return JSON.stringify(cell) ?? String(cell)
  } catch {
    return Object.prototype.toString.call(cell)
  }
}

const MARKS = /[\u0300-\u036f]/g
const SPACES = /\s+/g

/**
 * Case-, space- and accent-insensitive form of a text: `  Rc-aq-00042 ` and `RC-AQ-00042` fold alike,
 * so do `Zè` and `ze`. Only these differences are forgiven: folding is not fuzzy matching.
 */
export function fold(text: string): string {
  return text.normalize('NFD').replace(MARKS, '').toLowerCase().replace(SPACES, '')
}

/** A spreadsheet formula (or a CSV-injection payload such as `=cmd|' /C calc'!A0`) instead of a value. */
export function isFormula(text: string): boolean {
  return text.charCodeAt(0) === 61 /* = */ && text.length > 1
}

/** Reads a field of a record without ever reaching its prototype (`constructor`, `__proto__` …). */
export function ownField(record: object, field: string): unknown {
  return Object.prototype.hasOwnProperty.call(record, field) ? (record as Record<string, unknown>)[field] : undefined
}

/** Whether a field name would reach Object.prototype with a plain property read. */
export function isPrototypeName(field: string): boolean {
  return field in Object.prototype || field === '__proto__'
}
