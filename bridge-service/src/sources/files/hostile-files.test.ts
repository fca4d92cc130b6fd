/**
 * The hostile files of issue 11 (hostile-files.ts), each read as the bridge reads an upload, in a process
 * of its own (its peak RSS is the measure) with a TMPDIR of its own (nothing may be left in it): each is
 * refused with the code of the limit it passes, memory stays bounded, no temporary file remains.
 * Sizes are smaller than the (3 million shared strings, not 40) to keep the suite fast; each is
 * still past its limit, and the old reader took them all, or left temporary files behind.
 */
import { execFile } from 'node:child_process'
import {
  createReadStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { readAll, readFile } from './read-file'
import { sharedStringsBomb, sheetsBeforeStrings, wideCsv, wideRowWorkbook, zipBomb } from './hostile-files'
import type { XlsxLimits } from './xlsx-limits'
import { removeStaleXlsxTemp } from './xlsx-zip'

const run = promisify(execFile)
const SCRIPT = join(__dirname, 'hostile-files.ts')
const TSX = require.resolve('tsx/cjs')
/** Peak RSS growth allowed while reading one hostile file. */
const MAX_GROWTH_MB = 400
const HEAP_CAP_MB = 256

let dir: string
let childTmp: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'relais-hostile-'))
  childTmp = join(dir, 'tmp')
  mkdirSync(childTmp)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface Outcome {
  code?: string
  message?: string
  rows?: number
  /** What the reading process's TMPDIR held once the read was over (before the process exited). */
  tempLeft: string[]
  growthMb: number
  ms: number
}

async function readInChild(file: string, limits: Partial<XlsxLimits> = {}): Promise<Outcome> {
  // A heap cap makes V8 collect in time even when the machine is busy (under the full suite its background GC
  // threads starve and garbage piles up: +420 MB once, +45 MB alone); a reader that truly keeps what it reads
  // dies of it instead, and the test fails all the same.
  const heap = `--max-old-space-size=${HEAP_CAP_MB}`
  const { stdout } = await run(process.execPath, [heap, '-r', TSX, SCRIPT, 'read', file, JSON.stringify(limits)], {
    env: { PATH: process.env.PATH ?? '', TMPDIR: childTmp, TMP: childTmp, TEMP: childTmp },
    timeout: 25_000,
  })
  const outcome = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Outcome
  expect(outcome.tempLeft).toEqual([])
  // No temporary file left, whatever the outcome (tsx keeps its compile cache there: not ours).
  expect(readdirSync(childTmp).filter((name) => !name.startsWith('tsx-'))).toEqual([])
  return outcome
}

