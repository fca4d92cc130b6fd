/**
 * Intake: records from a source become durable before the source is acknowledged (ARCHITECTURE.md, "the
 * ledger is the source of truth"):
 *
 * 1. the records and the source's cursor are written in ONE transaction (so a crash can never leave the
 *    cursor ahead of what was stored, nor records stored without the cursor that covers them);
 * 2. only then does the caller acknowledge (answer 202, move on to the next Kobo page…);
 * 3. map jobs are enqueued for the new records. A crash between 1 and 3 loses nothing: the records are
 *    `received` without a live job, and reconciliation re-enqueues them at the next start.
 *
 * Insertion is idempotent on (source, source key, version): the same webhook delivered twice, or the same
 * Kobo page read twice, stores one record version and reports the second as a duplicate.
 *
 * A batch marked `mapNow` (a file's rows), in a process that also runs the map stage, is mapped before step 1
 * (map-worker.ts `mapBeforeStore`): the records that map cleanly are stored `mapped` and go straight to the
 * push queue; the others are stored `received` for the map stage, as above (issue 18: one row version and one
 * queue hop fewer per record).
 */
import { DbError, repositories, SQLSTATE, type Db } from '../../ledger'
import { INSERT_CHUNK as RECORDS_PER_STATEMENT, type InsertOutcome, type NewRecord } from '../../ledger/records'
import { discardOlderQuarantined, MAP_ACTOR, type MappedBeforeStore } from '../map/map-worker'
import type { Enqueuer } from '../enqueue'
import { isFileKind, type SourceConfig } from '../../config/relais-config'
import type { SpecRegistry } from '../map/specs'

export interface IntakeRecord {
  readonly sourceKey: string
  readonly version: string
  readonly contentHash: string
  /** The record as received. */
  readonly raw: unknown
}

export interface IntakeBatch {
  readonly source: string
  readonly runId: string
  /** Who brought the records in: `source:<name>`, `webhook:<name>`, a user's name for uploads. */
  readonly actor: string
  readonly records: readonly IntakeRecord[]
  /** The source's new cursor, stored with the records (undefined: leave the cursor alone). */
  readonly cursor?: unknown
  /**
   * Signatures of the webhook deliveries these records came in, stored in the same transaction: a signature
   * counts as seen only once its records are durable (sources/webhook/replay.ts, issue 11 §8).
   */
  readonly deliveries?: readonly string[]
  /** Map the records before storing them when this process maps (see above): a file's rows. */
  readonly mapNow?: boolean
}

/** map-worker.ts `mapBeforeStore`, bound to this process's specs and metadata. */
export type MapBeforeStore = (source: string, raws: readonly unknown[]) => Promise<(MappedBeforeStore | undefined)[]>

export interface IntakeResult {
  /** The ledger id of every input record, in order (an already stored version answers its existing id). */
  readonly ids: string[]
  readonly newIds: string[]
  /** Per input, in order: whether it was stored by this commit (false: already in the ledger, or repeated). */
  readonly inserted: boolean[]
  /** Inputs that were already in the ledger (or repeated in this batch). */
  readonly duplicates: number
  /** Of `newIds`, how many were stored already mapped (`mapNow`). */
  readonly mappedNow: number
}

/** Concurrent intakes of the same record version: one wins, the other retries and finds it stored. */
const CONCURRENT_RETRIES = 3

export class Intake {
  constructor(
    private readonly db: Db,
    private readonly enqueue: Enqueuer,
    /** Given in a process that runs the map stage (pipeline.ts): `mapNow` batches are mapped here. */
    private readonly mapBeforeStore?: MapBeforeStore,
    /** Told when mapping before storing failed: the batch is then stored `received`, for the map stage. */
    private readonly onMapFailure: (error: unknown) => void = () => undefined,
  ) {}

  /**
   * Stores the batch (step 1), then enqueues the map jobs of its new records (step 3) — or the push jobs of
   * those it stored mapped.
   */
  async commit(batch: IntakeBatch): Promise<IntakeResult> {
    const mapped = batch.mapNow ? await this.mapFirst(batch) : []
    const outcomes = await this.insert(batch, mapped)
    // After the commit, never inside it: a job must not run before its records are visible.
    const fresh = outcomes.filter((o) => o.inserted)
    await this.enqueueMap(
      batch.runId,
      fresh.filter((o) => !o.mapped).map((o) => o.id),
    )
    await this.enqueue.push(
      batch.runId,
      fresh.filter((o) => o.mapped).map((o) => o.id),
    )
    return resultOf(outcomes)
  }

  /**
   * The shortcut never costs a record: whatever goes wrong while mapping (a metadata read, a spec that throws
   * on a hostile row), the batch is stored `received` and the map stage, with its retries, takes it as before.
   */
  private async mapFirst(batch: IntakeBatch): Promise<readonly (MappedBeforeStore | undefined)[]> {
    if (!this.mapBeforeStore) return []
    try {
      return await this.mapBeforeStore(
        batch.source,
        batch.records.map((r) => r.raw),
      )
    } catch (error) {
      this.onMapFailure(error)
      return []
    }
  }

