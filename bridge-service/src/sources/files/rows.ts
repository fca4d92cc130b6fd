/**
 * Turns the raw cells of each record into a FileRow (header → text) with its findings, for both CSV and
 * XLSX. Pure and incremental: it keeps the header and a counter of pending blank rows, nothing per row.
 *
 * - Header: the first non-blank record. Names are trimmed; a blank name inside the header becomes
 *   `column_<n>` (flagged), blank names at its end are dropped (a trailing separator); a repeated name
 *   (compared case-insensitively) becomes `name (2)` and is flagged, so no column is lost.
 * - Blank rows (every cell empty or spaces) are not rows: inside the data they are reported as a
 *   file-level `blank-rows-skipped` finding; at the end of the file (Excel's trailing `;;;;` lines) they
 *   are only counted.
 * - Extra cells beyond the header are reported with their text when not blank; missing cells (CSV only —
 *   XLSX simply omits trailing empty cells) are reported and left absent, which the mapper reads as a
 *   missing column rather than a blank.
 */
import { checkCell } from './cells'
import type { FileRow, FileSummary, Finding } from './findings'

export interface InputCell {
  text: string
  /** Real length when the reader stored a shortened text. */
  originalLength?: number
  /** Findings the reader already made about this cell (XLSX formulas, errors). */
  findings?: Array<Pick<Finding, 'code' | 'message'>>
}

/** Extra cells (beyond the header) named in a row's finding; the count stays exact. */
const MAX_EXTRA_NAMED = 20

/** Cap on the blank-row findings kept in the summary; the count stays exact. */
const MAX_BLANK_FINDINGS = 50

export class RowShaper {
  private headers: string[] | undefined
  private pendingBlank: { first: number; last: number; count: number } | undefined
  private blankFindings = 0

  private lastRowNumber = 0

  /**
   * `spreadsheet`: XLSX rules — missing trailing cells are blanks, and rows absent from the sheet (Excel
   * does not store empty rows) count as blank rows. In CSV a record may span lines, so no gap means blank.
   */
  constructor(
    private readonly summary: FileSummary,
    private readonly spreadsheet: boolean,
  ) {}

  get header(): readonly string[] | undefined {
    return this.headers
  }

  /**
   * Feeds one record; returns the data row, or undefined for the header and blank rows. `rowFindings`
   * are what the reader saw about the record as a whole (quotes).
   */
  push(
    rowNumber: number,
    cells: ReadonlyArray<InputCell | undefined>,
    rowFindings: ReadonlyArray<Pick<Finding, 'code' | 'message'>> = [],
  ): FileRow | undefined {
    const gap = this.spreadsheet ? rowNumber - this.lastRowNumber - 1 : 0
    this.lastRowNumber = rowNumber
    if (gap > 0) this.noteBlank(rowNumber - gap, gap)
    if (isBlank(cells)) {
      this.noteBlank(rowNumber, 1)
      return undefined
    }
    if (!this.headers) {
      this.headers = this.readHeader(rowNumber, cells)
      this.summary.headers = [...this.headers]
      return undefined
    }
    this.flushBlank()
    return this.shape(rowNumber, this.headers, cells, rowFindings)
  }

  private noteBlank(first: number, count: number): void {
    if (!this.headers) {
      this.summary.blankRowsSkipped += count
      return
    }
    if (this.pendingBlank) {
      this.pendingBlank.last = first + count - 1
      this.pendingBlank.count += count
    } else this.pendingBlank = { first, last: first + count - 1, count }
  }

  /** Call at the end of the data: blank rows still pending were trailing ones. */
  finish(): void {
    this.summary.trailingBlankRows = this.pendingBlank?.count ?? 0
    this.pendingBlank = undefined
    if (this.headers && this.summary.rows === 0)
      this.summary.findings.push({ code: 'no-data-rows', message: 'The file has a header row but no data rows.' })
  }

