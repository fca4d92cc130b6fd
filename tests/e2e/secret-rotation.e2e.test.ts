/**
 * Secrets rotate without a restart and without losing a request (issue 16 §4, Done when): a real `relais serve`
 * behind the DHIS2 stand-in's route, called all along through the route (as the app does) and with an API key (as
 * a script does). Meanwhile an operator runs `relais secrets route add`, switches DHIS2's route to the new secret,
 * retires the old one, then adds a new API key, moves the script to it and revokes the old key — all while a
 * partner's webhook delivers signed records, as the webhook bench does. No call with a current credential fails,
 * every delivery is accepted; the retired route secret and the revoked key are refused afterwards.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { basic, createStandin, DEMO_BRIDGE_TOKEN, type Standin } from '@relais/dhis2-standin'
import { adminJson, asAdmin, createBridgeRoute } from '../support/app-page'
import { startBridge, type BridgeProcess } from '../support/bridge-process'
import { makeRouteProof, withProof } from '../support/route-proof'
import { runRelais } from '../support/relais-cli'
import { CSV_SPEC, rcCodes, rowValues } from '../faults/support'
import { sign } from '../../bridge-service/src/sources/webhook/hmac'

jest.setTimeout(180_000)

const OLD_ROUTE = 'route-secret-rotation-e2e-old-0123456789abcdef01'
const OLD_KEY = 'ops-key-rotation-e2e-old-0123456789abcdef0123456'
const DATA_DIR = mkdtempSync(join(tmpdir(), 'relais-rotation-'))
const WEBHOOK_SECRET = 'webhook-rotation-e2e-secret-0123456789abcdef0123'
const WEBHOOK = 'webhook-partenaires'
const CONFIG = `sources:\n  - name: ${WEBHOOK}\n    kind: webhook\n    secretEnv: WEBHOOK_SECRET\n    mapping: ${CSV_SPEC}\n`
/** The bridge's configuration, also given to the operator's commands (as in the bridge's container). */
const CONFIG_FILE = join(DATA_DIR, 'relais.config.yaml')

let standin: Standin
let bridge: BridgeProcess
let url: string

const bridgeEnv = () => ({
  DHIS2_URL: url,
  DHIS2_TOKEN: DEMO_BRIDGE_TOKEN,
  // A Redis database of its own (sync-console 10, bridge-through-route 11, the CLI tests 12, reminders 13…).
  REDIS_URL: 'redis://127.0.0.1:6379/9',
  RELAIS_DATA_DIR: DATA_DIR,
  RELAIS_ROUTE_SECRET: OLD_ROUTE,
  RELAIS_API_KEYS: `ops:gestionnaire:${OLD_KEY}`,
  RELAIS_PSEUDONYM_KEY: 'pseudonym-key-rotation-e2e-0123456789abcdef012',
  WEBHOOK_SECRET,
})

/** `npx relais secrets …` as an operator runs it beside the running bridge (through its ledger socket). */
function secrets(args: string[], env: Record<string, string> = {}) {
  return relais(['secrets', ...args], env)
}

function relais(args: string[], env: Record<string, string> = {}) {
  return runRelais(args, { RELAIS_CONFIG: CONFIG_FILE, ...bridgeEnv(), ...env })
}

const refresh = () => new Promise((resolve) => setTimeout(resolve, 3_500))

beforeAll(async () => {
  standin = createStandin({ seed: 'small', now: '2026-12-06T09:00:00Z', testEndpoints: true, months: 0 })
  await standin.listen()
  url = standin.url
  writeFileSync(CONFIG_FILE, CONFIG)
  bridge = await startBridge({ env: bridgeEnv(), config: CONFIG })
  expect(await createBridgeRoute(url, bridge.url, OLD_ROUTE)).toBe(201)
})

afterAll(async () => {
  await bridge?.stop()
  await standin?.close()
})

