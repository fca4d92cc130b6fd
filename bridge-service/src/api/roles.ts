/**
 * Who may do what through the bridge's API. A person's role comes from their DHIS2 user groups
 * (community-program.md "Users and roles"); an API key carries its own role. One table decides every
 * route, so the table-driven auth test and the code read the same thing.
 */
export const ROLES = ['relais', 'superviseur', 'gestionnaire', 'administrateur', 'lecteur'] as const
export type Role = (typeof ROLES)[number]

export const ACTIONS = [
  'runs:read',
  'runs:write',
  'records:read',
  'quarantine:decide',
  'uploads:create',
  'sources:read',
  'metadata:read',
  'metadata:refresh',
  'audit:read',
  'metrics:read',
  'users:forget',
  'reminders:read',
  'reminders:send',
  'reminders:configure',
  // The daily security check names people and their accounts' weaknesses: administrators only.
  'security:read',
  'security:run',
  // The capacity report (the ledger, Redis, the disk, the last backup): the bridge's operators, administrators.
  'operations:read',
  // Outbound webhooks to partners (issue 19 §4): what was sent and a retry by hand; data managers, administrators.
  'outbound:read',
  'outbound:retry',
  // LTFU tracing (issue 19 §3): cases by tracing code and the indicators; data managers, administrators.
  'tracing:read',
  // The national HMIS push (issue 19 §2): zone totals and their reconciliation; data managers, administrators.
  'hmis:read',
  'hmis:push',
] as const
export type Action = (typeof ACTIONS)[number]

const READ: Action[] = ['runs:read', 'records:read', 'sources:read', 'metadata:read', 'reminders:read']

export const PERMISSIONS: Record<Role, ReadonlySet<Action>> = {
  // RC enter reports in DHIS2; the sync console is not theirs.
  relais: new Set(),
  // A supervisor sends « Relancer » to their own RC (scope.ts); data managers set the rules.
  superviseur: new Set([...READ, 'reminders:send']),
  gestionnaire: new Set([
    ...READ,
    'runs:write',
    'quarantine:decide',
    'uploads:create',
    'metadata:refresh',
    'reminders:send',
    'reminders:configure',
    'outbound:read',
    'outbound:retry',
    'tracing:read',
    'hmis:read',
    'hmis:push',
  ]),
  administrateur: new Set(ACTIONS),
  // Read-only API keys for scripts and monitoring: Prometheus scrapes /metrics with one.
  lecteur: new Set([...READ, 'metrics:read']),
}

/** DHIS2 user group codes → Relais roles. */
const GROUP_ROLES: Record<string, Role> = {
  RELAIS_RC: 'relais',
  RELAIS_SUPERVISEURS: 'superviseur',
  RELAIS_GESTIONNAIRES: 'gestionnaire',
  RELAIS_ADMINS: 'administrateur',
}

/** A DHIS2 user's Relais roles: from their groups, and administrateur for a superuser (authority ALL). */
export function rolesFromDhis2(groupCodes: readonly string[], authorities: readonly string[]): Role[] {
  const roles = new Set<Role>()
  for (const code of groupCodes) {
    const role = GROUP_ROLES[code]
    if (role) roles.add(role)
  }
  if (authorities.includes('ALL')) roles.add('administrateur')
  return ROLES.filter((r) => roles.has(r))
}

export function mayDo(roles: readonly Role[], action: Action): boolean {
  return roles.some((role) => PERMISSIONS[role].has(action))
}
