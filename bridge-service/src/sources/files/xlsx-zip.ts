/**
 * exceljs's streaming WorkbookReader, with its zip loop replaced by one that keeps within XlsxLimits.
 *
 * exceljs's own loop (`WorkbookReader.parse`) inflates every entry with no bound, caches every shared
 * string, and writes *every* sheet met before `sharedStrings.xml` to a temporary file that it removes only
 * when the read ends well (issue 11 §1–2). This loop keeps exceljs's parsers (relationships, workbook,
 * styles, shared strings, the worksheet reader) and changes what is around them:
 * - every entry's bytes are counted as they inflate, against a total and a per-part bound;
 * - shared strings are taken one by one (exceljs's `emit` mode) and counted, in number and characters;
 * - the sheet read (the first in zip order, as before) is scanned for `<row` and `<c` tags as it streams,
 *   so that rows and cells are bounded before exceljs builds a row in memory;
 * - only that sheet may go to a temporary file, in a directory of this read's own, bounded in bytes and
 *   removed when the read ends, whatever the outcome. Other sheets are inflated (counted) and dropped.
 */
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline, Readable, Transform } from 'node:stream'
import { pipeline as pipeAsync } from 'node:stream/promises'
import type ExcelJS from 'exceljs'
import { xlsxLimitError, type XlsxLimits } from './xlsx-limits'

interface Unzipper {
  Parse(options: { forceStream: boolean }): NodeJS.ReadWriteStream
}

let loaded: { exceljs: typeof ExcelJS; unzipper: Unzipper } | undefined
/**
 * exceljs and its zip, XML and date libraries (≈ 2.3 MB of source) are loaded on the first XLSX read, not at
 * start: most bridges never receive one, and the compiled modules would stay in the heap of every process.
 * unzipper is exceljs's own zip reader (no types of its own): required from exceljs's place, so that it is
 * the very version exceljs was written against.
 */
function excel(): { exceljs: typeof ExcelJS; unzipper: Unzipper } {
  if (loaded) return loaded
  const fromExceljs = createRequire(require.resolve('exceljs'))
  loaded = { exceljs: fromExceljs('exceljs') as typeof ExcelJS, unzipper: fromExceljs('unzipper') as Unzipper }
  return loaded
}

interface ZipEntry extends Readable {
  path: string
}

type SharedString = string | { richText: Array<{ text?: string | null }> } | null

/** The parts of exceljs's WorkbookReader this loop drives (not in its typings). */
interface ReaderInternals {
  options: Record<string, unknown>
  sharedStrings?: SharedString[]
  workbookRels?: unknown
  model?: unknown
  parse(): AsyncGenerator<unknown>
  _parseRels(entry: Readable): Promise<void>
  _parseWorkbook(entry: Readable): Promise<void>
  _parseStyles(entry: Readable): Promise<void>
  _parseSharedStrings(entry: Readable): AsyncGenerator<{ index: number; text: SharedString }>
  _parseWorksheet(chunks: AsyncIterable<Buffer>, sheetNo: string): Generator<unknown>
}

export type WorksheetReader = ExcelJS.stream.xlsx.WorksheetReader

/** A WorkbookReader over `input` whose iteration (the worksheets, first one first) keeps within `limits`. */
export function boundedWorkbookReader(input: Readable, limits: XlsxLimits): AsyncIterable<WorksheetReader> {
  const reader = new (excel().exceljs.stream.xlsx.WorkbookReader)(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  })
  const internals = reader as unknown as ReaderInternals
  // The reader's async iterator calls `this.parse()`: this instance's own loop is used instead.
  internals.parse = () => boundedParse(internals, input, limits)
  return reader as unknown as AsyncIterable<WorksheetReader>
}

const SHEET = /^xl\/worksheets\/sheet(\d+)\.xml$/
const METADATA = new Set(['xl/_rels/workbook.xml.rels', 'xl/workbook.xml', 'xl/styles.xml'])

const TEMP_PREFIX = 'relais-xlsx-'

/**
 * Removes the temporary directories of XLSX reads last changed before `before`: a process killed during a
 * read (kill -9, OOM) never reached its `finally`. Called at start with a margin no read lasts.
 */
