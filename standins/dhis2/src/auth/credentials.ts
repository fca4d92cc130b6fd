/**
 * Who is calling: Basic credentials, a personal access token (`Authorization: ApiToken …`), or a
 * browser session cookie. Pure look-ups over the state; the middleware decides what to answer.
 */
import { timingSafeEqual } from 'node:crypto'
import type { User } from '@relais/mappings'
import { hashPassword, hashToken } from '../seed/users'
import type { StandinIndex, StandinState } from '../store/state'
import { isLocked, passwordExpired, registerFailure, registerSuccess, type SignInPolicy } from './account-security'

/** Why a sign-in failed, as the Spring exception DHIS2 raises (each has its own answer). */
export type FailureReason = 'bad-credentials' | 'locked' | 'disabled' | 'account-expired' | 'password-expired'

export type CredentialCheck = { ok: true; user: User } | { ok: false; message: string; reason?: FailureReason }

const TOKEN_HEADER = /^ApiToken (?<token>[a-z0-9-._~+/]+=*)$/i

/**
 * A username and password checked in Spring's order (`TwoFactorAuthenticationProvider` over
 * `AbstractUserDetailsAuthenticationProvider`): locked by failed sign-ins first, then the account checks made
 * before the password (locked, disabled, account expired), the password, then the one made after it
 * (password expired). Every failure counts towards the lock, a success clears it (`AuthenticationListener`).
 * `message` is what the Basic-auth entry point answers (`FormLoginBasicAuthenticationEntryPoint`).
 */
export function checkPassword(
  state: StandinState,
  index: StandinIndex,
  username: string,
  password: string,
  policy: SignInPolicy,
): CredentialCheck {
  const fail = (reason: FailureReason): CredentialCheck => {
    registerFailure(policy, username)
    const message = reason === 'locked' ? 'Account locked' : reason === 'disabled' ? 'Account disabled' : 'Unauthorized'
    return { ok: false, message, reason }
  }
  if (isLocked(policy, username)) return fail('locked')
  const user = index.usersByUsername.get(username)
  const credential = state.credentials.get(username)
  if (!user || !credential) return fail('bad-credentials')
  if (user.disabled) return fail('disabled')
  if (user.accountExpiry && new Date(user.accountExpiry).getTime() < policy.nowMs) return fail('account-expired')
  const attempt = hashPassword(password, credential.salt).hash
  const same = timingSafeEqual(Buffer.from(attempt, 'hex'), Buffer.from(credential.hash, 'hex'))
  if (!same) return fail('bad-credentials')
  if (passwordExpired(policy.settings, user, policy.now)) return fail('password-expired')
  registerSuccess(policy, username)
  return { ok: true, user }
}

export function checkBasic(
  state: StandinState,
  index: StandinIndex,
  header: string,
  policy: SignInPolicy,
): CredentialCheck {
  const decoded = Buffer.from(header.slice('Basic '.length).trim(), 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return { ok: false, message: 'Unauthorized', reason: 'bad-credentials' }
  return checkPassword(state, index, decoded.slice(0, colon), decoded.slice(colon + 1), policy)
}

export function isApiTokenHeader(header: string): boolean {
  return /^ApiToken /i.test(header)
}

/** Token checks with the messages of DHIS2's ApiTokenAuthenticationProvider (web-api §8) and ApiTokenAuthManager. */
export function checkApiToken(
  state: StandinState,
  index: StandinIndex,
  header: string,
  policy: SignInPolicy,
): CredentialCheck {
  const now = policy.nowMs
  const match = TOKEN_HEADER.exec(header.trim())
  const token = match?.groups?.token
  if (!token) return { ok: false, message: 'Invalid API token header' }
  if (!/^d2pat_|^d2p_/.test(token)) return { ok: false, message: 'Checksum validation failed' }
  const stored = state.apiTokens.find((t) => t.keyHash === hashToken(token))
  if (!stored) return { ok: false, message: 'The API token does not exists' }
  if (stored.expire !== undefined && stored.expire < now)
    return { ok: false, message: 'Failed to authenticate API token, token has expired.' }
  const user = index.usersById.get(stored.userId)
  if (!user) return { ok: false, message: 'The API token does not exists' }
  // ApiTokenAuthManager.validateAndCreateUserDetails: the owner's state counts as much as the token's.
  const accountExpired = user.accountExpiry !== undefined && new Date(user.accountExpiry).getTime() < now
  if (
    stored.disabled ||
    user.disabled ||
    user.twoFactorEnabled ||
    accountExpired ||
    passwordExpired(policy.settings, user, policy.now) ||
    isLocked(policy, user.username)
  ) {
    return { ok: false, message: 'The API token is disabled, locked or 2FA is enabled.' }
  }
  return { ok: true, user }
}
