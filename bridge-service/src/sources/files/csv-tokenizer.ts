/**
 * A streaming CSV tokenizer (RFC 4180 plus what hand-made files do). Pure: text in, records out.
 *
 * Written here rather than using csv-parse because csv-parse stops, or silently swallows the following
 * rows, on the two defects that matter most to us: an unclosed quote (everything after it becomes one
 * field, then CSV_QUOTE_NOT_CLOSED) and an oversized field (after CSV_MAX_RECORD_SIZE the remaining rows
 * are lost even with skip_records_with_error). Here:
 * - a quote opened at the start of a field and still open after `maxQuotedChars` characters, or at the end
 *   of the file, is taken as a literal `"`: the text after it is parsed again as ordinary fields and the
 *   record gets an `unclosed-quote` issue — one row is flagged, none is lost;
 * - text after a closing quote (`"5"z`) is kept (`5z`) and flagged `malformed-quotes`; a quote inside an
 *   unquoted field (`12" TV`) is just a character;
 * - a field stores at most `maxFieldChars` characters (its real length is kept), so memory per record is
 *   bounded whatever the input;
 * - line endings LF, CRLF and lone CR; `line` is the physical line where the record starts;
 * - a record of more than `maxCellsPerRow` cells or `maxRowChars` characters (real lengths, separators
 *   included) stops the reading with a `csv-row-limit` UnreadableFileError: such a row is not data (issue 11:
 *   a row of 2 million cells stalled the event loop for seconds), and stopping at the limit keeps the work
 *   per chunk small.
 */
import { formatCount, overLimit } from './findings'

export type RecordIssue = 'unclosed-quote' | 'malformed-quotes'

export interface RawRecord {
  line: number
  fields: string[]
  /** Field index → real length, for fields longer than `maxFieldChars`. */
  overflow?: Map<number, number>
  issues: RecordIssue[]
}

export interface TokenizerOptions {
  maxFieldChars: number
  maxQuotedChars: number
  maxCellsPerRow: number
  maxRowChars: number
}

export const TOKENIZER_DEFAULTS: Readonly<TokenizerOptions> = {
  maxFieldChars: 65536,
  maxQuotedChars: 262144,
  /** Far beyond any report (Excel itself stops at 16,384 columns, DHIS2 data sets at a few hundred). */
  maxCellsPerRow: 10_000,
  /** Enough for a row of long quoted comments (a quoted field is re-read after 262,144 characters). */
  maxRowChars: 4 * 1024 * 1024,
}

const QUOTE = 34
const CR = 13
const LF = 10

type State = 'fieldStart' | 'unquoted' | 'quoted' | 'quoteInQuoted' | 'afterQuoted'

export class CsvTokenizer {
  private readonly sep: number
  private readonly opts: TokenizerOptions
  private state: State = 'fieldStart'
  private line = 1
  private prevCR = false
  private recordLine = 1
  private recordStarted = false
  private fields: string[] = []
  private field = ''
  private fieldLen = 0
  /** Characters of the current record so far (real lengths, separators included). */
  private recordChars = 0
  private overflow: Map<number, number> | undefined
  private issues: RecordIssue[] = []
  /** Raw text since the opening quote of the current quoted field, for recovery. */
  private raw = ''
  private quoteLine = 1
  private out: RawRecord[] = []

  constructor(separator: string, options: Partial<TokenizerOptions> = {}) {
    if (separator.length !== 1) throw new Error('The separator is one character')
    this.sep = separator.charCodeAt(0)
    this.opts = { ...TOKENIZER_DEFAULTS, ...options }
  }

  push(text: string): RawRecord[] {
    this.process(text)
    return this.drain()
  }

  end(): RawRecord[] {
    while (this.state === 'quoted') this.recover()
    if (this.recordStarted) this.endRecord()
    return this.drain()
  }

  private drain(): RawRecord[] {
    const records = this.out
    this.out = []
    return records
  }

