// Who may act in the console. Mirrors the bridge's own table (bridge-service/src/api/roles.ts: runs:write,
// quarantine:decide, uploads:create are the data managers' and administrators'); the bridge checks again anyway.
import type { RelaisRole } from '../../roles/roles'

const ACTING_ROLES: readonly RelaisRole[] = ['gestionnaire', 'administrateur']

/** Start runs, upload files, release or discard quarantined records, cancel and retry. */
export function mayActInConsole(roles: readonly RelaisRole[]): boolean {
  return roles.some((role) => ACTING_ROLES.includes(role))
}
