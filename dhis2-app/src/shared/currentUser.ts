// The signed-in user as Relais needs them: name, Relais user groups, superuser authority and org units.
// Shared by the home screen now and, later, by report entry, dashboards and the sync console.

export interface CurrentUser {
  id: string
  name: string
  username: string
  /** Needed to recognise a superuser (`ALL`), who counts as an administrator. */
  authorities?: string[]
  userGroups: Array<{ id: string; code?: string | null; name: string }>
  organisationUnits: Array<{ id: string; name: string; level: number }>
}

export interface CurrentUserQueryResult {
  me: CurrentUser
}

export const currentUserQuery = {
  me: {
    resource: 'me',
    params: {
      fields: ['id', 'name', 'username', 'authorities', 'userGroups[id,code,name]', 'organisationUnits[id,name,level]'],
    },
  },
}