test('the route secret and an API key rotate under load, and not one call is refused', async () => {
  const proof = await makeRouteProof(url, basic('gestionnaire'))
  let apiKey = OLD_KEY
  const failures: string[] = []
  let calls = 0
  let running = true
  const throughRoute = async () => {
    const res = await fetch(withProof(`${url}/api/routes/relais-bridge/run/api/v1/sources`, proof), {
      headers: { Authorization: basic('gestionnaire') },
    })
    if (res.status !== 200) failures.push(`route ${res.status} ${await res.text()}`)
  }
  const withKey = async () => {
    const key = apiKey
    const res = await fetch(`${bridge.url}/api/v1/sources`, { headers: { Authorization: `Bearer ${key}` } })
    if (res.status !== 200) failures.push(`api key ${key === OLD_KEY ? 'old' : 'new'} ${res.status}`)
  }
  // A partner's webhook: signed deliveries of one record each, every one a new (RC, month).
  const rcs = rcCodes(standin)
  let deliveries = 0
  const webhook = async () => {
    const i = deliveries++
    const month = 2026 * 12 + 8 - Math.floor(i / rcs.length)
    const mois = `${Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`
    const body = JSON.stringify({ records: [{ code_rc: rcs[i % rcs.length], mois, ...rowValues(i) }] })
    const res = await fetch(`${bridge.url}/api/v1/inbound/${WEBHOOK}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...sign(body, WEBHOOK_SECRET).headers },
      body,
    })
    if (res.status !== 202) failures.push(`webhook ${res.status} ${await res.text()}`)
  }
  // Six callers all along: two as the app through DHIS2's route, two as a script with its key, two webhooks.
  const load = Promise.all(
    [throughRoute, throughRoute, withKey, withKey, webhook, webhook].map(async (call) => {
      while (running) {
        await call()
        calls += 1
      }
    }),
  )

  // The guide first: nothing is open; each key and the webhook say where they stand.
  const before = await secrets(['rotate'])
  expect(before.stdout).toContain('RELAIS_ROUTE_SECRET : aucune rotation en cours')
  expect(before.stdout).toContain('api-key ops (gestionnaire) : environnement, sans date de fin')
  expect(before.stdout).toContain(`webhook ${WEBHOOK} (WEBHOOK_SECRET) : un seul secret`)
  // The route secret: a new one accepted by the running bridge, DHIS2's route switched to it, the old retired.
  const added = await secrets(['route', 'add'])
  expect(added.status).toBe(0)
  const newRoute = /New route secret \(shown once, kept nowhere\): ([0-9a-f]{64})/.exec(added.stdout)![1]!
  await refresh()
  const route = (
    await adminJson<{ routes: { id: string }[] }>(url, '/api/routes?filter=code:eq:relais-bridge&fields=id')
  ).routes[0]!
  const full = await adminJson<Record<string, unknown>>(url, `/api/routes/${route.id}`)
  const switched = await asAdmin(url, `/api/routes/${route.id}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ ...full, auth: { type: 'api-headers', headers: { 'X-Relais-Route-Secret': newRoute } } }),
  })
  expect(switched.status).toBe(200)
  const open = await secrets(['rotate', '--locale', 'en'])
  expect(open.stdout).toMatch(/RELAIS_ROUTE_SECRET: rotation open since \d{4}-\d{2}-\d{2}/)
  expect(open.stdout).toContain('relais secrets route retire')
  const retired = await secrets(['route', 'retire'], { RELAIS_ROUTE_SECRET: `${OLD_ROUTE},${newRoute}` })
  expect(retired.stdout).toContain('Retired 1 route secret(s)')
  await refresh()

  // An API key: a new one, the script moved to it, the old one revoked.
  const key = await secrets(['api-key', 'add', 'ops-2027', '--role', 'gestionnaire', '--expires', '2027-12-31'])
  expect(key.status).toBe(0)
  const newKey = /\n([0-9a-f]{64})\n/.exec(key.stdout)![1]!
  await refresh()
  apiKey = newKey
  await new Promise((resolve) => setTimeout(resolve, 500))
  expect((await secrets(['api-key', 'revoke', 'ops'])).status).toBe(0)
  await refresh()

  running = false
  await load
  expect(failures).toEqual([])
  expect(calls).toBeGreaterThan(100)
  expect(deliveries).toBeGreaterThan(50)

  // Afterwards: the retired route secret and the revoked key are refused; the new ones work.
  const direct = (secret: string) =>
    fetch(`${bridge.url}/api/v1/sources`, {
      headers: { 'X-Relais-Route-Secret': secret, 'X-Forwarded-User': 'gestionnaire' },
    })
  expect((await direct(OLD_ROUTE)).status).toBe(401)
  expect(
    (await fetch(`${bridge.url}/api/v1/sources`, { headers: { Authorization: `Bearer ${OLD_KEY}` } })).status,
  ).toBe(401)
  const list = await secrets(['list', '--json'])
  const rows = JSON.parse(list.stdout) as { kind: string; name: string; action: string }[]
  expect(rows.map((r) => `${r.action} ${r.kind} ${r.name}`)).toEqual([
    'accept route route',
    'revoke route route',
    'accept api-key ops-2027',
    'revoke api-key ops',
  ])
  // No secret value is kept: only their SHA-256, never shown.
  expect(list.stdout).not.toContain(newRoute)
  expect(list.stdout).not.toContain(newKey)

  // The daily check, run by hand, in French: the environment still names the retired secret beside the new one.
  const check = await relais(['security', 'check'], { RELAIS_ROUTE_SECRET: `${OLD_ROUTE},${newRoute}` })
  expect({ status: check.status, stdout: check.stdout }).toMatchObject({ status: 0 })
  expect(check.stdout).toMatch(
    /^Contrôle de sécurité du \d{4}-\d{2}-\d{2} \(DHIS2 [\d.]+\) : \d+ constat\(s\) — critique \d+/,
  )
  expect(check.stdout).toMatch(/nouveau\s+(critique|élevé|moyen|faible)\s+\S+/)
})
