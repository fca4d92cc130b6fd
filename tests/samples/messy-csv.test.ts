/**
 * The messy partner file end to end across packages: the bridge's file reader reads the committed
 * `partenaires.messy.csv` (Windows-1252, `;`, an Excel serial date, formulas, a long text, trailing
 * blank rows…) as an upload is read, and the compiled spec then gives every row exactly the outcome
 * that `partenaires.messy.expected.json` commits to. The reader's own rules show where they apply:
 * trailing blank rows are skipped and reported, and over-long text is cut with a finding.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { readAll, readFile } from '../../bridge-service/src/sources/files/read-file'
import { mapperFor } from '../../mappings/test-fixtures/seed'

const SAMPLES = join(__dirname, '..', '..', 'mappings', 'samples')

interface Expected {
  row: number
  status: string
  errors: { code: string }[]
}

async function read(name: string) {
  return readAll(await readFile(readFileSync(join(SAMPLES, name)), name))
}

test('every row of the messy CSV, read by the bridge, gets its committed outcome', async () => {
  const { rows, summary } = await read('partenaires.messy.csv')
  const expected = JSON.parse(readFileSync(join(SAMPLES, 'partenaires.messy.expected.json'), 'utf8')) as Expected[]
  expect(summary.encoding?.encoding).toBe('windows-1252')
  expect(summary.separator).toBe(';')

  const result = mapperFor('csv-partenaires').mapBatch(rows.map((r) => r.cells))
  const actual = result.records.map((r, i) => ({ row: i + 1, status: r.status, errors: r.errors.map((e) => e.code) }))
  const wanted = expected
    .filter((e) => e.status !== 'empty')
    .map((e) => ({ row: e.row, status: e.status, errors: e.errors.map((x) => x.code) }))
  expect(actual).toEqual(wanted)

  // The rows the expected file calls "empty" are the trailing blank rows: the reader skips them and says so.
  expect(summary.trailingBlankRows).toBe(expected.filter((e) => e.status === 'empty').length)
  // The over-long remark is cut by the reader, with a finding on its cell.
  expect(rows.some((r) => r.findings.some((f) => f.code === 'text-truncated'))).toBe(true)
})

test('every row of the clean CSV maps without an issue', async () => {
  const { rows } = await read('partenaires.clean.csv')
  const result = mapperFor('csv-partenaires').mapBatch(rows.map((r) => r.cells))
  expect(result.records.length).toBeGreaterThan(0)
  expect(result.records.every((r) => r.status === 'ok' && r.errors.length === 0)).toBe(true)
})
