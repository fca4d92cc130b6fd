/**
 * Who is calling: Basic credentials, a personal access token (`Authorization: ApiToken …`), or a
 * browser session cookie. Pure look-ups over the state; the middleware decides what to answer.
 */
import { timingSafeEqual } from 'node:crypto'
import type { User } from '@relais/mappings'
import { hashPassword, hashToken } from '../seed/users'
import type { StandinIndex, StandinState } from '../store/state'

export type CredentialCheck = { ok: true; user: User } | { ok: false; message: string }

const TOKEN_HEADER = /^ApiToken (?<token>[a-z0-9-._~+/]+=*)$/i

export function checkPassword(
  state: StandinState,
  index: StandinIndex,
  username: string,
  password: string,
): CredentialCheck {
  const user = index.usersByUsername.get(username)
  const credential = state.credentials.get(username)
  if (!user || !credential) return { ok: false, message: 'Unauthorized' }
  const attempt = hashPassword(password, credential.salt).hash
  const same = timingSafeEqual(Buffer.from(attempt, 'hex'), Buffer.from(credential.hash, 'hex'))
  if (!same) return { ok: false, message: 'Unauthorized' }
  if (user.disabled) return { ok: false, message: 'Account disabled' }
  if (user.accountExpiry && new Date(user.accountExpiry).getTime() < Date.now())
    return { ok: false, message: 'Account expired' }
  return { ok: true, user }
}

export function checkBasic(state: StandinState, index: StandinIndex, header: string): CredentialCheck {
  const decoded = Buffer.from(header.slice('Basic '.length).trim(), 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return { ok: false, message: 'Unauthorized' }
  return checkPassword(state, index, decoded.slice(0, colon), decoded.slice(colon + 1))
}

export function isApiTokenHeader(header: string): boolean {
  return /^ApiToken /i.test(header)
}

/** Token checks with the messages of DHIS2's ApiTokenAuthenticationProvider (web-api §8). */
export function checkApiToken(state: StandinState, index: StandinIndex, header: string, now: number): CredentialCheck {
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
  if (stored.disabled || user.disabled || user.twoFactorEnabled) {
    return { ok: false, message: 'The API token is disabled, locked or 2FA is enabled.' }
  }
  return { ok: true, user }
}
