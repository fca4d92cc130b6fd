/**
 * The push stage: `mapped` records → DHIS2 `dataValueSets` → `imported` | `unchanged` | `quarantined(conflict)`
 * | `failed`, one chunk of records per job.
 *
 * - Values whose content hash equals what DHIS2 already holds from us (importedValues) are not sent; a record
 *   whose values are all unchanged (or that has nothing to send: superseded, duplicate row, empty) → unchanged.
 * - A newer version of a source record (Kobo edit, corrected re-upload) replaces the older one's values: keys
 *   the older version had imported and the new one no longer has are sent as deletions.
 * - Requests per data set × period, ≤ batchSize values (source config, default 5,000), body ≤ 10 MB
 *   (batches.ts). `dryRun` for dry-run runs; nothing is then recorded as imported.
 * - The import summary is mapped back to the exact records through its indexes (409 WARNING = partly saved):
 *   records whose values were all accepted → imported; records with a refused value → quarantined(conflict)
 *   with DHIS2's messages. Every accepted value's hash goes to importedValues — also the accepted values of a
 *   refused record, since DHIS2 stored them.
 * - Transient failures (5xx, 429, timeouts, resets): one attempt more on each record of the request; records at
 *   `maxAttempts` → failed (visible, re-triable by hand); the others are retried by BullMQ with the `relais`
 *   backoff (Retry-After as a floor). If the job has no BullMQ attempt left, a continuation job is enqueued.
 * - An answer that may have been lost after DHIS2 saved (timeout, reset, 502/504), or a retry DHIS2 refuses after
 *   one: DHIS2's values are read back first, and records whose every value DHIS2 holds as sent are imported.
 * - Records whose every value DHIS2 already holds as they would be sent (the read before the push shows it) are
 *   imported without being sent: a job given back after its worker died once DHIS2 had saved its request (kill -9
 *   between DHIS2's answer and the ledger's commit) does not send those values a second time (issue 18).
 * - Circuit open (DHIS2 down): nothing is sent, no attempt is counted; the job is moved to delayed until the
 *   breaker allows a probe — so a DHIS2 that is down receives one request per cool-down, whatever the backlog.
 * - 401/403 (and 404, redirects, non-DHIS2 answers): a configuration problem, not the records' fault. They stay
 *   mapped, the job fails loudly (Dhis2ConfigurationError) and is not retried.
 * - A run cancelled meanwhile: its mapped records → failed (`cancelled`), nothing is sent.
 */
import { interpretImportSummary, recordOutcomes, type ImportSummary } from '../../dhis2/import-summary'
import { backoffDelay } from '../../dhis2/backoff'
import type { CircuitBreaker } from '../../dhis2/circuit-breaker'
import type { Dhis2Client } from '../../dhis2/client'
import { isDhis2Error, type Dhis2Error } from '../../dhis2/errors'
import { repositories, type Db } from '../../ledger'
import type { Run } from '../../ledger/runs'
import { classifyValue, valueKey, type ImportedValue } from '../../ledger/imported-values'
import type { TransitionItem } from '../../ledger/records'
import type { Logger } from '../../log/logger'
import {
  DEFAULT_BATCH_VALUES,
  DEFAULT_MAX_BODY_BYTES,
  outgoingDeletion,
  outgoingValue,
  planBatches,
  wireValue,
  type Batch,
  type OutgoingValue,
  type RecordWork,
} from './batches'
import type { Enqueuer } from '../enqueue'
import { loadRecords, supersededIds, valuesOfOlderVersions, type PipelineRecord } from '../../ledger/pipeline-queries'
import { notify, type PipelineObserver } from '../observer'
import { readMapped, type MappedPayload } from '../map/payload'
import { overwritesOf } from './overwrites'
import { diffBatch, markRefused, sameOnly, type RecordDiff } from './dry-run-diff'
import { answerMayBeLost, readBack, recordsHeld } from './read-back'
import type { RetrySettings } from '../queues'
import type { RunBook } from '../runs'
import { UnknownSourceError } from '../services'
import type { SpecRegistry } from '../map/specs'

