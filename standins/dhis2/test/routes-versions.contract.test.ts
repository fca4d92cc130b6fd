/**
 * What the stand-in does differently per `--dhis2-version` (setup-ops §9 table, §11, §12; core tags
 * `RouteService`, `RouteController`, `ApiTokenType`, `User`), one stand-in per version against one echoing
 * upstream: run methods, Content-Type forwarding, route auth types, upstream errors passed on or wrapped,
 * sub-path and timeout answers, 2.42's remote-server allowlist, token format, and the user payload.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { basic, startStandin, type Client } from './support'

let upstream: Server
let upstreamUrl = ''

beforeAll(async () => {
  upstream = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://u')
      if (url.pathname.endsWith('/slow')) {
        const timer = setTimeout(() => res.end('late'), 3000)
        res.on('close', () => clearTimeout(timer))
        return
      }
      if (url.pathname.endsWith('/refuse')) {
        res.writeHead(401, { 'Content-Type': 'application/json' })
        res.end(JSON.stringify({ error: 'route-proof-refused' }))
        return
      }
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify({ method: req.method, contentType: req.headers['content-type'] ?? null }))
    })
  })
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`
})
afterAll(async () => {
  upstream.closeAllConnections()
  await new Promise<void>((resolve) => upstream.close(() => resolve()))
})

interface Expected {
  version: string
  put: boolean
  contentType: boolean
  apiHeaders: boolean
  errorsPassed: boolean
  subPath: 400 | 502
  timeout: 503 | 504
  allowlist: boolean
}

const TABLE: Expected[] = [
  {
    version: '2.40.9',
    put: false,
    contentType: false,
    apiHeaders: true,
    errorsPassed: false,
    subPath: 400,
    timeout: 503,
    allowlist: false,
  },
  {
    version: '2.40.12',
    put: false,
    contentType: true,
    apiHeaders: true,
    errorsPassed: true,
    subPath: 400,
    timeout: 503,
    allowlist: false,
  },
  {
    version: '2.41.3',
    put: true,
    contentType: false,
    apiHeaders: false,
    errorsPassed: false,
    subPath: 400,
    timeout: 503,
    allowlist: false,
  },
  {
    version: '2.41.6',
    put: true,
    contentType: true,
    apiHeaders: true,
    errorsPassed: false,
    subPath: 400,
    timeout: 503,
    allowlist: false,
  },
  {
    version: '2.41.8',
    put: true,
    contentType: true,
    apiHeaders: true,
    errorsPassed: true,
    subPath: 400,
    timeout: 503,
    allowlist: false,
  },
  {
    version: '2.42.1',
    put: true,
    contentType: false,
    apiHeaders: true,
    errorsPassed: true,
    subPath: 502,
    timeout: 504,
    allowlist: true,
  },
  {
    version: '2.42.2',
    put: true,
    contentType: true,
    apiHeaders: true,
    errorsPassed: true,
    subPath: 502,
    timeout: 504,
    allowlist: true,
  },
]

describe.each(TABLE)('DHIS2 $version', (expected) => {
  let c: Client
  const run = (path: string, init: RequestInit = {}) =>
    fetch(`${c.url}/api/routes/${path}`, {
      ...init,
      headers: { Authorization: basic('admin'), ...(init.headers as Record<string, string>) },
    })

  beforeAll(async () => {
    // A 2.42 deployment that lists the test upstream, as dhis.conf must for an http:// bridge.
    c = await startStandin({
      seed: 'blank',
      version: expected.version,
      routeRemoteServersAllowed: `https://*,${upstreamUrl}`,
    })
    for (const [code, url, timeout] of [
      ['wide', `${upstreamUrl}/**`, 5],
      ['narrow', `${upstreamUrl}/narrow`, 5],
      ['slow', `${upstreamUrl}/slow`, 1],
    ] as const) {
      const res = await c.call('POST', '/api/routes', {
        body: { name: code, code, url, responseTimeoutSeconds: timeout },
      })
      expect(res.status).toBe(201)
    }
  })
  afterAll(() => c.close())

  test('system/info reports the version', async () => {
    expect((await c.call('GET', '/api/system/info')).body.version).toBe(expected.version)
  })

  test(`PUT through a route: ${expected.put ? 'passed on' : '405'}`, async () => {
    const res = await run('wide/run/x', { method: 'PUT', body: 'a' })
    expect(res.status).toBe(expected.put ? 200 : 405)
  })

  test(`the browser's Content-Type ${expected.contentType ? 'reaches' : 'does not reach'} the upstream`, async () => {
    const res = await run('wide/run/x', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    })
    expect(((await res.json()) as { contentType: string | null }).contentType).toBe(
      expected.contentType ? 'application/json' : null,
    )
  })

  test(`an api-headers auth is ${expected.apiHeaders ? 'accepted' : 'refused (409, unknown type)'}`, async () => {
    const res = await c.call('POST', '/api/routes', {
      body: { name: 'secret', url: `${upstreamUrl}/x`, auth: { type: 'api-headers', headers: { 'X-S': 's' } } },
    })
    expect(res.status).toBe(expected.apiHeaders ? 201 : 409)
    if (!expected.apiHeaders) expect(res.body.message).toContain("Could not resolve type id 'api-headers'")
  })

  test(`an upstream 401 comes back ${expected.errorsPassed ? 'as it is' : 'wrapped in a DHIS2 WebMessage'}`, async () => {
    const res = await run('wide/run/refuse')
    expect(res.status).toBe(401)
    const body = (await res.json()) as Record<string, unknown>
    if (expected.errorsPassed) expect(body).toEqual({ error: 'route-proof-refused' })
    else
      expect(body).toMatchObject({
        httpStatusCode: 401,
        status: 'ERROR',
        message: '401 Unauthorized: "{"error":"route-proof-refused"}"',
      })
  })

  test(`a sub-path on a route without /** → ${expected.subPath}`, async () => {
    expect((await run('narrow/run/more')).status).toBe(expected.subPath)
  })

  test(`an upstream slower than the route's timeout → ${expected.timeout}`, async () => {
    const res = await run('slow/run')
    expect(res.status).toBe(expected.timeout)
    if (expected.timeout === 504) expect(await res.text()).toBe('')
    else expect(((await res.json()) as { message: string }).message).toMatch(/Read timed out$/)
  })

  test(`a route to a server outside route.remote_servers_allowed is ${expected.allowlist ? 'refused' : 'accepted'}`, async () => {
    const res = await c.call('POST', '/api/routes', { body: { name: 'elsewhere', url: 'http://10.9.9.9/x' } })
    expect(res.status).toBe(expected.allowlist ? 409 : 201)
    if (expected.allowlist) expect(res.body.message).toBe('Route URL is not permitted')
  })
})

describe('before 2.40 there are no routes', () => {
  test('2.39.6: /api/routes is an unknown endpoint', async () => {
    const c = await startStandin({ seed: 'blank', version: '2.39.6' })
    try {
      expect((await c.call('GET', '/api/routes')).status).toBe(404)
    } finally {
      await c.close()
    }
  })
})

describe.each([
  { version: '2.40.12', format: /^d2pat_[A-Za-z0-9]{32}\d{10}$/, type: 'PERSONAL_ACCESS_TOKEN' },
  { version: '2.41.8', format: /^d2p_[A-Za-z0-9]{50}$/, type: 'PERSONAL_ACCESS_TOKEN_V2' },
  { version: '2.42.2', format: /^d2p_[A-Za-z0-9]{50}$/, type: 'PERSONAL_ACCESS_TOKEN_V2' },
])('personal access tokens on $version', ({ version, format, type }) => {
  test(`the default format matches ${String(format)} and the token signs in`, async () => {
    const c = await startStandin({ seed: 'blank', version })
    try {
      const created = await c.call('POST', '/api/apiToken', { body: {} })
      expect(created.status).toBe(201)
      const key = String(created.body.response.key)
      expect(key).toMatch(format)
      const me = await c.call('GET', '/api/me?fields=username', {
        as: '',
        headers: { Authorization: `ApiToken ${key}` },
      })
      expect(me.body.username).toBe('admin')
      const list = await c.call('GET', '/api/apiToken')
      expect(list.body.apiToken[0].type).toBe(type)
    } finally {
      await c.close()
    }
  })
})

describe.each([
  { version: '2.41.8', nested: true },
  { version: '2.42.2', nested: false },
])('the user payload on $version', ({ version, nested }) => {
  let c: Client
  beforeAll(async () => {
    c = await startStandin({ seed: 'blank', version })
  })
  afterAll(() => c.close())
  const roles = async () => (await c.call('GET', '/api/userRoles?fields=id&paging=false')).body.userRoles as unknown[]

  test(`userCredentials{} is ${nested ? 'read' : 'ignored, so the username is missing'}`, async () => {
    const res = await c.call('POST', '/api/metadata', {
      body: {
        users: [
          {
            firstName: 'Ancienne',
            surname: 'Forme',
            userCredentials: { username: 'ancienne.forme', password: 'Ancienne-Forme-2026!' },
            userRoles: (await roles()).slice(0, 1),
          },
        ],
      },
    })
    if (nested) expect(res.body.status).toBe('OK')
    else {
      expect(res.status).toBe(409)
      expect(JSON.stringify(res.body)).toContain('Missing required property `username`')
    }
  })

  test('the flat payload works', async () => {
    const res = await c.call('POST', '/api/metadata', {
      body: {
        users: [
          {
            username: 'forme.plate',
            password: 'Forme-Plate-2026!',
            firstName: 'Forme',
            surname: 'Plate',
            userRoles: (await roles()).slice(0, 1),
          },
        ],
      },
    })
    expect(res.body.status).toBe('OK')
    const me = await c.call('GET', '/api/me?fields=username', {
      as: '',
      headers: { Authorization: basic('forme.plate', 'Forme-Plate-2026!') },
    })
    expect(me.body.username).toBe('forme.plate')
  })

  test(`/api/me ${nested ? 'shows' : 'has no'} userCredentials`, async () => {
    const me = await c.call('GET', '/api/me')
    expect(me.body.userCredentials === undefined).toBe(!nested)
    const users = await c.call('GET', '/api/users?fields=id,userCredentials[username]&paging=false')
    expect(users.body.users[0].userCredentials === undefined).toBe(!nested)
  })
})
