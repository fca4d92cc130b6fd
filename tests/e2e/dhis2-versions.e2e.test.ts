/**
 * Relais on each DHIS2 version it supports (issue 12 §6): on a blank stand-in playing that version,
 * `relais setup` as the README writes it, a real bridge with the token setup printed, a call through DHIS2's
 * route as the app makes it (with and without the Content-Type the version may or may not forward, and an
 * error answer that must reach the app as the bridge gave it), and `relais doctor` all ok. Then what it
 * refuses: a patch whose routes cannot carry Relais, and 2.42's route allowlist, each with what to do.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { Redis } from 'ioredis'
import { join } from 'node:path'
import { loadEnv } from '../../bridge-service/src/config/env'
import { loadRelaisConfig } from '../../bridge-service/src/config/relais-config'
import { runDoctor } from '../../bridge-service/src/doctor/gather'
import { ensureBuiltApp } from '../support/built-app'
import { createStandin, type Standin } from '@relais/dhis2-standin'
import { freePort, startBridge, type BridgeProcess } from '../support/bridge-process'
import { makeRouteProof, withProof } from '../support/route-proof'

jest.setTimeout(180_000)

const ROOT = join(__dirname, '..', '..')
const SECRET = 'route-secret-versions-0123456789abcdef01234567'
const ADMIN = `Basic ${Buffer.from('admin:district').toString('base64')}`

interface Result {
  status: number
  stdout: string
  stderr: string
}

function relais(args: string[], env: Record<string, string>): Promise<Result> {
  return new Promise((resolve) =>
    execFile('npx', ['relais', ...args], { cwd: ROOT, encoding: 'utf8', env }, (error, stdout, stderr) =>
      resolve({ status: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    ),
  )
}

async function blankStandin(version: string, allowed?: string): Promise<{ standin: Standin; url: string }> {
  const standin = createStandin({
    seed: 'blank',
    version,
    ...(allowed ? { routeRemoteServersAllowed: allowed } : {}),
  })
  return { standin, url: await standin.listen(0) }
}

function baseEnv(dir: string, url: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    DHIS2_URL: url,
    DHIS2_USERNAME: 'admin',
    DHIS2_PASSWORD: 'district',
    RELAIS_ROUTE_SECRET: SECRET,
    RELAIS_DATA_DIR: join(dir, 'data'),
  }
}

describe.each([
  { version: '2.40.12', token: /^d2pat_/, redisDb: 2 },
  { version: '2.41.8', token: /^d2p_/, redisDb: 3 },
  { version: '2.42.1', token: /^d2p_/, redisDb: 4 },
])('DHIS2 $version', ({ version, token, redisDb }) => {
  let standin: Standin
  let url: string
  let bridge: BridgeProcess | undefined
  let dir: string
  let env: Record<string, string>
  let bridgeUrl: string

  beforeAll(async () => {
    // setup installs the app's zip: built once if missing.
    ensureBuiltApp()
    const port = await freePort()
    bridgeUrl = `http://127.0.0.1:${port}`
    // 2.42 lets routes reach only dhis.conf's route.remote_servers_allowed: the operator lists the bridge.
    ;({ standin, url } = await blankStandin(version, `https://*,${bridgeUrl}`))
    dir = mkdtempSync(join(tmpdir(), 'relais-versions-'))
    writeFileSync(
      join(dir, 'relais.config.yaml'),
      `sources:\n  - name: csv-partenaires\n    kind: csv\n    mapping: ${join(ROOT, 'mappings', 'specs', 'csv-partenaires.yaml')}\n`,
    )
    env = baseEnv(dir, url)
    const setup = await relais(['setup', '--bridge-url', bridgeUrl], env)
    expect(setup.stderr).toBe('')
    expect(setup.status).toBe(0)
    const printed = /DHIS2_TOKEN :\n(\S+)/.exec(setup.stdout)?.[1] ?? ''
    expect(printed).toMatch(token)
    // The bridge runs on its own token; the superuser's login served setup only.
    const { DHIS2_USERNAME: _u, DHIS2_PASSWORD: _p, ...rest } = env
    env = {
      ...rest,
      DHIS2_TOKEN: printed,
      REDIS_URL: `redis://127.0.0.1:6379/${redisDb}`,
      RELAIS_CONFIG: join(dir, 'relais.config.yaml'),
      RELAIS_PSEUDONYM_KEY: 'pseudonym-key-versions-0123456789abcdef01',
    }
    // A database of its own, empty: no queue left by another run.
    const redis = new Redis(env.REDIS_URL!)
    await redis.flushdb()
    await redis.quit()
    bridge = await startBridge({ env, port })
    await fetch(`${url}/api/resourceTables/analytics`, { method: 'POST', headers: { Authorization: ADMIN } })
    for (let i = 0; i < 50 && !standin.ctx.state.lastAnalyticsTableSuccess; i++)
      await new Promise((r) => setTimeout(r, 100))
  })
  afterAll(async () => {
    await bridge?.stop()
    await standin?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  const throughRoute = async (path: string, init: { body?: string; contentType?: string } = {}) => {
    const proof = await makeRouteProof(url, ADMIN)
    const res = await fetch(withProof(`${url}/api/routes/relais-bridge/run${path}`, proof), {
      method: init.body === undefined ? 'GET' : 'POST',
      headers: { Authorization: ADMIN, ...(init.contentType ? { 'Content-Type': init.contentType } : {}) },
      body: init.body,
    })
    return { status: res.status, body: (await res.json()) as Record<string, unknown> }
  }

  test('a run starts through the route, with or without a Content-Type', async () => {
    const body = JSON.stringify({ source: 'csv-partenaires', mode: 'dry-run' })
    for (const contentType of [undefined, 'application/json']) {
      const res = await throughRoute('/api/v1/runs', { body, contentType })
      expect(res).toMatchObject({ status: 202, body: { id: expect.any(String) } })
    }
  })

  test("the bridge's own error answer reaches the app as the bridge gave it", async () => {
    const res = await throughRoute('/api/v1/runs', { body: JSON.stringify({ source: 'no-such-source' }) })
    expect(res.status).toBeGreaterThanOrEqual(400)
    expect(res.status).toBeLessThan(500)
    // The bridge's JSON, not a DHIS2 WebMessage wrapping it.
    expect(res.body.httpStatusCode).toBeUndefined()
    expect(typeof res.body.error).toBe('string')
  })

  test('relais doctor: the missing RCs before the roster, then every check ok', async () => {
    const doctor = async () => {
      const bridgeEnv = loadEnv(env)
      return runDoctor({ bridge: bridgeEnv, config: loadRelaisConfig(bridgeEnv.configPath, env), bridgeUrl })
    }
    // The partners' spec names RC-AQ-00004, who exists only once the roster is in: said in words, not codes.
    const before = (await doctor()).find((c) => c.id === 'mapping-drift')!
    expect(before.status).toBe('error')
    expect(before.found.fr).toContain('l’alias `RC-AQ-4` pointe vers `RC-AQ-00004`')
    expect(before.found.en).not.toContain('ORG_UNIT_ALIAS_UNKNOWN')
    expect(before.fix?.fr).toContain('relais roster import')

    const roster = join(ROOT, 'metadata', 'roster')
    const admin = baseEnv(dir, url)
    expect((await relais(['roster', 'hierarchy', join(roster, 'hierarchie-exemple.csv')], admin)).status).toBe(0)
    expect((await relais(['roster', 'import', join(roster, 'rc-exemple.csv')], admin)).status).toBe(0)
    expect((await doctor()).filter((c) => c.status !== 'ok').map((c) => `${c.id}: ${c.found.en}`)).toEqual([])
  })

  test('a second setup changes nothing', async () => {
    const again = await relais(['setup', '--bridge-url', bridgeUrl, '--json'], {
      ...baseEnv(dir, url),
    })
    expect(again.status).toBe(0)
    expect((JSON.parse(again.stdout) as { changed: number }).changed).toBe(0)
  })
})

describe('what setup refuses, saying what to do', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'relais-versions-refused-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test.each([
    ['2.39.6', /Relais fonctionne avec DHIS2 2\.40\.10\+, 2\.41\.7\+, 2\.42/],
    ['2.41.3', /avant 2\.41\.7.*Installez le correctif 2\.41\.7/],
  ])('DHIS2 %s: exit 2, nothing imported', async (version, message) => {
    const { standin, url } = await blankStandin(version)
    try {
      const result = await relais(['setup', '--no-app'], baseEnv(dir, url))
      expect(result.status).toBe(2)
      expect(result.stderr).toMatch(message)
      expect(standin.ctx.state.metadata.dataSets).toEqual([])
    } finally {
      await standin.close()
    }
  })

  test('DHIS2 2.42 with the default route allowlist and an http:// bridge: how to allow it', async () => {
    const { standin, url } = await blankStandin('2.42.2')
    try {
      const result = await relais(['setup', '--no-app', '--bridge-url', 'http://10.0.0.5:3000'], baseEnv(dir, url))
      expect(result.status).toBe(2)
      expect(result.stderr).toContain('DHIS2 refuse une route vers http://10.0.0.5:3000/**')
      expect(result.stderr).toContain('route.remote_servers_allowed')
      // The same setup with an https:// bridge goes through.
      const https = await relais(['setup', '--no-app', '--bridge-url', 'https://relais.example.bj'], baseEnv(dir, url))
      expect(https.stderr).toBe('')
      expect(https.status).toBe(0)
    } finally {
      await standin.close()
    }
  })
})