describe('hostile files', () => {
  it('refuses a workbook of 3 million shared strings after at most 1 million, memory bounded', async () => {
    const file = join(dir, 'shared-strings.xlsx')
    await sharedStringsBomb(file, 3_000_000)
    const outcome = await readInChild(file)
    expect(outcome).toMatchObject({ code: 'xlsx-shared-strings-limit' })
    expect(outcome.message).toMatch(/1 000 000 entrées.*1,000,000 entries/)
    expect(outcome.growthMb).toBeLessThan(MAX_GROWTH_MB)
  }, 30_000)

  it('refuses a zip bomb (1.1 GB of blanks in a skipped sheet) once 1 GiB has inflated', async () => {
    const file = join(dir, 'bomb.xlsx')
    await zipBomb(file, 1.1 * 1024 ** 3)
    const outcome = await readInChild(file)
    expect(outcome).toMatchObject({ code: 'xlsx-size-limit' })
    expect(outcome.message).toMatch(/1 024 Mo.*1,024 MB/)
    expect(outcome.growthMb).toBeLessThan(MAX_GROWTH_MB)
  }, 30_000)

  it('refuses a row of more than 16,384 cells before exceljs builds it', async () => {
    const file = join(dir, 'wide-row.xlsx')
    await wideRowWorkbook(file, 100_000)
    const outcome = await readInChild(file)
    expect(outcome).toMatchObject({ code: 'xlsx-cells-limit' })
    expect(outcome.message).toMatch(/16 384 cellules.*16,384 cells/)
  }, 30_000)

  it('bounds the temporary file of a sheet set aside before sharedStrings.xml, and removes it', async () => {
    const file = join(dir, 'sheets-first-large.xlsx')
    await sheetsBeforeStrings(file, { sheetRows: 20_000, sheets: 3, padding: 200 }) // ~5 MB of sheet XML
    const outcome = await readInChild(file, { maxTempBytes: 1024 * 1024 })
    expect(outcome).toMatchObject({ code: 'xlsx-temp-limit' })
    expect(outcome.message).toMatch(/1 Mo.*1 MB/)
  }, 30_000)

  it('refuses a cell of 2 MB of text (the XML parser holds a text whole) in a sheet set aside on disk', async () => {
    const file = join(dir, 'huge-cell.xlsx')
    await sheetsBeforeStrings(file, { sheetRows: 3, padding: 2 * 1024 * 1024 })
    const outcome = await readInChild(file)
    expect(outcome).toMatchObject({ code: 'xlsx-cells-limit' })
    expect(outcome.message).toMatch(/1 Mo \(limite par cellule\).*1 MB \(the limit per cell\)/)
  }, 30_000)

  it('removes, at start, the temporary directories of reads older than the margin (a process killed mid-read)', async () => {
    const left = join(dir, 'killed')
    mkdirSync(join(left, 'relais-xlsx-old'), { recursive: true })
    mkdirSync(join(left, 'relais-xlsx-now'))
    writeFileSync(join(left, 'relais-xlsx-old', 'sheet1.xml'), '<worksheet/>')
    const day = new Date(Date.now() - 25 * 60 * 60_000)
    utimesSync(join(left, 'relais-xlsx-old'), day, day)
    expect(await removeStaleXlsxTemp(new Date(Date.now() - 24 * 60 * 60_000), left)).toBe(1)
    expect(readdirSync(left)).toEqual(['relais-xlsx-now'])
  })

  it('removes the temporary file when the read of a sheets-first workbook fails after it', async () => {
    const file = join(dir, 'sheets-first-broken.xlsx')
    await sheetsBeforeStrings(file, { sheetRows: 1_000, sheets: 3, brokenStrings: true })
    const outcome = await readInChild(file)
    expect(outcome).toMatchObject({ code: 'corrupt-xlsx' })
  }, 30_000)

  it('still reads a sheets-first workbook within the limits (as openpyxl writes them), first sheet only', async () => {
    const file = join(dir, 'sheets-first.xlsx')
    await sheetsBeforeStrings(file, { sheetRows: 1_000, sheets: 3 })
    const { rows, summary } = await readAll(await readFile(readFileSync(file), 'openpyxl.xlsx'))
    expect(rows).toHaveLength(999)
    expect(rows[0]).toMatchObject({ rowNumber: 2, cells: { code_rc: 'RC-001', valeur: '2' } })
    expect(summary.sheet).toBe('Feuille1')
    expect(summary.ignoredSheets).toEqual(['Feuille2', 'Feuille3'])
  })

  it('refuses a CSV row of 2 million cells without stalling the event loop', async () => {
    const file = join(dir, 'wide.csv')
    await wideCsv(file, 2_000_000)
    let worst = 0
    let last = Date.now()
    const probe = setInterval(() => {
      const now = Date.now()
      worst = Math.max(worst, now - last)
      last = now
    }, 5)
    try {
      const reading = await readFile(createReadStream(file), 'wide.csv')
      await expect(readAll(reading)).rejects.toMatchObject({ code: 'csv-row-limit' })
    } finally {
      clearInterval(probe)
    }
    expect(worst).toBeLessThan(250)
  }, 30_000)
})
