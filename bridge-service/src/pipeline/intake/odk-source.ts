/**
 * ODK Central as a source (kobo-odk-api.md Part B), on top of sources/odk/, with Kobo's guarantees:
 * - pull: new, edited and deleted submissions since the stored cursor (sources/odk/pull.ts), each batch's
 *   records and the cursor that covers it committed together (intake.ts); a dry run never moves the cursor.
 *   Rows are flattened to XForm paths (sources/odk/records.ts) before the spec reads them. An edit is a new
 *   version of the same record (`__id` key, `meta/instanceID` version) that supersedes the old one.
 * - deletes (Central's soft deletes, `__system/deletedAt`): noted once in the history of the submission's
 *   newest record, reason `deleted-at-source` as for Kobo; its status and DHIS2's values stay for a person.
 * - sweep: the whole form read again without moving the cursor; what the ledger already holds is a duplicate,
 *   anything a time cursor missed (a restored submission keeps its old times) comes in.
 */
import type { OdkSourceConfig } from '../../config/relais-config'
import { repositories } from '../../ledger'
import type { Run } from '../../ledger/runs'
import { createOdkClient, type OdkAuth, type OdkClient } from '../../sources/odk/client'
import { EMPTY_ODK_CURSOR, pullOdk as pullOdkChanges, type OdkCursor, type OdkPullBatch } from '../../sources/odk/pull'
import { odkRecord } from '../../sources/odk/records'
import { toIntakeRecord } from './intake'
import type { KoboSourceDeps } from './kobo-source'
import { commitPulledBatches, type PulledBatch } from './pulled-batches'

/** The same dependencies as a Kobo source, the HTTP client excepted. */
export type OdkSourceDeps = Pick<KoboSourceDeps, 'db' | 'intake' | 'specs' | 'runs' | 'logger' | 'env'> & {
  readonly odkClientFor?: (source: OdkSourceConfig, auth: OdkAuth) => OdkClient
}

export interface OdkRunSummary {
  readonly submissions: number
  readonly duplicates: number
  readonly deleted: number
}

function authOf(deps: OdkSourceDeps, source: OdkSourceConfig): OdkAuth {
  const read = (name: string | undefined) => {
    const value = name === undefined ? undefined : deps.env[name]?.trim()
    if (!value) throw new Error(`source "${source.name}": the environment variable ${name} is not set`)
    return value
  }
  return source.tokenEnv !== undefined
    ? { kind: 'appUser', token: read(source.tokenEnv) }
    : { kind: 'session', email: read(source.emailEnv), password: read(source.passwordEnv) }
}

function clientOf(deps: OdkSourceDeps, source: OdkSourceConfig): OdkClient {
  const auth = authOf(deps, source)
  return deps.odkClientFor
    ? deps.odkClientFor(source, auth)
    : createOdkClient({ baseUrl: source.url, projectId: source.projectId, auth })
}

const ODK_CENTRAL = 'ODK Central'

/** Central's batches as intake batches: rows flattened to XForm paths, keyed by `__id`. */
async function* batchesOf(
  deps: OdkSourceDeps,
  source: OdkSourceConfig,
  run: Run,
  batches: AsyncIterable<OdkPullBatch>,
  options: { withDeletes: boolean } = { withDeletes: true },
): AsyncIterable<PulledBatch> {
  for await (const batch of batches)
    yield {
      records: batch.submissions.map((row) =>
        toIntakeRecord(deps.specs, source, odkRecord(row), run, {
          fallbackVersion: row.meta?.instanceID ?? row.__system.updatedAt ?? row.__id,
        }),
      ),
      cursor: batch.cursor,
      ...(options.withDeletes ? { deleted: batch.deleted.map((r) => r.__id) } : {}),
    }
}

/** One pull of what changed since the cursor into `run`. The run is marked read (or failed) at the end. */
export async function pullOdk(deps: OdkSourceDeps, source: OdkSourceConfig, run: Run): Promise<OdkRunSummary> {
  const client = clientOf(deps, source)
  const stored = await repositories(deps.db).cursors.get<OdkCursor>(source.name)
  const { submissions, duplicates, deleted } = await commitPulledBatches(
    deps,
    source,
    run,
    batchesOf(deps, source, run, pullOdkChanges(client, source.formId, stored?.cursor ?? EMPTY_ODK_CURSOR)),
    { moveCursor: true, systemName: ODK_CENTRAL },
  )
  await deps.runs.intakeComplete(run.id, { submissions, duplicates, deleted })
  deps.logger.info({ source: source.name, runId: run.id, submissions, duplicates, deleted }, 'odk pull read')
  return { submissions, duplicates, deleted }
}

/** The sweep: every live submission read again from the start; the stored cursor is neither read nor moved. */
export async function sweepOdk(deps: OdkSourceDeps, source: OdkSourceConfig, run: Run): Promise<OdkRunSummary> {
  const client = clientOf(deps, source)
  const { submissions, duplicates } = await commitPulledBatches(
    deps,
    source,
    run,
    batchesOf(deps, source, run, pullOdkChanges(client, source.formId, EMPTY_ODK_CURSOR), { withDeletes: false }),
    { moveCursor: false, systemName: ODK_CENTRAL },
  )
  await deps.runs.intakeComplete(run.id, { sweep: { listed: submissions, added: submissions - duplicates } })
  return { submissions, duplicates, deleted: 0 }
}
