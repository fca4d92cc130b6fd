/**
 * `relais doctor` on a sound deployment — the DHIS2 stand-in with the app, the route and fresh analytics, a
 * running bridge — answers all ok (exit 0, run as the README says). Then each check is broken on its own and
 * reported as such, with how to fix it.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadEnv } from '../../bridge-service/src/config/env'
import { loadRelaisConfig } from '../../bridge-service/src/config/relais-config'
import { exitCode, type Check } from '../../bridge-service/src/doctor/checks'
import { runDoctor } from '../../bridge-service/src/doctor/gather'
import { DEMO_BRIDGE_TOKEN, createStandin, type Standin } from '@relais/dhis2-standin'
import { createBridgeRoute } from '../support/app-page'
import { startBridge, type BridgeProcess } from '../support/bridge-process'

jest.setTimeout(120_000)

const ROOT = join(__dirname, '..', '..')
const SECRET = 'route-secret-doctor-0123456789abcdef0123456789'
const REDIS_URL = 'redis://127.0.0.1:6379/13'

let standin: Standin
let bridge: BridgeProcess
let dir: string
let env: Record<string, string>
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`

beforeAll(async () => {
  // The real clock: doctor compares DHIS2's with ours.
  standin = createStandin({
    seed: 'small',
    months: 0,
    testEndpoints: true,
    apps: { relais: join(ROOT, 'dhis2-app', 'build', 'app') },
  })
  const url = await standin.listen(0)
  dir = mkdtempSync(join(tmpdir(), 'relais-doctor-'))
  writeFileSync(
    join(dir, 'relais.config.yaml'),
    `sources:\n  - name: csv-partenaires\n    kind: csv\n    mapping: ${join(ROOT, 'mappings', 'specs', 'csv-partenaires.yaml')}\n`,
  )
  env = {
    PATH: process.env.PATH ?? '',
    DHIS2_URL: url,
    DHIS2_TOKEN: DEMO_BRIDGE_TOKEN,
    REDIS_URL,
    RELAIS_DATA_DIR: join(dir, 'data'),
    RELAIS_CONFIG: join(dir, 'relais.config.yaml'),
    RELAIS_ROUTE_SECRET: SECRET,
    RELAIS_PSEUDONYM_KEY: 'pseudonym-key-doctor-0123456789abcdef0123',
  }
  bridge = await startBridge({ env })
  env.PORT = new URL(bridge.url).port
  expect(await createBridgeRoute(url, bridge.url, SECRET, { sharing: { public: 'r-------' } })).toBe(201)
  await fetch(`${url}/api/resourceTables/analytics`, {
    method: 'POST',
    headers: { Authorization: basic('admin', 'district') },
  })
  for (let i = 0; i < 50 && !standin.ctx.state.lastAnalyticsTableSuccess; i++)
    await new Promise((r) => setTimeout(r, 100))
})

afterAll(async () => {
  await bridge?.stop()
  await standin?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

async function doctor(overrides: Record<string, string> = {}): Promise<Map<string, Check>> {
  const e = { ...env, ...overrides }
  const bridgeEnv = loadEnv(e)
  const checks = await runDoctor({
    bridge: bridgeEnv,
    config: loadRelaisConfig(bridgeEnv.configPath, e),
    bridgeUrl: bridge.url,
  })
  return new Map(checks.map((c) => [c.id, c]))
}

test('a sound deployment: npx relais doctor --json answers every check ok, exit 0', async () => {
  const result = await new Promise<{ status: number; stdout: string; stderr: string }>((resolve) =>
    execFile(
      'npx',
      ['relais', 'doctor', '--json', '--bridge-url', bridge.url],
      { cwd: ROOT, env, encoding: 'utf8' },
      (error, stdout, stderr) =>
        resolve({ status: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    ),
  )
  const checks = (JSON.parse(result.stdout) as { checks: { id: string; status: string; found: string }[] }).checks
  expect(checks.filter((c) => c.status !== 'ok')).toEqual([])
  expect(checks.map((c) => c.id).sort()).toEqual(
    [
      'analytics',
      'app',
      'bridge-credentials',
      'clock',
      'dhis2-reachable',
      'disk',
      'ledger',
      'mapping-drift',
      'metadata-package',
      'redis',
      'route',
      'token',
    ].sort(),
  )
  expect(result.status).toBe(0)
})

test.each<[string, string, 'warning' | 'error', () => (() => void) | Record<string, string>]>([
  [
    'an unsupported DHIS2',
    'dhis2-reachable',
    'error',
    () => {
      const saved = standin.ctx.options.version
      standin.ctx.options.version = '2.38.4'
      return () => (standin.ctx.options.version = saved)
    },
  ],
  [
    'a wrong token',
    'bridge-credentials',
    'error',
    () => ({ DHIS2_TOKEN: 'd2p_NotAToken0000000000000000000000000000000000000000' }),
  ],
  [
    'a renamed data element',
    'metadata-package',
    'warning',
    () => {
      const de = standin.ctx.state.metadata.dataElements.find((d) => d.code === 'RC_CAUSERIES')!
      const saved = de.name
      de.name = 'Renommé'
      return () => (de.name = saved)
    },
  ],
  [
    'a code the spec uses gone from DHIS2',
    'mapping-drift',
    'error',
    () => {
      const de = standin.ctx.state.metadata.dataElements.find((d) => d.code === 'RC_VAD')!
      de.code = 'RC_VAD_OLD'
      standin.ctx.reindex()
      return () => {
        de.code = 'RC_VAD'
        standin.ctx.reindex()
      }
    },
  ],
  [
    'no route',
    'route',
    'error',
    () => {
      const saved = [...standin.ctx.state.routes]
      standin.ctx.state.routes.length = 0
      return () => standin.ctx.state.routes.push(...saved)
    },
  ],
  [
    'a route secret the bridge does not know',
    'route',
    'error',
    () => {
      const route = standin.ctx.state.routes[0]!
      const saved = route.auth
      route.auth = {
        type: 'api-headers',
        headers: { 'X-Relais-Route-Secret': 'not-the-secret-0123456789abcdef012345' },
      } as never
      return () => (route.auth = saved)
    },
  ],
  [
    'no app',
    'app',
    'error',
    () => {
      const saved = standin.ctx.options.apps.relais!
      delete standin.ctx.options.apps.relais
      return () => (standin.ctx.options.apps.relais = saved)
    },
  ],
  [
    'analytics never run',
    'analytics',
    'warning',
    () => {
      const saved = standin.ctx.state.lastAnalyticsTableSuccess
      standin.ctx.state.lastAnalyticsTableSuccess = undefined
      return () => (standin.ctx.state.lastAnalyticsTableSuccess = saved)
    },
  ],
  [
    "DHIS2's clock 10 minutes ahead",
    'clock',
    'error',
    () => {
      standin.ctx.clock.advance(10 * 60_000)
      return () => standin.ctx.clock.advance(-10 * 60_000)
    },
  ],
  ['Redis away', 'redis', 'error', () => ({ REDIS_URL: 'redis://127.0.0.1:1' })],
  [
    'a ledger that cannot be reached',
    'ledger',
    'error',
    () => ({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/nothing' }),
  ],
  [
    'a token about to expire',
    'token',
    'error',
    () => {
      const token = standin.ctx.state.apiTokens[0]!
      token.expire = Date.now() + 3 * 86_400_000
      return () => delete token.expire
    },
  ],
])('%s → %s %s, with how to fix it', async (_what, id, status, breakIt) => {
  const broken = breakIt()
  try {
    const checks = await doctor(typeof broken === 'function' ? {} : broken)
    const check = checks.get(id)
    expect({ id, status: check?.status }).toEqual({ id, status })
    expect(check?.fix?.fr.length).toBeGreaterThan(10)
    expect(exitCode([...checks.values()])).toBe(status === 'error' ? 2 : 1)
  } finally {
    if (typeof broken === 'function') broken()
  }
})

test("another token of the bridge's account about to expire is not ours: no warning", async () => {
  const bridgeUser = standin.ctx.state.apiTokens[0]!.userId
  standin.ctx.state.apiTokens.push({
    id: 'TokOther001',
    keyHash: 'f'.repeat(64),
    userId: bridgeUser,
    expire: Date.now() + 86_400_000,
  })
  try {
    expect((await doctor()).get('token')?.status).toBe('ok')
  } finally {
    standin.ctx.state.apiTokens.pop()
  }
})
