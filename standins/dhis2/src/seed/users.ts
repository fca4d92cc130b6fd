/**
 * Users of each Relais role (community-program.md "Users and roles"), with the password-age,
 * last-login, disabled and 2FA fields of DHIS2 2.41. The superuser is admin / district, as on
 * DHIS2's public demo databases; the other demo users share one password, printed by the demo.
 */
import { createHash } from 'node:crypto'
import type { OrganisationUnit, Ref, Sharing, User, UserGroup, UserRole } from '@relais/mappings'
import type { ApiToken, Credential } from '../store/state'
import { relaisPackage } from '@relais/metadata'
import { uid } from './build-metadata'

export const DEMO_PASSWORD = 'Relais-2026'
/** The bridge's personal access token in the demo (DHIS2 2.37–2.40 `d2pat_` format, still accepted by 2.41). */
export const DEMO_BRIDGE_TOKEN = 'd2pat_RelaisDemoBridgeTokenNotForProduct1234567890'

export interface DemoLogin {
  username: string
  password: string
  role: string
  orgUnit: string
  note: string
}

export function hashPassword(password: string, salt: string): Credential {
  return {
    salt,
    hash: createHash('sha256')
      .update(salt + password)
      .digest('hex'),
  }
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/** DHIS2's superuser role, then the Relais roles of the metadata package (least authorities each). */
const ROLE_DEFS: { id: string; code: string; name: string; authorities: string[]; sharing?: Sharing }[] = [
  { id: uid('userRole', 'SUPERUSER'), code: 'SUPERUSER', name: 'Superuser', authorities: ['ALL'] },
  ...relaisPackage().userRoles,
]

interface UserDef {
  username: string
  firstName: string
  surname: string
  roles: string[]
  groups: string[]
  orgUnits: OrganisationUnit[]
  password: string
  disabled?: boolean
  twoFactorEnabled?: boolean
  passwordAgeDays: number
  lastLoginDaysAgo?: number
  locale?: string
  note: string
}

export interface SeededUsers {
  users: User[]
  userGroups: UserGroup[]
  userRoles: UserRole[]
  credentials: Map<string, Credential>
  apiTokens: ApiToken[]
  logins: DemoLogin[]
}

const ref = (id: string): Ref => ({ id })

export function buildUsers(orgUnits: OrganisationUnit[], rcs: OrganisationUnit[], nowIso: string): SeededUsers {
  const byCode = new Map(orgUnits.map((o) => [o.code ?? '', o]))
  const find = (code: string): OrganisationUnit => {
    const unit = byCode.get(code)
    if (!unit) throw new Error(`seed: no org unit ${code}`)
    return unit
  }
  const firstRc = rcs.find((rc) => rc.code?.startsWith('RC-AQ-')) ?? rcs[0]
  if (!firstRc) throw new Error('seed: no RC org unit')
  const aire = orgUnits.find((o) => o.id === firstRc.parent?.id)
  const zone = aire && orgUnits.find((o) => o.id === aire.parent?.id)
  if (!aire || !zone) throw new Error('seed: RC without aire or zone')

  const defs: UserDef[] = [
    {
      username: 'admin',
      firstName: 'John',
      surname: 'Traore',
      roles: ['SUPERUSER'],
      groups: ['RELAIS_ADMINS'],
      orgUnits: [find('BJ')],
      password: 'district',
      passwordAgeDays: 30,
      lastLoginDaysAgo: 0,
      locale: 'en',
      note: 'DHIS2 superuser',
    },
    {
      username: 'relais',
      firstName: firstRc.name.replace(/^RC /, '').split(' (')[0]?.split(' ')[0] ?? 'Afiavi',
      surname: firstRc.name.replace(/^RC /, '').split(' (')[0]?.split(' ').slice(1).join(' ') ?? 'Houénou',
      roles: ['ROLE_SAISIE_RC'],
      groups: ['RELAIS_RC'],
      orgUnits: [firstRc],
      password: DEMO_PASSWORD,
      passwordAgeDays: 20,
      lastLoginDaysAgo: 2,
      locale: 'fr',
      note: `relais communautaire of ${firstRc.code}`,
    },
    {
      username: 'superviseur',
      firstName: 'Codjo',
      surname: 'Agossou',
      roles: ['ROLE_SUPERVISEUR'],
      groups: ['RELAIS_SUPERVISEURS'],
      orgUnits: [zone],
      password: DEMO_PASSWORD,
      passwordAgeDays: 45,
      lastLoginDaysAgo: 1,
      locale: 'fr',
      note: `supervisor of zone ${zone.code}`,
    },
    {
      username: 'superviseur.aire',
      firstName: 'Honorine',
      surname: 'Dossa',
      roles: ['ROLE_SUPERVISEUR'],
      groups: ['RELAIS_SUPERVISEURS'],
      orgUnits: [aire],
      password: DEMO_PASSWORD,
      passwordAgeDays: 100,
      lastLoginDaysAgo: 12,
      locale: 'fr',
      note: `supervisor of aire ${aire.code} (password older than 90 days)`,
    },
    {
      username: 'gestionnaire',
      firstName: 'Mathias',
      surname: 'Gbaguidi',
      roles: ['ROLE_GESTIONNAIRE'],
      groups: ['RELAIS_GESTIONNAIRES'],
      orgUnits: [find('BJ')],
      password: DEMO_PASSWORD,
      passwordAgeDays: 10,
      lastLoginDaysAgo: 0,
      locale: 'fr',
      note: 'data manager, all of Bénin',
    },
    {
      username: 'administrateur',
      firstName: 'Pélagie',
      surname: 'Soglo',
      roles: ['ROLE_ADMIN_RELAIS'],
      groups: ['RELAIS_ADMINS'],
      orgUnits: [find('BJ')],
      password: DEMO_PASSWORD,
      passwordAgeDays: 60,
      lastLoginDaysAgo: 3,
      locale: 'fr',
      note: 'Relais administrator',
    },
    {
      username: 'controleur',
      firstName: 'Sèna',
      surname: 'Kiki',
      roles: ['ROLE_GESTIONNAIRE'],
      groups: [],
      orgUnits: [find('BJ')],
      password: DEMO_PASSWORD,
      twoFactorEnabled: true,
      passwordAgeDays: 15,
      lastLoginDaysAgo: 5,
      locale: 'fr',
      note: 'two-factor authentication on: password sign-in alone is refused',
    },
    {
      username: 'ancien.superviseur',
      firstName: 'Orou',
      surname: 'Bio',
      roles: ['ROLE_SUPERVISEUR'],
      groups: ['RELAIS_SUPERVISEURS'],
      orgUnits: [find('ZS-BO-01')],
      password: DEMO_PASSWORD,
      disabled: true,
      passwordAgeDays: 400,
      lastLoginDaysAgo: 300,
      locale: 'fr',
      note: 'disabled account (cannot log in)',
    },
    {
      username: 'passerelle',
      firstName: 'Passerelle',
      surname: 'Relais',
      roles: ['ROLE_PASSERELLE'],
      groups: [],
      orgUnits: [find('BJ')],
      password: DEMO_PASSWORD,
      passwordAgeDays: 5,
      locale: 'en',
      note: 'service account of the bridge (also has the API token)',
    },
  ]

  const now = new Date(nowIso)
  const daysAgo = (d: number) => new Date(now.getTime() - d * 86400000).toISOString().replace('Z', '')
  const userRoles: UserRole[] = ROLE_DEFS.map((r) => ({
    id: r.id,
    code: r.code,
    name: r.name,
    created: '2024-01-15T09:00:00.000',
    lastUpdated: '2024-01-15T09:00:00.000',
    authorities: [...r.authorities],
    ...(r.sharing ? { sharing: structuredClone(r.sharing) } : {}),
    users: [],
  }))
  const userGroups: UserGroup[] = relaisPackage().userGroups.map((g) => ({
    id: g.id,
    code: g.code,
    name: g.name,
    created: '2024-01-15T09:00:00.000',
    lastUpdated: '2024-01-15T09:00:00.000',
    translations: [...(g.translations ?? [])],
    sharing: structuredClone(g.sharing),
    users: [],
  }))
  const credentials = new Map<string, Credential>()
  const users: User[] = defs.map((d) => {
    const id = uid('user', d.username)
    const units = d.orgUnits.map((o) => ref(o.id))
    for (const r of d.roles) userRoles.find((x) => x.code === r)?.users.push(ref(id))
    for (const g of d.groups) userGroups.find((x) => x.code === g)?.users.push(ref(id))
    credentials.set(d.username, hashPassword(d.password, `seed-${d.username}`))
    const user: User = {
      id,
      code: d.username.toUpperCase(),
      name: `${d.firstName} ${d.surname}`,
      username: d.username,
      firstName: d.firstName,
      surname: d.surname,
      email: `${d.username}@relais.bj`,
      created: '2024-01-15T09:00:00.000',
      lastUpdated: daysAgo(d.passwordAgeDays),
      disabled: d.disabled ?? false,
      twoFactorEnabled: d.twoFactorEnabled ?? false,
      passwordLastUpdated: daysAgo(d.passwordAgeDays),
      externalAuth: false,
      organisationUnits: units,
      dataViewOrganisationUnits: units,
      teiSearchOrganisationUnits: [],
      userGroups: d.groups.map((g) => ref(userGroups.find((x) => x.code === g)!.id)),
      userRoles: d.roles.map((r) => ref(userRoles.find((x) => x.code === r)!.id)),
      settings: { keyUiLocale: d.locale ?? 'fr', keyDbLocale: d.locale ?? 'fr' },
    }
    if (d.lastLoginDaysAgo !== undefined) user.lastLogin = daysAgo(d.lastLoginDaysAgo)
    return user
  })
  const apiTokens: ApiToken[] = [
    { id: uid('apiToken', 'passerelle'), keyHash: hashToken(DEMO_BRIDGE_TOKEN), userId: uid('user', 'passerelle') },
  ]
  const logins: DemoLogin[] = defs.map((d) => ({
    username: d.username,
    password: d.password,
    role: d.roles.includes('SUPERUSER') ? 'superuser' : (d.groups[0] ?? 'no Relais group'),
    orgUnit: d.orgUnits.map((o) => o.code).join(', '),
    note: d.note,
  }))
  return { users, userGroups, userRoles, credentials, apiTokens, logins }
}

/** A blank DHIS2's only account: the superuser admin / district, at the root, with no Relais group. */
export function buildBlankUsers(root: OrganisationUnit, nowIso: string): SeededUsers {
  const id = uid('user', 'admin')
  const superuser: UserRole = {
    id: uid('userRole', 'SUPERUSER'),
    code: 'SUPERUSER',
    name: 'Superuser',
    created: '2024-01-15T09:00:00.000',
    lastUpdated: '2024-01-15T09:00:00.000',
    authorities: ['ALL'],
    users: [ref(id)],
  }
  const user: User = {
    id,
    code: 'ADMIN',
    name: 'John Traore',
    username: 'admin',
    firstName: 'John',
    surname: 'Traore',
    email: 'admin@relais.bj',
    created: '2024-01-15T09:00:00.000',
    lastUpdated: nowIso.replace('Z', ''),
    disabled: false,
    twoFactorEnabled: false,
    passwordLastUpdated: nowIso.replace('Z', ''),
    externalAuth: false,
    organisationUnits: [ref(root.id)],
    dataViewOrganisationUnits: [ref(root.id)],
    teiSearchOrganisationUnits: [],
    userGroups: [],
    userRoles: [ref(superuser.id)],
    settings: { keyUiLocale: 'en', keyDbLocale: 'en' },
  }
  const credentials = new Map<string, Credential>([['admin', hashPassword('district', 'seed-admin')]])
  const logins: DemoLogin[] = [
    { username: 'admin', password: 'district', role: 'superuser', orgUnit: root.code ?? '', note: 'DHIS2 superuser' },
  ]
  return { users: [user], userGroups: [], userRoles: [superuser], credentials, apiTokens: [], logins }
}
