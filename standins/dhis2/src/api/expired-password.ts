/**
 * A person whose password expired (`credentialsExpires`, account-security.ts) sets a new one, the way the played
 * version lets them (versions.ts `expiredPasswordChange`):
 * - `POST /api/account/password?username&oldPassword&password` (`WEBAPI/controller/AccountController
 *   .updatePassword`, 2.40–2.42): accepted only while the password is expired; on success DHIS2 signs the person
 *   in. Public in 2.40; from 2.41 the security rewrite dropped its permitAll (DHIS2-21120), so an expired person,
 *   who cannot sign in, gets the login page back;
 * - `POST /api/auth/updatePassword` `{username, oldPassword, newPassword}` (`WEBAPI/controller/security/
 *   UserAccountController.updatePassword` → `CORE/user/DefaultUserAccountService.updateExpiredPassword`, 2.41.10+
 *   and 2.42.6+): public, throttled like account recovery, answers a WebMessage; the person then signs in;
 * - the page `/dhis-web-commons/security/expired.action` the form sign-in redirects to
 *   (`dhis-web-commons/useraccount/expired.vm` + `javascripts/useraccount/expired.js`), posting to whichever of
 *   the two the version has.
 */
import express, { type Request, type Response, type Router, type RequestHandler } from 'express'
import type { User } from '@relais/mappings'
import { webMessage } from '../http/web-message'
import type { StandinContext } from '../context'
import { hashPassword } from '../seed/users'
import { passwordExpired, recoveryLocked } from '../auth/account-security'
import { LOGIN_PAGE } from '../auth/middleware'
import { passwordProblem } from '../auth/password-rules'
import { EXPIRED_PAGE, readLoginFailure } from '../auth/login-failure'

export interface ExpiredPasswordDeps {
  /** Signs the person in (the session cookie), as a successful form sign-in does. */
  startSession(res: Response, user: User): void
  /** The authentication every non-public `/api` path goes through. */
  authenticate: RequestHandler
  escapeHtml(text: string): string
}

function matches(ctx: StandinContext, username: string, password: string): boolean {
  const credential = ctx.state.credentials.get(username)
  return credential !== undefined && hashPassword(password, credential.salt).hash === credential.hash
}

function setPassword(ctx: StandinContext, user: User, password: string): void {
  ctx.state.credentials.set(user.username, hashPassword(password, `changed-${user.username}-${Date.now()}`))
  // `encodeAndSetPassword` stamps passwordLastUpdated: the password is no longer expired.
  user.passwordLastUpdated = ctx.clock.timestamp()
}

export function registerExpiredPassword(root: Router, ctx: StandinContext, deps: ExpiredPasswordDeps): void {
  const mode = ctx.behaviour.expiredPasswordChange
  const form = express.urlencoded({ extended: false })

  const accountPassword: RequestHandler = (req: Request, res: Response) => {
    const params = { ...(req.query as Record<string, unknown>), ...((req.body ?? {}) as Record<string, unknown>) }
    for (const name of ['oldPassword', 'password', 'username']) {
      if (typeof params[name] !== 'string') {
        res
          .status(400)
          .json(webMessage(400, `Required request parameter '${name}' for method parameter type String is not present`))
        return
      }
    }
    const username = String(params.username)
    const oldPassword = String(params.oldPassword)
    const password = String(params.password)
    const reply = (status: string, message: string, code = 400) =>
      res.status(code).set('Cache-Control', 'no-store').json({ status, message })
    const user = ctx.index.usersByUsername.get(username)
    // DHIS2 reads the unknown user's fields without a check (a NullPointerException): a 500.
    if (!user) {
      res.status(500).json(webMessage(500, 'Internal server error'))
      return
    }
    if (!passwordExpired(ctx.state.systemSettings, user, ctx.clock.timestamp()))
      return reply('NON_EXPIRED', 'Account is not expired, redirecting to login.')
    if (!matches(ctx, username, oldPassword))
      return reply('NON_MATCHING_PASSWORD', 'Old password is wrong, please correct and try again.')
    const problem = passwordProblem(
      password,
      { username: user.username, ...(user.email ? { email: user.email } : {}) },
      ctx.state.systemSettings,
    )
    if (problem) return reply('PASSWORD_INVALID', problem)
    if (password.trim() === username.trim())
      return reply('PASSWORD_EQUAL_TO_USERNAME', 'Password cannot be equal to username')
    setPassword(ctx, user, password)
    deps.startSession(res, user)
    return reply('OK', 'Account was updated.', 200)
  }
  // Public in 2.40 only; later versions put it behind authentication like any other /api path.
  if (mode === 'account-password') root.post('/api/account/password', form, accountPassword)
  else root.post('/api/account/password', deps.authenticate, form, accountPassword)

  if (mode === 'auth-update-password') {
    root.post('/api/auth/updatePassword', express.json({ type: () => true }), (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>
      const text = (v: unknown) => (typeof v === 'string' ? v : '')
      const username = text(body.username)
      const oldPassword = text(body.oldPassword)
      const newPassword = text(body.newPassword)
      const bad = (message: string) => res.status(400).json(webMessage(400, message))
      if (!username.trim() || !oldPassword.trim() || !newPassword.trim())
        return bad('Username, old password and new password are required')
      const user = ctx.index.usersByUsername.get(username)
      if (!user) return bad('Invalid username or password')
      if (recoveryLocked(ctx, user.username)) {
        res
          .status(403)
          .json(
            webMessage(
              403,
              "The account recovery operation for the given user is temporarily locked due to too many calls to this endpoint in the last '15' minutes. Username:" +
                user.username,
            ),
          )
        return
      }
      if (!matches(ctx, username, oldPassword)) return bad('Invalid username or password')
      if (!passwordExpired(ctx.state.systemSettings, user, ctx.clock.timestamp())) return bad('Account is not expired')
      if (newPassword === oldPassword) return bad('New password must be different from the old password')
      if (newPassword.trim() === user.username.trim()) return bad('Password cannot be equal to username')
      const problem = passwordProblem(
        newPassword,
        { username: user.username, ...(user.email ? { email: user.email } : {}) },
        ctx.state.systemSettings,
      )
      if (problem) return bad(problem)
      setPassword(ctx, user, newPassword)
      return res.json(webMessage(200, 'Password updated'))
    })
  }

  root.get(EXPIRED_PAGE, (req, res) => {
    const username = readLoginFailure(req)?.username ?? ''
    res
      .type('html')
      .send(expiredPage(String(ctx.state.systemSettings.applicationTitle ?? 'DHIS2'), username, mode, deps.escapeHtml))
  })
}

