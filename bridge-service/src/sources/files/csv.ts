/**
 * CSV: the separator is chosen from the header line, then records are tokenized as the text streams in.
 * Only one chunk of text and the records cut from it are in memory at a time (bounded memory for the
 * 200,000-row files of issue #4 §6).
 */
import { CsvTokenizer, type RawRecord, type RecordIssue, type TokenizerOptions } from './csv-tokenizer'
import { AutoDecoder, decodeChunks } from './decode'
import { UnreadableFileError, type FileRow, type FileSummary, type Finding, type Separator } from './findings'
import { RowShaper } from './rows'

const CANDIDATES: readonly Separator[] = [';', ',', '\t']

/**
 * The separator that splits the header line into the most columns, counted outside quotes. Ties go to `;`
 * (French Excel's choice, and `,` is also the decimal mark there), then tab, then `,`; a one-column header
 * gives `,`.
 */
export function detectSeparator(headerLine: string): Separator {
  const counts = new Map<Separator, number>(CANDIDATES.map((c) => [c, 0]))
  let quoted = false
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted
    else if (!quoted && counts.has(ch as Separator)) counts.set(ch as Separator, (counts.get(ch as Separator) ?? 0) + 1)
  }
  const semicolons = counts.get(';') ?? 0
  const tabs = counts.get('\t') ?? 0
  const commas = counts.get(',') ?? 0
  const best = Math.max(semicolons, tabs, commas)
  if (best === 0) return ','
  if (semicolons === best) return ';'
  if (tabs === best) return '\t'
  return ','
}

/** Longest header line we look at; a "header" longer than this is not one (binary or a broken file). */
export const MAX_HEADER_CHARS = 1_000_000

export interface CsvStart {
  separator: Separator
  records: AsyncGenerator<RawRecord>
}

/**
 * Reads decoded text: waits for the header line to choose the separator, then yields raw records.
 * Returns undefined for a file with no text at all; throws UnreadableFileError when no header shows.
 */
export async function startCsv(
  text: AsyncIterable<string>,
  options: Partial<TokenizerOptions> = {},
): Promise<CsvStart | undefined> {
  const it = text[Symbol.asyncIterator]()
  let head = ''
  let done = false
  let headerLine: string | undefined
  while (headerLine === undefined && head.length <= MAX_HEADER_CHARS) {
    headerLine = firstFilledLine(head, done)
    if (headerLine !== undefined || done) break
    const next = await it.next()
    if (next.done) done = true
    else head += next.value
  }
  if (head.length === 0) return undefined
  if (headerLine === undefined) {
    if (done) throw new UnreadableFileError('no-header', 'The file has no header row (only blank lines).')
    throw new UnreadableFileError('header-too-long', 'No header row in the first million characters.')
  }
  const separator = detectSeparator(headerLine.slice(0, MAX_HEADER_CHARS))
  const tokenizer = new CsvTokenizer(separator, options)
  async function* records(): AsyncGenerator<RawRecord> {
    yield* tokenizer.push(head)
    if (!done) {
      for (let next = await it.next(); !next.done; next = await it.next()) yield* tokenizer.push(next.value)
    }
    yield* tokenizer.end()
  }
  return { separator, records: records() }
}

/**
 * The first line holding something other than separators and spaces (the header row; blank lines may come
 * before it), once it is complete; undefined while more text is needed.
 */
function firstFilledLine(head: string, done: boolean): string | undefined {
  const lines = head.split(/\r\n|\r|\n/)
  const complete = done ? lines : lines.slice(0, -1)
  return complete.find((line) => /[^\s;,"]/.test(line))
}

/** Decoded CSV rows, shaped and checked; `summary` is completed as the rows are consumed. */
export async function* readCsvRows(
  source: AsyncIterable<Uint8Array>,
  summary: FileSummary,
  options: Partial<TokenizerOptions> = {},
): AsyncGenerator<FileRow> {
  const decoder = new AutoDecoder()
  const start = await startCsv(decodeChunks(source, decoder), options)
  if (!start) throw new UnreadableFileError('empty-file', 'The file is empty.')
  summary.separator = start.separator
  summary.encoding = decoder.report()
  const shaper = new RowShaper(summary, false)
  for await (const record of start.records) {
    const cells = record.fields.map((text, i) => {
      const originalLength = record.overflow?.get(i)
      return originalLength === undefined ? { text } : { text, originalLength }
    })
    const row = shaper.push(record.line, cells, record.issues.map(issueFinding))
    if (row) yield row
  }
  shaper.finish()
  if (!shaper.header) throw new UnreadableFileError('no-header', 'The file has no header row (only blank lines).')
  const report = decoder.report()
  summary.encoding = report
  if (report.replacedSequences > 0)
    summary.findings.push({
      code: 'invalid-utf8',
      message: `Read as UTF-8, but ${report.replacedSequences} byte sequence(s) are not valid UTF-8 (shown as �): the file mixes encodings.`,
    })
}

function issueFinding(issue: RecordIssue): Pick<Finding, 'code' | 'message'> {
  return issue === 'unclosed-quote'
    ? {
        code: 'unclosed-quote',
        message: 'A quote (") opens a cell but is never closed; it was read as a plain character. Check the row.',
      }
    : { code: 'malformed-quotes', message: 'Text follows a closing quote (") in a cell; it was kept. Check the row.' }
}
