/**
 * Browser sign-in as DHIS2 2.41 offers it: `POST /api/auth/login` (JSON, answers `loginStatus`), the
 * classic `dhis-web-commons-security/login.action` form (j_username / j_password, then a redirect),
 * a login page for people, and logout. A successful sign-in sets the `JSESSIONID` cookie.
 */
import express, { type Response, type Router } from 'express'
import type { User } from '@relais/mappings'
import { webMessage } from '../http/web-message'
import type { StandinContext } from '../context'
import { checkPassword } from '../auth/credentials'
import { LOGIN_PAGE } from '../auth/middleware'
import { readCookie, SESSION_COOKIE, type SessionStore } from '../auth/sessions'

function startSession(ctx: StandinContext, sessions: SessionStore, res: Response, user: User): void {
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
    const check = checkPassword(ctx.state, ctx.index, body.username, body.password)
    if (!check.ok) {
      if (check.message === 'Account disabled') {
        res.json({ loginStatus: 'ACCOUNT_DISABLED' })
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
      const check = checkPassword(ctx.state, ctx.index, String(body.j_username ?? ''), String(body.j_password ?? ''))
      if (!check.ok || check.user.twoFactorEnabled) {
        res.redirect(302, `${LOGIN_PAGE}?failed=true`)
        return
      }
      startSession(ctx, sessions, res, check.user)
      res.redirect(302, landingPage(ctx))
    },
  )

  root.get(['/dhis-web-commons-security/login.action', '/dhis-web-commons/security/login.action'], (req, res) => {
    res
      .type('html')
      .send(loginPage(String(ctx.state.systemSettings.applicationTitle ?? 'DHIS2'), req.query.failed === 'true'))
  })

  root.get(['/dhis-web-commons-security/logout.action', '/api/auth/logout'], (req, res) => {
    const id = readCookie(req.headers.cookie, SESSION_COOKIE)
    if (id) sessions.destroy(id)
    res.clearCookie(SESSION_COOKIE, { path: '/' })
    res.redirect(302, LOGIN_PAGE)
  })

  root.get('/', (_req, res) => res.redirect(302, landingPage(ctx)))
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function loginPage(title: string, failed: boolean): string {
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:Roboto,Arial,sans-serif;background:#f3f5f7;display:flex;min-height:100vh;align-items:center;justify-content:center;margin:0}
form{background:#fff;padding:32px;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.2);width:min(340px,90vw)}
h1{font-size:20px;margin:0 0 20px}label{display:block;font-size:14px;margin:12px 0 4px}
input{width:100%;box-sizing:border-box;padding:8px;font-size:16px;border:1px solid #a0adba;border-radius:4px}
button{margin-top:20px;width:100%;padding:10px;font-size:16px;background:#2c6693;color:#fff;border:0;border-radius:4px}
.error{color:#b71c1c;font-size:14px}
</style></head><body>
<form method="post" action="${LOGIN_PAGE}">
<h1>${escapeHtml(title)}</h1>
${failed ? '<p class="error" role="alert">Identifiant ou mot de passe incorrect. / Wrong username or password.</p>' : ''}
<label for="j_username">Nom d'utilisateur / Username</label>
<input id="j_username" name="j_username" autocomplete="username" required>
<label for="j_password">Mot de passe / Password</label>
<input id="j_password" name="j_password" type="password" autocomplete="current-password" required>
<button type="submit">Se connecter / Sign in</button>
</form></body></html>`
}
