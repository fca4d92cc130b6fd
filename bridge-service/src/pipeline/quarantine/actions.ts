/**
 * What data managers do to quarantined records — release (corrected or not) and discard — each checked against
 * the record's current state, written as a status transition with its event (who, why), and appended to the
 * audit log. The same deps serve the other people's actions: on runs (run-actions.ts) and on a retracted
 * report's completion (push/uncomplete.ts).
 *
 * Release re-validates: the record (or the corrected payload a person typed) is mapped again with the
 * source's spec. Still invalid → it stays in quarantine and the errors are answered. A release is a person's
 * decision, so it passes what only a person may pass: a late record's period lock (the bridge's account has
 * F_EDIT_EXPIRED), a cross-source duplicate, and an overwrite of values a person entered in DHIS2.
 */
import type { MappingIssue } from '@relais/mappings'
import type { Dhis2Client } from '../../dhis2/client'
import { repositories, type Db } from '../../ledger'
import { RecordNotFoundError, StaleTransitionError } from '../../ledger/records'
import type { Enqueuer } from '../enqueue'
import { CLEANED_KEY, REJECTED_KEY } from '../intake/clean-text'
import { loadRecords, setMappedFields } from '../../ledger/pipeline-queries'
import { cleaningIssues } from '../map/map-worker'
import { outgoingValue, type OutgoingValue } from '../push/batches'
import { diffBatch, emptyCounts, type DiffCounts, type DiffLine } from '../push/dry-run-diff'
import { overwritesOf } from '../push/overwrites'
import { readBack } from '../push/read-back'
import type { DataValueKey } from '../../ledger/imported-values'
import type { MetadataService } from '../map/metadata'
import { storeMapped, type MappedPayload } from '../map/payload'
import type { RunBook } from '../runs'
import { StateConflictError, type Actor } from '../services'
import type { SpecRegistry } from '../map/specs'

export interface ActionDeps {
  readonly db: Db
  readonly specs: SpecRegistry
  readonly metadata: MetadataService
  readonly enqueue: Enqueuer
  readonly runs: RunBook
  readonly dhis2: Pick<Dhis2Client, 'getCompletions' | 'postCompletions' | 'getDataValues'>
}

export async function audit(db: Db, actor: Actor, action: string, target: string, detail: unknown): Promise<void> {
  await repositories(db).audit.append({ actor: actor.name, role: actor.role, action, target, detail })
}

/** A quarantined record mapped again as a release maps it: leniently for a late one, a correction checked. */
async function remap(deps: ActionDeps, recordId: string, typed: unknown) {
  const { db, specs } = deps
  const [record] = await loadRecords(db, [recordId])
  if (!record) throw new RecordNotFoundError(recordId)
  // A person's correction is kept (payload, audit, events) only once its personal identifiers are pseudonyms.
  // The marks of the received record (relais:cleaned…) are not the person's: a correction is judged on its own.
  const corrected = typed === undefined ? undefined : specs.protect(record.source, withoutMarks(typed))
  if (record.status !== 'quarantined')
    throw new StateConflictError(`record ${recordId} is ${record.status}: only a quarantined record can be released`)
  const raw = corrected === undefined ? record.raw : corrected
  const lenient = specs.source(record.source).allowLateData || record.reason === 'late'
  const snapshot = await deps.metadata.current()
  const mapper = specs.mapperFor(record.source, snapshot, lenient)
  const result = mapper.map(raw)
  const refused: MappingIssue[] =
    corrected === undefined
      ? []
      : [...cleaningIssues(corrected), ...movedBy(await repositories(db).records.get(recordId), result)]
  const errors = [...refused, ...(result.status === 'invalid' ? result.errors : [])]
  return { record, corrected, snapshot, mapper, result, errors }
}

