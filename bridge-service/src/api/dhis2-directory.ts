/**
 * The bridge's user directory: a DHIS2 user's Relais roles, read with the bridge's own DHIS2
 * credentials from their user groups and authorities. A disabled or unknown user has no roles.
 */
import type { Dhis2Client } from '../dhis2/client'
import type { UserAccess, UserDirectory } from './auth'
import { rolesFromDhis2, type Role } from './roles'

export function dhis2Directory(client: Pick<Dhis2Client, 'getUserGroups'>): UserDirectory {
  const accessOf = async (username: string): Promise<UserAccess | undefined> => {
    const user = await client.getUserGroups(username)
    if (!user || user.disabled) return undefined
    return {
      roles: rolesFromDhis2(
        user.userGroups.map((g) => g.code ?? ''),
        user.authorities,
      ),
      orgUnits: user.orgUnits,
    }
  }
  return {
    accessOf,
    async rolesOf(username: string): Promise<Role[] | undefined> {
      return (await accessOf(username))?.roles
    },
  }
}
