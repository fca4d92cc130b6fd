/**
 * The daily security check's judgement (issue 16 §2), pure: what DHIS2 and the bridge look like today
 * (`SecuritySnapshot`, read by dhis2-snapshot.ts) against the programme's policy (policy.ts) gives findings, each
 * with a severity and a stable key (code + subject) so that one day's report can be compared with the day before.
 * Nothing here reads a clock or the network.
 */
import {
  GROUP_ROLE_PAIRS,
  PRIVILEGED_AUTHORITIES,
  RECOMMENDED_SETTINGS,
  type DataWritePolicy,
  type SecurityPolicy,
} from './policy'

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const
export type Severity = (typeof SEVERITIES)[number]

export const FINDING_CODES = [
  'password-expired',
  'password-expiring',
  'account-never-used',
  'account-dormant',
  'privileged-without-two-factor',
  'two-factor-unknown',
  'superuser-not-agreed',
  'group-without-role',
  'role-without-group',
  'public-metadata-write',
  'public-data-write',
  'data-write-beyond-policy',
  'token-expired',
  'token-expiring',
  'token-without-expiry',
  'setting-weak',
  'route-unencrypted',
  'api-key-expired',
  'api-key-expiring',
  'api-key-without-expiry',
  'route-secret-rotation-open',
] as const
export type FindingCode = (typeof FINDING_CODES)[number]

export type SubjectKind = 'user' | 'object' | 'token' | 'setting' | 'route' | 'api-key'

export interface Finding {
  /** Stable across days: code and subject. */
  key: string
  code: FindingCode
  severity: Severity
  subject: { kind: SubjectKind; id: string; name: string }
  /** What the screens and the evidence pack show with the finding (days, authorities, groups…). */
  detail: Record<string, string | number | boolean | null | string[]>
}

export interface SnapshotUser {
  id: string
  username: string
  name: string
  disabled: boolean
  created?: string
  lastLogin?: string
  passwordLastUpdated?: string
  /** Undefined where DHIS2 does not say (2.42 hides it on /api/users). */
  twoFactorEnabled?: boolean
  roleIds: string[]
  groupCodes: string[]
}

export interface SnapshotRole {
  id: string
  code?: string
  name: string
  authorities: string[]
}

/** An object's sharing as DHIS2 2.36+ gives it: the public access string and the groups' access strings. */
export interface SnapshotSharing {
  type: string
  id: string
  code?: string
  name: string
  public: string
  userGroups: { code?: string; name: string; access: string }[]
}

export interface SnapshotToken {
  id: string
  /** Epoch milliseconds; null: never expires. */
  expire: number | null
  /** The bridge's own token (matched by its hash), or another one of the bridge's user. */
  ours: boolean
}

export interface SecuritySnapshot {
  /** DHIS2's date and time (its clock decides password ages, as it does for sign-in). */
  now: Date
  dhis2Version: string
  users: SnapshotUser[]
  roles: SnapshotRole[]
  settings: Record<string, unknown>
  sharing: SnapshotSharing[]
  tokens: SnapshotToken[]
  /** The bridge's DHIS2 user (not judged as a person: no sign-in, no two-factor possible with a token). */
  serviceUserId?: string
  /** The DHIS2 route to the bridge, when there is one. */
  route?: { id: string; code: string; url: string }
  /** The bridge's own configuration: its API keys' names and last days (never the keys). */
  bridge?: { apiKeys: { name: string; expires?: string }[]; routeSecretRotating: boolean }
}

const DAY_MS = 86_400_000

/** DHIS2 timestamps are server-local without an offset; read as UTC (a day more or less does not change a finding). */
function daysSince(timestamp: string | undefined, now: Date): number | undefined {
  if (!timestamp) return undefined
  const at = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(timestamp) ? timestamp : `${timestamp}Z`)
  return Number.isNaN(at) ? undefined : Math.floor((now.getTime() - at) / DAY_MS)
}

const finding = (
  code: FindingCode,
  severity: Severity,
  subject: Finding['subject'],
  detail: Finding['detail'] = {},
): Finding => ({ key: `${code}|${subject.kind}:${subject.id}`, code, severity, subject, detail })

const userSubject = (u: SnapshotUser) => ({ kind: 'user' as const, id: u.id, name: `${u.name} (${u.username})` })

