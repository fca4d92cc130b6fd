/**
 * The map stage: `received` records → `mapped` (payload stored) or `quarantined`, one chunk per job.
 *
 * For each record, in this order:
 * - superseded: a newer version of the same source record was stored by a later run (a Kobo edit, a
 *   corrected re-upload) → mapped with nothing to send (`note: superseded`); the push stage marks it
 *   unchanged. The newer version's push replaces the values DHIS2 holds from the older one;
 * - mapped with the source's compiled spec (mapBatch over the chunk, so repeated or conflicting rows of
 *   one batch are caught) → `invalid` with the mapper's errors (codes, fields, raw values, fr/en messages);
 * - late: the only errors are DHIS2's E7640 (the period is locked for entry: expiryDays, server-local now),
 *   and the source does not allow late data → quarantined(late). The bridge's own account could bypass the
 *   lock; quarantine makes that a data manager's decision;
 * - duplicate: another source already gave DHIS2 a different value for the same key and period
 *   (importedValues: another source's hash for the key) → quarantined(duplicate), for a data manager to decide.
 * In a dry-run run, quarantined records are then discarded (reason `dry-run: …`): a preview never leaves
 * work for a person.
 *
 * All transitions of a chunk happen in one transaction; push jobs are enqueued after it commits.
 */
import type { BatchRecord, Mapper } from '@relais/mappings'
import { repositories, type Db } from '../../ledger'
import { classifyValue, valueKey } from '../../ledger/imported-values'
import type { QuarantineReason } from '../../ledger/record-status'
import type { TransitionItem } from '../../ledger/records'
import type { Logger } from '../../log/logger'
import type { Enqueuer } from '../enqueue'
import { cleaningMarks, MAX_DEPTH } from '../intake/clean-text'
import { outgoingValue } from '../push/batches'
import {
  loadRecords,
  quarantinedOlderVersions,
  supersededIds,
  type PipelineRecord,
} from '../../ledger/pipeline-queries'
import type { MetadataService } from './metadata'
import { storeMapped, type MappedPayload } from './payload'
import type { RunBook } from '../runs'
import { UnknownSourceError } from '../services'
import type { SnapshotRef, SpecRegistry } from './specs'

export const MAP_ACTOR = 'pipeline:map'

/** DHIS2's "period locked for entry" conflict. */
export const LATE_CONFLICT = 'E7640'

export interface MapStageDeps {
  readonly db: Db
  readonly specs: SpecRegistry
  readonly metadata: MetadataService
  readonly enqueue: Enqueuer
  readonly runs: RunBook
  readonly logger: Logger
}

export interface MapStageResult {
  mapped: number
  quarantined: Record<QuarantineReason, number>
}

/** What a mapper result means for the record (pure). */
export function verdictOf(result: BatchRecord): 'mapped' | 'invalid' | 'late' {
  if (result.status !== 'invalid') return 'mapped'
  return result.errors.length > 0 && result.errors.every((e) => e.code === LATE_CONFLICT) ? 'late' : 'invalid'
}

/** What is decided for a record: `R` is a ledger record in the map stage, a not-yet-stored one at intake. */
interface Decision<R extends MapInput = PipelineRecord> {
  readonly record: R
  readonly to: 'mapped' | QuarantineReason
  readonly mapped?: MappedPayload
  readonly detail: Record<string, unknown>
}

