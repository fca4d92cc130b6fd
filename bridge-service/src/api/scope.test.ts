jest.mock('@electric-sql/pglite', () =>
  jest.requireActual<typeof import('../ledger/test-support')>('../ledger/test-support').nativePglite(),
)

/**
 * Org-unit scoping (issue 11 §5): through the route, a supervisor of an aire, a zone or a département sees the
 * records, quarantine and run counts of the RC under their org units only; another's record answers 404. Before,
 * a supervisor of one aire read the raw payloads of another département.
 */
import type { UserAccess, UserDirectory } from './auth'
import { subtree } from './scope'
import { API_KEYS, as, call, ROUTE_SECRET, startTestApi, type TestApi } from './test-support'

// Bénin / département DA / zone ZA / aires AA1, AA2 (RC1, RC2); département DB / … / RC3.
const UNITS = [
  { id: 'BJ', path: '/BJ' },
  { id: 'DA', path: '/BJ/DA' },
  { id: 'ZA', path: '/BJ/DA/ZA' },
  { id: 'AA1', path: '/BJ/DA/ZA/AA1' },
  { id: 'AA2', path: '/BJ/DA/ZA/AA2' },
  { id: 'RC1', path: '/BJ/DA/ZA/AA1/RC1' },
  { id: 'RC2', path: '/BJ/DA/ZA/AA2/RC2' },
  { id: 'DB', path: '/BJ/DB' },
  { id: 'RC3', path: '/BJ/DB/ZB/AB1/RC3' },
]

const ACCESS: Record<string, UserAccess> = {
  'sup.aire': { roles: ['superviseur'], orgUnits: ['AA1'] },
  'sup.zone': { roles: ['superviseur'], orgUnits: ['ZA'] },
  'sup.departement': { roles: ['superviseur'], orgUnits: ['DB'] },
  'sup.nowhere': { roles: ['superviseur'], orgUnits: [] },
  gestionnaire: { roles: ['gestionnaire'], orgUnits: ['AA1'] },
}
const directory: UserDirectory = {
  rolesOf: async (u) => ACCESS[u]?.roles,
  accessOf: async (u) => ACCESS[u],
}

let api: TestApi
const ids: Record<string, string> = {}
let runId = ''
beforeAll(async () => {
  api = await startTestApi({ auth: { routeSecret: ROUTE_SECRET, apiKeys: API_KEYS, directory } })
  await api.ledger.snapshots.save({ organisationUnits: UNITS })
  const run = await api.ledger.runs.create({ source: 'kobo-espoir', mode: 'import', trigger: 'test', actor: 't' })
  runId = run.id
  const outcomes = await api.ledger.records.insertMany(
    ['RC1', 'RC2', 'RC3', null].map((orgUnit, i) => ({
      source: 'kobo-espoir',
      sourceKey: `k${i}`,
      version: 'v1',
      contentHash: `h${i}`,
      raw: { secret: `payload of ${orgUnit ?? 'nobody'}` },
      orgUnit,
      runId: run.id,
    })),
    { actor: 'test' },
  )
  ;['RC1', 'RC2', 'RC3', 'none'].forEach((key, i) => (ids[key] = outcomes[i]!.id))
  // All four in quarantine, so that the quarantine list is scoped too.
  for (const id of Object.values(ids)) {
    // Each with a dry run's diff of one new value, so that a run's diff is scoped too.
    const diff = { counts: { new: 1, changed: 0, same: 0, overwrite: 0, refused: 0 }, seen: [], lines: [] }
    await api.ledger.records.transition(id, 'received', 'quarantined', {
      actor: 't',
      reason: 'invalid',
      detail: { diff },
    })
  }
}, 60_000)
afterAll(() => api.close())

const visible = async (user: string) => {
  const res = await call<{ items: { id: string }[] }>(`${api.url}/api/v1/records?pageSize=100`, {
    headers: as.user(user),
  })
  expect(res.status).toBe(200)
  return res.body.items.map((r) => Object.keys(ids).find((k) => ids[k] === r.id)).sort()
}

test.each([
  ['sup.aire', ['RC1']],
  ['sup.zone', ['RC1', 'RC2']],
  ['sup.departement', ['RC3']],
  ['sup.nowhere', []],
  ['gestionnaire', ['RC1', 'RC2', 'RC3', 'none']],
])('%s sees the records of their subtree only: %j', async (user, expected) => {
  expect(await visible(user)).toEqual(expected)
  const quarantine = await call<{ items: unknown[] }>(`${api.url}/api/v1/quarantine?pageSize=100`, {
    headers: as.user(user),
  })
  expect(quarantine.body.items).toHaveLength(expected.length)
  const run = await call<{ counts: { total: number }; run: { finalCounts: unknown } }>(
    `${api.url}/api/v1/runs/${runId}`,
    { headers: as.user(user) },
  )
  expect(run.body.counts.total).toBe(expected.length)
  const list = await call<{ items: { id: string; counts: { total: number } }[] }>(`${api.url}/api/v1/runs`, {
    headers: as.user(user),
  })
  expect(list.body.items.find((r) => r.id === runId)?.counts.total).toBe(expected.length)
  const diff = await call<{ records: number; totals: { new: number } }>(`${api.url}/api/v1/runs/${runId}/diff`, {
    headers: as.user(user),
  })
  expect(diff.body).toMatchObject({ records: expected.length, totals: { new: expected.length } })
})

test('the quarantine narrows to a zone, within what the caller may see', async () => {
  const keys = async (user: string, within: string) => {
    const res = await call<{ items: { id: string }[] }>(`${api.url}/api/v1/quarantine?within=${within}`, {
      headers: as.user(user),
    })
    return res.body.items.map((r) => Object.keys(ids).find((k) => ids[k] === r.id)).sort()
  }
  expect(await keys('gestionnaire', 'ZA')).toEqual(['RC1', 'RC2'])
  expect(await keys('gestionnaire', 'DB')).toEqual(['RC3'])
  expect(await keys('sup.aire', 'ZA')).toEqual(['RC1'])
  expect(await keys('sup.aire', 'DB')).toEqual([])
})

test("another aire's or département's record answers 404, payload never shown", async () => {
  for (const [user, other] of [
    ['sup.aire', 'RC2'],
    ['sup.aire', 'RC3'],
    ['sup.departement', 'RC1'],
    ['sup.zone', 'none'],
  ] as const) {
    const res = await call(`${api.url}/api/v1/records/${ids[other]}`, { headers: as.user(user) })
    expect(res.status).toBe(404)
    expect(JSON.stringify(res.body)).not.toContain('payload of')
  }
  const own = await call<{ record: { raw: unknown } }>(`${api.url}/api/v1/records/${ids.RC2}`, {
    headers: as.user('sup.zone'),
  })
  expect(own.status).toBe(200)
  expect(own.body.record.raw).toEqual({ secret: 'payload of RC2' })
  // API keys (scripts, monitoring) are national.
  expect(await call(`${api.url}/api/v1/records/${ids.RC3}`, { headers: as.reader() })).toMatchObject({ status: 200 })
})

test('subtree reads paths, not names', () => {
  expect([...subtree(UNITS, ['ZA'])].sort()).toEqual(['AA1', 'AA2', 'RC1', 'RC2', 'ZA'])
  expect(subtree(UNITS, [])).toEqual(new Set())
})
