/**
 * XLSX through exceljs's streaming reader: rows are parsed from the zip as they are consumed, so a large
 * workbook is not loaded whole. What exceljs keeps (the shared-strings table, a row being built, a sheet
 * set aside on disk) and the bytes it inflates are bounded by xlsx-limits.ts (see xlsx-zip.ts); a file
 * past a bound is refused whole, with the limit named.
 *
 * - Only the first worksheet in the file is read; the others are named in an `other-sheets-ignored`
 *   finding. ("First" is the zip order, which is the tab order in files written by Excel, LibreOffice and
 *   exceljs; the streaming reader cannot go back to look for a tab further on.)
 * - Date cells (a number with a date format; styles are cached for that) become ISO text: `2026-09-01`,
 *   or `2026-09-01T08:30:00` when there is a time. Excel dates carry no zone, and none is added.
 * - Formula cells are never evaluated: the result Excel cached when it saved the file is taken and the
 *   cell flagged `formula-cached-result`; no cached result → blank + `formula-without-result`.
 * - Numbers become text with at most 15 significant digits (what Excel shows, and no binary noise such
 *   as 0.30000000000000004); booleans `true`/`false`; error cells keep their text (`#N/A`) and are flagged.
 */
import { Readable } from 'node:stream'
import type { Cell, CellValue, Row } from 'exceljs'
import type { FileRow, FileSummary } from './findings'
import { UnreadableFileError } from './findings'
import type { InputCell } from './rows'
import { RowShaper } from './rows'
import { XLSX_LIMITS, type XlsxLimits } from './xlsx-limits'
import { boundedWorkbookReader } from './xlsx-zip'

type Note = NonNullable<InputCell['findings']>[number]

export async function* readXlsxRows(
  source: AsyncIterable<Uint8Array>,
  summary: FileSummary,
  limits: Partial<XlsxLimits> = {},
): AsyncGenerator<FileRow> {
  const input = Readable.from(source, { objectMode: false })
  const reader = boundedWorkbookReader(input, { ...XLSX_LIMITS, ...limits })
  const shaper = new RowShaper(summary, true)
  let sheets = 0
  const ignored: string[] = []
  try {
    for await (const sheet of reader) {
      const name = sheetName(sheet, sheets + 1)
      sheets++
      if (sheets > 1) {
        // Not iterating the sheet lets the reader skip its bytes.
        ignored.push(name)
        continue
      }
      summary.sheet = name
      for await (const row of sheet) {
        const shaped = shaper.push(row.number, rowCells(row))
        if (shaped) yield shaped
      }
    }
  } catch (error) {
    if (error instanceof UnreadableFileError) throw error // a limit, named in its own message
    throw new UnreadableFileError(
      'corrupt-xlsx',
      `The XLSX file could not be read (${error instanceof Error ? error.message : String(error)}).`,
    )
  }
  if (sheets === 0) throw new UnreadableFileError('corrupt-xlsx', 'The XLSX file has no worksheet.')
  shaper.finish()
  summary.ignoredSheets = ignored
  if (ignored.length)
    summary.findings.push({
      code: 'other-sheets-ignored',
      message: `Only the first sheet "${summary.sheet}" was read; ignored: ${ignored.map((n) => `"${n}"`).join(', ')}.`,
    })
}

function sheetName(sheet: object, position: number): string {
  const name = (sheet as { name?: unknown }).name
  return typeof name === 'string' && name ? name : `Sheet ${position}`
}

function rowCells(row: Row): Array<InputCell | undefined> {
  const cells: Array<InputCell | undefined> = []
  row.eachCell({ includeEmpty: false }, (cell, column) => {
    cells[column - 1] = readCell(cell)
  })
  // eachCell leaves holes for empty cells; the shaper reads a hole as blank.
  return Array.from(cells)
}

/** One cell's value as text, with what the reader noticed. Exported for tests. */
export function readCell(cell: Pick<Cell, 'value' | 'numFmt'>): InputCell {
  return cellText(cell.value, cell.numFmt)
}

function cellText(value: CellValue, numFmt: string | undefined): InputCell {
  if (value === null || value === undefined) return { text: '' }
  if (typeof value === 'string') return { text: value }
  if (typeof value === 'number') return { text: formatNumber(value) }
  if (typeof value === 'boolean') return { text: value ? 'true' : 'false' }
  if (value instanceof Date) return { text: isoDate(value) }
  if ('richText' in value) return { text: value.richText.map((r) => r.text).join('') }
  if ('error' in value) return errorCell(String(value.error))
  if ('formula' in value || 'sharedFormula' in value) {
    const formula = ('formula' in value ? value.formula : value.sharedFormula) ?? ''
    return formulaCell(formula, value.result, numFmt)
  }
  if ('hyperlink' in value) return { text: typeof value.text === 'string' ? value.text : String(value.hyperlink) }
  return { text: String(value) }
}

function formulaCell(formula: string, result: unknown, numFmt: string | undefined): InputCell {
  const shown = `=${formula.length > 60 ? `${formula.slice(0, 60)}…` : formula}`
  if (result === undefined || result === null || (typeof result === 'number' && Number.isNaN(result))) {
    const note: Note = {
      code: 'formula-without-result',
      message: `Formula ${JSON.stringify(shown)} has no value saved in the file (or an error); read as blank, never evaluated.`,
    }
    return { text: '', findings: [note] }
  }
  if (typeof result === 'object' && 'error' in result) return errorCell(String(result.error), shown)
  let text: string
  if (typeof result === 'number')
    text = isDateFormat(numFmt) ? isoDate(excelSerialToDate(result)) : formatNumber(result)
  else if (result instanceof Date) text = isoDate(result)
  else text = String(result)
  const note: Note = {
    code: 'formula-cached-result',
    message: `Formula ${JSON.stringify(shown)}: the value Excel saved (${JSON.stringify(text)}) was taken; nothing evaluated.`,
  }
  return { text, findings: [note] }
}

function errorCell(error: string, formula?: string): InputCell {
  const where = formula ? ` (formula ${JSON.stringify(formula)})` : ''
  return {
    text: error,
    findings: [{ code: 'excel-error', message: `The cell holds the Excel error ${error}${where}.` }],
  }
}

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n)
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(15)))
}

/** Excel dates carry no zone: exceljs gives them as UTC instants, read back in UTC. */
export function isoDate(date: Date): string {
  if (Number.isNaN(date.getTime())) return ''
  const iso = date.toISOString()
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19)
}

// Same rule as exceljs's utils.isDateFmt: a format with d, m, y, h or s outside quotes and brackets.
function isDateFormat(numFmt: string | undefined): boolean {
  if (!numFmt) return false
  const bare = numFmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, '')
  return /[ymdhs]/i.test(bare)
}

function excelSerialToDate(serial: number): Date {
  // 1900 date system (the 1904 one is macOS-only and very rare in partner files).
  return new Date(Math.round((serial - 25569) * 86400 * 1000))
}
