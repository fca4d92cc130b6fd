/**
 * Uploaded files (CSV/XLSX, from the bytes) as a source: rows are read as a stream (sources/files/) and
 * committed in chunks — memory stays bounded whatever the file's size — each row a record whose raw payload
 * is its cells keyed by the header. The file's summary (format, encoding, separator, file-level findings)
 * goes into the run's detail.
 */
import type { FileInput } from '../../sources/files/read-file'
import { readFile } from '../../sources/files/read-file'
import type { Run } from '../../ledger/runs'
import { toIntakeRecord, type Intake, type IntakeRecord } from './intake'
import type { RunBook } from '../runs'
import type { SpecRegistry } from '../map/specs'

const CHUNK = 1000
/**
 * The first chunks are small and grow (100, 400, then CHUNK rows): the first records are committed, mapped
 * and on their way to DHIS2 while the rest of the file is read, so a slow DHIS2 starts importing within about
 * a second of the upload instead of after a chunk of 1,000 rows (two map jobs of 500, then pushes of 14,000
 * values), and its second slot gets work soon after (issue 18). Startup is CPU-bound on the bridge's one thread
 * (intake, mapping and push share it), so a smaller first job is what brings the first POST forward. Two
 * commits more per file; 100/200/400 and 100 alone were no better in alternated runs (2026-12-06).
 */
const RAMP = [100, 400] as const
/** Rows in the chunk after `committed` rows were committed. */
function chunkSize(committed: number): number {
  let start = 0
  for (const size of RAMP) {
    if (committed <= start) return size
    start += size
  }
  return CHUNK
}
/**
 * A file's rows are mapped as they are stored (intake.ts `mapNow`) while they map cleanly. A chunk of which
 * fewer than this share was stored mapped (late rows of a past period, invalid rows) turns that off for the
 * rest of the file: those rows would be mapped twice, once here and once by the map stage that quarantines them.
 * Measured on bench/csv-memory.ts (1,000,000 late rows, 2026-12-07): with mapping throughout, the rows took
 * 750 s to commit; with this rule 586 s; without the shortcut 501 s.
 */
const MAP_NOW_MIN_SHARE = 0.5
/** File-level findings kept in the run's detail (the count stays exact). */
const MAX_FINDINGS = 50

export interface FileSourceDeps {
  readonly intake: Intake
  readonly specs: SpecRegistry
  readonly runs: RunBook
}

export async function intakeFile(
  deps: FileSourceDeps,
  input: { source: string; kind: 'csv' | 'xlsx'; filename: string; body: FileInput; actor: string },
  run: Run,
): Promise<{ rows: number; duplicates: number }> {
  const reading = await readFile(input.body, input.filename)
  let rows = 0
  let duplicates = 0
  let chunk: IntakeRecord[] = []
  let limit = chunkSize(0)
  let mapNow = true
  const flush = async () => {
    if (chunk.length === 0) return
    const result = await deps.intake.commit({
      source: input.source,
      runId: run.id,
      actor: input.actor,
      records: chunk,
      mapNow,
    })
    if (mapNow && result.mappedNow < MAP_NOW_MIN_SHARE * result.newIds.length) mapNow = false
    duplicates += result.duplicates
    chunk = []
    limit = chunkSize(rows)
  }
  for await (const row of reading.rows) {
    rows++
    chunk.push(toIntakeRecord(deps.specs, { name: input.source, kind: input.kind }, { ...row.cells }, run))
    if (chunk.length >= limit) await flush()
  }
  await flush()
  const { summary } = reading
  await deps.runs.intakeComplete(run.id, {
    file: {
      filename: summary.filename,
      format: summary.format,
      ...(summary.encoding ? { encoding: summary.encoding } : {}),
      ...(summary.separator ? { separator: summary.separator } : {}),
      ...(summary.sheet ? { sheet: summary.sheet } : {}),
      rows: summary.rows,
      rowsWithFindings: summary.rowsWithFindings,
      findings: summary.findings.slice(0, MAX_FINDINGS),
    },
    rows,
    duplicates,
  })
  return { rows, duplicates }
}
