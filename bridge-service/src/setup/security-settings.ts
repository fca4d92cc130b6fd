/**
 * DHIS2's own account controls that `relais setup` applies (issue 16 §1; setup-ops §2.7, §5.3), as DHIS2 system
 * settings (core 2.41 `API/setting/SettingKey.java`; 2.42 `API/setting/SystemSettings.java`: same keys, types
 * and defaults, but for `maxPasswordLength`, 60 in 2.40 and 72 from 2.41):
 *
 * | key | type, DHIS2's default | Relais | why |
 * |---|---|---|---|
 * | `credentialsExpires` | Integer months, 0 = never | 3 | the programme's rule: a password lives 3 months |
 * | `credentialsExpiryAlert` | Boolean, false | true | DHIS2 mails the person before it expires (SMTP and an e-mail address needed) |
 * | `credentialsExpiresReminderInDays` | Integer, 28 | 14 | the job mails this many days before, then at halved intervals (14, 7, 3, 1): two weeks is enough to plan a change made in a minute, and at 28 the first mail would come a third of the way into a 3-month password's life |
 * | `minPasswordLength` | Integer, 8 | 10 | DHIS2's Settings app offers 8/10/12/14; 10 with DHIS2's upper case, digit and special character rules is beyond the common 8 while still typed on a phone by RC each month; 12+ would push them to write it down |
 * | `keyLockMultipleFailedLogins` | Boolean, false | true | after 4 failures in 15 minutes DHIS2 refuses the account for 15 minutes (`UserService.LOGIN_MAX_FAILED_ATTEMPTS`) |
 *
 * A stricter value an administrator chose is kept (a shorter expiry, a longer minimum length); the reminder is
 * always the programme's 14 days. The password
 * expiry is withheld where DHIS2 gives a person whose password expired no way to choose a new one
 * (`expiredPasswordChange`): setting it there would lock every RC out 3 months later.
 */

export type SettingValue = number | boolean

export interface SecuritySetting {
  key: string
  value: SettingValue
  /** Whether the current value is already at least as strict (kept as it is). */
  strictEnough: (current: SettingValue | undefined) => boolean
  /** DHIS2's value when the key was never set. */
  dhis2Default: SettingValue
}

const atLeast = (min: number) => (current: SettingValue | undefined) => typeof current === 'number' && current >= min
const same = (value: SettingValue) => (current: SettingValue | undefined) => current === value

export const PASSWORD_EXPIRY_MONTHS = 3

export const SECURITY_SETTINGS: readonly SecuritySetting[] = [
  {
    key: 'credentialsExpires',
    value: PASSWORD_EXPIRY_MONTHS,
    dhis2Default: 0,
    strictEnough: (current) => typeof current === 'number' && current > 0 && current <= PASSWORD_EXPIRY_MONTHS,
  },
  { key: 'credentialsExpiryAlert', value: true, dhis2Default: false, strictEnough: same(true) },
  {
    key: 'credentialsExpiresReminderInDays',
    value: 14,
    dhis2Default: 28,
    // Not a matter of strictness: the programme's value, whatever was there.
    strictEnough: same(14),
  },
  { key: 'minPasswordLength', value: 10, dhis2Default: 8, strictEnough: atLeast(10) },
  { key: 'keyLockMultipleFailedLogins', value: true, dhis2Default: false, strictEnough: same(true) },
]

/** DHIS2's answer read back as the key's type (`"3"` and `3`, `"true"` and `true` are the same value). */
export function asSettingValue(setting: SecuritySetting, raw: unknown): SettingValue | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined
  if (typeof setting.value === 'boolean') return raw === true || String(raw).toLowerCase() === 'true'
  const n = Number(raw)
  return Number.isFinite(n) ? n : undefined
}

/**
 * How a person whose password expired chooses a new one in a DHIS2 version (core sources, DHIS2-21120):
 * 2.40: `POST /api/account/password`, public; 2.41.0–2.41.9 and 2.42.0–2.42.5: none — the 2.41 security rewrite
 * dropped that permitAll, so only an administrator (or e-mail recovery) can help; 2.41.10+, 2.42.6+ and later:
 * `POST /api/auth/updatePassword`.
 */
export function expiredPasswordChange(version: string): 'account-password' | 'auth-update-password' | 'none' {
  const m = /^2\.(\d+)(?:\.(\d+))?/.exec(version.trim())
  if (!m) return 'none'
  const minor = Number(m[1])
  const patch = Number(m[2] ?? 0)
  if (minor <= 40) return 'account-password'
  if ((minor === 41 && patch < 10) || (minor === 42 && patch < 6)) return 'none'
  return 'auth-update-password'
}

export type SettingOutcome = 'set' | 'unchanged' | 'withheld'

export interface SettingChange {
  key: string
  outcome: SettingOutcome
  /** The value DHIS2 holds now (its default when never set). */
  current: SettingValue
  /** The value after setup (the current one when unchanged or withheld). */
  value: SettingValue
}

/** What setup does with each setting, from DHIS2's current values and version. Pure. */
export function planSecuritySettings(
  current: Record<string, unknown>,
  version: string,
): { changes: SettingChange[]; expiryWithheld: boolean } {
  const canChange = expiredPasswordChange(version) !== 'none'
  const changes = SECURITY_SETTINGS.map((setting): SettingChange => {
    const now = asSettingValue(setting, current[setting.key]) ?? setting.dhis2Default
    if (setting.strictEnough(now)) return { key: setting.key, outcome: 'unchanged', current: now, value: now }
    if (setting.key === 'credentialsExpires' && !canChange)
      return { key: setting.key, outcome: 'withheld', current: now, value: now }
    return { key: setting.key, outcome: 'set', current: now, value: setting.value }
  })
  return { changes, expiryWithheld: changes.some((c) => c.outcome === 'withheld') }
}

/** The password expiry in force after setup, in months (0 = never). */
export function expiryMonthsAfter(changes: SettingChange[]): number {
  const expiry = changes.find((c) => c.key === 'credentialsExpires')?.value
  return typeof expiry === 'number' && expiry > 0 ? expiry : 0
}
