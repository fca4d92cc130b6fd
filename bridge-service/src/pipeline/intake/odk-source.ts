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
import { newestVersionIds } from '../../ledger/pipeline-queries'
import type { Run } from '../../ledger/runs'
import { createOdkClient, type OdkAuth, type OdkClient, type OdkRow } from '../../sources/odk/client'
import { EMPTY_ODK_CURSOR, pullOdk as pullOdkChanges, type OdkCursor } from '../../sources/odk/pull'
import { odkRecord } from '../../sources/odk/records'
import { toIntakeRecord } from './intake'
import { DELETED_AT_SOURCE, type KoboSourceDeps } from './kobo-source'

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

function toIntake(deps: OdkSourceDeps, source: OdkSourceConfig, run: Run, rows: readonly OdkRow[]) {
  return rows.map((row) =>
    toIntakeRecord(deps.specs, source, odkRecord(row), run, {
      fallbackVersion: row.meta?.instanceID ?? row.__system.updatedAt ?? row.__id,
    }),
  )
}

async function cancelled(deps: OdkSourceDeps, runId: string): Promise<boolean> {
  return (await deps.runs.get(runId))?.status !== 'running'
}

async function noteDeleted(deps: OdkSourceDeps, source: OdkSourceConfig, run: Run, rows: readonly OdkRow[]) {
  if (rows.length === 0 || run.mode !== 'import') return 0
  const ids = await newestVersionIds(
    deps.db,
    source.name,
    rows.map((r) => r.__id),
  )
  const noted = await repositories(deps.db).events.note(ids, {
    actor: `source:${source.name}`,
    reason: DELETED_AT_SOURCE,
    detail: {
      runId: run.id,
      message: {
        en: 'The submission was deleted in ODK Central. The values DHIS2 received from it are kept: a data manager decides whether to remove them.',
        fr: "La soumission a été supprimée dans ODK Central. Les valeurs que DHIS2 en a reçues sont conservées : un gestionnaire décide s'il faut les retirer.",
      },
    },
  })
  deps.logger.warn(
    { source: source.name, deleted: rows.map((r) => r.__id), noted: noted.length },
    'submissions deleted in ODK Central: their DHIS2 values are kept',
  )
  return noted.length
}

/** One pull of what changed since the cursor into `run`. The run is marked read (or failed) at the end. */
export async function pullOdk(deps: OdkSourceDeps, source: OdkSourceConfig, run: Run): Promise<OdkRunSummary> {
  const client = clientOf(deps, source)
  const stored = await repositories(deps.db).cursors.get<OdkCursor>(source.name)
  let submissions = 0
  let duplicates = 0
  let deleted = 0
  for await (const batch of pullOdkChanges(client, source.formId, stored?.cursor ?? EMPTY_ODK_CURSOR)) {
    if (await cancelled(deps, run.id)) break
    const result = await deps.intake.commit({
      source: source.name,
      runId: run.id,
      actor: `source:${source.name}`,
      records: toIntake(deps, source, run, batch.submissions),
      ...(run.mode === 'import' ? { cursor: batch.cursor } : {}),
    })
    submissions += batch.submissions.length
    duplicates += result.duplicates
    deleted += batch.deleted.length
    await noteDeleted(deps, source, run, batch.deleted)
  }
  await deps.runs.intakeComplete(run.id, { submissions, duplicates, deleted })
  deps.logger.info({ source: source.name, runId: run.id, submissions, duplicates, deleted }, 'odk pull read')
  return { submissions, duplicates, deleted }
}

/** The sweep: every live submission read again from the start; the stored cursor is neither read nor moved. */
export async function sweepOdk(deps: OdkSourceDeps, source: OdkSourceConfig, run: Run): Promise<OdkRunSummary> {
  const client = clientOf(deps, source)
  let submissions = 0
  let duplicates = 0
  for await (const batch of pullOdkChanges(client, source.formId, EMPTY_ODK_CURSOR)) {
    if (await cancelled(deps, run.id)) break
    const result = await deps.intake.commit({
      source: source.name,
      runId: run.id,
      actor: `source:${source.name}`,
      records: toIntake(deps, source, run, batch.submissions),
    })
    submissions += batch.submissions.length
    duplicates += result.duplicates
  }
  await deps.runs.intakeComplete(run.id, { sweep: { listed: submissions, added: submissions - duplicates } })
  return { submissions, duplicates, deleted: 0 }
}