export const PUSH_ACTOR = 'pipeline:push'

export interface PushStageDeps {
  readonly db: Db
  readonly dhis2: Dhis2Client
  readonly breaker: CircuitBreaker
  readonly retry: RetrySettings
  readonly specs: SpecRegistry
  readonly enqueue: Enqueuer
  readonly runs: RunBook
  readonly logger: Logger
  readonly maxBodyBytes?: number
  /** Told of each request's duration and each DHIS2 error (metrics). */
  readonly observer?: PipelineObserver
  /** DHIS2's clock and time zone, for completion dates (default: now, UTC). */
  readonly clock?: { now: () => Date; timeZone: string }
  /**
   * false only to measure what the overwrite check costs (bench/bridge-csv.ts, `serve --without-overwrite-check`):
   * people's values would then be overwritten silently. Default true.
   */
  readonly checkOverwrites?: boolean
}

/** What the stage needs from the job that runs it (BullMQ in workers.ts; anything in a test). */
export interface PushJobContext {
  /** Failed attempts of the job so far, and how many it may make in all. */
  readonly attemptsMade: number
  readonly maxAttempts: number
  /** Puts the job back to wait `ms` without counting an attempt; never returns (throws the queue's signal). */
  delay(ms: number): Promise<never>
}

/** A transient DHIS2 failure the job is retried for; BullMQ's backoff reads `retryAfterMs`. */
export class TransientPushError extends Error {
  override readonly name = 'TransientPushError'
  readonly retryAfterMs: number | undefined
  constructor(readonly dhis2: Dhis2Error) {
    super(dhis2.message)
    this.retryAfterMs = dhis2.retryAfterMs
  }
}

/** DHIS2 refuses the bridge itself (credentials, authorities, URL): records stay mapped, someone must act. */
export class Dhis2ConfigurationError extends Error {
  override readonly name = 'Dhis2ConfigurationError'
  constructor(readonly dhis2: Dhis2Error) {
    super(
      `DHIS2 refuses the bridge (${dhis2.message}): check DHIS2_URL and the bridge's credentials and authorities; the records stay mapped`,
    )
  }
}

export function isConfigurationProblem(error: Dhis2Error): boolean {
  const status = error.status ?? 0
  return (
    status === 401 ||
    status === 403 ||
    status === 404 ||
    (status >= 300 && status < 400) ||
    error.reason === 'invalid-response'
  )
}

export interface PushStageResult {
  imported: number
  unchanged: number
  conflicts: number
  failed: number
  requests: number
}

export async function runPushStage(
  deps: PushStageDeps,
  runId: string | null,
  recordIds: readonly string[],
  job: PushJobContext,
): Promise<PushStageResult> {
  // Read together, not one after the other: while intake and map jobs hold the thread, each round trip of a
  // push waits for a turn of the event loop, and the first push of an upload is what DHIS2 waits for (issue 18).
  const [loaded, run] = await Promise.all([
    loadRecords(deps.db, recordIds, 'mapped'),
    runId === null ? undefined : deps.runs.get(runId),
  ])
  const records = loaded.filter((r) => r.status === 'mapped')
  if (records.length === 0) return { imported: 0, unchanged: 0, conflicts: 0, failed: 0, requests: 0 }
  // Whole reports are completed once their values are in: also when this job ends early (a transient failure,
  // a delay), for the records it did settle.
  const reports = records.filter((r) => (r.mapped as { completion?: unknown } | null)?.completion !== undefined)
  try {
    return await pushRecords(deps, runId, run, records, job)
  } finally {
    // A dry run stores nothing, completions included.
    if (reports.length > 0 && run?.mode !== 'dry-run') await enqueueCompletions(deps, runId, reports)
  }
}

