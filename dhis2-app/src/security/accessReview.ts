// The access review's calls to DHIS2 (2.41, core@2.41 `UserController`, `AbstractCrudController`), pure: the
// paged, filtered users list, and each bulk action as the request the data engine makes with the administrator's
// own session. DHIS2 has no call that expires only a password (`passwordLastUpdated` cannot be written through the
// API): what it offers is the account's expiry date (`POST /api/users/{id}/expired?date=`), offered under that name.
import type { SecurityAction } from '../shared/bridge/security'

export const USER_FIELDS =
  'id,username,name,disabled,lastLogin,passwordLastUpdated,twoFactorEnabled,userRoles[id,name],userGroups[id,code,name],organisationUnits[id,name]'

export const PAGE_SIZE = 25

export interface ReviewUser {
  id: string
  username: string
  name: string
  disabled: boolean
  lastLogin?: string
  passwordLastUpdated?: string
  /** Not given by DHIS2 2.42 on /api/users. */
  twoFactorEnabled?: boolean
  userRoles: Array<{ id: string; name: string }>
  userGroups: Array<{ id: string; code?: string; name: string }>
  organisationUnits: Array<{ id: string; name: string }>
}

export interface ReviewFilter {
  text: string
  role: string
  group: string
}

/** The `/api/users` parameters of one page: DHIS2's people search (`query`) and the role / group filters. */
export function usersQueryParams(filter: ReviewFilter, page: number): Record<string, string | number | string[]> {
  const filters = [
    ...(filter.role ? [`userRoles.id:eq:${filter.role}`] : []),
    ...(filter.group ? [`userGroups.id:eq:${filter.group}`] : []),
  ]
  return {
    fields: USER_FIELDS,
    order: 'firstName:asc,surname:asc',
    page,
    pageSize: PAGE_SIZE,
    ...(filter.text.trim() ? { query: filter.text.trim() } : {}),
    ...(filters.length > 0 ? { filter: filters } : {}),
  }
}

/** The bulk actions of the review, recorded in the bridge's audit log under the same names. */
export type ReviewAction = 'disable' | 'enable' | 'remove-role' | 'expire-account'

export const AUDIT_ACTION: Record<ReviewAction, SecurityAction> = {
  disable: 'disable',
  enable: 'enable',
  'remove-role': 'remove-role',
  'expire-account': 'expire-account',
}

export type EngineMutation =
  | { type: 'create'; resource: string; data: Record<string, never>; params?: Record<string, string> }
  | { type: 'delete'; resource: string; id: string }

/** The DHIS2 request of one action on one person (`today`: the account's expiry date, YYYY-MM-DD). */
export function actionMutation(
  action: ReviewAction,
  userId: string,
  options: { role?: string; today: string },
): EngineMutation {
  switch (action) {
    case 'disable':
      return { type: 'create', resource: `users/${userId}/disabled`, data: {} }
    case 'enable':
      return { type: 'create', resource: `users/${userId}/enabled`, data: {} }
    case 'expire-account':
      return { type: 'create', resource: `users/${userId}/expired`, data: {}, params: { date: options.today } }
    case 'remove-role':
      if (!options.role) throw new Error('remove-role needs a role')
      return { type: 'delete', resource: `users/${userId}/userRoles`, id: options.role }
  }
}

/** The roles held by at least one of the chosen people, by name: what « remove a role » offers. */
export function rolesOf(users: readonly ReviewUser[]): Array<{ id: string; name: string }> {
  const roles = new Map<string, string>()
  for (const u of users) for (const r of u.userRoles) roles.set(r.id, r.name)
  return [...roles].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name))
}
