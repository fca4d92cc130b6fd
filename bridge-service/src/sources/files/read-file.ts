/**
 * The one entry for uploaded files: bytes (a stream or a buffer) and the name the partner gave →
 * rows, one at a time, and a summary of what was detected (format, encoding, separator, sheets) and of the
 * file-level defects. The format comes from the bytes; the name only serves to warn when it disagrees.
 *
 * A file that cannot be read at all (empty, .xls, .ods, binary, corrupt zip) raises UnreadableFileError,
 * which the API answers with a 4xx; every other defect becomes a finding on its row or cell.
 */
import type { Readable } from 'node:stream'
import { readCsvRows } from './csv'
import type { TokenizerOptions } from './csv-tokenizer'
import { UnreadableFileError, type FileFormat, type FileRow, type FileSummary } from './findings'
import { SNIFF_BYTES, sniff } from './sniff'
import { readXlsxRows } from './xlsx'
import type { XlsxLimits } from './xlsx-limits'

/** Bounds of the readers; the defaults (csv-tokenizer.ts, xlsx-limits.ts) suit the bridge, tests lower them. */
export type ReadOptions = Partial<TokenizerOptions> & { xlsx?: Partial<XlsxLimits> }

export interface FileReading {
  format: FileFormat
  rows: AsyncGenerator<FileRow>
  /** Filled in as rows are read; complete once `rows` is exhausted. */
  summary: FileSummary
}

export type FileInput = Readable | Buffer | Uint8Array | AsyncIterable<Uint8Array>

export async function readFile(input: FileInput, filename: string, options: ReadOptions = {}): Promise<FileReading> {
  const { head, rest } = await peek(toChunks(input), SNIFF_BYTES)
  if (head.length === 0) throw new UnreadableFileError('empty-file', 'The file is empty.')
  const sniffed = sniff(head)
  if (sniffed.kind === 'unsupported') throw new UnreadableFileError('unsupported-format', sniffed.message)
  const format: FileFormat = sniffed.kind === 'xlsx' ? 'xlsx' : 'csv'
  const summary: FileSummary = {
    format,
    filename,
    headers: [],
    rows: 0,
    rowsWithFindings: 0,
    blankRowsSkipped: 0,
    trailingBlankRows: 0,
    findings: [],
  }
  const mismatch = extensionMismatch(filename, format)
  if (mismatch) summary.findings.push({ code: 'extension-mismatch', message: mismatch })
  const { xlsx, ...csv } = options
  const rows = format === 'xlsx' ? readXlsxRows(rest, summary, xlsx) : readCsvRows(rest, summary, csv)
  return { format, rows, summary }
}

/** Reads everything (tests, small files): the rows and the completed summary. */
export async function readAll(reading: FileReading): Promise<{ rows: FileRow[]; summary: FileSummary }> {
  const rows: FileRow[] = []
  for await (const row of reading.rows) rows.push(row)
  return { rows, summary: reading.summary }
}

function extensionMismatch(filename: string, format: FileFormat): string | undefined {
  const ext = /\.([a-z0-9]+)$/i.exec(filename)?.[1]?.toLowerCase()
  if (!ext) return undefined
  if (format === 'xlsx' && ['csv', 'txt', 'tsv'].includes(ext))
    return `The file is named ".${ext}" but is an XLSX workbook; read as XLSX.`
  if (format === 'csv' && ['xlsx', 'xlsm', 'xls'].includes(ext))
    return `The file is named ".${ext}" but is text; read as CSV.`
  return undefined
}

async function* toChunks(input: FileInput): AsyncGenerator<Uint8Array> {
  if (input instanceof Uint8Array) {
    // Slices, so that a large buffer flows through the same bounded path as a stream.
    for (let i = 0; i < input.length; i += 65536) yield input.subarray(i, i + 65536)
    return
  }
  for await (const chunk of input as AsyncIterable<Uint8Array | string>)
    yield typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk
}

/** The first `n` bytes (fewer if the input is shorter), and the whole input again, head included. */
async function peek(
  chunks: AsyncGenerator<Uint8Array>,
  n: number,
): Promise<{ head: Buffer; rest: AsyncIterable<Uint8Array> }> {
  const taken: Uint8Array[] = []
  let size = 0
  let done = false
  while (size < n) {
    const next = await chunks.next()
    if (next.done) {
      done = true
      break
    }
    taken.push(next.value)
    size += next.value.length
  }
  const head = Buffer.concat(taken).subarray(0, n)
  async function* rest(): AsyncGenerator<Uint8Array> {
    yield* taken
    if (!done) yield* chunks
  }
  return { head, rest: rest() }
}