export async function removeStaleXlsxTemp(before: Date, dir = tmpdir()): Promise<number> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch {
    return 0
  }
  let removed = 0
  for (const name of names) {
    if (!name.startsWith(TEMP_PREFIX)) continue
    const path = join(dir, name)
    const info = await stat(path).catch(() => undefined)
    if (!info?.isDirectory() || info.mtime >= before) continue
    await rm(path, { recursive: true, force: true })
    removed++
  }
  return removed
}

async function* boundedParse(wb: ReaderInternals, input: Readable, limits: XlsxLimits): AsyncGenerator<unknown> {
  const zip = excel().unzipper.Parse({ forceStream: true })
  // pipeline, not pipe: an input error must reach the zip parser (and so this loop) instead of hanging it.
  pipeline(input, zip, () => undefined)
  // A zip cut short fails on the parser, not on the entry being read, which would wait forever: pass it on.
  let current: ZipEntry | undefined
  zip.on('error', (error: Error) => current?.destroy(error))
  let inflated = 0
  const total = (bytes: number) => {
    inflated += bytes
    if (inflated > limits.maxUncompressedBytes) throw xlsxLimitError.uncompressed(limits.maxUncompressedBytes)
  }
  let tempDir: string | undefined
  let entries = 0
  let sheets = 0
  let first: { sheetNo: string; tempFile?: string } | undefined
  const others: string[] = []
  try {
    for await (const entry of zip as AsyncIterable<ZipEntry>) {
      current = entry
      if (++entries > limits.maxEntries) throw xlsxLimitError.entries(limits.maxEntries)
      const sheetNo = SHEET.exec(entry.path)?.[1]
      if (sheetNo !== undefined) {
        if (++sheets > limits.maxSheets) throw xlsxLimitError.sheets(limits.maxSheets)
        if (first) {
          others.push(sheetNo)
          await drain(metered(entry, total))
          continue
        }
        first = { sheetNo }
        const scan = sheetScanner(limits)
        if (wb.sharedStrings && wb.workbookRels && wb.model) {
          const sheet = metered(entry, (n, chunk) => (total(n), scan(chunk)))
          yield* wb._parseWorksheet(sheet, sheetNo)
          await drain(sheet) // what the caller left unread
        } else {
          tempDir ??= await mkdtemp(join(tmpdir(), TEMP_PREFIX))
          first.tempFile = join(tempDir, `sheet${sheetNo}.xml`)
          let written = 0
          const toDisk = metered(entry, (n, chunk) => {
            total(n)
            written += n
            if (written > limits.maxTempBytes) throw xlsxLimitError.temp(limits.maxTempBytes)
            scan(chunk)
          })
          await pipeAsync(toDisk, createWriteStream(first.tempFile, { flags: 'wx', mode: 0o600 }))
        }
        continue
      }
      if (entry.path === 'xl/sharedStrings.xml') {
        const counted = capped(entry.path, limits.maxSharedStringsBytes, total)
        const gaps = gapScanner(limits)
        await readSharedStrings(
          wb,
          metered(entry, (n, chunk) => (counted(n), gaps(chunk))),
          limits,
        )
        continue
      }
      const part = metered(entry, METADATA.has(entry.path) ? capped(entry.path, limits.maxMetadataBytes, total) : total)
      if (entry.path === 'xl/_rels/workbook.xml.rels') await wb._parseRels(part)
      else if (entry.path === 'xl/workbook.xml') await wb._parseWorkbook(part)
      else if (entry.path === 'xl/styles.xml') await wb._parseStyles(part)
      await drain(part)
    }
    if (first?.tempFile) yield* wb._parseWorksheet(createReadStream(first.tempFile), first.sheetNo)
    // The sheets not read are still named (the `other-sheets-ignored` finding): readers with nothing to read.
    for (const sheetNo of others) yield* wb._parseWorksheet(Readable.from([]), sheetNo)
  } finally {
    input.destroy()
    if (tempDir) await rm(tempDir, { recursive: true, force: true })
  }
}

/** The entry's bytes through `count` (which throws past a limit: the stream then fails with that error). */
function metered(entry: Readable, count: (bytes: number, chunk: Buffer) => void): Readable {
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      try {
        count(chunk.length, chunk)
        done(null, chunk)
      } catch (error) {
        done(error as Error)
      }
    },
  })
  return pipeline(entry, meter, () => undefined)
}

function capped(part: string, max: number, total: (bytes: number) => void): (bytes: number) => void {
  let used = 0
  return (bytes) => {
    total(bytes)
    used += bytes
    if (used > max) throw xlsxLimitError.entry(part, max)
  }
}

