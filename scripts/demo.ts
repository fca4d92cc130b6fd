/**
 * The demo on embedded defaults (`npm run demo`): the DHIS2 stand-in seeded with the demo programme and
 * serving the built Relais app, a KoboToolbox stand-in with last month's RC reports, and — when Redis is
 * running — the bridge (`relais serve`, embedded PGlite ledger) behind the DHIS2 route `relais-bridge`,
 * with one Kobo pull and one partner-file upload so the sync console has a history. Data and secrets
 * stay in .relais/ between restarts. Ctrl-C stops everything and saves DHIS2's state.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { addPeriods, periodForDate } from '@relais/mappings'
import { runAnalyticsTables, DEMO_BRIDGE_TOKEN, createStandin } from '@relais/dhis2-standin'
import { createKoboStandin, rcSubmission, seededRandom } from '@relais/kobo-standin'
import { spawnBridge, type ServeChild } from '../tests/support/bridge-process'
import { makeRouteProof, withProof } from '../tests/support/route-proof'

const ROOT = join(__dirname, '..')
const DATA = join(ROOT, '.relais')
const DHIS2_PORT = Number(process.env.DEMO_DHIS2_PORT ?? 8080)
const KOBO_PORT = Number(process.env.DEMO_KOBO_PORT ?? 8081)
const BRIDGE_PORT = Number(process.env.DEMO_BRIDGE_PORT ?? 3000)
const KOBO_ASSET = 'aRapportRcDemo01'

interface DemoSecrets {
  routeSecret: string
  pseudonymKey: string
  koboToken: string
  webhookSecret: string
}

/** Random secrets made once and kept in .relais (mode 600): never in the repository, never printed. */
function demoSecrets(): DemoSecrets {
  const file = join(DATA, 'demo-secrets.json')
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DemoSecrets
  const secret = () => randomBytes(32).toString('hex')
  const secrets = { routeSecret: secret(), pseudonymKey: secret(), koboToken: secret(), webhookSecret: secret() }
  writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 })
  return secrets
}

function reachable(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host)
    socket.setTimeout(1000)
    socket.once('connect', () => (socket.destroy(), resolve(true)))
    socket.once('error', () => resolve(false))
    socket.once('timeout', () => (socket.destroy(), resolve(false)))
  })
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

/**
 * DHIS2's date in the demo. RC report a month in its first days: RC_MENSUEL opens a month once it has ended
 * (openFuturePeriods 0) and locks it 15 days later (expiryDays), so after the 10th of a month no report would
 * be open for entry. The demo's DHIS2 then runs from the 3rd of the current month (its clock keeps running);
 * the bridge reads DHIS2's clock, so both agree on which months are open.
 */
function demoNow(real = new Date()): string | undefined {
  const [year, month, day] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Africa/Porto-Novo' })
    .format(real)
    .split('-')
    .map(Number)
  if (!year || !month || !day || day <= 10) return undefined
  return `${year}-${String(month).padStart(2, '0')}-03T09:00:00Z`
}

