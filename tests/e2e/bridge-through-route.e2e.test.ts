/**
 * The two halves joined as in production: the DHIS2 stand-in proxies its Route `relais-bridge` to a
 * real `relais serve` process. A data manager uploads the partner CSV through the route (which drops
 * Content-Type and Authorization, as DHIS2 does); the bridge maps it, pushes it, and the values are in
 * DHIS2. An RC calling the same route is refused by the bridge, and someone who holds the route's secret
 * cannot pass for another DHIS2 user from outside the route (issue 11 §6).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { DEMO_BRIDGE_TOKEN, createStandin, type Standin } from '@relais/dhis2-standin'
import { startBridge, type BridgeProcess } from '../support/bridge-process'
import { createBridgeRoute } from '../support/app-page'
import { makeRouteProof, withProof } from '../support/route-proof'

jest.setTimeout(120_000)

const ROOT = join(__dirname, '..', '..')
const SECRET = 'route-secret-e2e-0123456789abcdef0123456789'
const basic = (user: string, password = 'Relais-2026') =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

let standin: Standin
let bridge: BridgeProcess
let dhis2: string

beforeAll(async () => {
  standin = createStandin({ seed: 'small', now: '2026-10-03T09:00:00Z', months: 0 })
  dhis2 = await standin.listen()
  bridge = await startBridge({
    env: {
      DHIS2_URL: dhis2,
      DHIS2_TOKEN: DEMO_BRIDGE_TOKEN,
      // A Redis database of its own, so the queues of other tests never meet this one's.
      REDIS_URL: 'redis://127.0.0.1:6379/11',
      RELAIS_ROUTE_SECRET: SECRET,
      RELAIS_PSEUDONYM_KEY: 'pseudonym-key-e2e-0123456789abcdef0123456789',
    },
    config: `sources:\n  - name: csv-partenaires\n    kind: csv\n    mapping: ${join(ROOT, 'mappings', 'specs', 'csv-partenaires.yaml')}\n`,
  })
  expect(await createBridgeRoute(dhis2, bridge.url, SECRET)).toBe(201)
})

afterAll(async () => {
  await bridge?.stop()
  await standin?.close()
})

/** Each user's route proof, written once by their own DHIS2 login as the app does. */
const proofs = new Map<string, string>()
async function proofOf(user: string): Promise<string> {
  let proof = proofs.get(user)
  if (!proof) proofs.set(user, (proof = await makeRouteProof(dhis2, basic(user))))
  return proof
}

async function viaRoute(user: string, path: string, init: RequestInit = {}) {
  const res = await fetch(withProof(`${dhis2}/api/routes/relais-bridge/run${path}`, await proofOf(user)), {
    ...init,
    headers: { ...init.headers, Authorization: basic(user) },
  })
  const text = await res.text()
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }
}

test('a data manager uploads the partner CSV through the route; its values land in DHIS2', async () => {
  const csv = readFileSync(join(ROOT, 'mappings', 'samples', 'partenaires.clean.csv'))
  const upload = await viaRoute(
    'gestionnaire',
    '/api/v1/uploads?source=csv-partenaires&filename=partenaires.clean.csv',
    {
      method: 'POST',
      body: csv,
      headers: { 'Content-Type': 'text/csv' },
    },
  )
  expect(upload.status).toBe(202)
  expect(upload.body.rows).toBe(4)
  const runId = String(upload.body.id)

  let counts: Record<string, number> = {}
  for (let i = 0; i < 60; i++) {
    const run = await viaRoute('gestionnaire', `/api/v1/runs/${runId}`)
    counts = (run.body.counts ?? {}) as Record<string, number>
    if ((counts.imported ?? 0) + (counts.quarantined ?? 0) + (counts.failed ?? 0) >= 4) break
    await new Promise((r) => setTimeout(r, 500))
  }
  // On failure, say why: the first record's history and the bridge's own output.
  if (counts.imported !== 4) {
    const records = await viaRoute('gestionnaire', `/api/v1/records?runId=${runId}`)
    const first = (records.body.items as { id: string }[] | undefined)?.[0]
    const detail = first ? await viaRoute('gestionnaire', `/api/v1/records/${first.id}`) : undefined
    throw new Error(`counts ${JSON.stringify(counts)}; ${JSON.stringify(detail?.body).slice(0, 3000)}
${bridge.output().slice(-2000)}`)
  }
  expect(counts.imported).toBe(4)

  const ou = standin.ctx.state.metadata.organisationUnits.find((o) => o.code === 'RC-BO-00001')!.id
  const values = await fetch(
    `${dhis2}/api/dataValueSets?dataSet=${standin.ctx.state.metadata.dataSets.find((d) => d.code === 'RC_MENSUEL')!.id}&period=202609&orgUnit=${ou}`,
    {
      headers: { Authorization: basic('admin', 'district') },
    },
  )
  const body = (await values.json()) as { dataValues: { dataElement: string; value: string; storedBy: string }[] }
  const vad = standin.ctx.state.metadata.dataElements.find((d) => d.code === 'RC_VAD')!.id
  expect(body.dataValues.find((v) => v.dataElement === vad)).toMatchObject({ value: '25', storedBy: 'passerelle' })
})

test('an RC calling the same route is refused by the bridge (403), a wrong secret is 401', async () => {
  const rc = await viaRoute('relais', '/api/v1/runs')
  expect(rc.status).toBe(403)
  const direct = await fetch(`${bridge.url}/api/v1/runs`, {
    headers: { 'X-Relais-Route-Secret': 'wrong', 'X-Forwarded-User': 'gestionnaire' },
  })
  expect(direct.status).toBe(401)
})

test('with the route secret but outside the route, a spoofed X-Forwarded-User is refused (401)', async () => {
  const spoof = (user: string, query = '') =>
    fetch(`${bridge.url}/api/v1/runs${query}`, {
      headers: { 'X-Relais-Route-Secret': SECRET, 'X-Forwarded-User': user },
    }).then(async (res) => ({ status: res.status, body: (await res.json()) as { reason?: string } }))
  // No proof at all.
  expect(await spoof('gestionnaire')).toMatchObject({ status: 401, body: { reason: 'route-proof-missing' } })
  // The attacker's own DHIS2 login (an RC) writes a proof, then claims to be the data manager.
  const mine = await makeRouteProof(dhis2, basic('relais'))
  expect(await spoof('gestionnaire', `?relaisProof=${mine}`)).toMatchObject({
    status: 401,
    body: { reason: 'route-proof-refused' },
  })
  expect(await spoof('admin', `?relaisProof=${mine}`)).toMatchObject({ status: 401 })
  // A nonce nobody wrote.
  expect(await spoof('gestionnaire', `?relaisProof=${'A'.repeat(43)}`)).toMatchObject({ status: 401 })
  // The real data manager's proof, through the route, works (the previous test) — and the RC's own proof
  // makes the RC only themselves: known, and refused the data manager's rights.
  expect((await spoof('relais', `?relaisProof=${mine}`)).status).toBe(403)
})