  /** Step 1 alone: the caller enqueues the new records itself (`enqueueMap`), or leaves them to reconciliation. */
  async store(batch: IntakeBatch): Promise<IntakeResult> {
    return resultOf(await this.insert(batch, []))
  }

  async enqueueMap(runId: string, recordIds: readonly string[]): Promise<void> {
    await this.enqueue.map(runId, recordIds)
  }

  private async insert(batch: IntakeBatch, mapped: readonly (MappedBeforeStore | undefined)[]) {
    const rows = this.newRecords(batch, mapped)
    const anyMapped = mapped.some((m) => m !== undefined)
    for (let attempt = 1; ; attempt++) {
      try {
        // Records alone that fit one INSERT statement are atomic without BEGIN/COMMIT: two round trips fewer
        // per webhook group commit. A cursor, or several statements, need the transaction.
        const deliveries = batch.deliveries ?? []
        const single = batch.cursor === undefined && deliveries.length === 0 && !anyMapped
        if (single && rows.length <= RECORDS_PER_STATEMENT)
          return await repositories(this.db).records.insertMany(rows, { actor: batch.actor })
        return await this.db.transaction(async (tx) => {
          const { records, cursors, deliveries: signatures } = repositories(tx)
          const outcomes = await records.insertMany(rows, { actor: batch.actor, mappedBy: MAP_ACTOR })
          if (batch.cursor !== undefined) await cursors.set(batch.source, batch.cursor)
          if (deliveries.length > 0) await signatures.record(batch.source, deliveries)
          // As the map stage does for the versions it maps: a newer version makes an older one in quarantine moot.
          if (anyMapped)
            await discardOlderQuarantined(
              tx,
              outcomes.filter((o) => o.mapped).map((o) => o.id),
            )
          return outcomes
        })
      } catch (error) {
        const concurrent = error instanceof DbError && error.code === SQLSTATE.uniqueViolation
        if (!concurrent || attempt >= CONCURRENT_RETRIES) throw error
      }
    }
  }

  private newRecords(batch: IntakeBatch, mapped: readonly (MappedBeforeStore | undefined)[]): NewRecord[] {
    return batch.records.map((r, index) => ({
      source: batch.source,
      sourceKey: r.sourceKey,
      version: r.version,
      contentHash: r.contentHash,
      raw: r.raw,
      runId: batch.runId,
      ...mapped[index],
    }))
  }
}

function resultOf(outcomes: readonly InsertOutcome[]): IntakeResult {
  const newIds = outcomes.filter((o) => o.inserted).map((o) => o.id)
  return {
    ids: outcomes.map((o) => o.id),
    newIds,
    inserted: outcomes.map((o) => o.inserted),
    duplicates: outcomes.length - newIds.length,
    mappedNow: outcomes.filter((o) => o.mapped).length,
  }
}

/**
 * The ledger version of a record:
 * - the source's own version id when it has one (Kobo `meta/instanceID`), else its content hash — so the
 *   same delivery twice is one version, and an edit is a new one;
 * - for a file, the run too: uploading a file is a person's explicit act, and each row of each upload is
 *   tracked (an identical re-upload ends `unchanged`, row by row, without re-sending anything);
 * - a dry run's records live apart (`dry-run:<run>:…`), so that a preview never makes the real import of the
 *   same input look like a duplicate.
 */
export function recordVersion(
  kind: SourceConfig['kind'],
  identity: { version: string | undefined; contentHash: string },
  run: { id: string; mode: 'dry-run' | 'import' },
): string {
  const base = isFileKind(kind) ? `${run.id}:${identity.contentHash}` : (identity.version ?? identity.contentHash)
  return run.mode === 'dry-run' ? `dry-run:${run.id}:${base}` : base
}

/**
 * The one way a payload becomes an intake record, whatever brought it (a file row, a Kobo submission, a webhook
 * record, a replay): protected by its source's spec — cleaned, minimised, pseudonymised (DESIGN.md) — unless it
 * comes from the ledger already protected (`stored`), then identified and versioned.
 */
export function toIntakeRecord(
  specs: Pick<SpecRegistry, 'protect' | 'identify'>,
  source: Pick<SourceConfig, 'name' | 'kind'>,
  received: unknown,
  run: { id: string; mode: 'dry-run' | 'import' },
  options: {
    /** A payload read back from the ledger: protected when it was first received. */
    readonly stored?: boolean
    /** The version when the spec names none (Kobo: `_uuid`). */
    readonly fallbackVersion?: string
  } = {},
): IntakeRecord {
  const raw = options.stored ? received : specs.protect(source.name, received)
  const identity = specs.identify(source.name, raw)
  const version = recordVersion(
    source.kind,
    { version: identity.version ?? options.fallbackVersion, contentHash: identity.contentHash },
    run,
  )
  return { sourceKey: identity.sourceKey, version, contentHash: identity.contentHash, raw }
}
