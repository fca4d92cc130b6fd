// Relais roles and what each may open. Pure: no React, no i18n, no DHIS2 calls.
// A user's roles come from their DHIS2 user groups (by group code); a superuser (authority ALL) is an administrator.

export type RelaisRole = 'relais' | 'superviseur' | 'gestionnaire' | 'administrateur'

export type RelaisScreen =
  | 'saisie'
  | 'resultats'
  | 'recherche-pdv'
  | 'tableau-de-bord'
  | 'synchronisation'
  | 'rappels'
  | 'aide'
  | 'qualite'
  | 'bulletin'
  | 'securite'
  | 'exploitation'

export const ROLE_BY_GROUP_CODE: Readonly<Record<string, RelaisRole>> = {
  RELAIS_RC: 'relais',
  RELAIS_SUPERVISEURS: 'superviseur',
  RELAIS_GESTIONNAIRES: 'gestionnaire',
  RELAIS_ADMINS: 'administrateur',
}

export const SUPERUSER_AUTHORITY = 'ALL'

/** Highest first: the order in which roles are listed to the user. */
export const ROLE_ORDER: readonly RelaisRole[] = ['administrateur', 'gestionnaire', 'superviseur', 'relais']

/** Screens in navigation order, with the roles that may open each one. */
export const SCREEN_ACCESS: ReadonlyArray<{ screen: RelaisScreen; roles: readonly RelaisRole[] }> = [
  { screen: 'saisie', roles: ['relais', 'superviseur'] },
  { screen: 'resultats', roles: ['relais', 'superviseur'] },
  // The RC record the outcome of their tracing tasks; supervisors follow those of their area (issue 19 §3).
  { screen: 'recherche-pdv', roles: ['relais', 'superviseur'] },
  { screen: 'tableau-de-bord', roles: ['superviseur', 'gestionnaire', 'administrateur'] },
  { screen: 'synchronisation', roles: ['gestionnaire', 'administrateur'] },
  // Data managers set the reminder rules; supervisors follow the reminders of their RC (issue 15 §1).
  { screen: 'rappels', roles: ['superviseur', 'gestionnaire', 'administrateur'] },
  // RC file and follow their own difficulties; the other roles answer them (issue 15 §2).
  { screen: 'aide', roles: ['relais', 'superviseur', 'gestionnaire', 'administrateur'] },
  // Supervisors check their RC's findings; data managers mark them checked or corrected (issue 15 §3).
  { screen: 'qualite', roles: ['superviseur', 'gestionnaire', 'administrateur'] },
  // The periodic bulletin per zone and département, printable and CSV (issue 15 §4).
  { screen: 'bulletin', roles: ['superviseur', 'gestionnaire', 'administrateur'] },
  // Security findings, the access review, the evidence pack and the bridge's audit log (issue 16 §3).
  { screen: 'securite', roles: ['administrateur'] },
  // The bridge's capacity: the ledger, Redis, the disk, the projection and the last backup (issue 17 §3).
  { screen: 'exploitation', roles: ['administrateur'] },
]

/** The parts of DHIS2's `api/me` that decide the roles. */
export interface RoleSource {
  userGroups?: ReadonlyArray<{ code?: string | null }> | null
  authorities?: readonly string[] | null
}

/** Every Relais role the user holds, highest first, without duplicates. Empty when the user has none. */
export function relaisRoles(user: RoleSource): RelaisRole[] {
  const held = new Set<RelaisRole>()
  for (const group of user.userGroups ?? []) {
    const role = group.code ? ROLE_BY_GROUP_CODE[group.code] : undefined
    if (role) held.add(role)
  }
  if (user.authorities?.includes(SUPERUSER_AUTHORITY)) held.add('administrateur')
  return ROLE_ORDER.filter((role) => held.has(role))
}

/** The screens that at least one of the roles may open, in navigation order. */
export function allowedScreens(roles: readonly RelaisRole[]): RelaisScreen[] {
  return SCREEN_ACCESS.filter(({ roles: allowed }) => allowed.some((role) => roles.includes(role))).map(
    ({ screen }) => screen,
  )
}