async function enqueueCompletions(deps: PushStageDeps, runId: string | null, reports: readonly PipelineRecord[]) {
  const settled = (
    await loadRecords(
      deps.db,
      reports.map((r) => r.id),
      'none',
    )
  )
    .filter((r) => r.status === 'imported' || r.status === 'unchanged' || r.status === 'quarantined')
    .map((r) => r.id)
  // The job id follows the records and their state: a record pushed again (a new version, a release) is looked at again.
  if (settled.length > 0) await deps.enqueue.complete(runId, settled, { generation: `after-push-${Date.now()}` })
}

async function pushRecords(
  deps: PushStageDeps,
  runId: string | null,
  run: Run | undefined,
  records: PipelineRecord[],
  job: PushJobContext,
): Promise<PushStageResult> {
  const { db, logger } = deps
  const result: PushStageResult = { imported: 0, unchanged: 0, conflicts: 0, failed: 0, requests: 0 }
  const settle = () => deps.runs.settle(records.map((r) => r.runId))
  const ledger = repositories(db).records
  const dryRun = run?.mode === 'dry-run'

  if (run?.status === 'cancelled') {
    const { moved } = await ledger.transitionMany(
      records.map((r) => ({ id: r.id })),
      'mapped',
      'failed',
      {
        actor: PUSH_ACTOR,
        lastError: { kind: 'cancelled', message: 'the run was cancelled before this record was sent' },
      },
    )
    result.failed = moved.length
    await settle()
    return result
  }

  const prepared = await prepare(deps, records, dryRun)
  result.unchanged += await finishUnchanged(deps, prepared.nothingToSend, dryRun)
  result.imported += await finishImportedEarlier(deps, prepared.importedEarlier)
  const byId = new Map(records.map((r) => [r.id, r]))
  const done = new Set<string>([...prepared.nothingToSend, ...prepared.importedEarlier].map((n) => n.id))
  const batches = planBatches(prepared.work, {
    maxValues: batchSizeOf(deps.specs, records[0]?.source ?? ''),
    maxBytes: deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
  })

  for (const planned of batches) {
    if (!deps.breaker.tryAcquire()) {
      await settle()
      return job.delay(Math.max(50, deps.breaker.retryInMs()))
    }
    let summary: ImportSummary
    let batch = planned
    let diffs: ReadonlyMap<string, RecordDiff> | undefined
    try {
      // People's values first: what DHIS2 holds is read before anything is written (overwrites.ts).
      const checked = await holdOverwrites(deps, planned, prepared, byId, dryRun)
      result.conflicts += checked.held.length
      for (const id of checked.held) done.add(id)
      batch = checked.batch
      diffs = checked.diffs
      const already = checked.alreadyHeld
      if (already.size > 0) {
        result.imported += await finishHeld(deps, batch, already, byId, 'already-held')
        for (const id of already) done.add(id)
        batch = {
          ...batch,
          values: batch.values.filter((v) => !already.has(v.recordId)),
          recordIds: batch.recordIds.filter((id) => !already.has(id)),
        }
      }
      if (batch.values.length === 0) {
        deps.breaker.onSuccess()
        continue
      }
      result.requests++
      const payload = { dataSet: batch.dataSet, dataValues: batch.values.map(wireValue) }
      const sentAt = performance.now()
      summary = await deps.dhis2.postDataValueSets(payload, dryRun ? { dryRun: true } : {})
      const ms = performance.now() - sentAt
      notify(logger, deps.observer, (o) => o.observePush?.(ms, batch.values.length))
      deps.breaker.onSuccess()
    } catch (error) {
      if (!isDhis2Error(error) || error.reason === 'aborted') {
        deps.breaker.release()
        throw error
      }
      const failure = error
      notify(logger, deps.observer, (o) => o.countDhis2Error?.(failure.kind, failure.reason))
      deps.breaker.onFailure(error.kind)
      if (error.kind === 'transient') {
        // DHIS2 may have saved it all the same: what it holds decides, not the lost answer.
        const held = dryRun ? new Set<string>() : await confirmHeld(deps, batch, error)
        if (held.size > 0) {
          result.imported += await finishHeld(deps, batch, held, byId, error)
          for (const id of held) done.add(id)
        }
        const unconfirmed = { ...batch, recordIds: batch.recordIds.filter((id) => !held.has(id)) }
        const failed = new Set(unconfirmed.recordIds.length > 0 ? await transientFailure(deps, unconfirmed, error) : [])
        result.failed += failed.size
        // This request's records (but those now failed) and the requests not made yet.
        const remaining = records.filter((r) => !done.has(r.id) && !failed.has(r.id))
        await settle()
        if (remaining.length === 0) return result
        if (job.attemptsMade + 1 < job.maxAttempts) throw new TransientPushError(error)
        // BullMQ will not retry this job again: a fresh job carries the rest (attempts live on the records).
        const attempt = Math.max(1, ...remaining.map((r) => r.attempts + 1))
        await deps.enqueue.push(
          runId,
          remaining.map((r) => r.id),
          {
            generation: `continue-${Date.now()}`,
            delayMs: backoffDelay(Math.min(attempt, 30), deps.retry.backoff, error.retryAfterMs),
          },
        )
        logger.warn({ runId, records: remaining.length, error: error.message }, 'push continues in a new job')
        return result
      }
      if (isConfigurationProblem(error)) {
        logger.error({ err: error.toJSON(), runId }, 'DHIS2 refuses the bridge: records stay mapped until it is fixed')
        throw new Dhis2ConfigurationError(error)
      }
      // DHIS2 refused this payload as a whole (400, 413…): DHIS2's message goes with each record.
      result.conflicts += await quarantine(
        deps,
        batch.recordIds.map((id) => ({ id, detail: { dhis2: error.toJSON() }, lastError: error.toJSON() })),
        'conflict',
        dryRun,
      )
      for (const id of batch.recordIds) done.add(id)
      continue
    }
    const applied = await applySummary(deps, batch, summary, byId, dryRun, diffs)
    result.imported += applied.imported
    result.unchanged += applied.unchanged
    result.conflicts += applied.conflicts
    for (const id of batch.recordIds) done.add(id)
  }
  await settle()
  logger.debug({ runId, ...result }, 'push stage done')
  return result
}

