/**
 * The demo's programme staff: a supervisor of one zone, a data manager and a Relais administrator, made as an
 * administrator makes them in DHIS2's Users app — a user with the package's role and org units, added to the
 * package's group. RC accounts come from the roster (`relais roster import --users`), not from here.
 * Known passwords, for a demo only; a second run changes nothing.
 */
import { relaisPackage } from '@relais/metadata'
import type { Dhis2Admin } from '../bridge-service/src/setup/admin-client'
import { currentObjects, importMetadata } from '../bridge-service/src/setup/setup'

export const STAFF_PASSWORD = 'Relais-2026'

export interface StaffMember {
  username: string
  firstName: string
  surname: string
  role: string
  group: string
  /** Code of the org unit they work at. */
  orgUnit: string
  note: string
  /**
   * An account with a history the daily security check reports (issue 16: the demo shows a day's report with an
   * old password, a dormant account and a disabled one); not listed among the demo's sign-ins.
   */
  securityCase?: { disabled?: boolean; passwordAgeDays: number; lastLoginDaysAgo: number }
}

export const STAFF: readonly StaffMember[] = [
  {
    username: 'superviseur',
    firstName: 'Sènami',
    surname: 'Adjovi',
    role: 'ROLE_SUPERVISEUR',
    group: 'RELAIS_SUPERVISEURS',
    orgUnit: 'ZS-AQ-01',
    note: 'superviseur, zone sanitaire ZS-AQ-01',
  },
  {
    username: 'gestionnaire',
    firstName: 'Koffi',
    surname: 'Gbaguidi',
    role: 'ROLE_GESTIONNAIRE',
    group: 'RELAIS_GESTIONNAIRES',
    orgUnit: 'BJ',
    note: 'gestionnaire de données, Bénin',
  },
  {
    username: 'administrateur',
    firstName: 'Mariam',
    surname: 'Bako',
    role: 'ROLE_ADMIN_RELAIS',
    group: 'RELAIS_ADMINS',
    orgUnit: 'BJ',
    note: 'administrateur Relais, Bénin',
  },
  {
    username: 'chef.nord',
    firstName: 'Codjo',
    surname: 'Dossou',
    role: 'ROLE_SUPERVISEUR',
    group: 'RELAIS_SUPERVISEURS',
    orgUnit: 'ZS-AQ-01',
    note: 'superviseur: password 100 days old, last signed in 120 days ago',
    securityCase: { passwordAgeDays: 100, lastLoginDaysAgo: 120 },
  },
  {
    username: 'ancien.chef',
    firstName: 'Rachidi',
    surname: 'Yessoufou',
    role: 'ROLE_SUPERVISEUR',
    group: 'RELAIS_SUPERVISEURS',
    orgUnit: 'ZS-AQ-01',
    note: 'former supervisor: account disabled',
    securityCase: { disabled: true, passwordAgeDays: 400, lastLoginDaysAgo: 300 },
  },
]

/** Creates the staff members who are not in DHIS2 yet; returns how many it created. */
export async function ensureStaff(dhis2: Dhis2Admin): Promise<number> {
  const pkg = relaisPackage()
  const found = await dhis2.get<{ users?: Array<{ username: string }> }>('users', {
    filter: `username:in:[${STAFF.map((s) => s.username).join(',')}]`,
    fields: 'username',
    paging: 'false',
  })
  const have = new Set((found.users ?? []).map((u) => u.username))
  const missing = STAFF.filter((s) => !have.has(s.username))
  if (missing.length === 0) return 0
  const units = await dhis2.get<{ organisationUnits?: Array<{ id: string; code: string; level: number }> }>(
    'organisationUnits',
    {
      filter: `code:in:[${[...new Set(missing.map((s) => s.orgUnit))].join(',')}]`,
      fields: 'id,code',
      paging: 'false',
    },
  )
  const root = await dhis2.get<{ organisationUnits?: Array<{ id: string }> }>('organisationUnits', {
    filter: 'level:eq:1',
    fields: 'id',
    paging: 'false',
  })
  const unitId = (code: string) =>
    units.organisationUnits?.find((u) => u.code === code)?.id ??
    (code === 'BJ' ? root.organisationUnits?.[0]?.id : undefined)
  const idOf = (list: Array<{ code?: string; id: string }>, code: string) => {
    const found = list.find((o) => o.code === code)
    if (!found) throw new Error(`the metadata package has no ${code}`)
    return found.id
  }
  const users = missing.map((s) => {
    const unit = unitId(s.orgUnit)
    if (!unit) throw new Error(`no org unit ${s.orgUnit} in DHIS2: run the roster hierarchy first`)
    return {
      username: s.username,
      password: STAFF_PASSWORD,
      firstName: s.firstName,
      surname: s.surname,
      ...(s.securityCase?.disabled ? { disabled: true } : {}),
      userRoles: [{ id: idOf(pkg.userRoles, s.role) }],
      organisationUnits: [{ id: unit }],
      dataViewOrganisationUnits: [{ id: unit }],
    }
  })
  const withIds = users.map((u) => ({ ...u, id: userId(u.username) }))
  // Groups own their members in a metadata import: each group is sent whole, with its new members.
  const groupIds = [...new Set(missing.map((s) => idOf(pkg.userGroups, s.group)))]
  const groups = await currentObjects(dhis2, 'userGroups', groupIds)
  const userGroups = groups.map((group) => {
    const added = missing
      .filter((s) => idOf(pkg.userGroups, s.group) === group.id)
      .map((s) => ({ id: userId(s.username) }))
    const current = Array.isArray(group.users) ? (group.users as Array<{ id: string }>) : []
    return { ...group, id: String(group.id), users: [...current.map((u) => ({ id: u.id })), ...added] }
  })
  await importMetadata(dhis2, { users: withIds, userGroups }, 'COMMIT')
  return missing.length
}

/** A stable UID per demo username, so a second run finds the same user. */
function userId(username: string): string {
  const letters = username
    .replace(/[^a-z]/g, '')
    .padEnd(10, 'x')
    .slice(0, 10)
  return `D${letters}`
}