function userFindings(snapshot: SecuritySnapshot, policy: SecurityPolicy): Finding[] {
  const found: Finding[] = []
  const roles = new Map(snapshot.roles.map((r) => [r.id, r]))
  let twoFactorUnknown = false
  for (const user of snapshot.users) {
    if (user.disabled || user.id === snapshot.serviceUserId) continue
    const subject = userSubject(user)
    const authorities = new Set(user.roleIds.flatMap((id) => roles.get(id)?.authorities ?? []))
    const superuser = authorities.has('ALL')

    const age = daysSince(user.passwordLastUpdated, snapshot.now)
    if (age !== undefined && age >= policy.passwordMaxAgeDays)
      found.push(finding('password-expired', 'high', subject, { days: age }))
    else if (age !== undefined && age >= policy.passwordMaxAgeDays - policy.passwordWarnDays)
      found.push(
        finding('password-expiring', 'medium', subject, { days: age, daysLeft: policy.passwordMaxAgeDays - age }),
      )

    const idle = daysSince(user.lastLogin, snapshot.now)
    const existing = daysSince(user.created, snapshot.now)
    if (!user.lastLogin && (existing === undefined || existing >= policy.neverUsedGraceDays))
      found.push(finding('account-never-used', 'medium', subject, { createdDaysAgo: existing ?? null }))
    else if (idle !== undefined && idle >= policy.dormantDays)
      found.push(finding('account-dormant', 'medium', subject, { days: idle }))

    const privileged = PRIVILEGED_AUTHORITIES.filter((a) => authorities.has(a))
    if (privileged.length > 0) {
      if (user.twoFactorEnabled === false)
        found.push(finding('privileged-without-two-factor', 'high', subject, { authorities: privileged }))
      else if (user.twoFactorEnabled === undefined) twoFactorUnknown = true
    }
    if (superuser && !policy.superusers.includes(user.username))
      found.push(finding('superuser-not-agreed', 'critical', subject, { agreed: [...policy.superusers] }))

    const roleCodes = new Set(user.roleIds.map((id) => roles.get(id)?.code).filter((c): c is string => !!c))
    for (const { group, role } of GROUP_ROLE_PAIRS) {
      const inGroup = user.groupCodes.includes(group)
      // A superuser may do what any Relais role does: a group without its role is not a gap for them.
      if (inGroup && !roleCodes.has(role) && !superuser)
        found.push(finding('group-without-role', 'medium', { ...subject, id: `${user.id}:${group}` }, { group, role }))
      if (!inGroup && roleCodes.has(role))
        found.push(finding('role-without-group', 'medium', { ...subject, id: `${user.id}:${role}` }, { group, role }))
    }
  }
  if (twoFactorUnknown)
    found.push(
      finding(
        'two-factor-unknown',
        'low',
        { kind: 'setting', id: 'twoFactor', name: `DHIS2 ${snapshot.dhis2Version}` },
        { version: snapshot.dhis2Version },
      ),
    )
  return found
}

/** DHIS2 access strings: characters 1–2 metadata read/write, 3–4 data read/write. */
const writesMetadata = (access: string) => access.charAt(1) === 'w'
const writesData = (access: string) => access.charAt(3) === 'w'

function sharingFindings(snapshot: SecuritySnapshot, policy: DataWritePolicy): Finding[] {
  const found: Finding[] = []
  for (const object of snapshot.sharing) {
    const subject = { kind: 'object' as const, id: object.id, name: `${object.name} (${object.type})` }
    if (writesMetadata(object.public))
      found.push(finding('public-metadata-write', 'high', subject, { type: object.type, access: object.public }))
    if (object.type !== 'dataSet') continue
    if (writesData(object.public))
      found.push(finding('public-data-write', 'high', subject, { type: object.type, access: object.public }))
    const allowed = (object.code && policy[object.code]) || undefined
    if (!allowed) continue
    const beyond = object.userGroups
      .filter((g) => writesData(g.access) && !(g.code && allowed.includes(g.code)))
      .map((g) => g.code ?? g.name)
    if (beyond.length > 0)
      found.push(finding('data-write-beyond-policy', 'medium', subject, { groups: beyond, allowed: [...allowed] }))
  }
  return found
}