function expiredPage(
  title: string,
  username: string,
  mode: StandinContext['behaviour']['expiredPasswordChange'],
  escapeHtml: (text: string) => string,
): string {
  // expired.js posts the form to ../../api/account/password and goes to ../../ on success; with
  // /api/auth/updatePassword the person is not signed in by the change, so they go back to the login page.
  const script = `
const form = document.getElementById('accountForm');
const message = document.getElementById('messageSpan');
const show = (text) => { message.textContent = text; message.hidden = false; };
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const data = new FormData(form);
  if (data.get('password') !== data.get('retypePassword')) {
    show('Les deux mots de passe diffèrent. / The two passwords differ.');
    return;
  }
  const button = document.getElementById('submitButton');
  button.disabled = true;
  try {
    if (${JSON.stringify(mode)} === 'auth-update-password') {
      const res = await fetch('/api/auth/updatePassword', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: data.get('username'), oldPassword: data.get('oldPassword'), newPassword: data.get('password') }),
      });
      const body = await res.json().catch(() => ({}));
      if (res.ok) { window.location.href = ${JSON.stringify(`${LOGIN_PAGE}?passwordChanged=true`)}; return; }
      show(body.message || 'Erreur / Error');
    } else {
      const res = await fetch('/api/account/password', {
        method: 'POST',
        body: new URLSearchParams({ username: data.get('username'), oldPassword: data.get('oldPassword'), password: data.get('password') }),
      });
      const body = await res.json().catch(() => undefined);
      if (res.ok) { window.location.href = '/'; return; }
      if (body && body.status === 'NON_EXPIRED') { window.location.href = ${JSON.stringify(LOGIN_PAGE)}; return; }
      show((body && body.message) || 'Erreur / Error');
    }
  } finally {
    button.disabled = false;
  }
});`
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:Roboto,Arial,sans-serif;background:#f3f5f7;display:flex;min-height:100vh;align-items:center;justify-content:center;margin:0}
form{background:#fff;padding:32px;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.2);width:min(340px,90vw)}
h1{font-size:20px;margin:0 0 12px}p{font-size:14px}label{display:block;font-size:14px;margin:12px 0 4px}
input{width:100%;box-sizing:border-box;padding:8px;font-size:16px;border:1px solid #a0adba;border-radius:4px}
button{margin-top:20px;width:100%;padding:10px;font-size:16px;background:#2c6693;color:#fff;border:0;border-radius:4px}
.error{color:#b71c1c;font-size:14px}
</style></head><body>
<form id="accountForm">
<h1>Mot de passe expiré / Password expired</h1>
<p>Choisissez un nouveau mot de passe pour continuer. / Choose a new password to go on.</p>
<label for="username">Nom d'utilisateur / Username</label>
<input id="username" name="username" autocomplete="username" value="${escapeHtml(username)}" required>
<label for="oldPassword">Ancien mot de passe / Old password</label>
<input id="oldPassword" name="oldPassword" type="password" autocomplete="current-password" required>
<label for="password">Nouveau mot de passe / New password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required>
<label for="retypePassword">Confirmer le mot de passe / Confirm password</label>
<input id="retypePassword" name="retypePassword" type="password" autocomplete="new-password" required>
<p id="messageSpan" class="error" role="alert" hidden></p>
<button id="submitButton" type="submit">Enregistrer / Save</button>
</form>
<script>${script}</script>
</body></html>`
}
