jest.mock('@electric-sql/pglite', () =>
  jest.requireActual<typeof import('../ledger/test-support')>('../ledger/test-support').nativePglite(),
)

import type { Express } from 'express'
import { expressPath } from './route'
import { routesOf } from './app'
import { API_KEYS, as, call, ROUTE_SECRET, SOURCES, startTestApi, type TestApi } from './test-support'

/**
 * Every route × every kind of caller → the expected status. One row per route: a route that the app
 * mounts without a row here (or a row without a route) fails the first test.
 *
 * Columns: relais · superviseur · gestionnaire · administrateur (DHIS2 users through the route) ·
 * lecteur (an API key) · anonymous · a wrong route secret (with a gestionnaire's X-Forwarded-User).
 * The webhook takes no route secret nor API key: unsigned, it is 401 for everyone (signed: inbound.test.ts).
 */
const CALLERS = [
  'relais',
  'superviseur',
  'gestionnaire',
  'administrateur',
  'lecteur',
  'anonymous',
  'wrong secret',
] as const
type Caller = (typeof CALLERS)[number]

const headersOf: Record<Caller, () => Record<string, string>> = {
  relais: () => as.user('rc_awa'),
  superviseur: () => as.user('sup_koffi'),
  gestionnaire: () => as.user('gest_ama'),
  administrateur: () => as.user('admin_yao'),
  lecteur: () => as.key(API_KEYS[2]!.key),
  anonymous: () => as.anonymous(),
  'wrong secret': () => as.user('gest_ama', 'not-the-route-secret-0123456789abcdef0123'),
}

const READ = [403, 200, 200, 200, 200, 401, 401]
const PUBLIC = [200, 200, 200, 200, 200, 200, 200]
const write = (ok: number) => [403, 403, ok, ok, 403, 401, 401]
const ADMIN_ONLY = [403, 403, 403, 200, 403, 401, 401]

interface Prepared {
  path: string
  body?: string
}

let api: TestApi
let runId: string
let recordId: string

/** A new running run (cancel needs one per call). */
const newRun = async () =>
  (await api.ledger.runs.create({ source: SOURCES.kobo, mode: 'import', trigger: 'test', actor: 'test' })).id

/** A new quarantined record (release and discard need one per call). */
async function newQuarantined(): Promise<string> {
  const key = `q-${Math.random().toString(36).slice(2)}`
  const [out] = await api.ledger.records.insertMany(
    [{ source: SOURCES.kobo, sourceKey: key, version: 'v1', contentHash: key, raw: { key }, runId }],
    { actor: 'test' },
  )
  await api.ledger.records.transition(out!.id, 'received', 'quarantined', { actor: 'test', reason: 'invalid' })
  return out!.id
}