function tokenFindings(snapshot: SecuritySnapshot, policy: SecurityPolicy): Finding[] {
  const found: Finding[] = []
  for (const token of snapshot.tokens) {
    const subject = { kind: 'token' as const, id: token.id, name: token.ours ? 'relais-bridge' : token.id }
    if (token.expire === null) {
      found.push(finding('token-without-expiry', 'high', subject, { ours: token.ours }))
      continue
    }
    const daysLeft = Math.floor((token.expire - snapshot.now.getTime()) / DAY_MS)
    if (daysLeft < 0) found.push(finding('token-expired', token.ours ? 'critical' : 'medium', subject, { daysLeft }))
    else if (daysLeft <= policy.tokenWarnDays)
      found.push(finding('token-expiring', 'high', subject, { daysLeft, ours: token.ours }))
  }
  return found
}

function settingFindings(snapshot: SecuritySnapshot): Finding[] {
  const found: Finding[] = []
  for (const { key, weak, expected } of RECOMMENDED_SETTINGS) {
    const value = snapshot.settings[key]
    if (weak(value))
      found.push(
        finding(
          'setting-weak',
          'medium',
          { kind: 'setting', id: key, name: key },
          {
            value: value === undefined ? null : String(value),
            expected,
          },
        ),
      )
  }
  return found
}

/** A route over plain HTTP to a host off this machine: the route's secret would cross the network in clear. */
function routeFindings(snapshot: SecuritySnapshot): Finding[] {
  const route = snapshot.route
  if (!route) return []
  let url: URL
  try {
    url = new URL(route.url)
  } catch {
    return []
  }
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)
  if (url.protocol !== 'http:' || local) return []
  return [finding('route-unencrypted', 'high', { kind: 'route', id: route.id, name: route.code }, { host: url.host })]
}

/** The bridge's API keys by their last day, and a route-secret rotation left half-done. */
function bridgeFindings(snapshot: SecuritySnapshot, policy: SecurityPolicy): Finding[] {
  const bridge = snapshot.bridge
  if (!bridge) return []
  const found: Finding[] = []
  for (const key of bridge.apiKeys) {
    const subject = { kind: 'api-key' as const, id: key.name, name: key.name }
    if (!key.expires) {
      found.push(finding('api-key-without-expiry', 'low', subject))
      continue
    }
    // The key is accepted through its last day (UTC).
    const daysLeft = Math.floor((Date.parse(`${key.expires}T00:00:00Z`) + DAY_MS - snapshot.now.getTime()) / DAY_MS)
    if (daysLeft < 0) found.push(finding('api-key-expired', 'medium', subject, { expires: key.expires }))
    else if (daysLeft <= policy.tokenWarnDays)
      found.push(finding('api-key-expiring', 'high', subject, { expires: key.expires, daysLeft }))
  }
  if (bridge.routeSecretRotating)
    found.push(
      finding('route-secret-rotation-open', 'low', {
        kind: 'setting',
        id: 'RELAIS_ROUTE_SECRET',
        name: 'RELAIS_ROUTE_SECRET',
      }),
    )
  return found
}

const SEVERITY_ORDER = new Map(SEVERITIES.map((s, i) => [s, i]))

/** Every finding of the day, most severe first, then by code and subject. */
export function securityFindings(snapshot: SecuritySnapshot, policy: SecurityPolicy): Finding[] {
  return [
    ...userFindings(snapshot, policy),
    ...sharingFindings(snapshot, policy.dataWrite),
    ...tokenFindings(snapshot, policy),
    ...settingFindings(snapshot),
    ...routeFindings(snapshot),
    ...bridgeFindings(snapshot, policy),
  ].sort(
    (a, b) =>
      SEVERITY_ORDER.get(a.severity)! - SEVERITY_ORDER.get(b.severity)! ||
      a.code.localeCompare(b.code) ||
      a.subject.name.localeCompare(b.subject.name),
  )
}

/** What changed since the previous report: new findings (keys), and those gone (kept whole, to show them). */
export function compareFindings(
  previous: readonly Finding[] | undefined,
  current: readonly Finding[],
): { added: string[]; resolved: Finding[] } {
  if (!previous) return { added: current.map((f) => f.key), resolved: [] }
  const before = new Set(previous.map((f) => f.key))
  const now = new Set(current.map((f) => f.key))
  return {
    added: current.filter((f) => !before.has(f.key)).map((f) => f.key),
    resolved: previous.filter((f) => !now.has(f.key)),
  }
}

/** Counts by severity, for the list of days and the trend. */
export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0 }
  for (const f of findings) counts[f.severity] += 1
  return counts
}