export async function release(
  deps: ActionDeps,
  recordId: string,
  actor: Actor,
  typed?: unknown,
  note?: string,
  /** For an `overwrite` record: the values whose DHIS2 value the person keeps (the others take the source's). */
  keep: readonly ValueRef[] = [],
): Promise<{ status: string; errors?: unknown[] }> {
  const { db } = deps
  const { record, corrected, snapshot, mapper, result, errors } = await remap(deps, recordId, typed)
  const target = `record:${recordId}`
  // The audit names what a correction changed, never the payload itself (it may hold a person's data, and a
  // refused correction would copy it once per attempt).
  const changes = corrected === undefined ? {} : { changedFields: changedFields(record.raw, corrected) }
  if (errors.length > 0) {
    await audit(db, actor, 'quarantine.release', target, {
      outcome: 'still-invalid',
      reason: record.reason,
      corrected: corrected !== undefined,
      ...changes,
      errors,
    })
    return { status: 'quarantined', errors }
  }
  const mapped: MappedPayload = {
    spec: { id: mapper.spec.id, version: mapper.spec.version },
    snapshotId: snapshot.id,
    dataSet: mapper.dataSet.id,
    orgUnit: result.orgUnit ?? null,
    orgUnitCode: result.orgUnitCode ?? null,
    period: result.period ?? null,
    dataValues: kept(result.dataValues, record.reason === 'overwrite' ? keep : []),
    warnings: result.warnings,
    ...(result.completion ? { completion: result.completion } : {}),
    // Released from an overwrite quarantine: the person chose the source's values over DHIS2's.
    ...(record.reason === 'overwrite' ? { overwriteAccepted: true as const } : {}),
  }
  try {
    await db.transaction(async (tx) => {
      await repositories(tx).records.transition(recordId, 'quarantined', 'mapped', {
        actor: actor.name,
        mapped: storeMapped(mapped),
        lastError: null,
        detail: {
          releasedBy: actor.name,
          role: actor.role,
          previousReason: record.reason,
          ...(corrected !== undefined ? { corrected, corrections: corrections(record.raw, corrected) } : {}),
          ...(note ? { note } : {}),
          ...(keep.length > 0 && record.reason === 'overwrite' ? { kept: keep } : {}),
          values: result.dataValues.length,
        },
      })
      await setMappedFields(tx, [
        { id: recordId, period: mapped.period, orgUnit: mapped.orgUnit, rcCode: mapped.orgUnitCode },
      ])
      await repositories(tx).audit.append({
        actor: actor.name,
        role: actor.role,
        action: 'quarantine.release',
        target,
        detail: {
          outcome: 'released',
          reason: record.reason,
          corrected: corrected !== undefined,
          ...changes,
          ...(note ? { note } : {}),
          ...(keep.length > 0 && record.reason === 'overwrite' ? { kept: keep.length } : {}),
        },
      })
    })
  } catch (error) {
    if (error instanceof StaleTransitionError) throw new StateConflictError(error.message)
    throw error
  }
  await deps.enqueue.push(record.runId, [recordId], { generation: `release-${Date.now()}` })
  return { status: 'mapped' }
}

/** One value of a release preview: what DHIS2 holds at its key and what the release would write there. */
export interface PreviewLine extends DiffLine {
  readonly storedBy: string | null
  readonly lastUpdated: string | null
}

export interface ReleasePreview {
  readonly period: string | null
  readonly orgUnit: string | null
  readonly counts: DiffCounts
  /** The values that would change what DHIS2 holds (new, changed, or a person's value replaced). */
  readonly lines: PreviewLine[]
  /** The record (or its correction) is still invalid: nothing would be sent. */
  readonly errors?: unknown[]
}

/**
 * What releasing a quarantined record would write, value by value, before the person decides (issue 13 §2):
 * mapped as release maps it, compared with what DHIS2 holds now and with what Relais wrote there — a late
 * record was quarantined before any value was read, so this is the only way to show the values an entry into a
 * closed period replaces. Reads only; writes nothing, audits nothing.
 */
export async function previewRelease(deps: ActionDeps, recordId: string, typed?: unknown): Promise<ReleasePreview> {
  const { mapper, result, errors } = await remap(deps, recordId, typed)
  const period = result.period ?? null
  const orgUnit = result.orgUnit ?? null
  if (errors.length > 0) return { period, orgUnit, counts: emptyCounts(), lines: [], errors }
  const values: OutgoingValue[] = result.dataValues.map((dv) => outgoingValue(dv, recordId))
  const dataSet = mapper.dataSet.id
  if (values.length === 0 || !period) return { period, orgUnit, counts: emptyCounts(), lines: [] }
  const held = await readBack(deps.dhis2, dataSet, period, values)
  const ours = await repositories(deps.db).importedValues.lookup(values)
  const diff = diffBatch(dataSet, values, held, overwritesOf(values, held, ours)).get(recordId)
  // Who stored DHIS2's value and when; a record's values share one attribute option combo.
  const cell = (v: Omit<DataValueKey, 'attributeOptionCombo'>) =>
    `${v.dataElement}|${v.categoryOptionCombo}|${v.period}|${v.orgUnit}`
  const byKey = new Map(held.filter((h) => !h.deleted).map((h) => [cell(h), h]))
  const lines = (diff?.lines ?? []).map((line) => {
    const h = byKey.get(cell(line))
    return { ...line, storedBy: h?.storedBy ?? null, lastUpdated: h?.lastUpdated ?? null }
  })
  return { period, orgUnit, counts: diff?.counts ?? emptyCounts(), lines }
}

