/**
 * KoboToolbox as a source (shared/domain/sources.md §1), on top of sources/kobo/:
 * - pull: new submissions by `_submission_time` from the stored cursor, page by page; each page's records
 *   and the cursor that covers them are committed together (intake.ts), so a failure half-way loses nothing
 *   and re-reads nothing. A dry run reads from the cursor but never moves it;
 * - sweep (nightly): Kobo edits in place and exposes no edit time, so the sweep compares `_id` → `_uuid` with
 *   the newest version we hold; an edited submission comes in as a new version (its `meta/instanceID`) that
 *   supersedes the old one — the push of the new version replaces the old one's values in DHIS2.
 *   Hard deletes are reported in the run's detail and noted once in the history of the submission's newest
 *   record (reason `deleted-at-source`; its status stays): DHIS2's values are left for a person to decide.
 */
import type { KoboSourceConfig } from '../../config/relais-config'
import type { Db } from '../../ledger'
import { repositories } from '../../ledger'
import type { Run } from '../../ledger/runs'
import type { Logger } from '../../log/logger'
import { createKoboClient, type KoboClient, type KoboSubmission } from '../../sources/kobo/client'
import { EMPTY_CURSOR, pull, type PullCursor } from '../../sources/kobo/pull'
import { sweep } from '../../sources/kobo/sweep'
import { toIntakeRecord, type Intake, type IntakeRecord } from './intake'
import { knownKoboVersions, newestVersionIds } from '../../ledger/pipeline-queries'
import type { RunBook } from '../runs'
import type { SpecRegistry } from '../map/specs'

export type { KoboSourceConfig }

/** The reason of the history note on a record whose submission was deleted in Kobo. */
export const DELETED_AT_SOURCE = 'deleted-at-source'

export interface KoboSourceDeps {
  readonly db: Db
  readonly intake: Intake
  readonly specs: SpecRegistry
  readonly runs: RunBook
  readonly logger: Logger
  /** Where the sources' secrets are read (the variable named by `tokenEnv`). */
  readonly env: NodeJS.ProcessEnv
  /** Overrides the HTTP client (tests). */
  readonly clientFor?: (source: KoboSourceConfig, token: string) => KoboClient
}

export interface KoboRunSummary {
  readonly submissions: number
  readonly duplicates: number
}

function clientOf(deps: KoboSourceDeps, source: KoboSourceConfig): KoboClient {
  const token = deps.env[source.tokenEnv]?.trim()
  if (!token) throw new Error(`source "${source.name}": the environment variable ${source.tokenEnv} is not set`)
  return deps.clientFor ? deps.clientFor(source, token) : createKoboClient({ baseUrl: source.url, token })
}

function toIntake(deps: KoboSourceDeps, source: KoboSourceConfig, run: Run, submissions: readonly KoboSubmission[]) {
  return submissions.map((submission): IntakeRecord =>
    toIntakeRecord(deps.specs, source, submission, run, { fallbackVersion: submission._uuid }),
  )
}

async function cancelled(runs: RunBook, runId: string): Promise<boolean> {
  return (await runs.get(runId))?.status !== 'running'
}

/** One pull of new submissions into `run`. The run is marked read (or failed) at the end. */
export async function pullKobo(deps: KoboSourceDeps, source: KoboSourceConfig, run: Run): Promise<KoboRunSummary> {
  const client = clientOf(deps, source)
  const stored = await repositories(deps.db).cursors.get<PullCursor>(source.name)
  let submissions = 0
  let duplicates = 0
  for await (const batch of pull(client, source.asset, stored?.cursor ?? EMPTY_CURSOR)) {
    if (await cancelled(deps.runs, run.id)) break
    const result = await deps.intake.commit({
      source: source.name,
      runId: run.id,
      actor: `source:${source.name}`,
      records: toIntake(deps, source, run, batch.submissions),
      ...(run.mode === 'import' ? { cursor: batch.cursor } : {}),
    })
    submissions += batch.submissions.length
    duplicates += result.duplicates
  }
  await deps.runs.intakeComplete(run.id, { submissions, duplicates })
  deps.logger.info({ source: source.name, runId: run.id, submissions, duplicates }, 'kobo pull read')
  return { submissions, duplicates }
}

/** The edit sweep into `run`: edited and never-seen submissions come in as new versions. */
export async function sweepKobo(deps: KoboSourceDeps, source: KoboSourceConfig, run: Run): Promise<KoboRunSummary> {
  const client = clientOf(deps, source)
  const known = await knownKoboVersions(deps.db, source.name)
  const found = await sweep(client, source.asset, known)
  const incoming = [...found.changed, ...found.added]
  let duplicates = 0
  for (let i = 0; i < incoming.length; i += 500) {
    const result = await deps.intake.commit({
      source: source.name,
      runId: run.id,
      actor: `source:${source.name}`,
      records: toIntake(deps, source, run, incoming.slice(i, i + 500)),
    })
    duplicates += result.duplicates
  }
  const sweepDetail = {
    changed: found.changed.length,
    added: found.added.length,
    deleted: found.deleted,
    unchanged: found.unchanged,
    listed: found.listed,
  }
  let noted = 0
  if (found.deleted.length > 0 && run.mode === 'import') {
    const ids = await newestVersionIds(deps.db, source.name, found.deleted.map(String))
    noted = (
      await repositories(deps.db).events.note(ids, {
        actor: `source:${source.name}`,
        reason: DELETED_AT_SOURCE,
        detail: {
          runId: run.id,
          message: {
            en: 'The submission was deleted in KoboToolbox. The values DHIS2 received from it are kept: a data manager decides whether to remove them.',
            fr: "La soumission a été supprimée dans KoboToolbox. Les valeurs que DHIS2 en a reçues sont conservées : un gestionnaire décide s'il faut les retirer.",
          },
        },
      })
    ).length
  }
  await deps.runs.intakeComplete(run.id, { sweep: { ...sweepDetail, deletedNoted: noted } })
  if (found.deleted.length > 0)
    deps.logger.warn(
      { source: source.name, deleted: found.deleted, noted },
      'submissions deleted in Kobo: their DHIS2 values are kept',
    )
  return { submissions: incoming.length, duplicates }
}