export async function runMapStage(deps: MapStageDeps, recordIds: readonly string[]): Promise<MapStageResult> {
  const { db, specs, metadata, logger } = deps
  const received = (await loadRecords(db, recordIds, 'raw')).filter((r) => r.status === 'received')
  const result: MapStageResult = {
    mapped: 0,
    quarantined: { invalid: 0, conflict: 0, duplicate: 0, late: 0, overwrite: 0 },
  }
  if (received.length === 0) return result

  // Independent reads together: each round trip waits for a turn of an event loop that intake and other jobs
  // keep busy, and the first map job of an upload is on the way of DHIS2's first import (issue 18).
  const [snapshot, superseded, dryRuns] = await Promise.all([
    metadata.current(),
    supersededIds(
      db,
      received.map((r) => r.id),
    ),
    dryRunIds(deps.runs, received),
  ])
  const decisions: Decision[] = []
  for (const [source, records] of groupBy(received, (r) => r.source)) {
    let mapper: Mapper
    let lenient: boolean
    try {
      lenient = specs.source(source).allowLateData
      mapper = specs.mapperFor(source, snapshot, lenient)
    } catch (error) {
      if (!(error instanceof UnknownSourceError)) throw error
      // Records of a source taken out of relais.config.yaml: nothing can map them; a person decides.
      for (const record of records)
        decisions.push({
          record,
          to: 'invalid',
          detail: { errors: [{ code: 'SOURCE_UNKNOWN', message: error.message }] },
        })
      continue
    }
    decisions.push(...(await decide(deps, source, mapper, snapshot, records, superseded)))
  }

  const runOf = new Map(received.map((r) => [r.id, r.runId]))
  const mappedIds: PipelineRecord[] = []
  await db.transaction(async (tx) => {
    const { records } = repositories(tx)
    const toMapped = decisions.filter((d) => d.to === 'mapped')
    const moved = await records.transitionMany(
      toMapped.map((d) => ({
        id: d.record.id,
        ...(d.mapped ? { mapped: storeMapped(d.mapped) } : {}),
        detail: d.detail,
        ...searchable(d),
      })),
      'received',
      'mapped',
      { actor: MAP_ACTOR },
    )
    const movedSet = new Set(moved.moved)
    mappedIds.push(...toMapped.filter((d) => movedSet.has(d.record.id)).map((d) => d.record))
    result.mapped = moved.moved.length
    for (const reason of ['invalid', 'late', 'duplicate'] as const) {
      const items: TransitionItem[] = decisions
        .filter((d) => d.to === reason)
        .map((d) => ({
          id: d.record.id,
          detail: d.detail,
          lastError: { kind: reason, ...d.detail },
          ...(d.mapped ? { mapped: storeMapped(d.mapped) } : {}),
          ...searchable(d),
        }))
      const q = await records.transitionMany(items, 'received', 'quarantined', { actor: MAP_ACTOR, reason })
      result.quarantined[reason] += q.moved.length
      // A preview leaves nothing for a person to decide.
      const previews = q.moved.filter((id) => dryRuns.has(runOf.get(id) ?? ''))
      await records.transitionMany(
        previews.map((id) => ({ id })),
        'quarantined',
        'discarded',
        { actor: MAP_ACTOR, reason: `dry-run: ${reason}` },
      )
    }
    await discardOlderQuarantined(
      tx,
      received.map((r) => r.id),
    )
  })

  for (const [runId, records] of groupBy(mappedIds, (r) => r.runId ?? ''))
    await deps.enqueue.push(
      runId === '' ? null : runId,
      records.map((r) => r.id),
    )
  await deps.runs.settle(received.map((r) => r.runId))
  logger.debug({ mapped: result.mapped, quarantined: result.quarantined }, 'map stage done')
  return result
}

/** What deciding reads of a record: its id (any unique key at intake) and its raw payload. */
interface MapInput {
  readonly id: string
  readonly raw: unknown
}

/** A newer version makes an older one waiting in quarantine moot: discarded, naming the newer record. */
export async function discardOlderQuarantined(tx: Db, newIds: readonly string[]): Promise<void> {
  const { records } = repositories(tx)
  for (const { id, newer } of await quarantinedOlderVersions(tx, newIds))
    await records.transitionMany([{ id, detail: { supersededBy: newer } }], 'quarantined', 'discarded', {
      actor: MAP_ACTOR,
      reason: `superseded by a newer version (record ${newer})`,
    })
}