const TABLE: Record<string, { expect: number[]; prepare?: () => Promise<Prepared> }> = {
  'GET /healthz': { expect: PUBLIC },
  'GET /readyz': { expect: PUBLIC },
  'GET /metrics': { expect: [403, 403, 403, 200, 200, 401, 401] },
  'GET /api/v1/openapi.json': { expect: PUBLIC },
  'POST /api/v1/runs': {
    expect: write(202),
    prepare: async () => ({ path: '/api/v1/runs', body: JSON.stringify({ source: SOURCES.kobo, mode: 'dry-run' }) }),
  },
  'GET /api/v1/runs': { expect: READ },
  'GET /api/v1/runs/{id}': { expect: READ, prepare: async () => ({ path: `/api/v1/runs/${runId}` }) },
  'GET /api/v1/runs/{id}/diff': { expect: READ, prepare: async () => ({ path: `/api/v1/runs/${runId}/diff` }) },
  'POST /api/v1/runs/{id}/cancel': {
    expect: write(200),
    prepare: async () => ({ path: `/api/v1/runs/${await newRun()}/cancel` }),
  },
  'POST /api/v1/runs/{id}/retry-failed': {
    expect: write(202),
    prepare: async () => ({ path: `/api/v1/runs/${runId}/retry-failed` }),
  },
  'GET /api/v1/records': { expect: READ },
  'GET /api/v1/records/{id}': { expect: READ, prepare: async () => ({ path: `/api/v1/records/${recordId}` }) },
  'GET /api/v1/quarantine': { expect: READ },
  'POST /api/v1/records/{id}/uncomplete': {
    expect: write(200),
    prepare: async () => ({
      path: `/api/v1/records/${recordId}/uncomplete`,
      body: JSON.stringify({ reason: 'the RC withdrew the report' }),
    }),
  },
  'POST /api/v1/quarantine/{id}/release': {
    expect: write(200),
    prepare: async () => ({ path: `/api/v1/quarantine/${await newQuarantined()}/release`, body: '' }),
  },
  'POST /api/v1/quarantine/{id}/preview': {
    expect: write(200),
    prepare: async () => ({ path: `/api/v1/quarantine/${await newQuarantined()}/preview`, body: '{}' }),
  },
  'POST /api/v1/quarantine/bulk': {
    expect: write(200),
    prepare: async () => ({
      path: '/api/v1/quarantine/bulk',
      body: JSON.stringify({ action: 'discard', ids: [await newQuarantined()], reason: 'duplicate of a paper report' }),
    }),
  },
  'POST /api/v1/quarantine/{id}/discard': {
    expect: write(200),
    prepare: async () => ({
      path: `/api/v1/quarantine/${await newQuarantined()}/discard`,
      body: JSON.stringify({ reason: 'duplicate of a paper report' }),
    }),
  },
  'POST /api/v1/uploads': {
    expect: write(202),
    prepare: async () => ({
      path: `/api/v1/uploads?source=${SOURCES.file}&filename=rapport.csv`,
      body: 'code_rc;mois;visites\nRC001;2025-01;12\n',
    }),
  },
  'POST /api/v1/inbound/{source}': {
    expect: [401, 401, 401, 401, 401, 401, 401],
    prepare: async () => ({
      path: `/api/v1/inbound/${SOURCES.webhook}`,
      body: JSON.stringify({ records: [{ id: 1 }] }),
    }),
  },
  'GET /api/v1/sources': { expect: READ },
  'GET /api/v1/metadata': { expect: READ },
  'POST /api/v1/metadata/refresh': { expect: write(202) },
  'GET /api/v1/audit': { expect: [403, 403, 403, 200, 403, 401, 401] },
  'POST /api/v1/users/forget': {
    expect: [403, 403, 403, 200, 403, 401, 401],
    prepare: async () => ({ path: '/api/v1/users/forget', body: JSON.stringify({ username: 'sup_koffi' }) }),
  },
  'GET /api/v1/security/reports': { expect: ADMIN_ONLY },
  'GET /api/v1/security/reports/{day}': {
    expect: ADMIN_ONLY,
    prepare: async () => {
      await api.security.run('test')
      return { path: '/api/v1/security/reports/latest' }
    },
  },
  'POST /api/v1/security/run': { expect: [403, 403, 403, 202, 403, 401, 401] },
  'GET /api/v1/operations/capacity': { expect: ADMIN_ONLY },
  // No outbound subscription in the test config, so no delivery: a caller the auth lets through gets an empty list,
  // and a retry finds nothing (routes: outbound.e2e.test.ts).
  'GET /api/v1/outbound': { expect: write(200) },
  'POST /api/v1/outbound/{id}/retry': {
    expect: write(404),
    prepare: async () => ({ path: '/api/v1/outbound/no-such-delivery/retry' }),
  },
  // No tracing site in the test config: a list is refused as for an unknown site whoever sends it, the reads are empty
  // (signed lists and the rest: tracing/tracing.e2e.test.ts, tests/e2e/ltfu-tracing.e2e.test.ts).
  'POST /api/v1/tracing/{site}/cases': {
    expect: [404, 404, 404, 404, 404, 404, 404],
    prepare: async () => ({ path: '/api/v1/tracing/SITE-CNHU/cases', body: 'id_patient;sexe\nA1;F\n' }),
  },
  'GET /api/v1/tracing/cases': { expect: write(200) },
  'GET /api/v1/tracing/summary': { expect: write(200) },
  'POST /api/v1/tracing/cases/{id}/assign': {
    expect: write(404),
    prepare: async () => ({ path: '/api/v1/tracing/cases/no-such-case/assign', body: '{"rcCode":"RC-AQ-00041"}' }),
  },
  // No national HMIS in the test config: a push is refused (409) to whoever may push, the reads are empty or 404
  // (pushes and reports: hmis/national-push.test.ts, tests/e2e/hmis-push.e2e.test.ts).
  'POST /api/v1/hmis/pushes': {
    expect: write(409),
    prepare: async () => ({ path: '/api/v1/hmis/pushes', body: '{"period":"2026-10","mode":"dry-run"}' }),
  },
  'GET /api/v1/hmis/pushes': { expect: write(200) },
  'GET /api/v1/hmis/pushes/{id}': {
    expect: write(404),
    prepare: async () => ({ path: '/api/v1/hmis/pushes/no-such-push' }),
  },
  'POST /api/v1/security/actions': {
    expect: [403, 403, 403, 201, 403, 401, 401],
    prepare: async () => ({
      path: '/api/v1/security/actions',
      body: '{"action":"disable","users":["usrSuperv01"],"done":1,"failed":0}',
    }),
  },
  'GET /api/v1/reminders/rules': { expect: READ },
  'POST /api/v1/reminders/rules': {
    expect: write(200),
    prepare: async () => ({ path: '/api/v1/reminders/rules', body: '{"rules":[]}' }),
  },
  'POST /api/v1/reminders/run': { expect: write(202) },
  'GET /api/v1/reminders/sends': { expect: READ },
  'GET /api/v1/reminders/effect': { expect: READ },
  // A supervisor reminds their own RC only (api/reminders.test.ts); these test users have no org units.
  'POST /api/v1/reminders/send': {
    expect: [403, 200, 200, 200, 403, 401, 401],
    prepare: async () => ({
      path: '/api/v1/reminders/send',
      body: JSON.stringify({
        orgUnit: `R${Math.random().toString(36).slice(2, 12).padEnd(10, 'x')}`,
        channels: ['sms'],
      }),
    }),
  },
}

