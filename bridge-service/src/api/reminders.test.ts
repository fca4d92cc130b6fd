jest.mock('@electric-sql/pglite', () =>
  jest.requireActual<typeof import('../ledger/test-support')>('../ledger/test-support').nativePglite(),
)

/**
 * `/api/v1/reminders/*` (issue 15 §1) through the route: rules checked before they reach DHIS2 (a typo in a
 * placeholder, two rules with one id) and audited; a supervisor reminds and reads only the RC under their org
 * units; a second « Relancer » the same day is refused.
 */
import type { UserAccess, UserDirectory } from './auth'
import { API_KEYS, as, call, ROUTE_SECRET, startTestApi, type TestApi } from './test-support'

const send = <T = Record<string, unknown>>(
  method: 'GET' | 'POST',
  path: string,
  init: { headers: Record<string, string>; body?: string },
) =>
  call<T>(`${api.url}${path}`, {
    method,
    headers: init.headers,
    ...(init.body === undefined ? {} : { body: init.body }),
  })

// DHIS2-shaped ids: RemindNowRequest checks them.
const RC1 = 'RcOneAAAAA1'
const RC3 = 'RcThreeAAA3'
const UNITS = [
  { id: 'BJ', path: '/BJ' },
  { id: 'ZA', path: '/BJ/DA/ZA' },
  { id: 'AA1', path: '/BJ/DA/ZA/AA1' },
  { id: RC1, path: `/BJ/DA/ZA/AA1/${RC1}` },
  { id: RC3, path: `/BJ/DB/ZB/AB1/${RC3}` },
]
const ACCESS: Record<string, UserAccess> = {
  'sup.aire': { roles: ['superviseur'], orgUnits: ['AA1'] },
  gestionnaire: { roles: ['gestionnaire'], orgUnits: ['BJ'] },
  rc: { roles: ['relais'], orgUnits: [RC1] },
}
const directory: UserDirectory = { rolesOf: async (u) => ACCESS[u]?.roles, accessOf: async (u) => ACCESS[u] }

let api: TestApi
beforeAll(async () => {
  api = await startTestApi({ auth: { routeSecret: ROUTE_SECRET, apiKeys: API_KEYS, directory } })
  await api.ledger.snapshots.save({ organisationUnits: UNITS })
}, 60_000)
afterAll(() => api?.close())

const rule = {
  id: 'manquant',
  name: 'Rapport manquant',
  audience: 'missing',
  days: [1, 3, 5],
  channels: ['message', 'sms'],
  template: 'Bonjour {nom}, votre rapport de {mois} manque.',
}

test('rules are checked: an unknown placeholder and duplicate ids are refused, nothing saved', async () => {
  const typo = await send('POST', '/api/v1/reminders/rules', {
    headers: as.user('gestionnaire'),
    body: JSON.stringify({ rules: [{ ...rule, template: 'Bonjour {name}' }] }),
  })
  expect(typo.status).toBe(400)
  expect(JSON.stringify(typo.body)).toContain('unknown placeholder')
  const twice = await send('POST', '/api/v1/reminders/rules', {
    headers: as.user('gestionnaire'),
    body: JSON.stringify({ rules: [rule, rule] }),
  })
  expect(twice.status).toBe(400)
  expect(api.reminders.saved).toEqual([])
})

test('a data manager saves rules: defaults filled, answered back, audited; a supervisor may not', async () => {
  const refused = await send('POST', '/api/v1/reminders/rules', {
    headers: as.user('sup.aire'),
    body: JSON.stringify({ rules: [rule] }),
  })
  expect(refused.status).toBe(403)
  const saved = await send<{
    rules: { quietHours: unknown; holdoutPercent: number; enabled: boolean }[]
    placeholders: string[]
  }>('POST', '/api/v1/reminders/rules', { headers: as.user('gestionnaire'), body: JSON.stringify({ rules: [rule] }) })
  expect(saved.status).toBe(200)
  expect(saved.body.rules[0]).toMatchObject({
    enabled: true,
    holdoutPercent: 10,
    quietHours: { from: '19:00', to: '08:00' },
  })
  expect(saved.body.placeholders).toContain('date_limite')
  const audit = await api.ledger.audit.list({ action: 'reminders.rules.save' })
  expect(audit.items).toEqual([
    expect.objectContaining({ actor: 'gestionnaire', target: 'dataStore:relais/reminder-rules' }),
  ])
})

test('a supervisor reminds their own RC, not another area’s; once a day; reads only their RC’s sends', async () => {
  const own = await send('POST', '/api/v1/reminders/send', {
    headers: as.user('sup.aire'),
    body: JSON.stringify({ orgUnit: RC1, channels: ['sms'] }),
  })
  expect(own.status).toBe(200)
  const again = await send<{ error: string }>('POST', '/api/v1/reminders/send', {
    headers: as.user('sup.aire'),
    body: JSON.stringify({ orgUnit: RC1, channels: ['sms'] }),
  })
  expect(again.status).toBe(409)
  expect(again.body.error).toBe('already-reminded')
  const other = await send('POST', '/api/v1/reminders/send', {
    headers: as.user('sup.aire'),
    body: JSON.stringify({ orgUnit: RC3, channels: ['sms'] }),
  })
  expect(other.status).toBe(404)
  const national = await send('POST', '/api/v1/reminders/send', {
    headers: as.user('gestionnaire'),
    body: JSON.stringify({ orgUnit: RC3, channels: ['message'] }),
  })
  expect(national.status).toBe(200)

  const mine = await send<{ items: { orgUnit: string }[] }>('GET', '/api/v1/reminders/sends', {
    headers: as.user('sup.aire'),
  })
  expect(mine.body.items.map((s) => s.orgUnit)).toEqual([RC1])
  const all = await send<{ items: { orgUnit: string }[] }>('GET', '/api/v1/reminders/sends', {
    headers: as.user('gestionnaire'),
  })
  expect(all.body.items.map((s) => s.orgUnit).sort()).toEqual([RC1, RC3].sort())
  const hidden = await send('GET', `/api/v1/reminders/sends?orgUnit=${RC3}`, { headers: as.user('sup.aire') })
  expect(hidden.status).toBe(404)
  expect((await send('GET', '/api/v1/reminders/sends', { headers: as.user('rc') })).status).toBe(403)
})

test('a data manager has the due reminders checked now (202, audited); a supervisor may not', async () => {
  expect((await send('POST', '/api/v1/reminders/run', { headers: as.user('sup.aire'), body: '{}' })).status).toBe(403)
  const before = api.reminders.ticks
  const run = await send('POST', '/api/v1/reminders/run', { headers: as.user('gestionnaire'), body: '{}' })
  expect(run.status).toBe(202)
  await new Promise((resolve) => setImmediate(resolve))
  expect(api.reminders.ticks).toBe(before + 1)
  expect((await api.ledger.audit.list({ action: 'reminders.run' })).items).toHaveLength(1)
})
