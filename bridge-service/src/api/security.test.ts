jest.mock('@electric-sql/pglite', () =>
  jest.requireActual<typeof import('../ledger/test-support')>('../ledger/test-support').nativePglite(),
)

/**
 * `/api/v1/security/*` (issue 16 §2) through the route: administrators only; running the check is audited and
 * answered at once; a day's report and `latest` give the findings with their counts; days are listed.
 */
import { as, call, startTestApi, type TestApi } from './test-support'

let api: TestApi

beforeAll(async () => {
  api = await startTestApi()
}, 60_000)
afterAll(() => api?.close())

const admin = () => ({ headers: as.user('admin_yao') })

test('no report yet: latest is 404; a run is audited, answered 202, and its report read back', async () => {
  expect((await call(`${api.url}/api/v1/security/reports/latest`, admin())).status).toBe(404)
  const run = await call(`${api.url}/api/v1/security/run`, { method: 'POST', ...admin() })
  expect(run.status).toBe(202)
  expect(run.body).toEqual({ accepted: true })
  let latest = await call<{ day: string; counts: Record<string, number>; added: string[] }>(
    `${api.url}/api/v1/security/reports/latest`,
    admin(),
  )
  for (let i = 0; latest.status === 404 && i < 50; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20))
    latest = await call(`${api.url}/api/v1/security/reports/latest`, admin())
  }
  expect(latest.status).toBe(200)
  expect(latest.body).toMatchObject({
    day: '2026-12-06',
    counts: { critical: 0, high: 1, medium: 0, low: 0 },
    added: ['password-expired|user:usrSuperv01'],
  })
  expect(api.security.runs).toEqual(['admin_yao'])
  const audit = await api.ledger.audit.list({ action: 'security.run' }, {})
  expect(audit.items.map((a) => a.actor)).toEqual(['admin_yao'])
  const day = await call(`${api.url}/api/v1/security/reports/2026-12-06`, admin())
  expect(day.status).toBe(200)
  expect((await call(`${api.url}/api/v1/security/reports/2026-12-05`, admin())).status).toBe(404)
})

test('the days are listed with their counts; a bad date is a 400', async () => {
  const days = await call<{ items: { day: string; counts: { high: number } }[] }>(
    `${api.url}/api/v1/security/reports?from=2026-12-01&to=2026-12-31`,
    admin(),
  )
  expect(days.body.items).toEqual([
    expect.objectContaining({ day: '2026-12-06', counts: expect.objectContaining({ high: 1 }) }),
  ])
  expect((await call(`${api.url}/api/v1/security/reports?from=06/12/2026`, admin())).status).toBe(400)
  expect((await call(`${api.url}/api/v1/security/reports/yesterday`, admin())).status).toBe(400)
})

test('a data manager may not read the security reports', async () => {
  expect((await call(`${api.url}/api/v1/security/reports`, { headers: as.user('gest_ama') })).status).toBe(403)
})

test("an access-review action made in DHIS2 is kept in the bridge's audit log, with who and from where", async () => {
  const body = { action: 'remove-role', users: ['usrSuperv01', 'usrSuperv02'], role: 'roleSuperv1', done: 1, failed: 1 }
  const res = await call(`${api.url}/api/v1/security/actions`, {
    method: 'POST',
    json: body,
    headers: { ...as.user('admin_yao'), 'Content-Type': 'application/json' },
  })
  expect(res.status).toBe(201)
  const audit = await api.ledger.audit.list({ action: 'security.remove-role' }, {})
  expect(audit.items).toEqual([
    expect.objectContaining({
      actor: 'admin_yao',
      target: 'users:2',
      detail: expect.objectContaining({ users: body.users, role: 'roleSuperv1', done: 1, failed: 1 }),
    }),
  ])
  const bad = await call(`${api.url}/api/v1/security/actions`, {
    method: 'POST',
    json: { ...body, users: ['not a uid'] },
    headers: { ...as.user('admin_yao'), 'Content-Type': 'application/json' },
  })
  expect(bad.status).toBe(400)
})
