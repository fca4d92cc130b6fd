/**
 * The bridge's user directory: a DHIS2 user's Relais roles, read with the bridge's own DHIS2
 * credentials from their user groups and authorities. A disabled or unknown user has no roles.
 */
import type { Dhis2Client } from '../dhis2/client'
import type { UserAccess, UserDirectory } from './auth'
import { rolesFromDhis2, type Role } from './roles'
import { PROOF_NAMESPACE, type ProofStore } from './route-proof'

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

/** The route proofs' entries, read and deleted with the bridge's DHIS2 credentials (route-proof.ts). */
export function dhis2ProofStore(client: Pick<Dhis2Client, 'getDataStoreAuthor' | 'deleteDataStoreKey'>): ProofStore {
  return {
    async authorOf(key) {
      return (await client.getDataStoreAuthor(PROOF_NAMESPACE, key))?.username
    },
    async remove(key) {
      await client.deleteDataStoreKey(PROOF_NAMESPACE, key)
    },
  }
}
