/**
 * What an import would do, value by value (issue 13 §3): a dry run reads what DHIS2 holds for every key it
 * would write and says, for each value, whether it is new (DHIS2 holds none), changed, the same, would
 * overwrite a person's value (overwrites.ts), or refused by DHIS2's own checks (its dry-run answer). Each
 * record keeps its counts and what DHIS2 held (`seen`): « Importer » checks DHIS2 still holds exactly that
 * before it writes anything (upload-confirm.ts), so the import does what the data manager read.
 */
import type { HeldValue } from '../../dhis2/client'
import { valueKey } from '../../ledger/imported-values'
import type { OutgoingValue } from './batches'
import type { Overwrite } from './overwrites'
import { heldValueKey, sameValue } from './read-back'

export const CHANGE_KINDS = ['new', 'changed', 'same', 'overwrite', 'refused'] as const
export type ChangeKind = (typeof CHANGE_KINDS)[number]
export type DiffCounts = Record<ChangeKind, number>

/** One key of the record and the value DHIS2 held there at the dry run (null: none). */
export interface SeenValue {
  dataSet: string
  dataElement: string
  period: string
  orgUnit: string
  categoryOptionCombo: string
  attributeOptionCombo: string
  value: string | null
}

/** A value that would change what DHIS2 holds, for the diff table. */
export interface DiffLine {
  kind: Exclude<ChangeKind, 'same'>
  dataElement: string
  categoryOptionCombo: string
  period: string
  orgUnit: string
  before: string | null
  after: string | null
}

export interface RecordDiff {
  counts: DiffCounts
  seen: SeenValue[]
  lines: DiffLine[]
}

export const emptyCounts = (): DiffCounts => ({ new: 0, changed: 0, same: 0, overwrite: 0, refused: 0 })

/** Values DHIS2 already holds from this source unchanged (never sent, never read): counted as the same. */
export function sameOnly(values: number): RecordDiff {
  return { counts: { ...emptyCounts(), same: values }, seen: [], lines: [] }
}

/**
 * Pure: each record's diff for one batch, from what DHIS2 holds for its keys and the values found to
 * overwrite a person's. `alreadySame` adds the values left out before the batch (held from us unchanged).
 */
export function diffBatch(
  dataSet: string,
  values: readonly OutgoingValue[],
  held: readonly HeldValue[],
  overwrites: ReadonlyMap<string, readonly Overwrite[]>,
  alreadySame: ReadonlyMap<string, number> = new Map(),
): Map<string, RecordDiff> {
  const byKey = new Map<string, HeldValue>()
  for (const h of held) if (!h.deleted) byKey.set(heldValueKey(h), h)
  const overwriting = new Set<string>()
  for (const list of overwrites.values()) for (const o of list) overwriting.add(valueKey(o))
  const diffs = new Map<string, RecordDiff>()
  for (const v of values) {
    let diff = diffs.get(v.recordId)
    if (!diff) {
      diff = sameOnly(alreadySame.get(v.recordId) ?? 0)
      diffs.set(v.recordId, diff)
    }
    const key = valueKey(v)
    const before = byKey.get(key)?.value ?? null
    const after = v.deleted ? null : (v.value ?? null)
    diff.seen.push({
      dataSet,
      dataElement: v.dataElement,
      period: v.period,
      orgUnit: v.orgUnit,
      categoryOptionCombo: v.categoryOptionCombo,
      attributeOptionCombo: v.attributeOptionCombo,
      value: before,
    })
    // DHIS2 does not store a zero (unless the element says zero is significant) nor an empty value: where it
    // holds nothing, sending one changes nothing (read-back.ts reads it the same way).
    const nothing = after === null || after.trim() === '' || Number(after) === 0
    const kind: ChangeKind = overwriting.has(key)
      ? 'overwrite'
      : before === null
        ? nothing
          ? 'same'
          : 'new'
        : after !== null && sameValue(after, before)
          ? 'same'
          : 'changed'
    diff.counts[kind]++
    if (kind !== 'same')
      diff.lines.push({
        kind,
        dataElement: v.dataElement,
        categoryOptionCombo: v.categoryOptionCombo,
        period: v.period,
        orgUnit: v.orgUnit,
        before,
        after,
      })
  }
  return diffs
}

/** DHIS2's dry-run answer refused these values of the record: they count as refused, not new or changed. */
export function markRefused(
  diff: RecordDiff,
  refused: ReadonlyArray<{ dataElement: string; categoryOptionCombo: string; period: string; orgUnit: string }>,
): RecordDiff {
  const keys = new Set(refused.map((r) => `${r.dataElement}|${r.categoryOptionCombo}|${r.period}|${r.orgUnit}`))
  const counts = { ...diff.counts }
  const lines = diff.lines.map((line) => {
    if (
      line.kind === 'overwrite' ||
      !keys.has(`${line.dataElement}|${line.categoryOptionCombo}|${line.period}|${line.orgUnit}`)
    )
      return line
    counts[line.kind]--
    counts.refused++
    return { ...line, kind: 'refused' as const }
  })
  return { ...diff, counts, lines }
}
