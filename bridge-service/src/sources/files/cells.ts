/**
 * Rules for one cell's text, shared by the CSV and XLSX readers. Pure.
 *
 * Formula / CSV injection (OWASP "CSV Injection"): a cell whose text starts with `=`, `+`, `-`, `@`, a tab
 * or a CR can be executed by a spreadsheet that later opens an export of our data (`=cmd|' /C calc'!A0`).
 * We never evaluate anything: the text is kept exactly as written, so the mapper refuses it as a value
 * (FORMULA_NOT_ALLOWED) and a data manager sees what the partner typed, and the cell is flagged
 * `formula-text`. Whoever writes such text back into a spreadsheet must escape it (`spreadsheetSafe`).
 * Signed numbers (`-3`, `+229 97 00 00 00`) and dash-only blanks (`-`, `--`, which partners use for
 * "nothing") are not formulas, and a lone operator character cannot run anything.
 *
 * Long text: MAX_CELL_CHARS = 2,000 characters. The longest legitimate cell is the free-text remark
 * (`difficultes`), a sentence or two; 2,000 is far above that, far below DHIS2's 50,000-character value
 * column, and keeps a 30-column row small in the ledger. Longer text is cut at a character boundary and
 * flagged `text-truncated` with its original length.
 */

export const MAX_CELL_CHARS = 2000

export type CellFlag =
  | { code: 'formula-text'; message: string }
  | { code: 'text-truncated'; message: string }
  | { code: 'undecodable-characters'; message: string }

export interface CheckedCell {
  value: string
  flags: CellFlag[]
}

const TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r'])
// Digits with optional sign, thousands spaces (incl. no-break spaces) or separators, and decimals.
const PLAIN_NUMBER = /^[+-]?[\s\u00a0\u202f]*\d[\d\s\u00a0\u202f.,]*$/
const DASHES_ONLY = /^-+$/

/** Whether a text would be taken as a formula by a spreadsheet that opens it. */
export function looksLikeFormula(text: string): boolean {
  if (text.length < 2) return false
  // Some spreadsheets trim leading spaces before deciding, so the first non-space character counts too.
  const start = text.replace(/^ +/, '')
  if (!TRIGGERS.has(text.charAt(0)) && !TRIGGERS.has(start.charAt(0))) return false
  const trimmed = text.trim()
  if (trimmed.length < 2) return false
  return !PLAIN_NUMBER.test(trimmed) && !DASHES_ONLY.test(trimmed)
}

/** Cuts at `limit` characters without splitting a surrogate pair. */
export function truncate(text: string, limit: number = MAX_CELL_CHARS): string {
  if (text.length <= limit) return text
  const cut = text.charCodeAt(limit - 1)
  const end = cut >= 0xd800 && cut <= 0xdbff ? limit - 1 : limit
  return text.slice(0, end)
}

/**
 * Applies the cell rules. `originalLength` is given when a reader already stopped storing an oversized
 * cell (the CSV tokenizer does, to keep memory bounded), so the flag reports the real length.
 */
export function checkCell(text: string, originalLength: number = text.length): CheckedCell {
  const flags: CellFlag[] = []
  if (looksLikeFormula(text))
    flags.push({
      code: 'formula-text',
      message: `Looks like a spreadsheet formula (${JSON.stringify(preview(text))}); kept as text, never evaluated.`,
    })
  if (text.includes('\uFFFD'))
    flags.push({
      code: 'undecodable-characters',
      message: 'Contains bytes that are not valid in the file’s encoding (shown as �); check accents.',
    })
  let value = text
  if (originalLength > MAX_CELL_CHARS) {
    value = truncate(text)
    flags.push({
      code: 'text-truncated',
      message: `Text of ${originalLength} characters cut to ${MAX_CELL_CHARS}.`,
    })
  }
  return { value, flags }
}

/** Text made safe to write into a spreadsheet export: a leading apostrophe stops formula evaluation. */
export function spreadsheetSafe(text: string): string {
  return looksLikeFormula(text) ? `'${text}` : text
}

function preview(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text
}
