import type { AddressInfo } from 'node:net'
import express from 'express'
import { CachedDirectory, requireAction, type UserDirectory } from './auth'
import { secretHash } from '../ledger/bridge-secrets'
import type { SecretsView } from './ledger-secrets'
import { ACTIONS, mayDo, PERMISSIONS, rolesFromDhis2, type Role } from './roles'

const SECRET = 'route-secret-0123456789abcdef0123456789abcdef'
const NEXT = 'route-secret-next-0123456789abcdef0123456789'
const NOW = Date.parse('2026-12-06T12:00:00Z')
// What `relais secrets` left in the ledger: a route secret added, an API key added, the env's "reader" revoked.
const LEDGER_ROUTE = 'route-secret-from-the-ledger-0123456789abcdef'
const LEDGER_KEY = 'l'.repeat(40)
const LEDGER: SecretsView = {
  routeAccepted: new Set([secretHash(LEDGER_ROUTE)]),
  routeRevoked: new Set(),
  apiKeys: new Map([[secretHash(LEDGER_KEY), { name: 'ops-ledger', role: 'administrateur' as const }]]),
  apiKeysRevoked: new Set(['reader']),
}
const KEYS = [
  { name: 'ops', role: 'administrateur' as const, key: 'k'.repeat(40) },
  { name: 'reader', role: 'lecteur' as const, key: 'r'.repeat(40) },
  // Its last day is today: still accepted; yesterday's is not.
  { name: 'ops-2026', role: 'administrateur' as const, key: 'n'.repeat(40), expires: '2026-12-06' },
  { name: 'ops-old', role: 'administrateur' as const, key: 'o'.repeat(40), expires: '2026-12-05' },
]
const USERS: Record<string, Role[]> = {
  gestionnaire: ['gestionnaire'],
  superviseur: ['superviseur'],
  relais: ['relais'],
}
const directory: UserDirectory = { rolesOf: async (u) => USERS[u] }

let url: string
let close: () => void
beforeAll(async () => {
  const app = express()
  const options = {
    routeSecret: SECRET,
    routeSecretNext: NEXT,
    apiKeys: KEYS,
    directory,
    now: () => NOW,
    ledgerSecrets: () => LEDGER,
  }
  app.post('/runs', requireAction('runs:write', options), (_req, res) => res.status(202).json({ ok: true }))
  app.get('/audit', requireAction('audit:read', options), (_req, res) => res.json({ ok: true }))
  const server = app.listen(0)
  await new Promise((r) => server.once('listening', r))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  close = () => server.close()
})
afterAll(() => close())

const route = (user?: string, secret = SECRET): Record<string, string> => ({
  'X-Relais-Route-Secret': secret,
  ...(user ? { 'X-Forwarded-User': user } : {}),
})

test.each<{ who: string; headers: Record<string, string>; path: string; status: number; reason?: string }>([
  { who: 'anonymous', headers: {}, path: 'POST /runs', status: 401, reason: 'missing' },
  {
    who: 'a wrong route secret',
    headers: route('gestionnaire', 'nope'),
    path: 'POST /runs',
    status: 401,
    reason: 'route-secret',
  },
  {
    who: 'the route without X-Forwarded-User',
    headers: route(),
    path: 'POST /runs',
    status: 401,
    reason: 'forwarded-user-missing',
  },
  { who: 'an unknown DHIS2 user', headers: route('nobody'), path: 'POST /runs', status: 401, reason: 'unknown-user' },
  { who: 'gestionnaire via the route', headers: route('gestionnaire'), path: 'POST /runs', status: 202 },
  { who: 'superviseur via the route', headers: route('superviseur'), path: 'POST /runs', status: 403 },
  { who: 'relais via the route', headers: route('relais'), path: 'POST /runs', status: 403 },
  { who: 'gestionnaire reading the audit', headers: route('gestionnaire'), path: 'GET /audit', status: 403 },
  { who: 'an admin API key', headers: { Authorization: `Bearer ${'k'.repeat(40)}` }, path: 'GET /audit', status: 200 },
  {
    who: 'an API key of the environment revoked in the ledger',
    headers: { Authorization: `Bearer ${'r'.repeat(40)}` },
    path: 'POST /runs',
    status: 401,
    reason: 'api-key',
  },
  {
    who: 'an API key added in the ledger',
    headers: { Authorization: `Bearer ${LEDGER_KEY}` },
    path: 'GET /audit',
    status: 200,
  },
  {
    who: 'a route secret added in the ledger',
    headers: route('gestionnaire', LEDGER_ROUTE),
    path: 'POST /runs',
    status: 202,
  },
  {
    who: 'an unknown API key',
    headers: { Authorization: `Bearer ${'x'.repeat(40)}` },
    path: 'GET /audit',
    status: 401,
    reason: 'api-key',
  },
  { who: 'the next route secret (a rotation)', headers: route('gestionnaire', NEXT), path: 'POST /runs', status: 202 },
  {
    who: 'an API key on its last day',
    headers: { Authorization: `Bearer ${'n'.repeat(40)}` },
    path: 'GET /audit',
    status: 200,
  },
  {
    who: 'an API key past its last day',
    headers: { Authorization: `Bearer ${'o'.repeat(40)}` },
    path: 'GET /audit',
    status: 401,
    reason: 'api-key-expired',
  },
  {
    who: 'Basic credentials',
    headers: { Authorization: 'Basic YWRtaW46ZGlzdHJpY3Q=' },
    path: 'GET /audit',
    status: 401,
  },
])('$who → $path → $status', async ({ headers, path, status, reason }) => {
  const [method, p] = path.split(' ')
  const res = await fetch(`${url}${p}`, { method, headers })
  expect(res.status).toBe(status)
  const body = (await res.json()) as { message?: string; reason?: string }
  if (status >= 400) expect(body.message).toEqual(expect.any(String))
  // The app says which of these it is (a wrong route secret is an administrator's fix, an unknown user not).
  if (reason !== undefined) expect(body.reason).toBe(reason)
  expect(JSON.stringify(body)).not.toContain(SECRET)
  expect(JSON.stringify(body)).not.toContain(NEXT)
})

test('roles from DHIS2 groups; a superuser is administrateur', () => {
  expect(rolesFromDhis2(['RELAIS_SUPERVISEURS', 'OTHER'], [])).toEqual(['superviseur'])
  expect(rolesFromDhis2([], ['ALL'])).toEqual(['administrateur'])
  expect(rolesFromDhis2(['RELAIS_RC', 'RELAIS_GESTIONNAIRES'], [])).toEqual(['relais', 'gestionnaire'])
})

test('the permission table: only administrateur reads the audit; relais may do nothing', () => {
  expect(ACTIONS.filter((a) => mayDo(['administrateur'], a))).toEqual([...ACTIONS])
  expect(ACTIONS.filter((a) => mayDo(['relais'], a))).toEqual([])
  expect(mayDo(['gestionnaire'], 'audit:read')).toBe(false)
  expect(PERMISSIONS.lecteur.has('runs:write')).toBe(false)
})

test('the directory cache asks DHIS2 once per user within its TTL', async () => {
  let calls = 0
  let now = 0
  const cached = new CachedDirectory({ rolesOf: async () => (calls++, ['gestionnaire']) }, 1000, () => now)
  await cached.rolesOf('a')
  await cached.rolesOf('a')
  expect(calls).toBe(1)
  now = 1001
  await cached.rolesOf('a')
  expect(calls).toBe(2)
})
