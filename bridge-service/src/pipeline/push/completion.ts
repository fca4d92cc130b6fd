/**
 * The completion stage (issue 13 §1): a record its spec calls an RC's whole report, once its values are in
 * DHIS2 (imported, or unchanged because DHIS2 already held them; quarantined for a refused value only when the
 * spec allows a partial report), has its data set registered complete for its period, org unit and attribute
 * option combo — completeness and timeliness count completions, not values.
 *
 * - The date is when the source says the RC submitted (Kobo `_submission_time`), in DHIS2's time zone, so that
 *   a report that waited in a queue is still on time; without one, the time of the registration.
 * - DHIS2 overwrites a registration's date on every POST (setup-ops §3): what DHIS2 already holds is read first
 *   and never sent again — the first completion date is never moved by a re-import, an edit or a release, and a
 *   report a person un-completed stays so (a person's decision, not the bridge's).
 * - Reads and writes are batched per data set × period. DHIS2 is read again after the POST: what it then holds
 *   is registered, the rest refused with DHIS2's conflicts. Each record's history says which, once.
 * - Runs as `complete` jobs on the push queue after the push stage: a transient DHIS2 failure is retried with
 *   the queue's backoff, never lost with the push job that brought the values.
 */
import { localTimestamp } from '@relais/mappings'
import { ORG_UNITS_PER_READ, type Dhis2Client, type HeldCompletion, type NewCompletion } from '../../dhis2/client'
import { repositories, type Db } from '../../ledger'
import type { Logger } from '../../log/logger'
import { loadCompletionHeads, type CompletionHead } from '../../ledger/pipeline-queries'

export const COMPLETION_ACTOR = 'pipeline:completion'
/** History reasons, each noted once per record. */
export const COMPLETION_REGISTERED = 'completion-registered'
export const COMPLETION_HELD = 'completion-already-in-dhis2'
export const COMPLETION_REFUSED = 'completion-refused'

export interface CompletionDeps {
  readonly db: Db
  readonly dhis2: Dhis2Client
  readonly logger: Logger
  /** DHIS2's clock and time zone (the registration date is server-local). */
  readonly clock: { now: () => Date; timeZone: string }
}

export interface CompletionResult {
  registered: number
  alreadyHeld: number
  refused: number
}

/** What a record asks to be completed, when it does. */
export interface CompletionWork {
  readonly recordId: string
  readonly dataSet: string
  readonly period: string
  readonly orgUnit: string
  readonly attributeOptionCombo: string
  /** ISO instant, when the source said. */
  readonly submittedAt?: string
}

/** The records of a push whose completion is owed: whole reports whose values DHIS2 now holds. Pure. */
export function completionWork(record: CompletionHead): CompletionWork | undefined {
  const { completion } = record
  if (!completion || record.note !== null || !record.dataSet || !record.orgUnit || !record.period) return undefined
  const settled =
    record.status === 'imported' ||
    record.status === 'unchanged' ||
    (record.status === 'quarantined' && record.reason === 'conflict' && completion.partial === true)
  if (!settled) return undefined
  const aoc = record.attributeOptionCombo
  if (!aoc) return undefined
  return {
    recordId: record.id,
    dataSet: record.dataSet,
    period: record.period,
    orgUnit: record.orgUnit,
    attributeOptionCombo: aoc,
    ...(completion.submittedAt ? { submittedAt: completion.submittedAt } : {}),
  }
}

const slot = (orgUnit: string, aoc: string | undefined) => `${orgUnit}|${aoc ?? ''}`