function batchSizeOf(specs: SpecRegistry, source: string): number {
  try {
    return specs.source(source).batchSize
  } catch (error) {
    if (error instanceof UnknownSourceError) return DEFAULT_BATCH_VALUES
    throw error
  }
}

interface Prepared {
  work: RecordWork[]
  nothingToSend: { id: string; detail: Record<string, unknown> }[]
  /**
   * Records whose every value DHIS2 already holds from THEM: an earlier push of this very record got through
   * and was recorded, then the worker died before the record moved (kill -9 between the two writes). They
   * were imported — not "unchanged", which would say another version had already brought these values.
   */
  importedEarlier: { id: string; detail: Record<string, unknown> }[]
  /** What DHIS2 holds from us for the keys of `work` (importedValues), for the overwrite check. */
  existing?: ReadonlyMap<string, ImportedValue>
  /** Records a person released from an overwrite quarantine: not checked again. */
  exempt?: ReadonlySet<string>
  /** Per record, its values left out because DHIS2 holds them from us unchanged (a dry run's « same »). */
  sameFromUs: Map<string, number>
}

/** Each record's values to send: its own (unless DHIS2 already holds them), plus deletions of vanished keys. */
async function prepare(deps: PushStageDeps, records: readonly PipelineRecord[], dryRun: boolean): Promise<Prepared> {
  const ids = records.map((r) => r.id)
  // Two independent reads in parallel (a round trip less before the first POST; see runPushStage).
  const [superseded, older] = await Promise.all([
    supersededIds(deps.db, ids),
    dryRun ? new Map<string, never[]>() : valuesOfOlderVersions(deps.db, ids),
  ])
  const prepared: Prepared = { work: [], nothingToSend: [], importedEarlier: [], sameFromUs: new Map() }
  const candidates: { record: PipelineRecord; payload: MappedPayload; values: OutgoingValue[] }[] = []
  for (const record of records) {
    const payload = readMapped(record.mapped)
    if (payload === undefined) {
      prepared.nothingToSend.push({ id: record.id, detail: { note: 'no mapped payload' } })
      continue
    }
    const newer = superseded.get(record.id) ?? (payload.note === 'superseded' ? payload.supersededBy : undefined)
    if (newer !== undefined || payload.note !== undefined) {
      prepared.nothingToSend.push({
        id: record.id,
        detail: { note: payload.note ?? 'superseded', ...(newer ? { supersededBy: newer } : {}) },
      })
      continue
    }
    const values: OutgoingValue[] = payload.dataValues.map((dv) => outgoingValue(dv, record.id))
    const olderValues = older.get(record.id) ?? []
    // Only a record with older versions needs its keys as strings (most have none).
    const present = new Set(olderValues.length > 0 ? values.map(valueKey) : [])
    for (const old of olderValues) {
      if (present.has(valueKey(old))) continue
      const deletion = outgoingDeletion(old, record.id)
      if (old.contentHash === deletion.hash) continue
      present.add(valueKey(old))
      values.push(deletion)
    }
    candidates.push({ record, payload, values })
  }
  // Values DHIS2 already holds from us with the same hash are not sent (the key looked up, the hash compared:
  // no copy of each value for a classify call — this runs for every value pushed).
  const existing = await repositories(deps.db).importedValues.lookup(candidates.flatMap((c) => c.values))
  for (const { record, payload, values } of candidates) {
    const toSend =
      existing.size === 0
        ? values
        : values.filter((v) => {
            const previous = existing.get(valueKey(v))
            return (
              !previous || classifyValue(previous, { ...v, contentHash: v.hash, source: record.source }) !== 'unchanged'
            )
          })
    if (toSend.length === 0) {
      const ownEarlierPush = values.length > 0 && values.every((v) => existing.get(valueKey(v))?.recordId === record.id)
      if (ownEarlierPush)
        prepared.importedEarlier.push({ id: record.id, detail: { values: values.length, resumed: true } })
      else prepared.nothingToSend.push({ id: record.id, detail: { values: values.length, unchanged: values.length } })
      continue
    }
    if (toSend.length < values.length) prepared.sameFromUs.set(record.id, values.length - toSend.length)
    prepared.work.push({
      recordId: record.id,
      dataSet: payload.dataSet,
      period: payload.period ?? toSend[0]?.period ?? '',
      values: toSend,
    })
  }
  prepared.existing = existing
  prepared.exempt = new Set(candidates.filter((c) => c.payload.overwriteAccepted).map((c) => c.record.id))
  return prepared
}

