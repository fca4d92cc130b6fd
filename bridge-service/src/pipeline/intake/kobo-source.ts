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
import { knownKoboVersions } from '../../ledger/pipeline-queries'
import { commitPulledBatches, noteDeletedAtSource, type PulledBatch } from './pulled-batches'
import type { RunBook } from '../runs'
import type { SpecRegistry } from '../map/specs'

export type { KoboSourceConfig }

export { DELETED_AT_SOURCE } from './pulled-batches'

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

const KOBO = 'KoboToolbox'

/** One pull of new submissions into `run`. The run is marked read (or failed) at the end. */
export async function pullKobo(deps: KoboSourceDeps, source: KoboSourceConfig, run: Run): Promise<KoboRunSummary> {
  const client = clientOf(deps, source)
  const stored = await repositories(deps.db).cursors.get<PullCursor>(source.name)
  async function* batches(): AsyncIterable<PulledBatch> {
    for await (const batch of pull(client, source.asset, stored?.cursor ?? EMPTY_CURSOR))
      yield { records: toIntake(deps, source, run, batch.submissions), cursor: batch.cursor }
  }
  const { submissions, duplicates } = await commitPulledBatches(deps, source, run, batches(), {
    moveCursor: true,
    systemName: KOBO,
  })
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
  const batches = function* (): Iterable<PulledBatch> {
    for (let i = 0; i < incoming.length; i += 500)
      yield { records: toIntake(deps, source, run, incoming.slice(i, i + 500)) }
  }
  const { duplicates } = await commitPulledBatches(deps, source, run, batches(), {
    moveCursor: false,
    systemName: KOBO,
  })
  const noted = await noteDeletedAtSource(deps, source, run, found.deleted.map(String), KOBO)
  await deps.runs.intakeComplete(run.id, {
    sweep: {
      changed: found.changed.length,
      added: found.added.length,
      deleted: found.deleted,
      unchanged: found.unchanged,
      listed: found.listed,
      deletedNoted: noted,
    },
  })
  return { submissions: incoming.length, duplicates }
}
