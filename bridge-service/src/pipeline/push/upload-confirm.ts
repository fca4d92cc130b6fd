/**
 * « Importer » after a dry run (issue 13 §3): the import must do what the data manager read. So it is refused
 * unless the file is the very one the dry run read (same bytes) and DHIS2 still holds, for every key the dry
 * run read, what it held then. When DHIS2 changed in between, the answer says what changed (then → now) and
 * the data manager reviews a new dry run.
 */
import type { z } from 'zod'
import type { Dhis2ChangeSchema } from '../../api/contract'
import type { Dhis2Client } from '../../dhis2/client'
import { valueKey } from '../../ledger/imported-values'
import type { Run } from '../../ledger/runs'
import type { SeenValue } from './dry-run-diff'
import { heldValueKey, readBack, sameValue } from './read-back'
import { StateConflictError } from '../services'

/** The API's contract says how a change travels (api/contract.ts): one shape for the bridge and the app. */
export type Dhis2Change = z.output<typeof Dhis2ChangeSchema>

/** The import does not match the dry run it confirms; `reason` is the API's error code. */
export class ConfirmationRefusedError extends StateConflictError {
  constructor(
    readonly reason: 'not-a-dry-run' | 'file-differs' | 'dhis2-changed',
    message: string,
    readonly changes: Dhis2Change[] = [],
  ) {
    super(message)
    this.name = 'ConfirmationRefusedError'
  }
}

/** The dry run an import confirms: a finished dry run of the same source, of a file with these bytes. */
export function checkConfirmable(dryRun: Run | undefined, source: string, fileSha256: string): Run {
  if (!dryRun || dryRun.mode !== 'dry-run' || dryRun.source !== source || dryRun.status !== 'completed')
    throw new ConfirmationRefusedError(
      'not-a-dry-run',
      'The run to confirm is not a finished dry run of this source: start a dry run of the file first.',
    )
  if (dryRun.detail.fileSha256 !== fileSha256)
    throw new ConfirmationRefusedError(
      'file-differs',
      'This file is not the one the dry run read (its contents differ): start a dry run of this file first.',
    )
  return dryRun
}

/** What DHIS2 holds now where it differs from what the dry run saw (one read per data set × period). */
export async function changedSince(
  dhis2: Pick<Dhis2Client, 'getDataValues'>,
  seen: readonly SeenValue[],
): Promise<Dhis2Change[]> {
  const groups = new Map<string, SeenValue[]>()
  for (const s of seen) {
    const group = groups.get(`${s.dataSet}|${s.period}`)
    if (group) group.push(s)
    else groups.set(`${s.dataSet}|${s.period}`, [s])
  }
  const changes: Dhis2Change[] = []
  for (const group of groups.values()) {
    const { dataSet, period } = group[0]!
    const now = new Map<string, string>()
    for (const h of await readBack(dhis2, dataSet, period, group))
      if (!h.deleted && h.value !== undefined) now.set(heldValueKey(h), h.value)
    for (const s of group) {
      const current = now.get(valueKey(s)) ?? null
      const same = current === null || s.value === null ? current === s.value : sameValue(current, s.value)
      if (!same)
        changes.push({
          dataElement: s.dataElement,
          categoryOptionCombo: s.categoryOptionCombo,
          period: s.period,
          orgUnit: s.orgUnit,
          then: s.value,
          now: current,
        })
    }
  }
  return changes
}