/**
 * Before a batch is sent: what DHIS2 holds for its keys (overwrites.ts). Records that would overwrite a person's
 * value are quarantined (reason overwrite) and left out of the request; a source that is the system of record
 * writes anyway, noted in each record's history. Answers the batch that remains to be sent — and, in a dry
 * run, which reads every key of the batch, each record's diff against DHIS2 (dry-run-diff.ts).
 */
async function holdOverwrites(
  deps: PushStageDeps,
  batch: Batch,
  prepared: Prepared,
  byId: ReadonlyMap<string, PipelineRecord>,
  dryRun: boolean,
): Promise<{
  batch: Batch
  held: string[]
  diffs?: ReadonlyMap<string, RecordDiff>
  /** Records whose every value DHIS2 already holds as they would be sent (never in a dry run). */
  alreadyHeld: Set<string>
}> {
  const checked = deps.checkOverwrites === false ? [] : batch.values.filter((v) => !prepared.exempt?.has(v.recordId))
  if (checked.length === 0 && !dryRun) return { batch, held: [], alreadyHeld: new Set() }
  const read = dryRun ? batch.values : checked
  const held = await readWithRetries(() => readBack(deps.dhis2, batch.dataSet, batch.period, read))
  // The read is there already: records DHIS2 holds as sent need no request (a retried job whose first run DHIS2
  // saved, or values a person typed the same). Those stopped for an overwrite are taken out below.
  const alreadyHeld = dryRun ? new Set<string>() : recordsHeld(checked, held, false)
  const systemOfRecord = (id: string) => precedenceOf(deps.specs, byId.get(id)?.source ?? '') === 'source'
  const found = overwritesOf(checked, held, prepared.existing ?? new Map())
  const diffs = dryRun
    ? diffBatch(
        batch.dataSet,
        batch.values,
        held,
        new Map([...found].filter(([id]) => !systemOfRecord(id))),
        prepared.sameFromUs,
      )
    : undefined
  for (const id of found.keys()) alreadyHeld.delete(id)
  if (found.size === 0) return { batch, held: [], diffs, alreadyHeld }
  for (const [id, overwrites] of found) {
    if (!systemOfRecord(id) || dryRun) continue
    await repositories(deps.db).events.note([id], {
      actor: PUSH_ACTOR,
      reason: `overwrite-by-precedence-${Date.now()}`,
      detail: { precedence: 'source', overwrites },
    })
  }
  const stopped = [...found].filter(([id]) => !systemOfRecord(id))
  if (stopped.length === 0) return { batch, held: [], diffs, alreadyHeld }
  await quarantine(
    deps,
    stopped.map(([id, overwrites]) => ({ id, detail: { overwrites, ...diffDetail(diffs, id) } })),
    'overwrite',
    dryRun,
  )
  const out = new Set(stopped.map(([id]) => id))
  return {
    batch: {
      ...batch,
      values: batch.values.filter((v) => !out.has(v.recordId)),
      recordIds: batch.recordIds.filter((id) => !out.has(id)),
    },
    held: [...out],
    diffs,
    alreadyHeld,
  }
}

