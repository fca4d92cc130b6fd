/**
 * The route proof (issue 11 §6): with the route's secret alone, a caller outside the route could name any
 * DHIS2 user. These tests send such spoofed requests — no proof, a made-up proof, someone else's proof, an
 * expired one — through the real express stack; the DHIS2 side is a map standing for the dataStore
 * namespace (the end-to-end test through the stand-in's route is tests/e2e/bridge-through-route).
 */
import type { AddressInfo } from 'node:net'
import express from 'express'
import { requireAction, type UserDirectory } from './auth'
import { PROOF_TTL_MS, proofKey, RouteProofs, type ProofStore } from './route-proof'
import type { Role } from './roles'

const SECRET = 'route-secret-0123456789abcdef0123456789abcdef'
const USERS: Record<string, Role[]> = { gestionnaire: ['gestionnaire'], admin: ['administrateur'], rc: ['relais'] }
const directory: UserDirectory = { rolesOf: async (u) => USERS[u] }

/** The `relais-proofs` namespace: key → the username whose session created it. */
const entries = new Map<string, string>()
const removed: string[] = []
let lookups = 0
const store: ProofStore = {
  async authorOf(key) {
    lookups++
    return entries.get(key)
  },
  async remove(key) {
    removed.push(key)
    entries.delete(key)
  },
}
let clock = 1_000_000
const proofs = new RouteProofs(store, PROOF_TTL_MS, () => clock)

const nonce = (n: number) => `nonce-${String(n).padStart(40, '0')}`
/** What the app does: its own DHIS2 session writes the entry. */
const makeProof = (n: number, username: string) => {
  entries.set(proofKey(nonce(n)), username)
  return nonce(n)
}

let url: string
let close: () => void
beforeAll(async () => {
  const app = express()
  app.post('/runs', requireAction('runs:write', { routeSecret: SECRET, apiKeys: [], directory, proofs }), (_q, res) =>
    res.status(202).json({ ok: true }),
  )
  const server = app.listen(0)
  await new Promise((r) => server.once('listening', r))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  close = () => server.close()
})
afterAll(() => close())

async function post(user: string, proof?: string) {
  const res = await fetch(`${url}/runs${proof === undefined ? '' : `?relaisProof=${encodeURIComponent(proof)}`}`, {
    method: 'POST',
    headers: { 'X-Relais-Route-Secret': SECRET, 'X-Forwarded-User': user },
  })
  return { status: res.status, body: (await res.json()) as { reason?: string } }
}

test('the route secret with a spoofed X-Forwarded-User and no proof is refused', async () => {
  expect(await post('admin')).toMatchObject({ status: 401, body: { reason: 'route-proof-missing' } })
  expect(await post('admin', '')).toMatchObject({ status: 401, body: { reason: 'route-proof-missing' } })
})

test('a made-up proof, or one malformed, is refused', async () => {
  expect(await post('admin', nonce(999))).toMatchObject({ status: 401, body: { reason: 'route-proof-refused' } })
  const before = lookups
  expect(await post('admin', 'short')).toMatchObject({ status: 401, body: { reason: 'route-proof-refused' } })
  expect(await post('admin', `${'x'.repeat(40)}/../`)).toMatchObject({ status: 401 })
  // Malformed nonces never cost a DHIS2 request.
  expect(lookups).toBe(before)
})

test("an RC's own proof does not make them admin; it makes them themselves", async () => {
  const mine = makeProof(1, 'rc')
  expect(await post('admin', mine)).toMatchObject({ status: 401, body: { reason: 'route-proof-refused' } })
  // The RC is known (their proof holds) but may not start runs.
  expect((await post('rc', mine)).status).toBe(403)
  // Once this process knows the proof is the RC's, it still refuses it for anyone else.
  expect((await post('gestionnaire', mine)).status).toBe(401)
})

test("the user's own proof opens the API, asked of DHIS2 once, and dies after its time", async () => {
  const proof = makeProof(2, 'gestionnaire')
  const before = lookups
  expect((await post('gestionnaire', proof)).status).toBe(202)
  expect((await post('gestionnaire', proof)).status).toBe(202)
  expect(lookups).toBe(before + 1)
  clock += PROOF_TTL_MS + 1
  expect(await post('gestionnaire', proof)).toMatchObject({ status: 401, body: { reason: 'route-proof-refused' } })
  // Its DHIS2 entry is deleted, so no other bridge process will take it either.
  expect(removed).toContain(proofKey(proof))
  expect(entries.has(proofKey(proof))).toBe(false)
  // A new proof works at once.
  expect((await post('gestionnaire', makeProof(3, 'gestionnaire'))).status).toBe(202)
})

test('an expired proof whose DHIS2 entry is not deleted yet is still refused', async () => {
  const slowStore: ProofStore = { authorOf: async () => 'gestionnaire', remove: () => new Promise(() => {}) }
  let now = 0
  const local = new RouteProofs(slowStore, 1000, () => now)
  expect(await local.check(nonce(7), 'gestionnaire')).toBe('ok')
  now = 1001
  expect(await local.check(nonce(7), 'gestionnaire')).toBe('refused')
  now = 1500
  expect(await local.check(nonce(7), 'gestionnaire')).toBe('refused')
})

test('memory stays bounded under a flood of proofs', async () => {
  const flood = new RouteProofs({ authorOf: async () => 'gestionnaire', remove: async () => {} }, 60_000, () => 0, 100)
  for (let i = 0; i < 1000; i++) await flood.check(nonce(10_000 + i), 'gestionnaire')
  expect(flood.size).toBeLessThanOrEqual(100)
})
