/**
 * DHIS2's own account controls (setup-ops §2.7, §5, §11), as core 2.41 applies them:
 * - `credentialsExpires`: `CORE/user/DefaultUserService.userNonExpired` (Joda whole months ≥ N), refused by
 *   `POST /api/auth/login` with `PASSWORD_EXPIRED` (`WEBAPI/controller/security/AuthenticationController`), by the
 *   form sign-in with a redirect to `/dhis-web-commons/security/expired.action` (`CustomAuthFailureHandler`), by
 *   Basic auth with 401 "Unauthorized" (`FormLoginBasicAuthenticationEntryPoint`) and for the user's tokens
 *   (`WEBAPI/security/apikey/ApiTokenAuthManager`);
 * - the change of an expired password: `POST /api/account/password` (`WEBAPI/controller/AccountController`,
 *   public in 2.40 only) and `POST /api/auth/updatePassword` (`UserAccountController` →
 *   `CORE/user/DefaultUserAccountService.updateExpiredPassword`, DHIS2-21120, 2.41.10+ / 2.42.6+);
 * - `keyLockMultipleFailedLogins`: 4 failures cached 15 minutes (`UserService.LOGIN_MAX_FAILED_ATTEMPTS`,
 *   `DefaultCacheProvider.createUserFailedLoginAttemptCache`, `AuthenticationListener`);
 * - `minPasswordLength` in the password rules (`CORE/user/PasswordLengthValidationRule`);
 * - the audit fields of `/api/users` per version (`API/user/User.java`: `twoFA` 2.39, `twoFactorEnabled`
 *   2.40–2.41, none in 2.42).
 */
import { DEMO_BRIDGE_TOKEN } from '../src/seed'
import { monthsBetween } from '../src/auth/account-security'
import { PASSWORDS, startStandin, type Client } from './support'

const EXPIRED = 'superviseur.aire' // its password is 100 days old in the seed
const NEW_PASSWORD = 'Nouveau-Mot-2027!'