  private process(s: string): void {
    const n = s.length
    let i = 0
    while (i < n) {
      const c = s.charCodeAt(i)
      const afterCR = this.prevCR
      this.prevCR = c === CR
      if (c === CR || (c === LF && !afterCR)) this.line++
      switch (this.state) {
        case 'fieldStart':
          if (c === LF && afterCR) break // second half of a CRLF that ended the record
          if (c === QUOTE) {
            this.recordStarted = true
            this.state = 'quoted'
            this.raw = '"'
            this.quoteLine = this.line
            break
          }
          i = this.plain(s, i, c)
          continue
        case 'unquoted':
        case 'afterQuoted':
          i = this.plain(s, i, c)
          continue
        case 'quoted': {
          if (c === QUOTE) {
            this.state = 'quoteInQuoted'
            this.raw += '"'
            break
          }
          let j = i + 1
          if (c !== CR && c !== LF) {
            while (j < n) {
              const d = s.charCodeAt(j)
              if (d === QUOTE || d === CR || d === LF) break
              j++
            }
          }
          const piece = s.slice(i, j)
          this.append(piece)
          this.raw += piece
          i = j
          if (this.raw.length > this.opts.maxQuotedChars) this.recover()
          continue
        }
        case 'quoteInQuoted':
          if (c === QUOTE) {
            this.append('"')
            this.raw += '"'
            this.state = 'quoted'
          } else if (c === this.sep) {
            this.endField()
          } else if (c === CR || c === LF) {
            this.endRecord()
          } else {
            this.state = 'afterQuoted'
            if (!this.issues.includes('malformed-quotes')) this.issues.push('malformed-quotes')
            this.append(s.charAt(i))
          }
          break
      }
      i++
    }
  }

  /** A character outside quotes; returns the index of the next character to read. */
  private plain(s: string, i: number, c: number): number {
    if (c === this.sep) {
      this.recordStarted = true
      this.endField()
      return i + 1
    }
    if (c === CR || c === LF) {
      this.endRecord() // an empty line is a record of one empty field; rows.ts skips it
      return i + 1
    }
    // Fast path: copy up to the next separator or line end.
    let j = i + 1
    while (j < s.length) {
      const d = s.charCodeAt(j)
      if (d === this.sep || d === CR || d === LF) break
      j++
    }
    this.recordStarted = true
    if (this.state === 'fieldStart') this.state = 'unquoted'
    this.append(s.slice(i, j))
    this.prevCR = false
    return j
  }

  /** The opening quote was never closed: take it as a character and parse what followed again. */
  private recover(): void {
    const rest = this.raw.slice(1)
    this.raw = ''
    this.issues.push('unclosed-quote')
    this.state = 'unquoted'
    this.recordChars -= this.fieldLen // read again below
    this.field = ''
    this.fieldLen = 0
    this.append('"')
    this.line = this.quoteLine
    this.prevCR = false
    this.process(rest)
  }

  private append(text: string): void {
    const room = this.opts.maxFieldChars - this.field.length
    if (room > 0) this.field += text.length > room ? text.slice(0, room) : text
    this.fieldLen += text.length
    this.recordChars += text.length
    if (this.recordChars > this.opts.maxRowChars) throw this.rowLimit('chars')
  }

  private endField(): void {
    if (this.fieldLen > this.field.length) (this.overflow ??= new Map()).set(this.fields.length, this.fieldLen)
    if (this.fields.length >= this.opts.maxCellsPerRow) throw this.rowLimit('cells')
    this.recordChars++ // the separator or line end
    this.fields.push(this.field)
    this.field = ''
    this.fieldLen = 0
    this.raw = ''
    this.state = 'fieldStart'
  }

  private rowLimit(what: 'cells' | 'chars') {
    const line = formatCount(this.recordLine)
    if (what === 'cells') {
      const n = formatCount(this.opts.maxCellsPerRow)
      return overLimit(
        'csv-row-limit',
        `La ligne ${line.fr} du fichier a plus de ${n.fr} cellules (limite par ligne) : ce n'est pas un tableau de données.`,
        `Line ${line.en} of the file has more than ${n.en} cells (the limit per row): not a table of data.`,
      )
    }
    const n = formatCount(this.opts.maxRowChars)
    return overLimit(
      'csv-row-limit',
      `La ligne ${line.fr} du fichier dépasse ${n.fr} caractères (limite par ligne) ; vérifiez les guillemets.`,
      `Line ${line.en} of the file is longer than ${n.en} characters (the limit per row); check its quotes.`,
    )
  }

  private endRecord(): void {
    this.endField()
    const record: RawRecord = { line: this.recordLine, fields: this.fields, issues: this.issues }
    if (this.overflow) record.overflow = this.overflow
    this.out.push(record)
    this.fields = []
    this.issues = []
    this.overflow = undefined
    this.recordChars = 0
    this.recordStarted = false
    this.recordLine = this.line
  }
}
