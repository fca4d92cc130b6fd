/**
 * The programme's security policy (issue 16 §2): the terms of reference (« mots de passe actualisés tous les
 * 3 mois »), what Relais's roles are meant to hold, and the DHIS2 settings `relais setup` applies. The agreed list
 * of superusers is the programme's own, kept in DHIS2's dataStore (relais/security-policy) so that an
 * administrator changes it without a deployment; the rest are defaults a stored policy may override.
 */
import { z } from 'zod'

export const POLICY_NAMESPACE = 'relais'
export const POLICY_KEY = 'security-policy'

/** Authorities that manage users, roles, metadata or the system: their holders need two-factor sign-in. */
export const PRIVILEGED_AUTHORITIES = [
  'ALL',
  'F_USER_ADD',
  'F_USER_ADD_WITHIN_MANAGED_GROUP',
  'F_USER_DELETE',
  'F_USERROLE_PUBLIC_ADD',
  'F_USERROLE_PRIVATE_ADD',
  'F_METADATA_IMPORT',
  'F_METADATA_MANAGE',
  'F_SYSTEM_SETTING',
] as const

/** Each Relais user group and the DHIS2 role that goes with it (metadata package): one without the other is a gap. */
export const GROUP_ROLE_PAIRS = [
  { group: 'RELAIS_RC', role: 'ROLE_SAISIE_RC' },
  { group: 'RELAIS_SUPERVISEURS', role: 'ROLE_SUPERVISEUR' },
  { group: 'RELAIS_GESTIONNAIRES', role: 'ROLE_GESTIONNAIRE' },
  { group: 'RELAIS_ADMINS', role: 'ROLE_ADMIN_RELAIS' },
] as const

/** Data set code → the user groups that may write its data; any other group with data write is a finding. */
export type DataWritePolicy = Readonly<Record<string, readonly string[]>>

export const DEFAULT_DATA_WRITE: DataWritePolicy = {
  // RC enter their report; supervisors and data managers correct it.
  RC_MENSUEL: ['RELAIS_RC', 'RELAIS_SUPERVISEURS', 'RELAIS_GESTIONNAIRES', 'RELAIS_ADMINS'],
  // Targets are set by data managers only.
  RC_CIBLES: ['RELAIS_GESTIONNAIRES', 'RELAIS_ADMINS'],
}

const asNumber = (value: unknown) => (typeof value === 'number' ? value : Number(value))
const asTrue = (value: unknown) => value === true || value === 'true'

/** The DHIS2 security settings `relais setup` applies, and when a value falls short of them. */
export const RECOMMENDED_SETTINGS: ReadonlyArray<{ key: string; expected: string; weak: (value: unknown) => boolean }> =
  [
    {
      key: 'credentialsExpires',
      expected: '1–3', // months, DHIS2's unit for this setting: no word to translate in the report
      weak: (v) => !(asNumber(v) >= 1 && asNumber(v) <= 3),
    },
    { key: 'credentialsExpiryAlert', expected: 'true', weak: (v) => !asTrue(v) },
    { key: 'keyLockMultipleFailedLogins', expected: 'true', weak: (v) => !asTrue(v) },
    { key: 'minPasswordLength', expected: '≥ 10', weak: (v) => !(asNumber(v) >= 10) },
  ]

export interface SecurityPolicy {
  /** Usernames agreed to hold DHIS2's ALL authority. */
  superusers: string[]
  passwordMaxAgeDays: number
  /** A password this many days from expiry is reported, so its owner is told before. */
  passwordWarnDays: number
  dormantDays: number
  /** A new account not yet used is given this long before it is reported. */
  neverUsedGraceDays: number
  tokenWarnDays: number
  dataWrite: DataWritePolicy
}

export const DEFAULT_POLICY: SecurityPolicy = {
  superusers: [],
  passwordMaxAgeDays: 90,
  passwordWarnDays: 14,
  dormantDays: 90,
  neverUsedGraceDays: 14,
  tokenWarnDays: 30,
  dataWrite: DEFAULT_DATA_WRITE,
}

/** What may be stored in relais/security-policy (each field optional; bounds keep a typo from silencing a check). */
export const StoredPolicySchema = z.strictObject({
  superusers: z.array(z.string().min(1).max(100)).max(50).optional(),
  passwordMaxAgeDays: z.number().int().min(30).max(365).optional(),
  passwordWarnDays: z.number().int().min(1).max(60).optional(),
  dormantDays: z.number().int().min(14).max(365).optional(),
  neverUsedGraceDays: z.number().int().min(1).max(90).optional(),
  tokenWarnDays: z.number().int().min(1).max(180).optional(),
  dataWrite: z.record(z.string(), z.array(z.string())).optional(),
})

/** The stored policy over the defaults; a policy that does not parse is reported and the defaults apply. */
export function policyOf(stored: unknown): { policy: SecurityPolicy; problem?: string } {
  if (stored === undefined || stored === null) return { policy: DEFAULT_POLICY }
  const parsed = StoredPolicySchema.safeParse(stored)
  if (!parsed.success)
    return {
      policy: DEFAULT_POLICY,
      problem: parsed.error.issues.map((i) => `${i.path.join('.') || 'policy'}: ${i.message}`).join('; '),
    }
  const { dataWrite, ...rest } = parsed.data
  return { policy: { ...DEFAULT_POLICY, ...rest, dataWrite: { ...DEFAULT_DATA_WRITE, ...dataWrite } } }
}
