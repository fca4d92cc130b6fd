jest.mock('@electric-sql/pglite', () =>
  jest.requireActual<typeof import('../ledger/test-support')>('../ledger/test-support').nativePglite(),
)

/**
 * The role cache is bounded and can drop a user early (issue 11 §10): before, it grew with every username ever
 * seen, and a role taken away in DHIS2 still counted for minutes.
 */
import { CachedDirectory, type UserDirectory } from './auth'
import type { Role } from './roles'
import { API_KEYS, as, call, ROUTE_SECRET, startTestApi, USERS, type TestApi } from './test-support'

const roles: Record<string, Role[]> = { ...USERS }
let lookups = 0
const inner: UserDirectory = {
  rolesOf: async (u) => {
    lookups++
    return roles[u]
  },
}

test('the cache keeps at most maxEntries users, least recently used out first', async () => {
  const cache = new CachedDirectory(inner, 60_000, Date.now, 2)
  lookups = 0
  await cache.rolesOf('rc_awa')
  await cache.rolesOf('sup_koffi')
  await cache.rolesOf('rc_awa') // used again: sup_koffi is now the oldest
  await cache.rolesOf('gest_ama')
  expect(cache.size).toBe(2)
  expect(lookups).toBe(3)
  await cache.rolesOf('rc_awa')
  expect(lookups).toBe(3) // still cached
  await cache.rolesOf('sup_koffi')
  expect(lookups).toBe(4) // was dropped
})

describe('POST /api/v1/users/forget', () => {
  let api: TestApi
  const directory = new CachedDirectory(inner)
  beforeAll(async () => {
    api = await startTestApi({ auth: { routeSecret: ROUTE_SECRET, apiKeys: API_KEYS, directory } })
  }, 60_000)
  afterAll(() => api.close())

  test('a role taken away in DHIS2 counts at the next request once an administrator forgets the user', async () => {
    const records = () => call(`${api.url}/api/v1/records`, { headers: as.user('sup_koffi') })
    expect((await records()).status).toBe(200)
    roles.sup_koffi = ['relais'] // taken away in DHIS2
    expect((await records()).status).toBe(200) // the bridge still holds the old role

    const refused = await call(`${api.url}/api/v1/users/forget`, {
      method: 'POST',
      headers: as.manager(),
      json: { username: 'sup_koffi' },
    })
    expect(refused.status).toBe(403)
    const res = await call(`${api.url}/api/v1/users/forget`, {
      method: 'POST',
      headers: as.user('admin_yao'),
      json: { username: 'sup_koffi' },
    })
    expect(res).toMatchObject({ status: 200, body: { username: 'sup_koffi', forgotten: true } })
    expect((await records()).status).toBe(403)
    const audit = await api.ledger.audit.list({ action: 'user.forget' })
    expect(audit.items[0]).toMatchObject({ actor: 'admin_yao', target: 'user:sup_koffi' })
  })
})
