/**
 * DHIS2 Routes (web-api §7 "Routes" and "Route header whitelist") against the real HTTP server and a
 * local upstream that echoes what it received, as the default 2.41.8 does them: metadata CRUD with
 * `response.uid`, secrets never shown, and the proxy — browser Authorization / X-Forwarded-User dropped,
 * Content-Type passed (2.41.5+), the route's headers + X-Forwarded-User + auth added, query and body passed
 * on, response headers filtered — plus 404 / 403 / 400 sub-path / 503 timeout / 503 refused / 502 over
 * 256 KB. What other versions do differently: routes-versions.contract.test.ts.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { basic, startStandin, type Client } from './support'

interface Echo {
  method: string
  url: string
  headers: Record<string, string[]>
  body: string
}

let c: Client
let upstream: Server
let upstreamUrl = ''
let closedPortUrl = ''

function readAll(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
  })
}

beforeAll(async () => {
  upstream = createServer((req, res) => {
    void readAll(req).then((body) => {
      const url = new URL(req.url ?? '/', 'http://upstream')
      if (url.pathname === '/big') {
        const bytes = Number(url.searchParams.get('bytes'))
        const payload = Buffer.alloc(bytes, 'x')
        if (url.searchParams.get('chunked') === '1') {
          res.writeHead(200, { 'Content-Type': 'text/plain' })
          for (let i = 0; i < payload.length; i += 16384) res.write(payload.subarray(i, i + 16384))
          res.end()
        } else {
          res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': String(bytes) })
          res.end(payload)
        }
        return
      }
      if (url.pathname === '/slow') {
        const timer = setTimeout(() => res.end('late'), Number(url.searchParams.get('ms') ?? 0))
        res.on('close', () => clearTimeout(timer))
        return
      }
      const status = /^\/status\/(\d{3})$/.exec(url.pathname)
      if (status) {
        res.writeHead(Number(status[1]), { 'Content-Type': 'application/json' })
        res.end(JSON.stringify({ error: `upstream ${status[1]}` }))
        return
      }
      const headers: Record<string, string[]> = {}
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i]!.toLowerCase()
        ;(headers[name] ??= []).push(req.rawHeaders[i + 1]!)
      }
      const echo: Echo = { method: req.method ?? '', url: req.url ?? '', headers, body }
      res.writeHead(200, {
        'Content-Type': 'application/json; charset=utf-8',
        ETag: '"v1"',
        'Cache-Control': 'no-cache',
        'Content-Language': 'fr',
        'X-Upstream-Secret': 'must-not-leak',
        'Set-Cookie': 'upstream=1; Path=/',
        'Access-Control-Allow-Origin': '*',
      })
      res.end(JSON.stringify(echo))
    })
  })
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`
  // A port that refuses connections: listen, note it, close.
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  closedPortUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`
  await new Promise<void>((resolve) => probe.close(() => resolve()))

  c = await startStandin({ testEndpoints: true })
})
afterAll(async () => {
  await c.close()
  upstream.closeAllConnections()
  await new Promise<void>((resolve) => upstream.close(() => resolve()))
})

const ids: Record<string, string> = {}
const createRoute = async (body: object, as = 'admin') => c.call('POST', '/api/routes', { as, body })

describe('route metadata (CRUD)', () => {
  const routes: { key: string; body: () => object }[] = [
    {
      key: 'bridge',
      body: () => ({
        name: 'Relais bridge',
        code: 'relais-bridge',
        url: `${upstreamUrl}/echo/**`,
        headers: { 'X-Relais-Route-Secret': 'route-secret' },
        authorities: ['M_relais'],
      }),
    },
    {
      key: 'basic',
      body: () => ({
        name: 'Basic',
        code: 'basic',
        url: `${upstreamUrl}/echo/basic`,
        auth: { type: 'http-basic', username: 'bridge', password: 'basic-pass' },
      }),
    },
    {
      key: 'token',
      body: () => ({
        name: 'Token',
        code: 'token',
        url: `${upstreamUrl}/echo/token`,
        auth: { type: 'api-token', token: 'd2p_tokensecret' },
      }),
    },
    {
      key: 'apiHeaders',
      body: () => ({
        name: 'Api headers',
        code: 'api-headers',
        url: `${upstreamUrl}/echo/headers`,
        auth: { type: 'api-headers', headers: { 'X-Api-Key': 'header-secret' } },
      }),
    },
    {
      key: 'apiQuery',
      body: () => ({
        name: 'Api query',
        code: 'api-query',
        url: `${upstreamUrl}/echo/query`,
        auth: { type: 'api-query-params', queryParams: { key: 'query-secret' } },
      }),
    },
    {
      key: 'root',
      body: () => ({ name: 'Upstream root', code: 'root', url: `${upstreamUrl}/**`, authorities: ['M_relais'] }),
    },
    {
      key: 'slow',
      body: () => ({ name: 'Slow', code: 'slow', url: `${upstreamUrl}/slow`, responseTimeoutSeconds: 1 }),
    },
    { key: 'refused', body: () => ({ name: 'Refused', code: 'refused', url: `${closedPortUrl}/x` }) },
    {
      key: 'disabled',
      body: () => ({ name: 'Disabled', code: 'disabled', url: `${upstreamUrl}/echo`, disabled: true }),
    },
    {
      key: 'adminOnly',
      body: () => ({
        name: 'Admin only',
        code: 'admin-only',
        url: `${upstreamUrl}/echo`,
        authorities: ['F_NOBODY_HAS_THIS'],
      }),
    },
  ]
  test.each(routes)('create $key: 201, ObjectReport with response.uid, Location', async ({ key, body }) => {
    const res = await createRoute(body())
    expect(res.status).toBe(201)
    expect(res.body).toEqual({
      httpStatus: 'Created',
      httpStatusCode: 201,
      status: 'OK',
      response: {
        responseType: 'ObjectReport',
        uid: expect.stringMatching(/^[A-Za-z][A-Za-z0-9]{10}$/),
        klass: 'org.hisp.dhis.route.Route',
        errorReports: [],
      },
    })
    expect(res.body).not.toHaveProperty('id')
    ids[key] = res.body.response.uid
    expect(res.headers.get('location')).toBe(`${c.url}/api/routes/${ids[key]}`)
  })

  const refusals: { name: string; as: string; body: object; status: number; message: string; errorCode?: string }[] = [
    {
      name: 'without F_ROUTE_PUBLIC_ADD',
      as: 'gestionnaire',
      body: { name: 'X', url: 'https://example.org' },
      status: 403,
      message: "You don't have the proper permissions to create this object.",
      errorCode: 'E1006',
    },
    {
      name: 'a timeout of 0 s',
      as: 'admin',
      body: { name: 'X', url: 'https://example.org', responseTimeoutSeconds: 0 },
      status: 409,
      message: 'Route response timeout must be greater than 0 seconds and less than or equal to 60 seconds',
      errorCode: 'E1004',
    },
    {
      name: 'a timeout of 61 s',
      as: 'admin',
      body: { name: 'X', url: 'https://example.org', responseTimeoutSeconds: 61 },
      status: 409,
      message: 'Route response timeout must be greater than 0 seconds and less than or equal to 60 seconds',
      errorCode: 'E1004',
    },
    {
      name: 'an ftp URL',
      as: 'admin',
      body: { name: 'X', url: 'ftp://example.org/x' },
      status: 409,
      message: 'Route URL scheme must be either http or https',
      errorCode: 'E1004',
    },
    {
      name: 'a malformed URL',
      as: 'admin',
      body: { name: 'X', url: 'not a url' },
      status: 409,
      message: 'Malformed route URL',
      errorCode: 'E1004',
    },
  ]
  test.each(refusals)('create with $name → $status', async ({ as, body, status, message, errorCode }) => {
    const res = await createRoute(body, as)
    expect(res.status).toBe(status)
    expect(res.body).toMatchObject({
      httpStatusCode: status,
      status: 'ERROR',
      message,
      ...(errorCode ? { errorCode } : {}),
    })
  })

  test('a duplicate code is an ObjectReport conflict (E5003)', async () => {
    const res = await createRoute({ name: 'Another bridge', code: 'relais-bridge', url: 'https://example.org' })
    expect(res.status).toBe(409)
    expect(res.body.response.errorReports[0]).toMatchObject({ errorCode: 'E5003', errorProperty: 'code' })
  })

  test('F_ROUTE_PUBLIC_ADD is enough to create (administrateur)', async () => {
    const res = await createRoute({ name: 'By administrateur', url: 'https://example.org/api' }, 'administrateur')
    expect(res.status).toBe(201)
  })

  const secrets = ['basic-pass', 'd2p_tokensecret', 'header-secret', 'query-secret']
  test.each([
    { key: 'basic', auth: { type: 'http-basic', username: 'bridge' } },
    { key: 'token', auth: { type: 'api-token' } },
    { key: 'apiHeaders', auth: { type: 'api-headers' } },
    { key: 'apiQuery', auth: { type: 'api-query-params' } },
  ])('GET $key hides the secrets of its auth', async ({ key, auth }) => {
    const res = await c.call('GET', `/api/routes/${ids[key]}`)
    expect(res.status).toBe(200)
    expect(res.body.auth).toEqual(auth)
    for (const secret of secrets) expect(JSON.stringify(res.body)).not.toContain(secret)
  })

  test('list: metadata style, pager and fields', async () => {
    const res = await c.call('GET', '/api/routes?fields=id,code,url,auth&filter=code:eq:basic')
    expect(res.body.pager).toMatchObject({ page: 1, total: 1, pageSize: 50 })
    expect(res.body.routes).toEqual([
      {
        id: ids.basic,
        code: 'basic',
        url: `${upstreamUrl}/echo/basic`,
        auth: { type: 'http-basic', username: 'bridge' },
      },
    ])
    const all = await c.call('GET', '/api/routes?paging=false&fields=auth')
    for (const secret of secrets) expect(JSON.stringify(all.body)).not.toContain(secret)
  })

  test('unknown route id → 404', async () => {
    const res = await c.call('GET', '/api/routes/abcdefghijk')
    expect(res.status).toBe(404)
    expect(res.body).toMatchObject({ message: 'Route with id abcdefghijk could not be found.', errorCode: 'E1005' })
  })
})

async function run(
  path: string,
  init: { as?: string; method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal } = {},
) {
  const { as = 'gestionnaire', method = 'GET', headers = {}, body, signal } = init
  const res = await fetch(`${c.url}${path}`, {
    method,
    headers: { Authorization: basic(as), ...headers },
    body,
    signal,
  })
  const text = await res.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: res.status, headers: res.headers, text, json: json as Record<string, unknown> & Partial<Echo> }
}

describe('the proxy: request header whitelist', () => {
  let echo: Echo
  beforeAll(async () => {
    const res = await run('/api/routes/relais-bridge/run/api/v1/uploads?source=kobo&filename=mars.csv&source=second', {
      method: 'POST',
      headers: {
        'Content-Type': 'text/csv',
        'X-Forwarded-User': 'mallory',
        Accept: 'application/json',
        'Accept-Language': 'fr',
        'User-Agent': 'relais-test/1.0',
        'If-None-Match': '"abc"',
        'X-Requested-With': 'XMLHttpRequest',
        'X-Custom': 'dropped',
        Cookie: 'JSESSIONID=abc',
        Origin: 'http://evil.example',
      },
      body: 'rc,period,value\nRC-1,202603,12\n',
    })
    expect(res.status).toBe(200)
    echo = res.json as unknown as Echo
  })

  const rows: { name: string; header: string; expected: string[] | undefined }[] = [
    { name: "the browser's Content-Type passes (2.41.5+)", header: 'content-type', expected: ['text/csv'] },
    { name: "the browser's Authorization is dropped", header: 'authorization', expected: undefined },
    {
      name: "the browser's X-Forwarded-User is replaced by DHIS2's",
      header: 'x-forwarded-user',
      expected: ['gestionnaire'],
    },
    { name: 'the route secret header is added', header: 'x-relais-route-secret', expected: ['route-secret'] },
    { name: 'Accept passes', header: 'accept', expected: ['application/json'] },
    { name: 'Accept-Language passes', header: 'accept-language', expected: ['fr'] },
    { name: 'User-Agent passes', header: 'user-agent', expected: ['relais-test/1.0'] },
    { name: 'If-None-Match passes', header: 'if-none-match', expected: ['"abc"'] },
    { name: 'X-Requested-With passes', header: 'x-requested-with', expected: ['XMLHttpRequest'] },
    { name: 'a custom header is dropped', header: 'x-custom', expected: undefined },
    { name: 'Cookie is dropped', header: 'cookie', expected: undefined },
    { name: 'Origin is dropped', header: 'origin', expected: undefined },
  ]
  test.each(rows)('$name', ({ header, expected }) => {
    expect(echo.headers[header]).toEqual(expected)
  })

  test('sub-path, method, query parameters and body are passed on', () => {
    expect(echo.method).toBe('POST')
    const url = new URL(echo.url, 'http://upstream')
    expect(url.pathname).toBe('/echo/api/v1/uploads')
    expect(url.searchParams.getAll('source')).toEqual(['kobo', 'second'])
    expect(url.searchParams.get('filename')).toBe('mars.csv')
    expect(echo.body).toBe('rc,period,value\nRC-1,202603,12\n')
  })

  test('the route runs by id as well as by code, and through /api/41', async () => {
    const res = await run(`/api/41/routes/${ids.bridge}/run/ping`)
    expect(res.status).toBe(200)
    expect(new URL(res.json.url!, 'http://u').pathname).toBe('/echo/ping')
  })

  test('only whitelisted response headers come back', async () => {
    const res = await run('/api/routes/relais-bridge/run/x')
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(res.headers.get('etag')).toBe('"v1"')
    expect(res.headers.get('cache-control')).toBe('no-cache')
    expect(res.headers.get('content-language')).toBe('fr')
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(res.text)))
    for (const dropped of ['x-upstream-secret', 'set-cookie', 'access-control-allow-origin'])
      expect(res.headers.get(dropped)).toBeNull()
  })
})

describe('the proxy: route auth', () => {
  const rows: { name: string; route: string; path?: string; check: (echo: Echo) => void }[] = [
    {
      name: 'http-basic → Authorization: Basic',
      route: 'basic',
      check: (e) =>
        expect(e.headers.authorization).toEqual([`Basic ${Buffer.from('bridge:basic-pass').toString('base64')}`]),
    },
    {
      name: 'api-token → Authorization: ApiToken',
      route: 'token',
      check: (e) => expect(e.headers.authorization).toEqual(['ApiToken d2p_tokensecret']),
    },
    {
      name: 'api-headers → its headers',
      route: 'api-headers',
      check: (e) => expect(e.headers['x-api-key']).toEqual(['header-secret']),
    },
    {
      name: 'api-query-params → its parameters, overriding the browser’s',
      route: 'api-query',
      path: '?key=from-browser&other=1',
      check: (e) => {
        const url = new URL(e.url, 'http://u')
        expect(url.searchParams.getAll('key')).toEqual(['query-secret'])
        expect(url.searchParams.get('other')).toBe('1')
      },
    },
  ]
  test.each(rows)('$name', async ({ route, path = '', check }) => {
    const res = await run(`/api/routes/${route}/run${path}`, { as: 'admin' })
    expect(res.status).toBe(200)
    const echo = res.json as unknown as Echo
    check(echo)
    expect(echo.headers['x-forwarded-user']).toEqual(['admin'])
  })
})

describe('the proxy: errors', () => {
  const rows: { name: string; path: string; as?: string; status: number; body?: object | 'empty'; text?: string }[] = [
    {
      name: 'unknown route',
      path: '/api/routes/nope/run',
      status: 404,
      body: {
        httpStatus: 'Not Found',
        httpStatusCode: 404,
        status: 'ERROR',
        message: 'Route nope not found',
        errorCode: 'E1005',
      },
    },
    {
      name: 'disabled route',
      path: '/api/routes/disabled/run',
      as: 'admin',
      status: 404,
      body: { message: 'Route disabled not found' },
    },
    {
      name: 'user without the route authority',
      path: '/api/routes/admin-only/run',
      as: 'relais',
      status: 403,
      body: {
        httpStatus: 'Forbidden',
        httpStatusCode: 403,
        status: 'ERROR',
        message: 'User not authorized',
        errorCode: 'E1006',
      },
    },
    {
      name: 'user holding the route authority (M_relais)',
      path: '/api/routes/relais-bridge/run',
      as: 'relais',
      status: 200,
    },
    { name: 'superuser without the authority', path: '/api/routes/admin-only/run', as: 'admin', status: 200 },
    {
      name: 'sub-path on a route without /**',
      path: '/api/routes/basic/run/more',
      as: 'admin',
      status: 400,
      body: { httpStatus: 'Bad Request', httpStatusCode: 400, status: 'ERROR' },
    },
    {
      name: 'upstream status passes through unwrapped',
      path: '/api/routes/root/run/status/409',
      status: 409,
      body: { error: 'upstream 409' },
    },
    {
      name: 'upstream 500 passes through unwrapped',
      path: '/api/routes/root/run/status/500',
      status: 500,
      body: { error: 'upstream 500' },
    },
    { name: 'a response of exactly 256 KB', path: '/api/routes/root/run/big?bytes=262144', status: 200 },
    {
      name: 'a response over 256 KB (Content-Length)',
      path: '/api/routes/root/run/big?bytes=262145',
      status: 502,
      body: { httpStatusCode: 502, message: 'Exceeded limit on max bytes to buffer : 262144' },
    },
    {
      name: 'a response over 256 KB (chunked)',
      path: '/api/routes/root/run/big?bytes=300000&chunked=1',
      status: 502,
      body: { httpStatusCode: 502, message: 'Exceeded limit on max bytes to buffer : 262144' },
    },
    {
      name: 'connection refused',
      path: '/api/routes/refused/run',
      as: 'admin',
      status: 503,
      body: {
        httpStatus: 'Service Unavailable',
        httpStatusCode: 503,
        status: 'ERROR',
        message: `I/O error on GET request for "${'<refused>'}/x": Connection refused`,
      },
    },
  ]
  test.each(rows)('$name → $status', async ({ path, as, status, body }) => {
    const res = await run(path, { as })
    expect(res.status).toBe(status)
    if (body && typeof body === 'object') {
      const expected = JSON.parse(JSON.stringify(body).replace('<refused>', closedPortUrl)) as object
      expect(res.json).toMatchObject(expected)
    }
  })

  test("the sub-path refusal names the route: Route '<uid>' does not allow sub-paths", async () => {
    const res = await run('/api/routes/basic/run/more', { as: 'admin' })
    expect(res.json.message).toBe(`Route '${ids.basic}' does not allow sub-paths`)
  })

  test('a 256 KB response arrives whole', async () => {
    const res = await run('/api/routes/root/run/big?bytes=262144')
    expect(res.text.length).toBe(262144)
  })

  test('upstream slower than responseTimeoutSeconds (1 s) → 503 Read timed out', async () => {
    const started = Date.now()
    const res = await run('/api/routes/slow/run?ms=3000', { as: 'admin' })
    const elapsed = Date.now() - started
    expect(res.status).toBe(503)
    expect(res.json.message).toMatch(/^I\/O error on GET request for ".*\/slow": Read timed out$/)
    expect(elapsed).toBeGreaterThanOrEqual(900)
    expect(elapsed).toBeLessThan(2500)
  })

  test('upstream within responseTimeoutSeconds → its answer', async () => {
    const res = await run('/api/routes/slow/run?ms=100', { as: 'admin' })
    expect(res.status).toBe(200)
    expect(res.text).toBe('late')
  })
})

describe('route update and delete', () => {
  test('PUT replaces the route (200 ObjectReport); the new URL is used', async () => {
    const res = await c.call('PUT', `/api/routes/${ids.adminOnly}`, {
      body: { name: 'Admin only', code: 'admin-only', url: `${upstreamUrl}/echo/changed`, authorities: ['M_relais'] },
    })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      httpStatus: 'OK',
      httpStatusCode: 200,
      status: 'OK',
      response: {
        responseType: 'ObjectReport',
        uid: ids.adminOnly,
        klass: 'org.hisp.dhis.route.Route',
        errorReports: [],
      },
    })
    const ran = await run('/api/routes/admin-only/run', { as: 'relais' })
    expect(ran.status).toBe(200)
    expect(new URL(ran.json.url!, 'http://u').pathname).toBe('/echo/changed')
  })

  test('PUT and DELETE without the authority → 403', async () => {
    expect(
      (
        await c.call('PUT', `/api/routes/${ids.adminOnly}`, {
          as: 'gestionnaire',
          body: { name: 'x', url: 'https://example.org' },
        })
      ).status,
    ).toBe(403)
    const del = await c.call('DELETE', `/api/routes/${ids.adminOnly}`, { as: 'gestionnaire' })
    expect(del.status).toBe(403)
    expect(del.body.message).toBe("You don't have the proper permissions to delete this object.")
  })

  test('DELETE → 200 ObjectReport, then the route is gone', async () => {
    const res = await c.call('DELETE', `/api/routes/${ids.adminOnly}`)
    expect(res.status).toBe(200)
    expect(res.body.response).toMatchObject({ uid: ids.adminOnly, klass: 'org.hisp.dhis.route.Route' })
    expect((await run('/api/routes/admin-only/run', { as: 'admin' })).status).toBe(404)
  })
})
