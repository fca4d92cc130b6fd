// Where the gaps live (issue 11 §7): one dataStore entry per change, `relais/gap-<period>-<orgUnit>-<random>`,
// shared at once with the supervisors, data managers and administrators only (public: none), so an RC can
// neither read the causes (some are medical) nor rewrite them. Who wrote a change and when come from the
// entry's metaData, set by DHIS2; changes by anyone but a supervisor are left out (gaps.ts foldGapChanges).
import { mapLimit, statusOf, type Dhis2Access } from '../../shared/dhis2Access'
import { relaisGroups, type RelaisGroups } from '../relaisGroups'
import {
  foldGapChanges,
  gapChangeKey,
  gapPeriodPrefix,
  type GapChangeEntry,
  type GapChangeValue,
  type GapDocument,
} from './gaps'

export const NAMESPACE = 'relais'

interface EntryMeta {
  id: string
  created: string
  createdBy?: { id?: string; username?: string; displayName?: string; name?: string }
  lastUpdatedBy?: { id?: string }
}

const metaOf = (api: Dhis2Access, key: string) =>
  api.get(`dataStore/${NAMESPACE}/${key}/metaData`) as Promise<EntryMeta>

/** The period's changes this user may read, with their authors, folded into gaps. */
export async function loadGaps(
  api: Dhis2Access,
  periodId: string,
): Promise<{ document: GapDocument; ignored: number }> {
  const prefix = gapPeriodPrefix(periodId)
  let listed: unknown
  try {
    listed = await api.get(`dataStore/${NAMESPACE}`, { fields: '.', filter: `_:$like:${prefix}`, paging: false })
  } catch (error) {
    // No entry at all yet in the namespace.
    if (statusOf(error) === 404) return { document: { period: periodId, gaps: {} }, ignored: 0 }
    throw error
  }
  // paging=false gives the entries as an array; a paged answer has them under `entries`.
  const rows = (Array.isArray(listed) ? listed : ((listed as { entries?: unknown[] }).entries ?? [])) as Array<{
    key: string
    value: unknown
  }>
  const [groups, entries] = await Promise.all([
    relaisGroups(api),
    mapLimit(
      rows.filter((r) => typeof r.key === 'string' && r.key.startsWith(prefix)),
      6,
      async (row): Promise<GapChangeEntry | undefined> => {
        const meta = await metaOf(api, row.key).catch(() => undefined)
        if (!meta?.createdBy?.id) return undefined
        return {
          key: row.key,
          value: row.value,
          createdBy: {
            id: meta.createdBy.id,
            username: meta.createdBy.username ?? '',
            name: meta.createdBy.displayName ?? meta.createdBy.name ?? meta.createdBy.username ?? '',
          },
          lastUpdatedById: meta.lastUpdatedBy?.id ?? meta.createdBy.id,
          created: meta.created,
        }
      },
    ),
  ])
  const present = entries.filter((e): e is GapChangeEntry => e !== undefined)
  const folded = foldGapChanges(present, periodId, groups.supervisors?.members ?? new Set())
  return { ...folded, ignored: folded.ignored + (entries.length - present.length) }
}

/** Read-only for the Relais groups, nothing for anyone else (the author keeps their owner's access). */
export function gapSharing(groups: RelaisGroups) {
  return {
    object: {
      publicAccess: '--------',
      externalAccess: false,
      userAccesses: [],
      userGroupAccesses: [groups.supervisors, groups.managers, groups.admins]
        .filter((g) => g !== undefined)
        .map((g) => ({ id: g.id, access: 'r-------' })),
    },
  }
}

const randomSuffix = () => Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => (b % 36).toString(36)).join('')

/** Writes one change and shares it; the change counts once DHIS2 holds it (its sharing follows at once). */
export async function saveGapChange(
  api: Dhis2Access,
  change: GapChangeValue,
  random = randomSuffix(),
): Promise<string> {
  const key = gapChangeKey(change, random)
  await api.create(`dataStore/${NAMESPACE}/${key}`, change)
  const [meta, groups] = await Promise.all([metaOf(api, key), relaisGroups(api)])
  await api.create('sharing', gapSharing(groups), { type: 'dataStore', id: meta.id })
  return key
}