/** A dry run's diff of a record, for its event detail (nothing outside a dry run). */
function diffDetail(diffs: ReadonlyMap<string, RecordDiff> | undefined, id: string): { diff?: RecordDiff } {
  const diff = diffs?.get(id)
  return diff ? { diff } : {}
}

/**
 * A read is safe to repeat at once: a 5xx answer is tried twice more (100, 300 ms) before it counts as a failed
 * attempt of the records, so that a flaky DHIS2 costs a push no more attempts than before the read.
 */
async function readWithRetries<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await read()
    } catch (error) {
      // Only a server error DHIS2 answered: not a DHIS2 that is unreachable (the breaker's business) or one that
      // asks to slow down (429, Retry-After: the job's backoff honours it).
      const answeredError =
        isDhis2Error(error) && error.reason === 'http' && (error.status ?? 0) >= 500 && error.retryAfterMs === undefined
      if (attempt >= 2 || !answeredError) throw error
      await new Promise((resolve) => setTimeout(resolve, 100 * 3 ** attempt))
    }
  }
}

function precedenceOf(specs: SpecRegistry, source: string): 'people' | 'source' {
  try {
    return specs.source(source).precedence
  } catch (error) {
    if (error instanceof UnknownSourceError) return 'people'
    throw error
  }
}

async function finishUnchanged(
  deps: PushStageDeps,
  items: readonly { id: string; detail: Record<string, unknown> }[],
  dryRun: boolean,
): Promise<number> {
  const { moved } = await repositories(deps.db).records.transitionMany(
    items.map((i) => ({
      id: i.id,
      detail: dryRun
        ? {
            ...i.detail,
            dryRun: true,
            ...(typeof i.detail.unchanged === 'number' ? { diff: sameOnly(i.detail.unchanged) } : {}),
          }
        : i.detail,
    })),
    'mapped',
    'unchanged',
    { actor: PUSH_ACTOR, lastError: null },
  )
  return moved.length
}

async function finishImportedEarlier(
  deps: PushStageDeps,
  items: readonly { id: string; detail: Record<string, unknown> }[],
): Promise<number> {
  if (items.length === 0) return 0
  const { moved } = await repositories(deps.db).records.transitionMany(items, 'mapped', 'imported', {
    actor: PUSH_ACTOR,
    lastError: null,
  })
  return moved.length
}

