/**
 * DHIS2's password rules (setup-ops §2.7; core 2.41 `CORE/user/DefaultPasswordValidationService`, one class per
 * rule in `CORE/user/`), in DHIS2's order, the first failure reported with DHIS2's text
 * (`API/user/PasswordValidationError`). The length comes from the system settings `minPasswordLength` /
 * `maxPasswordLength` (defaults 8 and 72, `SettingKey`), so `relais setup` raising the minimum is enforced here.
 * Not kept: the history rule (the last 24 passwords), as the stand-in keeps only the current password's hash.
 */

const RESERVED = ['user', 'admin', 'system', 'administrator', 'username', 'password', 'login', 'manager']

export function passwordLengths(settings: Record<string, unknown>): { min: number; max: number } {
  const int = (value: unknown, fallback: number) => {
    const n = Number(value)
    return value !== undefined && Number.isInteger(n) ? n : fallback
  }
  return { min: int(settings.minPasswordLength, 8), max: int(settings.maxPasswordLength, 72) }
}

export function passwordProblem(
  password: string,
  who: { username?: string; email?: string },
  settings: Record<string, unknown>,
): string | undefined {
  if (!password || !who.username) return 'Username or Password is missing'
  const { min, max } = passwordLengths(settings)
  const length = password.trim().length
  if (length < min || length > max) return `Password must have at least ${min}, and at most ${max} characters`
  if (!/[0-9]/.test(password)) return 'Password must have at least one digit'
  if (!/[A-Z]/.test(password)) return 'Password must have at least one upper case'
  if (!/[^A-Za-z0-9]/.test(password)) return 'Password must have at least one special character'
  const lower = password.toLowerCase()
  if (RESERVED.some((word) => lower.includes(word))) return 'Password must not have any generic word'
  if (lower.includes(who.username.toLowerCase()) || (who.email && lower.includes(who.email.toLowerCase())))
    return 'Username/Email must not be a part of password'
  return undefined
}
