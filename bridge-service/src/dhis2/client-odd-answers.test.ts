/**
 * Answers the DHIS2 stand-in never gives but a real DHIS2 (or the proxy in front of it) can: a 409
 * without an import summary, a login-page redirect, an HTML page with 200, a Retry-After as an HTTP
 * date, 501/413/415, a bare pre-2.38 summary. Served over real HTTP by a small scripted server; the
 * client under test is the real one.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Dhis2Client } from './client'
import { Dhis2Error } from './errors'

interface Answer {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

let server: Server
let url: string
let next: Answer = { status: 200 }
let seen: { url: string; headers: IncomingHttpHeaders; body: string }[] = []

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers, body })
      const text = typeof next.body === 'string' ? next.body : next.body === undefined ? '' : JSON.stringify(next.body)
      const type = typeof next.body === 'string' ? 'text/html' : 'application/json'
      res.writeHead(next.status, { 'Content-Type': type, ...next.headers })
      res.end(text)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
beforeEach(() => {
  seen = []
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const now = Date.parse('2026-10-03T09:00:00Z')
const secret = 'S3cret-Passw0rd-Never-Shown'
const client = () =>
  new Dhis2Client({
    url: `${url}/dhis`,
    auth: { kind: 'basic', username: 'passerelle', password: secret },
    now: () => now,
  })

async function failure(promise: Promise<unknown>): Promise<Dhis2Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(Dhis2Error)
  const json = JSON.stringify(error)
  expect(json).not.toContain(secret)
  expect(json).not.toContain(Buffer.from(`passerelle:${secret}`).toString('base64'))
  return error as Dhis2Error
}

test('the request: unversioned /api under the context path, Basic auth, JSON, XHR, options as query parameters', async () => {
  next = { status: 200, body: { responseType: 'ImportSummary', status: 'SUCCESS', importCount: { imported: 1 } } }
  await client().postDataValueSets(
    { dataSet: 'DS', dataValues: [{ dataElement: 'DE', value: '1' }] },
    { dryRun: true, importStrategy: 'UPDATE', idScheme: 'code', orgUnitIdScheme: 'attribute:abc', preheatCache: true },
  )
  const [request] = seen
  expect(request?.url).toBe(
    '/dhis/api/dataValueSets?dryRun=true&importStrategy=UPDATE&idScheme=code&orgUnitIdScheme=attribute:abc&preheatCache=true',
  )
  expect(request?.headers.authorization).toBe(`Basic ${Buffer.from(`passerelle:${secret}`).toString('base64')}`)
  expect(request?.headers['content-type']).toMatch(/^application\/json/)
  expect(request?.headers['x-requested-with']).toBe('XMLHttpRequest')
  expect(JSON.parse(request?.body ?? '')).toEqual({ dataSet: 'DS', dataValues: [{ dataElement: 'DE', value: '1' }] })
})

test('a bare pre-2.38 ImportSummary with 200 (even on ERROR) is read', async () => {
  next = {
    status: 200,
    body: {
      responseType: 'ImportSummary',
      status: 'ERROR',
      importCount: { imported: 0, updated: 0, ignored: 1, deleted: 0 },
      conflicts: [{ object: 'X', value: 'Data set not found or not accessible: `X`', errorCode: 'E7600' }],
    },
  }
  const summary = await client().postDataValueSets({ dataValues: [{ dataElement: 'DE', value: '1' }] })
  expect(summary).toMatchObject({ status: 'ERROR', conflicts: [{ errorCode: 'E7600' }] })
})

interface OddCase {
  name: string
  answer: Answer
  expected: Record<string, unknown>
  message?: string
}

test.each<OddCase>([
  {
    name: '409 without an import summary → permanent, with DHIS2’s message and error code',
    answer: {
      status: 409,
      body: {
        httpStatus: 'Conflict',
        httpStatusCode: 409,
        status: 'ERROR',
        message: 'Invalid period',
        errorCode: 'E1101',
      },
    },
    expected: { kind: 'permanent', reason: 'http', status: 409, dhis2Message: 'Invalid period', errorCode: 'E1101' },
    message: 'DHIS2 POST /dhis/api/dataValueSets → 409 Conflict: Invalid period',
  },
  {
    name: '200 with an HTML page (a proxy’s login page) → permanent invalid response',
    answer: { status: 200, body: '<html><body>Sign in</body></html>' },
    expected: { kind: 'permanent', reason: 'invalid-response', status: 200 },
    message: 'DHIS2 POST /dhis/api/dataValueSets → 200 with an answer without an import summary',
  },
  {
    name: '302 to the login page → permanent, never followed',
    answer: { status: 302, headers: { Location: '/dhis/dhis-web-commons/security/login.action' } },
    expected: { kind: 'permanent', reason: 'http', status: 302 },
    message:
      'DHIS2 POST /dhis/api/dataValueSets → 302 Found (redirect to the login page: check DHIS2_TOKEN or DHIS2_USERNAME/DHIS2_PASSWORD)',
  },
  {
    name: '301 elsewhere → permanent, check the URL',
    answer: { status: 301, headers: { Location: 'https://other.example.org/' } },
    expected: { kind: 'permanent', status: 301 },
    message: 'DHIS2 POST /dhis/api/dataValueSets → 301 Moved Permanently (redirect: check DHIS2_URL)',
  },
  {
    name: '503 with Retry-After as an HTTP date → transient, retryAfterMs from the date',
    answer: { status: 503, body: 'down for maintenance', headers: { 'Retry-After': 'Sat, 03 Oct 2026 09:02:00 GMT' } },
    expected: { kind: 'transient', reason: 'http', status: 503, retryAfterMs: 120_000, dhis2Message: undefined },
    message: 'DHIS2 POST /dhis/api/dataValueSets → 503 Service Unavailable',
  },
  {
    name: '501 → permanent',
    answer: { status: 501 },
    expected: { kind: 'permanent', status: 501 },
  },
  {
    name: '413 (proxy body limit) → permanent',
    answer: { status: 413, body: '<html>413 Request Entity Too Large</html>' },
    expected: { kind: 'permanent', status: 413 },
  },
  {
    name: '415 → permanent',
    answer: { status: 415, body: { httpStatusCode: 415, status: 'ERROR', message: "Content type 'x' not supported" } },
    expected: { kind: 'permanent', status: 415, dhis2Message: "Content type 'x' not supported" },
  },
  {
    name: '504 from the proxy → transient',
    answer: { status: 504 },
    expected: { kind: 'transient', status: 504 },
  },
  {
    name: 'a server that echoes the credentials in its message: they are redacted',
    answer: { status: 400, body: { httpStatusCode: 400, status: 'ERROR', message: `bad password ${secret}` } },
    expected: { kind: 'permanent', status: 400, dhis2Message: 'bad password ***' },
  },
])('$name', async ({ answer, expected, message }) => {
  next = answer
  const error = await failure(client().postDataValueSets({ dataValues: [] }))
  expect(error).toMatchObject(expected)
  if (message) expect(error.message).toBe(message)
})

test.each([
  ['getMe: a body that is not a user', () => client().getMe(), { id: 1 }, 'GET /dhis/api/me'],
  ['getUserGroups: no users array', () => client().getUserGroups('someone'), { pager: {} }, 'GET /dhis/api/users'],
  [
    'getMetadataSnapshot: a list without its array',
    () => client().getMetadataSnapshot(['DS']),
    { pager: {} },
    'GET /dhis/api/',
  ],
])('%s → permanent invalid response', async (_name, call, body, request) => {
  next = { status: 200, body }
  const error = await failure(call())
  expect(error).toMatchObject({ kind: 'permanent', reason: 'invalid-response', status: 200 })
  expect(error.request).toContain(request)
})

test('a failed metadata list stops the snapshot: no further lists are requested', async () => {
  // Requests the previous test cancelled may still reach the server: let them land first.
  await new Promise((resolve) => setTimeout(resolve, 100))
  seen = []
  next = { status: 500, body: { httpStatusCode: 500, status: 'ERROR', message: 'boom' } }
  const error = await failure(client().getMetadataSnapshot(['DS']))
  expect(error).toMatchObject({ kind: 'transient', status: 500 })
  await new Promise((resolve) => setTimeout(resolve, 100))
  // The first few went out together; none was started after the failure (14 lists in all).
  expect(seen.length).toBeLessThanOrEqual(4)
})

test('getUserGroups keeps only the exact username among the answers', async () => {
  next = {
    status: 200,
    body: {
      users: [{ id: 'u1', username: 'Someone', userRoles: [{ authorities: ['B', 'A'] }, { authorities: ['A'] }] }],
    },
  }
  expect(await client().getUserGroups('someone')).toBeUndefined()
  next = {
    status: 200,
    body: {
      users: [{ id: 'u1', username: 'someone', userRoles: [{ authorities: ['B', 'A'] }, { authorities: ['A'] }] }],
    },
  }
  expect(await client().getUserGroups('someone')).toEqual({
    id: 'u1',
    username: 'someone',
    disabled: false,
    userGroups: [],
    authorities: ['A', 'B'],
    orgUnits: [],
  })
  expect(seen.filter((r) => r.url.includes('/api/users')).at(-1)?.url).toBe(
    '/dhis/api/users?filter=username:eq:someone&fields=id,username,disabled,userGroups%5Bid,code,name%5D,userRoles%5Bauthorities%5D,organisationUnits%5Bid%5D&paging=false',
  )
})
