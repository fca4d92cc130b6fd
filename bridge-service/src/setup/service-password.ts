/**
 * The bridge's service account under DHIS2's password expiry. `credentialsExpires` holds for every account, and
 * DHIS2 refuses the personal access tokens of a user whose password expired (core 2.41
 * `WEBAPI/security/apikey/ApiTokenAuthManager`: "The API token is disabled, locked or 2FA is enabled."; setup-ops
 * §11): left alone, the bridge would stop 3 months after setup. Nobody signs in with that password (the bridge
 * uses its token), so `relais setup` gives the account a new random one, never shown, once the password is in
 * its last month, and says until when the current one holds: run `relais setup` again before that date (a
 * monthly cron, for example). DHIS2 has no per-user exemption (no "password never expires" flag, setup-ops §5.2).
 */
import { addMonths, monthsBetween } from '@relais/mappings'

export interface ServicePasswordPlan {
  rotate: boolean
  /** When the password setup leaves would expire (server-local), undefined when it never does. */
  expires?: string
}

/**
 * Whether to give the service account a new password now: once it is in the last month of `months` (so that
 * a monthly `relais setup` always renews it in time), or already expired. `passwordLastUpdated` unset: DHIS2
 * never expires it (`DefaultUserService.userNonExpired`).
 */
export function planServicePassword(
  passwordLastUpdated: string | undefined,
  months: number,
  serverNow: string,
): ServicePasswordPlan {
  if (months <= 0 || !passwordLastUpdated) return { rotate: false }
  if (monthsBetween(passwordLastUpdated, serverNow) >= months - 1)
    return { rotate: true, expires: addMonths(serverNow, months) }
  return { rotate: false, expires: addMonths(passwordLastUpdated, months) }
}

/** The day to run setup again by: a month before the expiry (the rotation starts then). */
export function renewBy(expires: string): string {
  return addMonths(expires, -1).slice(0, 10)
}