  private flushBlank(): void {
    const blank = this.pendingBlank
    if (!blank) return
    this.pendingBlank = undefined
    this.summary.blankRowsSkipped += blank.count
    if (this.blankFindings++ >= MAX_BLANK_FINDINGS) return
    const rows = blank.count === 1 ? `Row ${blank.first} is` : `Rows ${blank.first}–${blank.last} are`
    this.summary.findings.push({
      code: 'blank-rows-skipped',
      rowNumber: blank.first,
      message: `${rows} blank; skipped.`,
    })
  }

  private readHeader(rowNumber: number, cells: ReadonlyArray<InputCell | undefined>): string[] {
    const names = cells.map((c) => (c?.text ?? '').trim())
    while (names.length && names[names.length - 1] === '') names.pop()
    const seen = new Map<string, number>()
    return names.map((raw, i) => {
      let name = raw
      if (name === '') {
        name = `column_${i + 1}`
        this.summary.findings.push({
          code: 'blank-header',
          rowNumber,
          column: name,
          message: `Column ${i + 1} has no name in the header; read as "${name}".`,
        })
      }
      const key = name.toLowerCase()
      const times = (seen.get(key) ?? 0) + 1
      seen.set(key, times)
      if (times > 1) {
        const renamed = `${name} (${times})`
        this.summary.findings.push({
          code: 'duplicate-header',
          rowNumber,
          column: renamed,
          message: `Column ${i + 1} repeats the header "${name}"; read as "${renamed}".`,
        })
        name = renamed
      }
      return name
    })
  }

  private shape(
    rowNumber: number,
    headers: readonly string[],
    cells: ReadonlyArray<InputCell | undefined>,
    rowFindings: ReadonlyArray<Pick<Finding, 'code' | 'message'>>,
  ): FileRow {
    const values = Object.create(null) as Record<string, string>
    const findings: Finding[] = rowFindings.map((f) => ({ ...f, rowNumber }))
    const width = Math.min(headers.length, cells.length)
    for (let i = 0; i < width; i++) {
      const column = headers[i] as string
      const cell = cells[i]
      if (!cell) {
        values[column] = ''
        continue
      }
      const checked = checkCell(cell.text, cell.originalLength)
      values[column] = checked.value
      for (const f of cell.findings ?? []) findings.push({ ...f, rowNumber, column })
      for (const f of checked.flags) findings.push({ ...f, rowNumber, column })
    }
    if (cells.length < headers.length) {
      const missing = headers.slice(cells.length)
      if (this.spreadsheet) for (const column of missing) values[column] = ''
      else
        findings.push({
          code: 'missing-cells',
          rowNumber,
          message: `${missing.length} cell(s) missing at the end of the row: ${missing.join(', ')}.`,
        })
    }
    const extra = cells
      .slice(headers.length)
      .map((c, k) => ({ position: headers.length + k + 1, text: c?.text ?? '' }))
      .filter((c) => c.text.trim() !== '')
    if (extra.length) {
      // The first few are named; a row thousands of cells wide must not make a megabyte of message per row.
      const named = extra.slice(0, MAX_EXTRA_NAMED)
      const more = extra.length > named.length ? `; and ${extra.length - named.length} more` : ''
      findings.push({
        code: 'extra-cells',
        rowNumber,
        message: `${extra.length} cell(s) beyond the header's ${headers.length} columns, not read: ${named
          .map(
            (c) =>
              `column ${c.position} = ${JSON.stringify(c.text.length > 100 ? `${c.text.slice(0, 100)}…` : c.text)}`,
          )
          .join('; ')}${more}.`,
      })
    }
    this.summary.rows++
    if (findings.length) this.summary.rowsWithFindings++
    return { rowNumber, cells: values, findings }
  }
}

function isBlank(cells: ReadonlyArray<InputCell | undefined>): boolean {
  return cells.every((c) => c === undefined || c.text.trim() === '')
}