/** What express really mounted, as `METHOD /path/{param}`. */
function mountedRoutes(app: Express): string[] {
  const { stack } = (app as unknown as { router: { stack: { route?: { path: string; methods: object } }[] } }).router
  return stack.flatMap((layer) =>
    layer.route
      ? Object.keys(layer.route.methods).map(
          (m) => `${m.toUpperCase()} ${layer.route!.path.replace(/:(\w+)/g, '{$1}')}`,
        )
      : [],
  )
}

beforeAll(async () => {
  api = await startTestApi()
  runId = await newRun()
  recordId = await newQuarantined()
}, 60_000)
afterAll(() => api.close())

test('every mounted route has exactly one row in the table, and every row a route', () => {
  const mounted = mountedRoutes(api.app).sort()
  expect(mounted).toEqual(Object.keys(TABLE).sort())
  expect(
    routesOf(api.app)
      .map((r) => `${r.method.toUpperCase()} ${r.path}`)
      .sort(),
  ).toEqual(mounted)
  for (const route of routesOf(api.app)) expect(expressPath(route.path)).not.toContain('{')
})

const cases = Object.entries(TABLE).flatMap(([route, row]) =>
  CALLERS.map((caller, i) => ({ route, caller, status: row.expect[i]!, prepare: row.prepare })),
)

test.each(cases)('$route as $caller → $status', async ({ route, caller, status, prepare }) => {
  const [method, template] = route.split(' ') as [string, string]
  const prepared = prepare ? await prepare() : { path: template }
  const res = await call(`${api.url}${prepared.path}`, {
    method,
    headers: headersOf[caller](),
    ...(prepared.body === undefined ? {} : { body: prepared.body }),
  })
  expect({ route, caller, status: res.status, body: status >= 400 ? res.body : undefined }).toMatchObject({
    route,
    caller,
    status,
  })
  if (status >= 400) {
    expect(res.body).toMatchObject({ error: expect.any(String), message: expect.any(String) })
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  }
  expect(JSON.stringify(res.body)).not.toContain(ROUTE_SECRET)
  for (const key of API_KEYS) expect(JSON.stringify(res.body)).not.toContain(key.key)
})