export async function runCompletionStage(
  deps: CompletionDeps,
  recordIds: readonly string[],
): Promise<CompletionResult> {
  const result: CompletionResult = { registered: 0, alreadyHeld: 0, refused: 0 }
  const records = await loadCompletionHeads(deps.db, recordIds)
  const work = records.map(completionWork).filter((w): w is CompletionWork => w !== undefined)
  if (work.length === 0) return result
  const events = repositories(deps.db).events

  const groups = new Map<string, CompletionWork[]>()
  for (const w of work) {
    const key = `${w.dataSet}|${w.period}`
    const list = groups.get(key) ?? []
    list.push(w)
    groups.set(key, list)
  }
  for (const items of groups.values()) {
    const { dataSet, period } = items[0]!
    const held = await readHeld(deps, dataSet, period, items)
    const toSend = new Map<string, { item: CompletionWork; completion: NewCompletion }>()
    const alreadyHeld: CompletionWork[] = []
    for (const item of items) {
      const key = slot(item.orgUnit, item.attributeOptionCombo)
      if (held.has(key)) alreadyHeld.push(item)
      else if (!toSend.has(key)) {
        const at = item.submittedAt ? new Date(item.submittedAt) : deps.clock.now()
        toSend.set(key, {
          item,
          completion: {
            dataSet,
            period,
            organisationUnit: item.orgUnit,
            attributeOptionCombo: item.attributeOptionCombo,
            date: localTimestamp(at, deps.clock.timeZone),
          },
        })
      } else alreadyHeld.push(item) // two records of one report in one batch: the first one registers it
    }
    result.alreadyHeld += (
      await events.noteEach(
        alreadyHeld.map((item) => {
          const h = held.get(slot(item.orgUnit, item.attributeOptionCombo))
          return {
            recordId: item.recordId,
            detail: h
              ? { date: h.date ?? null, completed: h.completed }
              : { sameReportAs: 'another record of this run' },
          }
        }),
        { actor: COMPLETION_ACTOR, reason: COMPLETION_HELD },
      )
    ).length
    if (toSend.size === 0) continue
    const summary = await deps.dhis2.postCompletions([...toSend.values()].map((s) => s.completion))
    const after = await readHeld(deps, dataSet, period, items)
    const conflicts = summary.conflicts.map((c) => `${c.object ?? ''}: ${c.value ?? ''}`).slice(0, 5)
    const registered: { recordId: string; detail: unknown }[] = []
    const refused: { recordId: string; detail: unknown }[] = []
    for (const [key, { item, completion }] of toSend) {
      if (after.has(key))
        registered.push({
          recordId: item.recordId,
          detail: { date: after.get(key)?.date ?? completion.date, submittedAt: item.submittedAt ?? null },
        })
      else
        refused.push({
          recordId: item.recordId,
          detail: { status: summary.status, conflicts, description: summary.description ?? null },
        })
    }
    result.registered += (
      await events.noteEach(registered, { actor: COMPLETION_ACTOR, reason: COMPLETION_REGISTERED })
    ).length
    result.refused += (await events.noteEach(refused, { actor: COMPLETION_ACTOR, reason: COMPLETION_REFUSED })).length
  }
  deps.logger.debug({ ...result }, 'completion stage done')
  return result
}

/** DHIS2's completions for these records' org units (complete or not: a row a person un-completed counts). */
async function readHeld(
  deps: CompletionDeps,
  dataSet: string,
  period: string,
  items: readonly CompletionWork[],
): Promise<Map<string, HeldCompletion>> {
  const orgUnits = [...new Set(items.map((i) => i.orgUnit))]
  const held = new Map<string, HeldCompletion>()
  for (let i = 0; i < orgUnits.length; i += ORG_UNITS_PER_READ) {
    const rows = await deps.dhis2.getCompletions({
      dataSet,
      period,
      orgUnits: orgUnits.slice(i, i + ORG_UNITS_PER_READ),
    })
    for (const row of rows) {
      held.set(slot(row.orgUnit, row.attributeOptionCombo), row)
      // A row without its attribute option combo is the default one's: it holds whatever the record's is.
      if (row.attributeOptionCombo === undefined)
        for (const item of items)
          if (item.orgUnit === row.orgUnit) held.set(slot(row.orgUnit, item.attributeOptionCombo), row)
    }
  }
  return held
}
