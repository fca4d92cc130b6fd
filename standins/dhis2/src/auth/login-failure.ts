/**
 * What DHIS2 keeps in the HTTP session after a failed form sign-in (`CustomAuthFailureHandler`: the username and
 * the message), for the page shown next — the login page's message, or the expired-password page, which sends
 * the username with the new password. The stand-in has sessions for signed-in users only, so it keeps these two
 * in a short-lived cookie instead (nothing secret: a username and a reason).
 */
import type { Request, Response } from 'express'
import type { FailureReason } from './credentials'
import { readCookie } from './sessions'

export const EXPIRED_PAGE = '/dhis-web-commons/security/expired.action'
const COOKIE = 'DHIS2_LOGIN_FAILURE'
const REASONS: readonly FailureReason[] = [
  'bad-credentials',
  'locked',
  'disabled',
  'account-expired',
  'password-expired',
]

export function rememberLoginFailure(res: Response, username: string, reason: FailureReason): void {
  res.cookie(COOKIE, JSON.stringify({ username, reason }), {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    maxAge: 15 * 60_000,
  })
}

export function readLoginFailure(req: Request): { username: string; reason: FailureReason } | undefined {
  const raw = readCookie(req.headers.cookie, COOKIE)
  if (!raw) return undefined
  try {
    const parsed = JSON.parse(decodeURIComponent(raw)) as { username?: unknown; reason?: unknown }
    const reason = REASONS.find((r) => r === parsed.reason)
    if (typeof parsed.username !== 'string' || !reason) return undefined
    return { username: parsed.username, reason }
  } catch {
    return undefined
  }
}
