/**
 * What the file readers say about a file: rows with their findings, and a file-level summary.
 *
 * A finding never stops the reading: a defect becomes a finding on the row (and cell) where it was seen,
 * so that the pipeline can quarantine exactly that row with a reason a data manager understands.
 * Messages are English; `code` is the stable key the app translates.
 */
import type { DecodeReport } from './decode'

export type FindingCode =
  // file level
  | 'duplicate-header'
  | 'blank-header'
  | 'blank-rows-skipped'
  | 'other-sheets-ignored'
  | 'extension-mismatch'
  | 'invalid-utf8'
  | 'no-data-rows'
  // row level
  | 'extra-cells'
  | 'missing-cells'
  | 'unclosed-quote'
  | 'malformed-quotes'
  // cell level
  | 'formula-text'
  | 'text-truncated'
  | 'undecodable-characters'
  | 'formula-cached-result'
  | 'formula-without-result'
  | 'excel-error'

export interface Finding {
  code: FindingCode
  /** 1-based line (CSV, where the record starts) or Excel row number; absent for file-wide findings. */
  rowNumber?: number
  /** Header name of the cell concerned. */
  column?: string
  message: string
}

export interface FileRow {
  rowNumber: number
  /** Header → cell text, exactly as written (not trimmed: the mapper owns cleaning). Null prototype. */
  cells: Record<string, string>
  findings: Finding[]
}

export type FileFormat = 'csv' | 'xlsx'
export type Separator = ';' | ',' | '\t'

export interface FileSummary {
  format: FileFormat
  filename: string
  /** CSV only. */
  encoding?: DecodeReport
  separator?: Separator
  /** XLSX only: the sheet read, and the ones ignored. */
  sheet?: string
  ignoredSheets?: string[]
  headers: string[]
  /** Data rows yielded (blank rows are not rows). */
  rows: number
  rowsWithFindings: number
  blankRowsSkipped: number
  trailingBlankRows: number
  /** File-level findings (and a capped sample of skipped blank rows). */
  findings: Finding[]
}

/** Why a file cannot be read at all. The `*-limit` codes name a decoding limit the file goes past. */
export type UnreadableCode =
  | 'empty-file'
  | 'unsupported-format'
  | 'no-header'
  | 'corrupt-xlsx'
  | 'header-too-long'
  | 'xlsx-size-limit'
  | 'xlsx-shared-strings-limit'
  | 'xlsx-sheets-limit'
  | 'xlsx-cells-limit'
  | 'xlsx-temp-limit'
  | 'csv-row-limit'

/** A file that cannot be read at all: the API answers 4xx with this code and message. */
export class UnreadableFileError extends Error {
  constructor(
    readonly code: UnreadableCode,
    message: string,
  ) {
    super(message)
    this.name = 'UnreadableFileError'
  }
}

/**
 * A file refused because it goes past a decoding limit (a bound that keeps one file from taking the
 * bridge's memory, disk or event loop): the message names the limit, in French then English, since it
 * reaches the partner as is (API answer, run detail in the console).
 */
export function overLimit(code: UnreadableCode, french: string, english: string): UnreadableFileError {
  return new UnreadableFileError(code, `${french} — ${english}`)
}

/** 1234567 → "1 234 567" (French) and "1,234,567" (English), for the limits named in messages. */
export function formatCount(n: number): { fr: string; en: string } {
  const en = Math.round(n).toLocaleString('en-US')
  return { fr: en.replace(/,/g, ' '), en }
}
