// The Relais user groups (community-program.md "Users and roles") with their members: who may be trusted as
// the author of a gap or of the dashboard settings, and whom those entries are shared with.
import type { Dhis2Access } from '../shared/dhis2Access'

export const GROUP_CODES = {
  supervisors: 'RELAIS_SUPERVISEURS',
  managers: 'RELAIS_GESTIONNAIRES',
  admins: 'RELAIS_ADMINS',
} as const

export interface RelaisGroup {
  id: string
  code: string
  members: Set<string>
}

export type RelaisGroups = Partial<Record<keyof typeof GROUP_CODES, RelaisGroup>>

export async function relaisGroups(api: Dhis2Access): Promise<RelaisGroups> {
  const answer = (await api.get('userGroups', {
    filter: `code:in:[${Object.values(GROUP_CODES).join(',')}]`,
    fields: 'id,code,users[id]',
    paging: false,
  })) as { userGroups?: Array<{ id: string; code?: string; users?: Array<{ id: string }> }> }
  const groups: RelaisGroups = {}
  for (const [name, code] of Object.entries(GROUP_CODES) as [keyof typeof GROUP_CODES, string][]) {
    const found = answer.userGroups?.find((g) => g.code === code)
    if (found) groups[name] = { id: found.id, code, members: new Set((found.users ?? []).map((u) => u.id)) }
  }
  return groups
}
