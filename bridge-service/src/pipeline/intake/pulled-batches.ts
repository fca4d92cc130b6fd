/**
 * What the pulled sources (KoboToolbox, ODK Central) do alike with what they read: commit each batch's records
 * with the cursor that covers it (one transaction, intake.ts), stop when the run was cancelled, and note a
 * submission deleted at the source once in the history of its newest record. The sources differ only in how
 * they read (sources/kobo, sources/odk) and how a row becomes a record.
 */
import type { KoboSourceConfig, OdkSourceConfig } from '../../config/relais-config'
import { repositories, type Db } from '../../ledger'
import { newestVersionIds } from '../../ledger/pipeline-queries'
import type { Run } from '../../ledger/runs'
import type { Logger } from '../../log/logger'
import type { RunBook } from '../runs'
import type { Intake, IntakeRecord } from './intake'

/** The reason of the history note on a record whose submission was deleted at its source. */
export const DELETED_AT_SOURCE = 'deleted-at-source'

type PulledSourceConfig = KoboSourceConfig | OdkSourceConfig

export interface PulledBatch {
  readonly records: readonly IntakeRecord[]
  /** The cursor that covers this batch: committed with its records (imports only; a dry run never moves it). */
  readonly cursor?: unknown
  /** Source keys of the submissions the source reports deleted in this batch. */
  readonly deleted?: readonly string[]
}

export interface PulledBatchesDeps {
  readonly db: Db
  readonly intake: Intake
  readonly runs: RunBook
  readonly logger: Logger
}

export interface PulledTotals {
  readonly submissions: number
  readonly duplicates: number
  readonly deleted: number
  readonly deletedNoted: number
}

async function cancelled(runs: RunBook, runId: string): Promise<boolean> {
  return (await runs.get(runId))?.status !== 'running'
}

/**
 * Commits every batch into `run` until the batches end or the run is cancelled (checked before each batch).
 * `moveCursor`: false for a sweep, which reads everything again without touching the stored cursor.
 */
export async function commitPulledBatches(
  deps: PulledBatchesDeps,
  source: PulledSourceConfig,
  run: Run,
  batches: AsyncIterable<PulledBatch> | Iterable<PulledBatch>,
  options: { readonly moveCursor: boolean; readonly systemName: string },
): Promise<PulledTotals> {
  let submissions = 0
  let duplicates = 0
  let deleted = 0
  let deletedNoted = 0
  for await (const batch of batches) {
    if (await cancelled(deps.runs, run.id)) break
    const result = await deps.intake.commit({
      source: source.name,
      runId: run.id,
      actor: `source:${source.name}`,
      records: batch.records,
      ...(options.moveCursor && run.mode === 'import' && batch.cursor !== undefined ? { cursor: batch.cursor } : {}),
    })
    submissions += batch.records.length
    duplicates += result.duplicates
    if (batch.deleted && batch.deleted.length > 0) {
      deleted += batch.deleted.length
      deletedNoted += await noteDeletedAtSource(deps, source, run, batch.deleted, options.systemName)
    }
  }
  return { submissions, duplicates, deleted, deletedNoted }
}

/**
 * Notes, once, in the history of each deleted submission's newest record that it was deleted at the source.
 * Its status and the values DHIS2 holds stay: removing them is a person's decision. Answers how many records
 * got the note (a submission we never took has none). Dry runs note nothing.
 */
export async function noteDeletedAtSource(
  deps: Pick<PulledBatchesDeps, 'db' | 'logger'>,
  source: PulledSourceConfig,
  run: Run,
  sourceKeys: readonly string[],
  systemName: string,
): Promise<number> {
  if (sourceKeys.length === 0 || run.mode !== 'import') return 0
  const ids = await newestVersionIds(deps.db, source.name, sourceKeys)
  const noted = await repositories(deps.db).events.note(ids, {
    actor: `source:${source.name}`,
    reason: DELETED_AT_SOURCE,
    detail: {
      runId: run.id,
      message: {
        en: `The submission was deleted in ${systemName}. The values DHIS2 received from it are kept: a data manager decides whether to remove them.`,
        fr: `La soumission a été supprimée dans ${systemName}. Les valeurs que DHIS2 en a reçues sont conservées : un gestionnaire décide s'il faut les retirer.`,
      },
    },
  })
  deps.logger.warn(
    { source: source.name, deleted: sourceKeys, noted: noted.length },
    `submissions deleted in ${systemName}: their DHIS2 values are kept`,
  )
  return noted.length
}
