/**
 * Browser sign-in as DHIS2 2.41 offers it: `POST /api/auth/login` (JSON, answers `loginStatus`), the
 * classic `dhis-web-commons-security/login.action` form (j_username / j_password, then a redirect),
 * a login page for people, and logout. A successful sign-in sets the `JSESSIONID` cookie.
 * Failures answer as DHIS2 does (`WEBAPI/controller/security/AuthenticationController.login`,
 * `CustomAuthFailureHandler`): an expired password is `PASSWORD_EXPIRED`, or for the form a redirect to
 * `/dhis-web-commons/security/expired.action` (expired-password.ts), a lock `ACCOUNT_LOCKED` / the login page
 * with the locked message.
 */
import express, { type Response, type Router } from 'express'
import type { User } from '@relais/mappings'
import { webMessage } from '../http/web-message'
import type { StandinContext } from '../context'
import { signInPolicy } from '../auth/account-security'
import { checkPassword, type FailureReason } from '../auth/credentials'
import { EXPIRED_PAGE, rememberLoginFailure, readLoginFailure } from '../auth/login-failure'
import { authenticate, LOGIN_PAGE } from '../auth/middleware'
import { registerExpiredPassword } from './expired-password'
import { readCookie, SESSION_COOKIE, type SessionStore } from '../auth/sessions'

export function startSession(ctx: StandinContext, sessions: SessionStore, res: Response, user: User): void {
  const id = sessions.create(user.id)
  user.lastLogin = ctx.clock.timestamp()
  res.cookie(SESSION_COOKIE, id, { httpOnly: true, sameSite: 'lax', path: '/' })
}

/** Where a signed-in person lands: the first installed app (Relais), else the API root. */
function landingPage(ctx: StandinContext): string {
  const first = Object.keys(ctx.options.apps)[0]
  return first ? `/api/apps/${first}/index.html` : '/api/me'
}

export function registerAuth(root: Router, ctx: StandinContext, sessions: SessionStore): void {
  root.post(['/api/auth/login', '/api/:version/auth/login'], express.json({ type: () => true }), (req, res) => {
    const body = (req.body ?? {}) as { username?: unknown; password?: unknown }
    if (typeof body.username !== 'string' || typeof body.password !== 'string') {
      res.status(400).json(webMessage(400, 'Username and password are required'))
      return
    }
    const check = checkPassword(ctx.state, ctx.index, body.username, body.password, signInPolicy(ctx))
    if (!check.ok) {
      const status = check.reason ? LOGIN_STATUS[check.reason] : undefined
      if (status) {
        res.json({ loginStatus: status })
        return
      }
      res.status(401).json(webMessage(401, 'Bad credentials'))
      return
    }
    if (check.user.twoFactorEnabled) {
      res.json({ loginStatus: 'INCORRECT_TWO_FACTOR_CODE' })
      return
    }
    startSession(ctx, sessions, res, check.user)
    res.json({ loginStatus: 'SUCCESS', redirectUrl: landingPage(ctx) })
  })

  registerExpiredPassword(root, ctx, {
    startSession: (res, user) => startSession(ctx, sessions, res, user),
    authenticate: authenticate(ctx, sessions),
    escapeHtml,
  })

  root.get('/api/loginConfig', (_req, res) => {
    res.json({
      applicationTitle: String(ctx.state.systemSettings.applicationTitle ?? 'DHIS2'),
      uiLocale: 'fr',
      emailConfigured: false,
      selfRegistrationEnabled: false,
      allowAccountRecovery: false,
      apiVersion: ctx.options.version,
    })
  })

  root.post(
    ['/dhis-web-commons-security/login.action', '/dhis-web-commons/security/login.action'],
    express.urlencoded({ extended: false }),
    (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>
      const username = String(body.j_username ?? '')
      const check = checkPassword(ctx.state, ctx.index, username, String(body.j_password ?? ''), signInPolicy(ctx))
      if (!check.ok || check.user.twoFactorEnabled) {
        const reason = check.ok ? 'bad-credentials' : (check.reason ?? 'bad-credentials')
        // DHIS2 keeps the username and the message in the HTTP session for the next page.
        rememberLoginFailure(res, username, reason)
        res.redirect(302, reason === 'password-expired' ? EXPIRED_PAGE : `${LOGIN_PAGE}?failed=true`)
        return
      }
      startSession(ctx, sessions, res, check.user)
      res.redirect(302, landingPage(ctx))
    },
  )

  root.get(['/dhis-web-commons-security/login.action', '/dhis-web-commons/security/login.action'], (req, res) => {
    res
      .type('html')
      .send(
        loginPage(
          String(ctx.state.systemSettings.applicationTitle ?? 'DHIS2'),
          req.query.failed === 'true' ? (readLoginFailure(req)?.reason ?? 'bad-credentials') : undefined,
          req.query.passwordChanged === 'true',
        ),
      )
  })

  root.get(['/dhis-web-commons-security/logout.action', '/api/auth/logout'], (req, res) => {
    const id = readCookie(req.headers.cookie, SESSION_COOKIE)
    if (id) sessions.destroy(id)
    res.clearCookie(SESSION_COOKIE, { path: '/' })
    res.redirect(302, LOGIN_PAGE)
  })

  root.get('/', (_req, res) => res.redirect(302, landingPage(ctx)))
}

/** `LoginResponse.STATUS` for each failure `AuthenticationController.login` catches (bad credentials is a 401). */
const LOGIN_STATUS: Partial<Record<FailureReason, string>> = {
  'password-expired': 'PASSWORD_EXPIRED',
  locked: 'ACCOUNT_LOCKED',
  disabled: 'ACCOUNT_DISABLED',
  'account-expired': 'ACCOUNT_EXPIRED',
}

const FAILURE_TEXT: Partial<Record<FailureReason, string>> = {
  locked:
    'Compte verrouillé après plusieurs échecs de connexion : réessayez dans 15 minutes. / Account locked after repeated failed sign-ins: try again in 15 minutes.',
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function loginPage(title: string, failed: FailureReason | undefined, passwordChanged: boolean): string {
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:Roboto,Arial,sans-serif;background:#f3f5f7;display:flex;min-height:100vh;align-items:center;justify-content:center;margin:0}
form{background:#fff;padding:32px;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.2);width:min(340px,90vw)}
h1{font-size:20px;margin:0 0 20px}label{display:block;font-size:14px;margin:12px 0 4px}
input{width:100%;box-sizing:border-box;padding:8px;font-size:16px;border:1px solid #a0adba;border-radius:4px}
button{margin-top:20px;width:100%;padding:10px;font-size:16px;background:#2c6693;color:#fff;border:0;border-radius:4px}
.error{color:#b71c1c;font-size:14px}.notice{color:#1b5e20;font-size:14px}
</style></head><body>
<form method="post" action="${LOGIN_PAGE}">
<h1>${escapeHtml(title)}</h1>
${failed ? `<p class="error" role="alert">${FAILURE_TEXT[failed] ?? 'Identifiant ou mot de passe incorrect. / Wrong username or password.'}</p>` : ''}
${passwordChanged ? '<p class="notice" role="status">Mot de passe changé : connectez-vous avec le nouveau. / Password changed: sign in with the new one.</p>' : ''}
<label for="j_username">Nom d'utilisateur / Username</label>
<input id="j_username" name="j_username" autocomplete="username" required>
<label for="j_password">Mot de passe / Password</label>
<input id="j_password" name="j_password" type="password" autocomplete="current-password" required>
<button type="submit">Se connecter / Sign in</button>
</form></body></html>`
}
