/**
 * Authentication of every request, as DHIS2 2.41 does it: Basic, `ApiToken`, or the session cookie.
 * Bad credentials → 401 WebMessage; no credentials at all → 401 for XHR calls, otherwise a 302 to the
 * login page (web-api §1.3). A few paths are public (login, ping, the login page).
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import type { User } from '@relais/mappings'
import { webMessage } from '../http/web-message'
import type { AuthUser, StandinContext } from '../context'
import { signInPolicy } from './account-security'
import { checkApiToken, checkBasic, isApiTokenHeader, type CredentialCheck } from './credentials'
import { readCookie, SESSION_COOKIE, type SessionStore } from './sessions'

const PUBLIC = [
  /^\/api\/(\d+\/)?auth\/login$/,
  /^\/api\/(\d+\/)?loginConfig$/,
  /^\/api\/(\d+\/)?(system\/)?ping$/,
  /^\/dhis-web-commons-security\//,
  /^\/dhis-web-commons\/security\//,
  /^\/api\/testing\//,
  /^\/favicon\.ico$/,
]

export const LOGIN_PAGE = '/dhis-web-commons-security/login.action'

const USER_KEY = Symbol('standin-user')
type WithUser = Request & { [USER_KEY]?: AuthUser }

export function authUserOf(req: Request): AuthUser | undefined {
  return (req as WithUser)[USER_KEY]
}

export function toAuthUser(ctx: StandinContext, user: User, via: AuthUser['via']): AuthUser {
  const authorities = ctx.index.authoritiesOf(user)
  const units = (refs: { id: string }[]) =>
    refs.map((r) => ctx.index.metadata.objects.organisationUnits.byId.get(r.id)).filter((o) => o !== undefined)
  const capture = units(user.organisationUnits)
  const view = units(user.dataViewOrganisationUnits)
  return {
    user,
    authorities,
    isSuperuser: authorities.has('ALL'),
    captureOrgUnits: capture,
    viewOrgUnits: view.length > 0 ? view : capture,
    via,
  }
}

export function authenticate(ctx: StandinContext, sessions: SessionStore): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (PUBLIC.some((p) => p.test(req.path))) return next()
    const header = req.headers.authorization
    let check: CredentialCheck | undefined
    let via: AuthUser['via'] = 'basic'
    if (header?.startsWith('Basic ')) check = checkBasic(ctx.state, ctx.index, header, signInPolicy(ctx))
    else if (header && isApiTokenHeader(header)) {
      check = checkApiToken(ctx.state, ctx.index, header, signInPolicy(ctx))
      via = 'token'
    } else {
      const sessionId = readCookie(req.headers.cookie, SESSION_COOKIE)
      const userId = sessionId ? sessions.touch(sessionId) : undefined
      const user = userId ? ctx.index.usersById.get(userId) : undefined
      if (user && !user.disabled) {
        check = { ok: true, user }
        via = 'session'
      }
    }
    if (check?.ok) {
      ;(req as WithUser)[USER_KEY] = toAuthUser(ctx, check.user, via)
      return next()
    }
    if (check && !check.ok) {
      res.status(401).json(webMessage(401, check.message))
      return
    }
    if (header || req.get('X-Requested-With') === 'XMLHttpRequest') {
      res.status(401).json(webMessage(401, 'Unauthorized'))
      return
    }
    res.redirect(302, LOGIN_PAGE)
  }
}