async function main(): Promise<void> {
  mkdirSync(DATA, { recursive: true })
  const secrets = demoSecrets()
  const stateFile = join(DATA, 'standin-demo.json')

  // 1. DHIS2 (stand-in) with the built app.
  const clockStart = demoNow()
  const dhis2 = createStandin({
    seed: 'demo',
    apps: { relais: join(ROOT, 'dhis2-app', 'build', 'app') },
    stateFile,
    loadFrom: stateFile,
    now: clockStart,
  })
  const dhis2Url = await dhis2.listen(DHIS2_PORT)
  runAnalyticsTables(dhis2.ctx)
  setInterval(() => runAnalyticsTables(dhis2.ctx), 10 * 60_000).unref()
  const admin = basic('admin', 'district')

  // 2. KoboToolbox (stand-in) with last month's reports of 40 RC of the Atlantique.
  const kobo = createKoboStandin({
    token: secrets.koboToken,
    assets: [{ uid: KOBO_ASSET, name: 'Rapport mensuel RC (démo)' }],
  })
  const koboUrl = await kobo.listen(KOBO_PORT)
  const lastMonth = addPeriods(periodForDate('Monthly', dhis2.ctx.clock.today()), -1)
  const random = seededRandom(7)
  for (let i = 1; i <= 40; i++) {
    kobo.add(
      KOBO_ASSET,
      rcSubmission(random, {
        rcCode: `RC-AQ-${String(i).padStart(5, '0')}`,
        mois: `${lastMonth.startDate.slice(0, 7)}`,
      }),
    )
  }

  // 3. The bridge, when Redis is there.
  let bridge: ServeChild | undefined
  let bridgeNote = ''
  if (!(await reachable(6379))) {
    bridgeNote =
      'Redis is not running on 127.0.0.1:6379, so the bridge and the sync console are off. Start Redis 7 (e.g. `redis-server --daemonize yes`) and run the demo again.'
  } else {
    bridge = await spawnBridge({
      port: BRIDGE_PORT,
      env: {
        DHIS2_URL: dhis2Url,
        DHIS2_TOKEN: DEMO_BRIDGE_TOKEN,
        REDIS_URL: 'redis://127.0.0.1:6379/1',
        RELAIS_DATA_DIR: join(DATA, 'bridge'),
        RELAIS_CONFIG: join(ROOT, 'bridge-service', 'relais.config.example.yaml'),
        RELAIS_ROUTE_SECRET: secrets.routeSecret,
        RELAIS_PSEUDONYM_KEY: secrets.pseudonymKey,
        KOBO_TOKEN: secrets.koboToken,
        WEBHOOK_PARTENAIRES_SECRET: secrets.webhookSecret,
        LOG_LEVEL: 'warn',
      },
    })
    await bridge.ready
    await registerRoute(dhis2Url, admin, `http://127.0.0.1:${BRIDGE_PORT}`, secrets.routeSecret)
    bridgeNote = await seedHistory(dhis2Url)
  }

  const ctx = dhis2.ctx
  console.log(
    `\nRelais demo — DHIS2 ${ctx.options.version} (stand-in), ${ctx.state.metadata.organisationUnits.filter((o) => o.level === 5).length} relais communautaires`,
  )
  console.log(`  Open:   ${dhis2Url}/  → sign in → the Relais app`)
  console.log(
    `  DHIS2's date: ${ctx.clock.today()}${clockStart ? ' (demo clock: last month is still open for entry)' : ''}`,
  )
  console.log(`  KoboToolbox (stand-in): ${koboUrl}  (40 reports for ${lastMonth.id})`)
  console.log(
    bridge
      ? `  Bridge: http://127.0.0.1:${BRIDGE_PORT}/api/v1 behind the DHIS2 route relais-bridge — ${bridgeNote}`
      : `  ${bridgeNote}`,
  )
  console.log('\n  username             password      role')
  for (const l of ctx.state.demoLogins ?? [])
    console.log(`  ${l.username.padEnd(20)} ${l.password.padEnd(13)} ${l.role} — ${l.note}`)
  console.log('\nCtrl-C to stop (DHIS2 data is kept in .relais/).')

  const stop = async () => {
    await bridge?.stop()
    dhis2.save(stateFile)
    await Promise.all([dhis2.close(), kobo.close()])
    process.exit(0)
  }
  process.once('SIGINT', () => void stop())
  process.once('SIGTERM', () => void stop())
}

/** Creates the DHIS2 route `relais-bridge` (once): the secret travels in the route's auth, hidden by DHIS2. */
async function registerRoute(dhis2Url: string, admin: string, bridgeUrl: string, secret: string): Promise<void> {
  const existing = await fetch(`${dhis2Url}/api/routes?filter=code:eq:relais-bridge&fields=id`, {
    headers: { Authorization: admin },
  })
  const found = ((await existing.json()) as { routes?: { id: string }[] }).routes ?? []
  if (found.length > 0) return
  const res = await fetch(`${dhis2Url}/api/routes`, {
    method: 'POST',
    headers: { Authorization: admin, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      name: 'Relais bridge',
      code: 'relais-bridge',
      url: `${bridgeUrl}/**`,
      auth: { type: 'api-headers', headers: { 'X-Relais-Route-Secret': secret } },
      authorities: ['M_relais'],
    }),
  })
  if (res.status !== 201)
    throw new Error(`could not create the DHIS2 route relais-bridge: ${res.status} ${await res.text()}`)
}

/** One Kobo pull and one partner-file upload, as the data manager, the first time only. */
async function seedHistory(dhis2Url: string): Promise<string> {
  const manager = basic('gestionnaire', 'Relais-2026')
  const route = `${dhis2Url}/api/routes/relais-bridge/run/api/v1`
  // As the app does: the data manager's own login vouches for them to the bridge (issue 11 §6).
  const proof = await makeRouteProof(dhis2Url, manager)
  const runs = (await (
    await fetch(withProof(`${route}/runs`, proof), { headers: { Authorization: manager } })
  ).json()) as {
    pager?: { total: number }
  }
  if ((runs.pager?.total ?? 0) > 0) return `${runs.pager?.total} run(s) in its history`
  const pull = await fetch(withProof(`${route}/runs`, proof), {
    method: 'POST',
    headers: { Authorization: manager },
    body: JSON.stringify({ source: 'kobo-rapport-rc', mode: 'import' }),
  })
  const file = readFileSync(join(ROOT, 'mappings', 'samples', 'partenaires.messy.csv'))
  const upload = await fetch(
    withProof(`${route}/uploads?source=csv-partenaires&filename=partenaires.messy.csv`, proof),
    {
      method: 'POST',
      headers: { Authorization: manager },
      body: file,
    },
  )
  if (pull.status !== 202 || upload.status !== 202)
    return `first runs not started (${pull.status}, ${upload.status}): see the sync console`
  return 'started a Kobo pull and a partner-file upload (see the sync console)'
}

main().catch((error: unknown) => {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
