/**
 * The bridge's service account may write the programme's data (issue 16): DHIS2 refuses a data value set for a
 * data set the importer has no data write sharing on (E7601) and a value whose category options it may not
 * write (E7614, E2031 for one value). The metadata package shares the data sets and options with the Relais
 * groups; the service account is in none of them (its role alone is not enough), so setup gives that one
 * account its own access on each — kept through later package updates (compare.ts merges sharing). The tracing
 * program and its stage too: DHIS2 refuses an event the importer may not write (E1091, issue 19 §3).
 */
import type { Sharing } from '@relais/mappings'
import type { PlainObject } from './compare'

/** Metadata read, data read and write: what pushing and reading back the programme's values needs. */
export const SERVICE_DATA_ACCESS = 'r-rw----'

/** The types whose data DHIS2 shares (`setDataShareable(true)`), among the package's. */
export const DATA_SHARED_TYPES = ['dataSets', 'categoryOptions', 'programs', 'programStages'] as const

/** Each object that does not yet give the account its access, with the access added (everything else kept). */
export function planServiceDataAccess(current: readonly Record<string, unknown>[], userId: string): PlainObject[] {
  const updates: PlainObject[] = []
  for (const object of current) {
    const sharing = (object.sharing ?? {}) as Sharing
    if (sharing.users?.[userId]?.access === SERVICE_DATA_ACCESS) continue
    updates.push({
      ...(object as PlainObject),
      sharing: { ...sharing, users: { ...sharing.users, [userId]: { id: userId, access: SERVICE_DATA_ACCESS } } },
    })
  }
  return updates
}