async function post(c: Client, path: string, body: string | object, headers: Record<string, string> = {}) {
  const res = await fetch(`${c.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { ...(typeof body === 'string' ? {} : { 'Content-Type': 'application/json' }), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await res.text()
  let parsed: unknown = text
  try {
    parsed = JSON.parse(text)
  } catch {
    // HTML or empty
  }
  return { status: res.status, body: parsed as Record<string, unknown>, headers: res.headers }
}

const login = (c: Client, username: string, password = PASSWORDS[username] ?? '') =>
  post(c, '/api/auth/login', { username, password })

const formLogin = (c: Client, username: string, password = PASSWORDS[username] ?? '') =>
  post(
    c,
    '/dhis-web-commons-security/login.action',
    new URLSearchParams({ j_username: username, j_password: password }).toString(),
    {
      'Content-Type': 'application/x-www-form-urlencoded',
    },
  )

async function setSetting(c: Client, key: string, value: string) {
  const res = await c.call('POST', `/api/systemSettings/${key}`, {
    body: value,
    headers: { 'Content-Type': 'text/plain' },
  })
  expect(res.status).toBe(200)
}

describe('monthsBetween (Joda Months.monthsBetween)', () => {
  it.each([
    ['2026-01-15T10:00:00.000', '2026-04-15T10:00:00.000', 3],
    ['2026-01-15T10:00:00.000', '2026-04-15T09:59:59.999', 2],
    ['2026-01-31T00:00:00.000', '2026-02-28T00:00:00.000', 1],
    ['2026-01-31T00:00:00.000', '2026-02-27T23:00:00.000', 0],
    ['2025-11-30T12:00:00.000', '2026-02-28T12:00:00.000', 3],
  ])('%s → %s = %d', (from, to, months) => {
    expect(monthsBetween(from, to)).toBe(months)
  })
})

describe('system settings (SystemSettingController, SettingKey types)', () => {
  let c: Client
  beforeAll(async () => {
    c = await startStandin()
  })
  afterAll(() => c.close())

  it('stores each key as its type and reads it back', async () => {
    await setSetting(c, 'credentialsExpires', '3')
    await setSetting(c, 'keyLockMultipleFailedLogins', 'true')
    const set = await c.call('POST', '/api/systemSettings/minPasswordLength?value=10')
    expect(set.body).toMatchObject({
      httpStatusCode: 200,
      message: "System setting 'minPasswordLength' set to value '10'.",
    })
    expect((await c.call('GET', '/api/systemSettings/credentialsExpires')).body).toEqual({ credentialsExpires: 3 })
    expect((await c.call('GET', '/api/systemSettings/keyLockMultipleFailedLogins')).body).toEqual({
      keyLockMultipleFailedLogins: true,
    })
    expect((await c.call('GET', '/api/systemSettings/minPasswordLength')).body).toEqual({ minPasswordLength: 10 })
  })

  it('needs F_SYSTEM_SETTING', async () => {
    const res = await c.call('POST', '/api/systemSettings/credentialsExpires', {
      as: 'superviseur',
      body: '0',
      headers: { 'Content-Type': 'text/plain' },
    })
    expect(res.status).toBe(403)
    expect((await c.call('GET', '/api/systemSettings/credentialsExpires')).body).toEqual({ credentialsExpires: 3 })
  })

  it('enforces minPasswordLength on users (PasswordLengthValidationRule)', async () => {
    const res = await c.call('POST', '/api/metadata', {
      body: {
        users: [
          {
            id: 'UserCourt01',
            username: 'court.mdp',
            password: 'Court-12!',
            firstName: 'Court',
            surname: 'Mdp',
            userRoles: [{ id: (await c.call('GET', '/api/userRoles?fields=id&paging=false')).body.userRoles[0].id }],
          },
        ],
      },
    })
    expect(res.status).toBe(409)
    expect(JSON.stringify(res.body)).toContain('Password must have at least 10, and at most 72 characters')
  })
})

describe('credentialsExpires on 2.41.10 (POST /api/auth/updatePassword)', () => {
  let c: Client
  beforeAll(async () => {
    c = await startStandin({ version: '2.41.10' })
  })
  afterAll(() => c.close())

  it('changes nothing while the setting is 0 (never)', async () => {
    expect((await login(c, EXPIRED)).body).toMatchObject({ loginStatus: 'SUCCESS' })
    expect((await c.call('GET', '/api/me?fields=username', { as: EXPIRED })).status).toBe(200)
  })

  it('refuses every sign-in of a user whose password is ≥ 3 months old once it is 3', async () => {
    await setSetting(c, 'credentialsExpires', '3')
    expect((await login(c, EXPIRED)).body).toEqual({ loginStatus: 'PASSWORD_EXPIRED' })
    const form = await formLogin(c, EXPIRED)
    expect(form.status).toBe(302)
    expect(form.headers.get('location')).toBe('/dhis-web-commons/security/expired.action')
    const api = await c.call('GET', '/api/me?fields=username', { as: EXPIRED })
    expect(api.status).toBe(401)
    expect(api.body).toMatchObject({ httpStatusCode: 401, message: 'Unauthorized' })
    // A wrong password is still just wrong (the expiry is checked after the password).
    expect((await login(c, EXPIRED, 'Faux-Mot-2026!')).status).toBe(401)
    // 45 days old: not expired.
    expect((await login(c, 'superviseur')).body).toMatchObject({ loginStatus: 'SUCCESS' })
  })

  it('shows the expired-password page with the username kept from the sign-in', async () => {
    const form = await formLogin(c, EXPIRED)
    const cookie = (form.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
    const page = await fetch(`${c.url}/dhis-web-commons/security/expired.action`, { headers: { Cookie: cookie } })
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('Mot de passe expiré / Password expired')
    expect(html).toContain(`value="${EXPIRED}"`)
    expect(html).toContain('/api/auth/updatePassword')
  })

  it('answers updatePassword as DefaultUserAccountService does', async () => {
    const rows: Array<[object, number, string]> = [
      [
        { username: EXPIRED, oldPassword: '', newPassword: NEW_PASSWORD },
        400,
        'Username, old password and new password are required',
      ],
      [{ username: 'personne', oldPassword: 'x', newPassword: NEW_PASSWORD }, 400, 'Invalid username or password'],
      [
        { username: EXPIRED, oldPassword: 'Faux-Mot-2026!', newPassword: NEW_PASSWORD },
        400,
        'Invalid username or password',
      ],
      [
        { username: 'superviseur', oldPassword: PASSWORDS.superviseur!, newPassword: NEW_PASSWORD },
        400,
        'Account is not expired',
      ],
      [
        { username: EXPIRED, oldPassword: PASSWORDS[EXPIRED]!, newPassword: PASSWORDS[EXPIRED]! },
        400,
        'New password must be different from the old password',
      ],
      [
        { username: EXPIRED, oldPassword: PASSWORDS[EXPIRED]!, newPassword: 'sansmajuscule-1!' },
        400,
        'Password must have at least one upper case',
      ],
    ]
    for (const [body, status, message] of rows) {
      const res = await post(c, '/api/auth/updatePassword', body)
      expect([res.status, res.body.message]).toEqual([status, message])
    }
  })

  it('lets the user set a new password, then sign in with it', async () => {
    const res = await post(c, '/api/auth/updatePassword', {
      username: EXPIRED,
      oldPassword: PASSWORDS[EXPIRED],
      newPassword: NEW_PASSWORD,
    })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ httpStatusCode: 200, status: 'OK', message: 'Password updated' })
    // The change does not sign the user in: they sign in with the new password.
    expect(res.headers.get('set-cookie') ?? '').not.toContain('JSESSIONID')
    expect((await login(c, EXPIRED, NEW_PASSWORD)).body).toMatchObject({ loginStatus: 'SUCCESS' })
    expect((await login(c, EXPIRED)).status).toBe(401)
    const users = await c.call('GET', `/api/users?filter=username:eq:${EXPIRED}&fields=passwordLastUpdated`)
    expect(String(users.body.users[0].passwordLastUpdated).slice(0, 10)).toBe(c.standin.ctx.clock.today())
  })

  it('refuses the API tokens of a user whose password expired (ApiTokenAuthManager)', async () => {
    const token = { Authorization: `ApiToken ${DEMO_BRIDGE_TOKEN}` }
    expect((await c.call('GET', '/api/me?fields=username', { as: '', headers: token })).status).toBe(200)
    const passerelle = c.standin.ctx.index.usersByUsername.get('passerelle')!
    const before = passerelle.passwordLastUpdated
    passerelle.passwordLastUpdated = '2020-01-01T00:00:00.000'
    try {
      const res = await c.call('GET', '/api/me?fields=username', { as: '', headers: token })
      expect(res.status).toBe(401)
      expect(res.body).toMatchObject({ message: 'The API token is disabled, locked or 2FA is enabled.' })
    } finally {
      passerelle.passwordLastUpdated = before
    }
  })
})

describe('credentialsExpires on 2.40.12 (POST /api/account/password, public in 2.40)', () => {
  let c: Client
  beforeAll(async () => {
    c = await startStandin({ version: '2.40.12' })
    await setSetting(c, 'credentialsExpires', '3')
  })
  afterAll(() => c.close())

  const change = (params: Record<string, string>) =>
    post(c, '/api/account/password', new URLSearchParams(params).toString(), {
      'Content-Type': 'application/x-www-form-urlencoded',
    })

  it('answers as AccountController.updatePassword and signs the user in on success', async () => {
    expect(
      (await change({ username: 'superviseur', oldPassword: PASSWORDS.superviseur!, password: NEW_PASSWORD })).body,
    ).toEqual({
      status: 'NON_EXPIRED',
      message: 'Account is not expired, redirecting to login.',
    })
    expect((await change({ username: EXPIRED, oldPassword: 'Faux-Mot-2026!', password: NEW_PASSWORD })).body).toEqual({
      status: 'NON_MATCHING_PASSWORD',
      message: 'Old password is wrong, please correct and try again.',
    })
    expect((await change({ username: EXPIRED, oldPassword: PASSWORDS[EXPIRED]!, password: 'court' })).body).toEqual({
      status: 'PASSWORD_INVALID',
      message: 'Password must have at least 8, and at most 72 characters',
    })
    const done = await change({ username: EXPIRED, oldPassword: PASSWORDS[EXPIRED]!, password: NEW_PASSWORD })
    expect([done.status, done.body]).toEqual([200, { status: 'OK', message: 'Account was updated.' }])
    const cookie = (done.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
    expect(cookie).toMatch(/^JSESSIONID=/)
    const me = await fetch(`${c.url}/api/me?fields=username`, { headers: { Cookie: cookie } })
    expect(await me.json()).toEqual({ username: EXPIRED })
  })
})

describe('credentialsExpires on 2.41.8 (DHIS2-21120: no way for the user to change it)', () => {
  let c: Client
  beforeAll(async () => {
    c = await startStandin({ version: '2.41.8' })
    await setSetting(c, 'credentialsExpires', '3')
  })
  afterAll(() => c.close())

  it('sends the anonymous password change to the login page and has no /api/auth/updatePassword', async () => {
    const res = await post(
      c,
      '/api/account/password',
      new URLSearchParams({ username: EXPIRED, oldPassword: PASSWORDS[EXPIRED]!, password: NEW_PASSWORD }).toString(),
      { 'Content-Type': 'application/x-www-form-urlencoded' },
    )
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('/dhis-web-commons-security/login.action')
    expect((await c.call('POST', '/api/auth/updatePassword', { body: {} })).status).toBe(404)
    expect((await login(c, EXPIRED)).body).toEqual({ loginStatus: 'PASSWORD_EXPIRED' })
  })
})

describe('keyLockMultipleFailedLogins (4 failures, 15 minutes)', () => {
  let c: Client
  beforeAll(async () => {
    c = await startStandin({ testEndpoints: true })
  })
  afterAll(() => c.close())

  it('does not lock while the setting is off', async () => {
    for (let i = 0; i < 6; i++) expect((await login(c, 'gestionnaire', 'Faux-Mot-2026!')).status).toBe(401)
    expect((await login(c, 'gestionnaire')).body).toMatchObject({ loginStatus: 'SUCCESS' })
  })

  it('locks after the 4th failure, for 15 minutes after the last one, then lets the right password in', async () => {
    await setSetting(c, 'keyLockMultipleFailedLogins', 'true')
    for (let i = 0; i < 3; i++) expect((await login(c, 'gestionnaire', 'Faux-Mot-2026!')).status).toBe(401)
    // A success clears the count (registerSuccessfulLogin).
    expect((await login(c, 'gestionnaire')).body).toMatchObject({ loginStatus: 'SUCCESS' })
    for (let i = 0; i < 4; i++) expect((await login(c, 'gestionnaire', 'Faux-Mot-2026!')).status).toBe(401)
    expect((await login(c, 'gestionnaire')).body).toEqual({ loginStatus: 'ACCOUNT_LOCKED' })
    const basicCall = await c.call('GET', '/api/me?fields=username', { as: 'gestionnaire' })
    expect([basicCall.status, basicCall.body.message]).toEqual([401, 'Account locked'])
    const form = await formLogin(c, 'gestionnaire')
    expect(form.headers.get('location')).toBe('/dhis-web-commons-security/login.action?failed=true')
    await post(c, '/api/testing/clock', { advanceMs: 14 * 60_000 })
    expect((await login(c, 'gestionnaire')).body).toEqual({ loginStatus: 'ACCOUNT_LOCKED' })
    await post(c, '/api/testing/clock', { advanceMs: 15 * 60_000 + 1000 })
    expect((await login(c, 'gestionnaire')).body).toMatchObject({ loginStatus: 'SUCCESS' })
  })
})

describe('audit fields of /api/users per version (setup-ops §5.1)', () => {
  const fields = 'username,passwordLastUpdated,lastLogin,twoFactorEnabled,twoFA'
  it.each([
    ['2.39.6', 'twoFA'],
    ['2.40.12', 'twoFactorEnabled'],
    ['2.41.8', 'twoFactorEnabled'],
    ['2.42.2', undefined],
  ])('%s names the two-factor flag %s', async (version, name) => {
    const c = await startStandin({ version })
    try {
      const res = await c.call('GET', `/api/users?filter=username:eq:controleur&fields=${fields}`)
      const user = res.body.users[0]
      expect(user.passwordLastUpdated).toMatch(/^\d{4}-\d{2}-\d{2}T/)
      expect(user.lastLogin).toMatch(/^\d{4}-\d{2}-\d{2}T/)
      expect(Object.keys(user).filter((k) => k === 'twoFA' || k === 'twoFactorEnabled')).toEqual(name ? [name] : [])
      if (name) expect(user[name]).toBe(true)
      // /api/me (MeDto): no flag at its root up to 2.41; 2.42's `twoFactorType`.
      const me = (await c.call('GET', '/api/me')).body
      expect(me.twoFactorEnabled).toBeUndefined()
      expect(me.twoFactorType).toBe(name ? undefined : 'NOT_ENABLED')
    } finally {
      await c.close()
    }
  })
})
