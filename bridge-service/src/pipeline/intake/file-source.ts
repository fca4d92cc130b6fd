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
  const flush = async () => {
    if (chunk.length === 0) return
    const result = await deps.intake.commit({ source: input.source, runId: run.id, actor: input.actor, records: chunk })
    duplicates += result.duplicates
    chunk = []
  }
  for await (const row of reading.rows) {
    rows++
    chunk.push(toIntakeRecord(deps.specs, { name: input.source, kind: input.kind }, { ...row.cells }, run))
    if (chunk.length >= CHUNK) await flush()
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