async function drain(stream: Readable): Promise<void> {
  if (stream.readableEnded) return
  for await (const _ of stream) void _
}

/** The shared strings, counted one by one: the table exceljs would cache whole, bounded. */
async function readSharedStrings(wb: ReaderInternals, part: Readable, limits: XlsxLimits): Promise<void> {
  const strings: SharedString[] = []
  let chars = 0
  const options = wb.options
  wb.options = { ...options, sharedStrings: 'emit' }
  try {
    for await (const { text } of wb._parseSharedStrings(part)) {
      if (strings.length >= limits.maxSharedStrings) throw xlsxLimitError.sharedStrings(limits.maxSharedStrings)
      chars += textLength(text)
      if (chars > limits.maxSharedStringChars) throw xlsxLimitError.sharedStringChars(limits.maxSharedStringChars)
      strings.push(text)
    }
  } finally {
    wb.options = options
  }
  await drain(part)
  wb.sharedStrings = strings
}

function textLength(text: SharedString): number {
  if (text === null) return 0
  if (typeof text === 'string') return text.length
  return text.richText.reduce((sum, run) => sum + (run.text?.length ?? 0), 0)
}

const LT = 0x3c
/** After a tag name: white space, `>` or `/`. */
const ends = (byte: number | undefined) =>
  byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d || byte === 0x3e || byte === 0x2f

/**
 * Counts `<row` and `<c` tags in the sheet's XML as it passes, and throws past the row and cell limits:
 * exceljs builds each row whole in memory before handing it over, so a row of millions of cells must be
 * stopped here, in the bytes. (Text cannot hold a raw `<` in XML, so the count is exact for the tags
 * exceljs reads; prefixed tags such as `<x:c>` are ignored by exceljs and here alike.) Also bounds the
 * bytes between two `<` (`gapScanner`).
 */
export function sheetScanner(limits: XlsxLimits): (chunk: Buffer) => void {
  let rows = 0
  let rowCells = 0
  let cells = 0
  let carry: Buffer | undefined
  const gaps = gapScanner(limits)
  return (chunk) => {
    const bytes = carry ? Buffer.concat([carry, chunk]) : chunk
    carry = undefined
    gaps(bytes)
    for (let i = bytes.indexOf(LT); i !== -1; i = bytes.indexOf(LT, i + 1)) {
      if (i + 4 >= bytes.length) {
        carry = Buffer.from(bytes.subarray(i)) // a tag cut by the chunk boundary: looked at with the next chunk
        gaps.rewind(bytes.length - i) // …whose bytes the gap count will see again
        break
      }
      if (bytes[i + 1] === 0x63 /* c */ && ends(bytes[i + 2])) {
        if (++rowCells > limits.maxCellsPerRow) throw xlsxLimitError.cellsPerRow(limits.maxCellsPerRow, rows)
        if (++cells > limits.maxCellsPerSheet) throw xlsxLimitError.cellsPerSheet(limits.maxCellsPerSheet)
      } else if (bytes[i + 1] === 0x72 && bytes[i + 2] === 0x6f && bytes[i + 3] === 0x77 && ends(bytes[i + 4])) {
        if (++rows > limits.maxRows) throw xlsxLimitError.rows(limits.maxRows)
        rowCells = 0
      }
    }
  }
}

/**
 * Throws when more than `maxTagOrTextBytes` bytes pass without a `<`: the XML parser keeps a text node (or
 * a tag with its attributes) whole in memory until it ends, so one 500 MB "cell" would cost gigabytes.
 */
export function gapScanner(limits: XlsxLimits): ((bytes: Buffer) => void) & { rewind(n: number): void } {
  let since = 0 // bytes since the last `<`
  const scan = (bytes: Buffer) => {
    let from = 0
    for (let i = bytes.indexOf(LT); i !== -1; i = bytes.indexOf(LT, i + 1)) {
      if (since + i - from > limits.maxTagOrTextBytes) break // the stretch before this `<` is too long
      since = 0
      from = i
    }
    since += bytes.length - from
    if (since > limits.maxTagOrTextBytes) throw xlsxLimitError.tagOrText(limits.maxTagOrTextBytes)
  }
  return Object.assign(scan, {
    rewind(n: number) {
      since = Math.max(0, since - n)
    },
  })
}