export async function discard(deps: ActionDeps, recordId: string, actor: Actor, reason: string): Promise<void> {
  const { db } = deps
  if (reason.trim() === '') throw new StateConflictError('a record is discarded with a reason')
  const [record] = await loadRecords(db, [recordId])
  if (!record) throw new RecordNotFoundError(recordId)
  if (record.status !== 'quarantined')
    throw new StateConflictError(`record ${recordId} is ${record.status}: only a quarantined record can be discarded`)
  try {
    await db.transaction(async (tx) => {
      await repositories(tx).records.transition(recordId, 'quarantined', 'discarded', {
        actor: actor.name,
        reason: reason.trim(),
        detail: { discardedBy: actor.name, role: actor.role, previousReason: record.reason },
      })
      await repositories(tx).audit.append({
        actor: actor.name,
        role: actor.role,
        action: 'quarantine.discard',
        target: `record:${recordId}`,
        detail: { reason: reason.trim(), previousReason: record.reason },
      })
    })
  } catch (error) {
    if (error instanceof StaleTransitionError) throw new StateConflictError(error.message)
    throw error
  }
  await deps.runs.settle([record.runId])
}

/** A value of a report, by data element and option combo. */
export interface ValueRef {
  readonly dataElement: string
  readonly categoryOptionCombo: string
}

/** The values to send once a person chose, value by value, to keep some of DHIS2's. Pure. */
export function kept<T extends ValueRef>(values: readonly T[], keep: readonly ValueRef[]): T[] {
  if (keep.length === 0) return [...values]
  const keys = new Set(keep.map((k) => `${k.dataElement}|${k.categoryOptionCombo}`))
  return values.filter((v) => !keys.has(`${v.dataElement}|${v.categoryOptionCombo}`))
}

/**
 * What a person corrected, field by field (before → after), for the record's history — the record holds both
 * payloads already; the audit log keeps the names only. Pure.
 */
export function corrections(
  before: unknown,
  after: unknown,
): Array<{ field: string; before: unknown; after: unknown }> {
  const a = isRecord(before) ? before : {}
  const b = isRecord(after) ? after : {}
  return changedFields(a, b).map((field) => ({ field, before: a[field] ?? null, after: b[field] ?? null }))
}

/** The top-level fields a correction added, removed or changed (names only). Pure. */
export function changedFields(before: unknown, after: unknown): string[] {
  const a = isRecord(before) ? before : {}
  const b = isRecord(after) ? after : {}
  const names = new Set([...Object.keys(a), ...Object.keys(b)])
  return [...names].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).sort()
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v)

/**
 * A correction may fix a record's values, not give them to someone else: when the record was tied to an org unit
 * (an RC) or a period, a correction that maps it to another one is refused (issue 11 §10). A record whose org
 * unit or period could not be read (unknown code, bad month) may be given one.
 */
function movedBy(
  stored: { orgUnit: string | null; rcCode: string | null; period: string | null } | undefined,
  result: { orgUnit?: string; orgUnitCode?: string; period?: string },
): MappingIssue[] {
  const issues: MappingIssue[] = []
  if (stored?.orgUnit && result.orgUnit && stored.orgUnit !== result.orgUnit)
    issues.push({
      code: 'RELEASE_MOVES_ORG_UNIT',
      message: {
        fr: `La correction attribue cet enregistrement à une autre unité (${result.orgUnitCode ?? result.orgUnit} au lieu de ${stored.rcCode ?? stored.orgUnit}) : refusée. Corrigez les valeurs, pas le RC.`,
        en: `The correction gives this record to another org unit (${result.orgUnitCode ?? result.orgUnit} instead of ${stored.rcCode ?? stored.orgUnit}): refused. Correct the values, not the RC.`,
      },
    })
  if (stored?.period && result.period && stored.period !== result.period)
    issues.push({
      code: 'RELEASE_MOVES_PERIOD',
      message: {
        fr: `La correction déplace cet enregistrement vers une autre période (${result.period} au lieu de ${stored.period}) : refusée.`,
        en: `The correction moves this record to another period (${result.period} instead of ${stored.period}): refused.`,
      },
    })
  return issues
}

function withoutMarks(typed: unknown): unknown {
  if (!isRecord(typed) || (!(CLEANED_KEY in typed) && !(REJECTED_KEY in typed))) return typed
  const { [CLEANED_KEY]: _cleaned, [REJECTED_KEY]: _rejected, ...rest } = typed
  return rest
}