/**
 * The records of a batch whose values DHIS2 holds as sent (read-back.ts), after an answer that may have been
 * lost (or a refusal of a retry). A read-back that fails itself confirms nothing: the usual retry follows.
 */
async function confirmHeld(deps: PushStageDeps, batch: Batch, error?: Dhis2Error): Promise<Set<string>> {
  if (error && !answerMayBeLost(error)) return new Set()
  // A DHIS2 the breaker has given up on is not asked again now: the retry (after the cool-down) reads back.
  if (deps.breaker.state === 'open') return new Set()
  try {
    const held = await readBack(deps.dhis2, batch.dataSet, batch.period, batch.values)
    deps.breaker.onSuccess()
    return recordsHeld(batch.values, held)
  } catch (readError) {
    // A read-back that fails is one more sign DHIS2 is away: the breaker counts it.
    if (isDhis2Error(readError)) deps.breaker.onFailure(readError.kind)
    deps.logger.warn(
      { err: readError, dataSet: batch.dataSet, period: batch.period },
      'read-back failed: the push will be retried',
    )
    return new Set()
  }
}

/** Confirmed records: imported, their values recorded as DHIS2's (as after a normal answer). */
async function finishHeld(
  deps: PushStageDeps,
  batch: Batch,
  held: ReadonlySet<string>,
  byId: ReadonlyMap<string, PipelineRecord>,
  why?: Dhis2Error | 'already-held',
): Promise<number> {
  const { records, importedValues } = repositories(deps.db)
  await recordValuesImported(
    importedValues,
    batch.values.filter((v) => held.has(v.recordId)),
    byId,
  )
  const { moved } = await records.transitionMany(
    [...held].map((id) => ({
      id,
      detail: {
        dataSet: batch.dataSet,
        period: batch.period,
        readBack: true,
        ...(why === 'already-held'
          ? { alreadyHeld: true }
          : why
            ? { answerLost: why.toJSON() }
            : { retryRefused: true }),
      },
    })),
    'mapped',
    'imported',
    { actor: PUSH_ACTOR, lastError: null },
  )
  deps.logger.info(
    { records: moved.length, dataSet: batch.dataSet, period: batch.period },
    why === 'already-held'
      ? 'DHIS2 already holds these records as they would be sent: not sent again'
      : 'DHIS2 holds the values of a push whose answer was lost',
  )
  return moved.length
}

/** One more attempt on each record of the request; those at maxAttempts → failed. Answers the failed ids. */
async function transientFailure(deps: PushStageDeps, batch: Batch, error: Dhis2Error): Promise<string[]> {
  const ledger = repositories(deps.db).records
  const attempts = await ledger.recordAttempt(batch.recordIds, error.toJSON())
  const exhausted = batch.recordIds.filter((id) => (attempts.get(id) ?? 0) >= deps.retry.maxAttempts)
  const { moved } = await ledger.transitionMany(
    exhausted.map((id) => ({ id, detail: { attempts: attempts.get(id), error: error.toJSON() } })),
    'mapped',
    'failed',
    { actor: PUSH_ACTOR, lastError: error.toJSON() },
  )
  if (moved.length > 0)
    deps.logger.warn({ records: moved.length, error: error.message }, 'records failed after their last attempt')
  return moved
}

/** Records DHIS2 refused (conflict) or that would overwrite a person's values; a dry run discards them at once. */
async function quarantine(
  deps: PushStageDeps,
  items: readonly TransitionItem[],
  reason: 'conflict' | 'overwrite',
  dryRun: boolean,
): Promise<number> {
  if (items.length === 0) return 0
  const ledger = repositories(deps.db).records
  const { moved } = await ledger.transitionMany(items, 'mapped', 'quarantined', { actor: PUSH_ACTOR, reason })
  if (dryRun)
    await ledger.transitionMany(
      moved.map((id) => ({ id })),
      'quarantined',
      'discarded',
      { actor: PUSH_ACTOR, reason: `dry-run: ${reason}` },
    )
  return moved.length
}

