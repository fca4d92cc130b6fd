/**
 * Authentication as DHIS2 2.41 does it (web-api §1.3, §8): Basic, ApiToken, session cookies from
 * /api/auth/login and the login.action form; 401 WebMessages; 302 to the login page for a browser
 * without credentials.
 */
import { DEMO_BRIDGE_TOKEN } from '../src/seed'
import { hashToken } from '../src/seed/users'
import { basic, startStandin, type Client } from './support'

let c: Client
beforeAll(async () => {
  c = await startStandin()
})
afterAll(() => c.close())

const UNAUTHORIZED = { httpStatus: 'Unauthorized', httpStatusCode: 401, status: 'ERROR', message: 'Unauthorized' }

describe('Basic and ApiToken', () => {
  const rows: { name: string; headers: Record<string, string>; status: number; body?: object; username?: string }[] = [
    {
      name: 'Basic with the right password',
      headers: { Authorization: basic('admin', 'district') },
      status: 200,
      username: 'admin',
    },
    {
      name: 'Basic with a wrong password',
      headers: { Authorization: basic('admin', 'nope') },
      status: 401,
      body: UNAUTHORIZED,
    },
    {
      name: 'Basic for an unknown user',
      headers: { Authorization: basic('nobody', 'x') },
      status: 401,
      body: UNAUTHORIZED,
    },
    {
      name: 'Basic for a disabled account',
      headers: { Authorization: basic('ancien.superviseur') },
      status: 401,
      body: { ...UNAUTHORIZED, message: 'Account disabled' },
    },
    {
      name: 'ApiToken of the bridge account',
      headers: { Authorization: `ApiToken ${DEMO_BRIDGE_TOKEN}` },
      status: 200,
      username: 'passerelle',
    },
    {
      name: 'ApiToken case-insensitive scheme',
      headers: { Authorization: `apitoken ${DEMO_BRIDGE_TOKEN}` },
      status: 200,
      username: 'passerelle',
    },
    {
      name: 'ApiToken unknown',
      headers: { Authorization: 'ApiToken d2pat_unknownunknownunknownunknownunkn0123456789' },
      status: 401,
      body: { ...UNAUTHORIZED, message: 'The API token does not exists' },
    },
    {
      name: 'ApiToken without a DHIS2 prefix',
      headers: { Authorization: 'ApiToken abc' },
      status: 401,
      body: { ...UNAUTHORIZED, message: 'Checksum validation failed' },
    },
    { name: 'an unknown scheme', headers: { Authorization: 'Bearer abc' }, status: 401, body: UNAUTHORIZED },
    { name: 'no credentials, XHR', headers: { 'X-Requested-With': 'XMLHttpRequest' }, status: 401, body: UNAUTHORIZED },
  ]
  test.each(rows)('$name → $status', async ({ headers, status, body, username }) => {
    const res = await c.call('GET', '/api/me', { as: '', headers })
    expect(res.status).toBe(status)
    if (body) expect(res.body).toEqual(body)
    if (username) expect(res.body.username).toBe(username)
  })

  test('no credentials and no XHR header → 302 to the login page', async () => {
    const res = await c.call('GET', '/api/me', { as: '' })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('/dhis-web-commons-security/login.action')
  })

  test('an expired token is refused with DHIS2 message', async () => {
    const token = 'd2pat_expiredexpiredexpiredexpiredexp0123456789'
    c.standin.ctx.state.apiTokens.push({
      id: 'tokExpired01',
      keyHash: hashToken(token),
      userId: c.standin.ctx.index.usersByUsername.get('gestionnaire')!.id,
      expire: Date.now() - 1000,
    })
    const res = await c.call('GET', '/api/me', { as: '', headers: { Authorization: `ApiToken ${token}` } })
    expect(res.status).toBe(401)
    expect(res.body.message).toBe('Failed to authenticate API token, token has expired.')
  })
})

describe('browser sessions', () => {
  test('POST /api/auth/login sets JSESSIONID and answers loginStatus SUCCESS', async () => {
    const res = await fetch(`${c.url}/api/auth/login`, {
      method: 'POST',
      body: JSON.stringify({ username: 'relais', password: 'Relais-2026' }),
      headers: { 'Content-Type': 'application/json' },
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ loginStatus: 'SUCCESS', redirectUrl: '/api/me' })
    const cookie = res.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/^JSESSIONID=[0-9a-f]+; Path=\/; HttpOnly; SameSite=Lax/)
    const me = await fetch(`${c.url}/api/41/me?fields=username`, { headers: { Cookie: cookie.split(';')[0]! } })
    expect(await me.json()).toEqual({ username: 'relais' })
  })

  test.each([
    {
      username: 'relais',
      password: 'bad',
      status: 401,
      body: { httpStatus: 'Unauthorized', httpStatusCode: 401, status: 'ERROR', message: 'Bad credentials' },
    },
    { username: 'ancien.superviseur', password: 'Relais-2026', status: 200, body: { loginStatus: 'ACCOUNT_DISABLED' } },
    {
      username: 'controleur',
      password: 'Relais-2026',
      status: 200,
      body: { loginStatus: 'INCORRECT_TWO_FACTOR_CODE' },
    },
  ])('POST /api/auth/login as $username → $status', async ({ username, password, status, body }) => {
    const res = await fetch(`${c.url}/api/auth/login`, {
      method: 'POST',
      body: JSON.stringify({ username, password }),
      headers: { 'Content-Type': 'application/json' },
    })
    expect(res.status).toBe(status)
    expect(await res.json()).toEqual(body)
    expect(res.headers.get('set-cookie')).toBeNull()
  })

  test('the login.action form signs in and redirects; a wrong password redirects with failed=true', async () => {
    const ok = await fetch(`${c.url}/dhis-web-commons-security/login.action`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'j_username=superviseur&j_password=Relais-2026',
    })
    expect(ok.status).toBe(302)
    expect(ok.headers.get('set-cookie')).toMatch(/^JSESSIONID=/)
    const bad = await fetch(`${c.url}/dhis-web-commons-security/login.action`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'j_username=superviseur&j_password=wrong',
    })
    expect(bad.status).toBe(302)
    expect(bad.headers.get('location')).toBe('/dhis-web-commons-security/login.action?failed=true')
  })

  test('logout ends the session', async () => {
    const login = await fetch(`${c.url}/api/auth/login`, {
      method: 'POST',
      body: JSON.stringify({ username: 'gestionnaire', password: 'Relais-2026' }),
      headers: { 'Content-Type': 'application/json' },
    })
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!
    await fetch(`${c.url}/dhis-web-commons-security/logout.action`, { headers: { Cookie: cookie }, redirect: 'manual' })
    const after = await fetch(`${c.url}/api/me`, { headers: { Cookie: cookie, 'X-Requested-With': 'XMLHttpRequest' } })
    expect(after.status).toBe(401)
  })
})