async function decide<R extends MapInput>(
  deps: Pick<MapStageDeps, 'db'>,
  source: string,
  mapper: Mapper,
  snapshot: SnapshotRef,
  records: readonly R[],
  superseded: ReadonlyMap<string, string>,
): Promise<Decision<R>[]> {
  const base = {
    spec: { id: mapper.spec.id, version: mapper.spec.version },
    snapshotId: snapshot.id,
    dataSet: mapper.dataSet.id,
  }
  const decisions: Decision<R>[] = []
  for (const record of records) {
    const newer = superseded.get(record.id)
    if (newer === undefined) continue
    decisions.push({
      record,
      to: 'mapped',
      mapped: {
        ...base,
        orgUnit: null,
        orgUnitCode: null,
        period: null,
        dataValues: [],
        warnings: [],
        note: 'superseded',
        supersededBy: newer,
      },
      detail: { note: 'superseded', supersededBy: newer },
    })
  }
  const live = records.filter((r) => !superseded.has(r.id))
  const batch = mapper.mapBatch(live.map((r) => r.raw))
  const results = batch.records

  // Cross-source duplicates, for the records that would otherwise be mapped. The keys are looked up first
  // and a value is hashed only when DHIS2 holds something from us for its key (usually none of them).
  const keys = results.flatMap((r) => (r.status === 'ok' ? r.dataValues : []))
  const existing = await repositories(deps.db).importedValues.lookup(keys)
  const duplicatesOf = new Map<number, unknown[]>()
  if (existing.size > 0)
    results.forEach((r, index) => {
      if (r.status !== 'ok') return
      for (const dv of r.dataValues) {
        const previous = existing.get(valueKey(dv))
        if (
          !previous ||
          classifyValue(previous, { ...dv, contentHash: outgoingValue(dv, '').hash, source }) !== 'duplicate'
        )
          continue
        const list = duplicatesOf.get(index) ?? []
        list.push({
          dataElement: dv.dataElement,
          categoryOptionCombo: dv.categoryOptionCombo,
          period: dv.period,
          orgUnit: dv.orgUnit,
          value: dv.value,
          existingSource: previous.source,
          existingRecordId: previous.recordId,
        })
        duplicatesOf.set(index, list)
      }
    })

  results.forEach((r, index) => {
    const record = live[index] as R
    const mapped: MappedPayload = {
      ...base,
      orgUnit: r.orgUnit ?? null,
      orgUnitCode: r.orgUnitCode ?? null,
      period: r.period ?? null,
      dataValues: r.status === 'ok' ? r.dataValues : [],
      warnings: r.warnings,
      ...(r.completion ? { completion: r.completion } : {}),
      ...(r.status === 'duplicate' ? { note: 'duplicate-in-batch' as const } : {}),
      ...(r.status === 'superseded' ? { note: 'superseded' as const } : {}),
      ...(r.status === 'empty' ? { note: 'empty' as const } : {}),
    }
    const cleaning = cleaningIssues(record.raw)
    if (cleaning.length > 0) {
      // Received with characters the ledger cannot hold (or nested too deep): a person looks at it, whatever
      // the mapper made of the cleaned copy.
      const errors = [...cleaning, ...(r.status === 'invalid' ? r.errors : [])]
      decisions.push({
        record,
        to: 'invalid',
        mapped,
        detail: { errors, warnings: r.warnings, orgUnit: r.orgUnitCode ?? null, period: r.period ?? null },
      })
      return
    }
    const verdict = verdictOf(r)
    if (verdict === 'invalid' || verdict === 'late') {
      decisions.push({
        record,
        to: verdict,
        mapped,
        detail: { errors: r.errors, warnings: r.warnings, orgUnit: r.orgUnitCode ?? null, period: r.period ?? null },
      })
      return
    }
    const duplicates = duplicatesOf.get(index)
    if (duplicates) {
      decisions.push({ record, to: 'duplicate', mapped, detail: { duplicates } })
      return
    }
    decisions.push({
      record,
      to: 'mapped',
      mapped,
      detail: { values: mapped.dataValues.length, warnings: r.warnings, ...(mapped.note ? { note: mapped.note } : {}) },
    })
  })
  return decisions
}

/** A record mapped before it is stored: what `records.insertMany` stores with it (NewRecord.mapped). */
export interface MappedBeforeStore extends Pick<TransitionItem, 'period' | 'orgUnit' | 'rcCode'> {
  readonly mapped: { readonly payload: unknown; readonly detail: unknown }
}

