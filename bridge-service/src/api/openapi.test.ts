jest.mock('@electric-sql/pglite', () =>
  jest.requireActual<typeof import('../ledger/test-support')>('../ledger/test-support').nativePglite(),
)

import { routesOf } from './app'
import { call, startTestApi, type TestApi } from './test-support'

type Json = Record<string, unknown>
let api: TestApi
let doc: Json & { paths: Record<string, Record<string, Json>>; components: { schemas: Record<string, Json> } }

beforeAll(async () => {
  api = await startTestApi()
  const res = await call<typeof doc>(`${api.url}/api/v1/openapi.json`)
  expect(res.status).toBe(200)
  doc = res.body
}, 60_000)
afterAll(() => api.close())

const op = (method: string, path: string) => doc.paths[path]![method]!
const jsonSchemaOf = (content: unknown) =>
  (content as { 'application/json': { schema: Json } })['application/json'].schema

function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn)
  if (value === null || typeof value !== 'object') return []
  return Object.entries(value).flatMap(([k, v]) => (k === '$ref' && typeof v === 'string' ? [v] : refsIn(v)))
}

test('documents every route, once, with a unique operationId', () => {
  expect(doc.openapi).toBe('3.0.3')
  const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`))
  expect(documented.sort()).toEqual(
    routesOf(api.app)
      .map((r) => `${r.method} ${r.path}`)
      .sort(),
  )
  const ids = documented.map((d) => op(...(d.split(' ') as [string, string])).operationId)
  expect(new Set(ids).size).toBe(ids.length)
})

test('every $ref points at a component, and the document stays small', () => {
  const refs = refsIn(doc)
  expect(refs.length).toBeGreaterThan(20)
  for (const ref of refs) {
    expect(ref).toMatch(/^#\/components\/schemas\//)
    expect(doc.components.schemas).toHaveProperty([ref.split('/').pop()!])
  }
  expect(JSON.stringify(doc).length).toBeLessThan(128 * 1024)
})

test('request bodies come from the zod schemas', () => {
  const start = op('post', '/api/v1/runs')
  expect(jsonSchemaOf((start.requestBody as Json).content)).toEqual({ $ref: '#/components/schemas/StartRunRequest' })
  expect(doc.components.schemas.StartRunRequest).toMatchObject({
    type: 'object',
    required: ['source', 'mode'],
    properties: { mode: { $ref: '#/components/schemas/RunMode' } },
  })
  expect(doc.components.schemas.RunMode).toEqual({ type: 'string', enum: ['dry-run', 'import'] })
  expect(doc.components.schemas.DiscardRequest).toMatchObject({ required: ['reason'] })
  const upload = op('post', '/api/v1/uploads').requestBody as { content: Json }
  expect(Object.keys(upload.content)).toEqual(['application/octet-stream', 'multipart/form-data'])
})

test('parameters: path ids, query filters with their types and defaults', () => {
  const search = op('get', '/api/v1/records').parameters as Json[]
  expect(search.map((p) => p.name)).toEqual([
    'source',
    'sourceKey',
    'rcCode',
    'orgUnit',
    'period',
    'status',
    'reason',
    'runId',
    'page',
    'pageSize',
  ])
  expect(search.find((p) => p.name === 'pageSize')).toMatchObject({
    in: 'query',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 },
  })
  expect(op('get', '/api/v1/runs/{id}').parameters).toEqual([
    expect.objectContaining({ name: 'id', in: 'path', required: true }),
  ])
  expect(op('post', '/api/v1/uploads').parameters).toContainEqual(
    expect.objectContaining({ name: 'source', required: true }),
  )
})

test('answers, errors and who may call', () => {
  const list = op('get', '/api/v1/runs')
  const responses = list.responses as Record<string, { content: unknown }>
  expect(jsonSchemaOf(responses['200']!.content)).toEqual({ $ref: '#/components/schemas/RunList' })
  expect(doc.components.schemas.RunList).toMatchObject({
    properties: { pager: { $ref: '#/components/schemas/Pager' } },
  })
  expect(Object.keys(responses)).toEqual(['200', '400', '401', '403', '500'])
  expect(jsonSchemaOf(responses['403']!.content)).toEqual({ $ref: '#/components/schemas/Error' })
  expect(op('get', '/api/v1/audit')).toMatchObject({
    'x-relais-action': 'audit:read',
    'x-relais-roles': ['administrateur'],
  })
  expect(op('post', '/api/v1/inbound/{source}').security).toEqual([{ webhookSignature: [], webhookTimestamp: [] }])
  expect(op('get', '/healthz').security).toEqual([])
  expect(Object.keys(op('get', '/metrics').responses as Json)).toContain('200')
  const metricsOk = (op('get', '/metrics').responses as Record<string, { content: Json }>)['200']!
  expect(Object.keys(metricsOk.content)[0]).toMatch(/^text\/plain/)
})

test('dates are documented as date-time without the long pattern', () => {
  const run = doc.components.schemas.Run as { properties: Record<string, Json> }
  expect(run.properties.startedAt).toEqual({ type: 'string', format: 'date-time' })
})
