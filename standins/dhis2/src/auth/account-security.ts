/**
 * DHIS2's own account controls at sign-in (setup-ops §5.3), as core 2.41 applies them:
 * - `credentialsExpires` (months, 0 = never): a password is expired once
 *   `DateUtils.monthsBetween(passwordLastUpdated, now) >= credentialsExpires`
 *   (`CORE/user/DefaultUserService.userNonExpired`; Joda's whole months);
 * - `keyLockMultipleFailedLogins`: every failed authentication counts (`AuthenticationListener
 *   .handleAuthenticationFailure` → `registerFailedLogin`), in a cache whose entries expire 15 minutes after their
 *   last write (`DefaultCacheProvider.createUserFailedLoginAttemptCache`); the account is locked from the
 *   4th (`UserService.LOGIN_MAX_FAILED_ATTEMPTS`), and a success clears it (`registerSuccessfulLogin`).
 * Pure but for the failure counts, which live in memory as DHIS2's cache does (a restart forgets them).
 */
import { monthsBetween } from '@relais/mappings'
import type { StandinContext } from '../context'

export { monthsBetween }

export const LOGIN_MAX_FAILED_ATTEMPTS = 4
export const FAILED_LOGIN_EXPIRY_MS = 15 * 60_000

/** `credentialsExpires` as DHIS2 reads it (an Integer setting, 0 when unset). */
export function credentialsExpiresMonths(settings: Record<string, unknown>): number {
  const months = Number(settings.credentialsExpires ?? 0)
  return Number.isFinite(months) && months > 0 ? Math.floor(months) : 0
}

/** Whether the user's password is expired at `now` (server-local timestamp). */
export function passwordExpired(
  settings: Record<string, unknown>,
  user: { passwordLastUpdated?: string },
  now: string,
): boolean {
  const months = credentialsExpiresMonths(settings)
  if (months === 0 || !user.passwordLastUpdated) return false
  return monthsBetween(user.passwordLastUpdated, now) >= months
}

/** The failed sign-ins per username, each forgotten 15 minutes after its last write. */
export class FailedLogins {
  private readonly entries = new Map<string, { count: number; writtenAt: number }>()

  count(username: string, nowMs: number): number {
    const entry = this.entries.get(username)
    if (!entry) return 0
    if (nowMs - entry.writtenAt >= FAILED_LOGIN_EXPIRY_MS) {
      this.entries.delete(username)
      return 0
    }
    return entry.count
  }

  register(username: string, nowMs: number): void {
    this.entries.set(username, { count: this.count(username, nowMs) + 1, writtenAt: nowMs })
  }

  clear(username: string): void {
    this.entries.delete(username)
  }
}

const counters = new WeakMap<object, { logins: FailedLogins; recovery: FailedLogins }>()

function countersOf(ctx: StandinContext) {
  let found = counters.get(ctx)
  if (!found) {
    found = { logins: new FailedLogins(), recovery: new FailedLogins() }
    counters.set(ctx, found)
  }
  return found
}

/** `UserService.RECOVER_MAX_ATTEMPTS`: the account-recovery throttle DHIS2-21120's password change reuses. */
export const RECOVER_MAX_ATTEMPTS = 5

/**
 * `checkRecoveryLock` of `DefaultUserAccountService` (2.41 branch): refused once more than 5 attempts were
 * registered in 15 minutes; otherwise this attempt is registered. True when refused.
 */
export function recoveryLocked(ctx: StandinContext, username: string): boolean {
  const recovery = countersOf(ctx).recovery
  const nowMs = ctx.clock.now().getTime()
  if (recovery.count(username, nowMs) > RECOVER_MAX_ATTEMPTS) return true
  recovery.register(username, nowMs)
  return false
}

/** What sign-in needs to know of the settings and the clock, read once per attempt. */
export interface SignInPolicy {
  settings: Record<string, unknown>
  /** Server-local timestamp, as `passwordLastUpdated` is stored. */
  now: string
  nowMs: number
  /** `keyLockMultipleFailedLogins`. */
  lockOnFailures: boolean
  failures: FailedLogins
}

export function signInPolicy(ctx: StandinContext): SignInPolicy {
  const failures = countersOf(ctx).logins
  const settings = ctx.state.systemSettings
  return {
    settings,
    now: ctx.clock.timestamp(),
    nowMs: ctx.clock.now().getTime(),
    lockOnFailures: settings.keyLockMultipleFailedLogins === true || settings.keyLockMultipleFailedLogins === 'true',
    failures,
  }
}

/** `UserService.isLocked`: only while the setting is on. */
export function isLocked(policy: SignInPolicy, username: string): boolean {
  return policy.lockOnFailures && policy.failures.count(username, policy.nowMs) >= LOGIN_MAX_FAILED_ATTEMPTS
}

export function registerFailure(policy: SignInPolicy, username: string): void {
  if (policy.lockOnFailures) policy.failures.register(username, policy.nowMs)
}

export function registerSuccess(policy: SignInPolicy, username: string): void {
  if (policy.lockOnFailures) policy.failures.clear(username)
}