/**
 * Intake's shortcut through the map stage (issue 18): the raw payloads of new records, mapped in the process
 * that received them, before they are stored — so that a record that maps cleanly is inserted `mapped`, one row
 * version and one queue hop fewer than `received` → map job → `mapped`. Answers, per input, its mapping when
 * the map stage would move it to `mapped`, and undefined for everything else (quarantine, a source out of the
 * config, no metadata snapshot yet): those are stored `received` and the map stage decides, as always.
 * Same decision path as runMapStage (`decide`); a newer version is not looked for — none can exist before the
 * record is stored, and the push stage checks again before it sends (push-worker.ts, superseded).
 */
export async function mapBeforeStore(
  deps: Pick<MapStageDeps, 'db' | 'specs' | 'metadata'>,
  source: string,
  raws: readonly unknown[],
): Promise<(MappedBeforeStore | undefined)[]> {
  const none = raws.map(() => undefined)
  // Never wait for DHIS2 on an upload's way: without a snapshot in hand, the map stage fetches it.
  if (raws.length === 0 || !deps.metadata.hasSnapshot()) return none
  const snapshot = await deps.metadata.current()
  let mapper: Mapper
  try {
    mapper = deps.specs.mapperFor(source, snapshot, deps.specs.source(source).allowLateData)
  } catch (error) {
    if (error instanceof UnknownSourceError) return none
    throw error
  }
  const inputs = raws.map((raw, index) => ({ id: String(index), raw }))
  const out: (MappedBeforeStore | undefined)[] = [...none]
  for (const d of await decide(deps, source, mapper, snapshot, inputs, new Map()))
    if (d.to === 'mapped' && d.mapped)
      out[Number(d.record.id)] = { mapped: { payload: storeMapped(d.mapped), detail: d.detail }, ...searchable(d) }
  return out
}

/** The searchable columns a mapped payload fills (org unit UID, period, RC code), set with the transition. */
function searchable(d: Decision<MapInput>): Pick<TransitionItem, 'period' | 'orgUnit' | 'rcCode'> {
  return d.mapped ? { period: d.mapped.period, orgUnit: d.mapped.orgUnit, rcCode: d.mapped.orgUnitCode } : {}
}

async function dryRunIds(runs: RunBook, records: readonly PipelineRecord[]): Promise<Set<string>> {
  const out = new Set<string>()
  for (const runId of new Set(records.map((r) => r.runId))) {
    if (runId === null) continue
    if ((await runs.get(runId))?.mode === 'dry-run') out.add(runId)
  }
  return out
}

export function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>()
  for (const item of items) {
    const k = key(item)
    const list = out.get(k)
    if (list) list.push(item)
    else out.set(k, [item])
  }
  return out
}

/** The issues of a record marked at intake by clean-text.ts (none for a record received clean). Pure. */
export function cleaningIssues(raw: unknown): { code: string; field?: string; message: { fr: string; en: string } }[] {
  const marks = cleaningMarks(raw)
  if (!marks) return []
  const issues: { code: string; field?: string; message: { fr: string; en: string } }[] = []
  if (marks.cleanedFields && marks.cleanedFields.length > 0)
    issues.push({
      code: 'TEXT_CLEANED',
      field: marks.cleanedFields.join(','),
      message: {
        fr: 'Caractère invalide reçu (NUL ou demi-caractère UTF-16), remplacé par « \uFFFD » : vérifiez la valeur avant de libérer.',
        en: 'An invalid character was received (NUL or a lone UTF-16 surrogate) and replaced by "\uFFFD": check the value before releasing.',
      },
    })
  if (marks.tooDeep)
    issues.push({
      code: 'JSON_TOO_DEEP',
      message: {
        fr: `Enregistrement imbriqué sur plus de ${MAX_DEPTH} niveaux : la partie trop profonde n'a pas été conservée.`,
        en: `The record is nested more than ${MAX_DEPTH} levels deep: the part beyond that was not kept.`,
      },
    })
  return issues
}
