// Who may act in the console. Mirrors the bridge's own table (bridge-service/src/api/roles.ts: runs:write,
// quarantine:decide, uploads:create are the data managers' and administrators'); the bridge checks again anyway.
import type { RelaisRole } from '../../roles/roles'

const ACTING_ROLES: readonly RelaisRole[] = ['gestionnaire', 'administrateur']

/** Start runs, upload files, release or discard quarantined records, cancel and retry. */
export function mayActInConsole(roles: readonly RelaisRole[]): boolean {
  return roles.some((role) => ACTING_ROLES.includes(role))
}

// outbound:read and outbound:retry are the same roles' (bridge-service/src/api/roles.ts).
const OUTBOUND_ROLES: readonly RelaisRole[] = ['gestionnaire', 'administrateur']

/** See the deliveries to partners and send a failed one again. */
export function mayReadOutbound(roles: readonly RelaisRole[]): boolean {
  return roles.some((role) => OUTBOUND_ROLES.includes(role))
}

// hmis:read and hmis:push are the same roles' (bridge-service/src/api/roles.ts): kept apart all the same, so that a
// role given one of them only in the bridge is one line here.
const HMIS_READ_ROLES: readonly RelaisRole[] = ['gestionnaire', 'administrateur']
const HMIS_PUSH_ROLES: readonly RelaisRole[] = ['gestionnaire', 'administrateur']

/** See the pushes to the national HMIS and their reconciliation reports. */
export function mayReadHmis(roles: readonly RelaisRole[]): boolean {
  return roles.some((role) => HMIS_READ_ROLES.includes(role))
}

/** Start a push, a dry run or a check of the national HMIS. */
export function mayPushHmis(roles: readonly RelaisRole[]): boolean {
  return roles.some((role) => HMIS_PUSH_ROLES.includes(role))
}