async function applySummary(
  deps: PushStageDeps,
  batch: Batch,
  summary: ImportSummary,
  byId: ReadonlyMap<string, PipelineRecord>,
  dryRun: boolean,
  diffs?: ReadonlyMap<string, RecordDiff>,
): Promise<{ imported: number; unchanged: number; conflicts: number }> {
  const { records, importedValues } = repositories(deps.db)
  const interpretation = interpretImportSummary(batch.values, summary)
  const outcomes = recordOutcomes(
    interpretation.values,
    batch.values.map((v) => v.recordId),
  )
  if (!dryRun) {
    const accepted = interpretation.values
      .filter((v) => v.outcome === 'accepted')
      .map((v) => batch.values[v.index] as OutgoingValue)
    await recordValuesImported(importedValues, accepted, byId)
  }
  const common = {
    dataSet: batch.dataSet,
    period: batch.period,
    status: summary.status,
    importCount: summary.importCount,
  }
  const ok = outcomes.records.filter((r) => r.outcome === 'imported')
  let refused = outcomes.records.filter((r) => r.outcome === 'rejected')
  // A record refused on a retry after a lost answer: the first attempt may be what DHIS2 holds.
  const retried = refused.filter((r) => (byId.get(r.recordId)?.attempts ?? 0) > 0)
  if (retried.length > 0 && !dryRun) {
    const ids = new Set(retried.map((r) => r.recordId))
    const subset = { ...batch, values: batch.values.filter((v) => ids.has(v.recordId)), recordIds: [...ids] }
    const held = await confirmHeld(deps, subset)
    if (held.size > 0) {
      await finishHeld(deps, subset, held, byId)
      refused = refused.filter((r) => !held.has(r.recordId))
    }
  }
  const accepted = await records.transitionMany(
    ok.map((r) => ({
      id: r.recordId,
      detail: {
        ...common,
        values: r.valueIndexes.length,
        ...(dryRun ? { dryRun: true, wouldBe: 'imported', ...diffDetail(diffs, r.recordId) } : {}),
      },
    })),
    'mapped',
    dryRun ? 'unchanged' : 'imported',
    { actor: PUSH_ACTOR, lastError: null },
  )
  const conflicts = await quarantine(
    deps,
    refused.map((r) => {
      const rejected = r.rejectedValues.map((rv) => {
        const v = batch.values[rv.index] as OutgoingValue
        return {
          dataElement: v.dataElement,
          categoryOptionCombo: v.categoryOptionCombo,
          period: v.period,
          orgUnit: v.orgUnit,
          value: v.deleted ? null : (v.value ?? null),
          conflicts: rv.conflicts,
        }
      })
      const diff = diffs?.get(r.recordId)
      const detail = {
        ...common,
        ambiguous: interpretation.ambiguous,
        rejected,
        accepted: r.valueIndexes.length - rejected.length,
        ...(diff ? { diff: markRefused(diff, rejected) } : {}),
      }
      return { id: r.recordId, detail, lastError: { kind: 'conflict', rejected } }
    }),
    'conflict',
    dryRun,
  )
  return { imported: dryRun ? 0 : accepted.moved.length, unchanged: dryRun ? accepted.moved.length : 0, conflicts }
}

/** Values DHIS2 now holds from us: their hashes go to importedValues (unchanged values are not sent again). */
function recordValuesImported(
  importedValues: ReturnType<typeof repositories>['importedValues'],
  values: readonly OutgoingValue[],
  byId: ReadonlyMap<string, PipelineRecord>,
): Promise<unknown> {
  return importedValues.recordImported(
    values.map((v) => ({
      dataElement: v.dataElement,
      period: v.period,
      orgUnit: v.orgUnit,
      categoryOptionCombo: v.categoryOptionCombo,
      attributeOptionCombo: v.attributeOptionCombo,
      contentHash: v.hash,
      source: byId.get(v.recordId)?.source ?? '',
      recordId: v.recordId,
    })),
  )
}
