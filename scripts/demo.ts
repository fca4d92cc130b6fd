/**
 * The demo on embedded defaults (`npm run demo`). Its DHIS2 is made the way an administrator makes a real
 * one, so that path is used every day: a blank DHIS2 stand-in, then `relais setup` (the metadata package, the
 * bridge's service user and token, the route, the app), `relais roster hierarchy` and `relais roster import
 * --users` with the demo's files (metadata/roster/*-demo.csv), and the programme staff. Then a KoboToolbox
 * stand-in with six months of RC reports and — when Redis is running — the bridge (`relais serve`, embedded
 * PGlite ledger) behind the route, with one Kobo pull and one partner-file upload, and `relais doctor`.
 * Beside them, for the flows that leave the programme's DHIS2: a national HMIS (a second DHIS2 stand-in, seeded
 * as the ministry's, which the sync console's « SNIS national » pushes to) and an HIV care site that sends its
 * list of patients lost to follow-up (tasks in the demo RC's « Recherche PDV ») and receives the outcomes.
 * Data and secrets stay in .relais/ between restarts (setup and the roster run again and change nothing).
 * Ctrl-C stops everything and saves DHIS2's state.
 *
 * DEMO_DHIS2_PORT, DEMO_KOBO_PORT, DEMO_BRIDGE_PORT, DEMO_NATIONAL_PORT, DEMO_SITE_PORT, DEMO_DATA_DIR and DEMO_REDIS_URL move it out of the way
 * (the test that runs the demo uses them).
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { addPeriods, periodForDate } from '@relais/mappings'
import { runAnalyticsTables, createStandin, type Standin } from '@relais/dhis2-standin'
import { createKoboStandin, rcSubmission, seededRandom } from '@relais/kobo-standin'
import { basicAuthorization, Dhis2Admin } from '../bridge-service/src/setup/admin-client'
import { spawnBridge, type ServeChild } from '../tests/support/bridge-process'
import { listCsv, startHivSite, type SitePatient } from '../tests/support/hiv-site'
import { makeRouteProof, withProof } from '../tests/support/route-proof'
import { ensureStaff, STAFF, STAFF_PASSWORD } from './demo-staff'

const ROOT = join(__dirname, '..')
const DATA = process.env.DEMO_DATA_DIR ?? join(ROOT, '.relais')
const DHIS2_PORT = Number(process.env.DEMO_DHIS2_PORT ?? 8080)
const KOBO_PORT = Number(process.env.DEMO_KOBO_PORT ?? 8081)
const BRIDGE_PORT = Number(process.env.DEMO_BRIDGE_PORT ?? 3000)
const NATIONAL_PORT = Number(process.env.DEMO_NATIONAL_PORT ?? 8082)
const SITE_PORT = Number(process.env.DEMO_SITE_PORT ?? 8083)
/** The care site of the demo's tracing list (README « Recherche des perdus de vue »). */
const SITE = 'SITE-CNHU'
const REDIS_URL = process.env.DEMO_REDIS_URL ?? 'redis://127.0.0.1:6379/1'
const RELAIS_BIN = join(ROOT, 'bridge-service', 'bin', 'relais.js')
const ROSTER = join(ROOT, 'metadata', 'roster')
const KOBO_ASSET = 'aRapportRcDemo01'
/** RC-AQ-00001…40 report through KoboToolbox; the demo's RC login is the next one, who reports in the app. */
const KOBO_RC = 40
const KOBO_MONTHS = 6
export const DEMO_RC = 'RC-AQ-00041'

interface DemoSecrets {
  routeSecret: string
  pseudonymKey: string
  koboToken: string
  webhookSecret: string
  /** The care site's list and outcomes secrets (added after the first demos: made when missing). */
  siteListSecret?: string
  siteOutcomesSecret?: string
  /** The bridge's DHIS2 token, printed once by the first `relais setup`. */
  bridgeToken?: string
}

const secretsFile = () => join(DATA, 'demo-secrets.json')

/** Random secrets made once and kept in .relais (mode 600): never in the repository, never printed. */
function demoSecrets(): DemoSecrets {
  const file = secretsFile()
  const secret = () => randomBytes(32).toString('hex')
  const kept = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DemoSecrets) : undefined
  const secrets: DemoSecrets = kept ?? {
    routeSecret: secret(),
    pseudonymKey: secret(),
    koboToken: secret(),
    webhookSecret: secret(),
  }
  if (kept && kept.siteListSecret && kept.siteOutcomesSecret) return kept
  secrets.siteListSecret ??= secret()
  secrets.siteOutcomesSecret ??= secret()
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

/** The relais CLI, as an operator runs it (`npx relais …`); a non-zero exit stops the demo with its message. */
function relais(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      [RELAIS_BIN, ...args],
      { cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? DATA, ...env } },
      (error, stdout, stderr) =>
        error ? reject(new Error(`relais ${args.join(' ')}: ${stderr || stdout || error.message}`)) : resolve(stdout),
    ),
  )
}

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

/** The first password the roster gave an RC (the file only the operator can read). */
function firstPassword(file: string, username: string): string | undefined {
  if (!existsSync(file)) return undefined
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${username};`))
  return line?.split(';')[1]
}

async function main(): Promise<void> {
  mkdirSync(DATA, { recursive: true })
  const secrets = demoSecrets()
  const stateFile = join(DATA, 'standin-demo.json')
  const bridgeUrl = `http://127.0.0.1:${BRIDGE_PORT}`

  // 1. A blank DHIS2 (stand-in): its root org unit and admin / district, nothing of the programme.
  const clockStart = demoNow()
  const dhis2 = createStandin({ seed: 'blank', stateFile, loadFrom: stateFile, now: clockStart })
  const dhis2Url = await dhis2.listen(DHIS2_PORT)

  // 2. The administrator's commands, as docker/README.md gives them.
  const adminEnv = {
    DHIS2_URL: dhis2Url,
    DHIS2_USERNAME: 'admin',
    DHIS2_PASSWORD: 'district',
    RELAIS_ROUTE_SECRET: secrets.routeSecret,
    RELAIS_DATA_DIR: join(DATA, 'bridge'),
  }
  const setup = JSON.parse(await relais(['setup', '--bridge-url', bridgeUrl, '--json'], adminEnv)) as {
    changed: number
    token?: { key: string }
  }
  if (setup.token) {
    secrets.bridgeToken = setup.token.key
    writeFileSync(secretsFile(), JSON.stringify(secrets), { mode: 0o600 })
  }
  if (!secrets.bridgeToken)
    throw new Error(
      `the bridge's DHIS2 token is not in ${secretsFile()} (DHIS2 shows a token once): delete ${DATA} to start afresh`,
    )
  await relais(['roster', 'hierarchy', join(ROSTER, 'hierarchie-demo.csv')], adminEnv)
  const passwords = join(DATA, 'premiers-mots-de-passe.csv')
  const roster = JSON.parse(
    await relais(
      [
        'roster',
        'import',
        join(ROSTER, 'rc-demo.csv'),
        '--users',
        '--json',
        ...(existsSync(passwords) ? [] : ['--passwords', passwords]),
      ],
      adminEnv,
    ),
  ) as { changed: number }
  const staff = await ensureStaff(
    new Dhis2Admin({ url: dhis2Url, authorization: basicAuthorization('admin', 'district') }),
  )
  backdateSecurityCases(dhis2.ctx)
  const setupNote = `setup ${setup.changed} change(s), roster ${roster.changed}, staff ${staff} new`
  // Saved at once and every 5 minutes, not only on Ctrl-C: a killed demo keeps the DHIS2 its secrets belong to.
  dhis2.save(stateFile)
  setInterval(() => dhis2.save(stateFile), 5 * 60_000).unref()
  runAnalyticsTables(dhis2.ctx)
  setInterval(() => runAnalyticsTables(dhis2.ctx), 10 * 60_000).unref()

  // 3. KoboToolbox (stand-in) with the last six months of reports of 40 RC of the Atlantique.
  // Each month's reports were submitted in the first days of the next month (most on time, a few late):
  // their `_submission_time` is what the bridge dates their completion with.
  let koboNow: Date | undefined
  const kobo = createKoboStandin({
    token: secrets.koboToken,
    assets: [{ uid: KOBO_ASSET, name: 'Rapport mensuel RC (démo)' }],
    now: () => koboNow ?? new Date(),
  })
  const koboUrl = await kobo.listen(KOBO_PORT)
  const thisMonth = periodForDate('Monthly', dhis2.ctx.clock.today())
  const random = seededRandom(7)
  for (let back = KOBO_MONTHS; back >= 1; back--) {
    const month = addPeriods(thisMonth, -back)
    const next = addPeriods(month, 1)
    for (let i = 1; i <= KOBO_RC; i++) {
      // Day 1–5 of the next month, and day 20 for one RC in eight (late: after the 15 days DHIS2 allows).
      const day = i % 8 === 0 ? 20 : 1 + (i % 5)
      koboNow = new Date(`${next.startDate}T0${7 + (i % 3)}:${String((i * 7) % 60).padStart(2, '0')}:00Z`)
      koboNow.setUTCDate(day)
      if (koboNow > dhis2.ctx.clock.now()) koboNow = dhis2.ctx.clock.now()
      kobo.add(
        KOBO_ASSET,
        rcSubmission(random, { rcCode: `RC-AQ-${String(i).padStart(5, '0')}`, mois: month.startDate.slice(0, 7) }),
      )
    }
  }
  koboNow = undefined
  const lastMonth = addPeriods(thisMonth, -1)

  // 4. The national HMIS (the ministry's DHIS2, stand-in: its own codes, and one zone it lacks) and an HIV care
  // site (its patients in clear, on its side only; it checks the signature of each outcome it receives).
  const national = createStandin({ seed: 'national', now: clockStart })
  const nationalUrl = await national.listen(NATIONAL_PORT)
  const site = await startHivSite({
    listSecret: secrets.siteListSecret!,
    outcomesSecret: secrets.siteOutcomesSecret!,
    port: SITE_PORT,
    onOutcome: (o) =>
      console.log(
        `  ${SITE} received an outcome (signature ${o.signatureOk ? 'valid' : 'INVALID'}): ${o.body.slice(0, 200)}`,
      ),
  })

  // 5. The bridge, when Redis is there.
  let bridge: ServeChild | undefined
  let bridgeNote = ''
  let doctorNote = ''
  let securityNote = ''
  let tracingNote = ''
  if (!(await reachable(6379))) {
    bridgeNote =
      'Redis is not running on 127.0.0.1:6379, so the bridge and the sync console are off. Start Redis 7 (e.g. `redis-server --daemonize yes`) and run the demo again.'
  } else {
    const bridgeEnv = {
      DHIS2_URL: dhis2Url,
      DHIS2_TOKEN: secrets.bridgeToken,
      REDIS_URL,
      RELAIS_DATA_DIR: join(DATA, 'bridge'),
      RELAIS_CONFIG: bridgeConfig(nationalUrl, site.url),
      RELAIS_ROUTE_SECRET: secrets.routeSecret,
      RELAIS_PSEUDONYM_KEY: secrets.pseudonymKey,
      KOBO_TOKEN: secrets.koboToken,
      WEBHOOK_PARTENAIRES_SECRET: secrets.webhookSecret,
      HMIS_USERNAME: 'admin',
      HMIS_PASSWORD: 'district',
      SITE_CNHU_SECRET: secrets.siteListSecret!,
      SITE_CNHU_OUTCOMES_SECRET: secrets.siteOutcomesSecret!,
      LOG_LEVEL: 'warn',
    }
    bridge = await spawnBridge({ port: BRIDGE_PORT, env: bridgeEnv })
    await bridge.ready
    bridgeNote = await seedHistory(dhis2Url)
    tracingNote = await sendTracingList(site, bridgeUrl, dhis2.ctx.clock.now())
    runAnalyticsTables(dhis2.ctx)
    dhis2.save(stateFile)
    doctorNote = await doctorSummary(bridgeEnv, bridgeUrl)
    securityNote = await securitySummary(bridgeEnv)
  }

  const ctx = dhis2.ctx
  const rcUser = DEMO_RC.toLowerCase()
  console.log(
    `\nRelais demo — DHIS2 ${ctx.options.version} (stand-in, made by relais setup and the roster: ${setupNote}), ${ctx.state.metadata.organisationUnits.filter((o) => o.level === 5 && !o.closedDate).length} relais communautaires`,
  )
  console.log(`  Open:   ${dhis2Url}/  → sign in → the Relais app`)
  console.log(
    `  DHIS2's date: ${ctx.clock.today()}${clockStart ? ' (demo clock: last month is still open for entry)' : ''}`,
  )
  console.log(`  KoboToolbox (stand-in): ${koboUrl}  (${KOBO_RC} RC, ${KOBO_MONTHS} months up to ${lastMonth.id})`)
  console.log(
    bridge ? `  Bridge: ${bridgeUrl}/api/v1 behind the DHIS2 route relais-bridge — ${bridgeNote}` : `  ${bridgeNote}`,
  )
  if (doctorNote) console.log(`  relais doctor: ${doctorNote}`)
  if (securityNote) console.log(`  relais security check: ${securityNote}`)
  console.log(
    `  National HMIS (stand-in): ${nationalUrl}  (admin / district) — « SNIS national » in the sync console pushes a month there`,
  )
  console.log(`  HIV care site ${SITE} (stand-in): outcomes to ${site.url}${tracingNote ? ` — ${tracingNote}` : ''}`)
  const rcPassword = firstPassword(passwords, rcUser)
  // The roster's first passwords are long: the column is as wide as the longest one shown.
  const width = Math.max(21, (rcPassword?.length ?? 0) + 1)
  console.log(`\n  ${'username'.padEnd(20)} ${'password'.padEnd(width)} role`)
  console.log(`  ${'admin'.padEnd(20)} ${'district'.padEnd(width)} DHIS2 superuser`)
  for (const s of STAFF.filter((m) => !m.securityCase))
    console.log(`  ${s.username.padEnd(20)} ${STAFF_PASSWORD.padEnd(width)} ${s.note}`)
  console.log(
    `  ${rcUser.padEnd(20)} ${(rcPassword ?? '(see below)').padEnd(width)} relais communautaire ${DEMO_RC}, reports ${lastMonth.id} in the app`,
  )
  console.log(`  (every RC's first password: ${passwords}, readable by you only)`)
  console.log('\nCtrl-C to stop (DHIS2 data is kept in .relais/).')

  const stop = async () => {
    await bridge?.stop()
    dhis2.save(stateFile)
    await Promise.all([dhis2.close(), kobo.close(), national.close(), site.close()])
    process.exit(0)
  }
  process.once('SIGINT', () => void stop())
  process.once('SIGTERM', () => void stop())
}

/**
 * The bridge's configuration: the example (the demo's Kobo on 8081, its partner sources), copied into the data
 * folder with DEMO_KOBO_PORT, the mapping paths made absolute (they are relative to the file), and the example's
 * commented `hmis:` and `tracing:` sections filled in with the demo's national HMIS and care site.
 */
function bridgeConfig(nationalUrl: string, siteUrl: string): string {
  const example = join(ROOT, 'bridge-service', 'relais.config.example.yaml')
  const copy = join(DATA, 'relais.config.yaml')
  const demoSections = [
    '',
    "# The demo's national HMIS and HIV care site (scripts/demo.ts).",
    'hmis:',
    `  url: ${nationalUrl}`,
    '  usernameEnv: HMIS_USERNAME',
    '  passwordEnv: HMIS_PASSWORD',
    `  mapping: ${join(ROOT, 'mappings', 'specs', 'hmis', 'national-hmis.yaml')}`,
    '  level: 3',
    "  pushDay: 0 # on demand only: the sync console's « SNIS national »",
    'tracing:',
    '  pollSeconds: 10',
    '  sites:',
    `    - code: ${SITE}`,
    '      name: CNHU Cotonou (démo)',
    '      format: csv',
    '      secretEnv: SITE_CNHU_SECRET',
    `      outcomesUrl: ${siteUrl}`,
    '      outcomesSecretEnv: SITE_CNHU_OUTCOMES_SECRET',
    '',
  ]
  writeFileSync(
    copy,
    readFileSync(example, 'utf8')
      .replace('url: http://127.0.0.1:8081', `url: http://127.0.0.1:${KOBO_PORT}`)
      .replaceAll('../mappings/', `${join(ROOT, 'mappings')}/`) + demoSections.join('\n'),
  )
  return copy
}

/**
 * The care site's list of patients lost to follow-up, sent signed at each start (a resent list adds nothing: the
 * bridge knows its cases by pseudonym). Two of the demo RC's area, so that rc-aq-00041 finds their tasks in
 * « Recherche PDV »; names and phones stay at the site (the bridge drops them before storing anything).
 */
async function sendTracingList(
  site: Awaited<ReturnType<typeof startHivSite>>,
  bridgeUrl: string,
  now: Date,
): Promise<string> {
  const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString().slice(0, 10)
  const patients: SitePatient[] = [
    {
      id: 'CNHU-DEMO-00017',
      name: 'Patiente Démo Un',
      phone: '+229 90 00 00 01',
      sex: 'F',
      birthDate: '1990-03-12',
      missed: daysAgo(21),
      locality: 'Akpakpa',
      rcCode: DEMO_RC,
    },
    {
      id: 'CNHU-DEMO-00042',
      name: 'Patient Démo Deux',
      phone: '+229 90 00 00 02',
      sex: 'M',
      birthDate: '2007-09-30',
      missed: daysAgo(9),
      locality: 'Akpakpa',
      rcCode: DEMO_RC,
    },
  ]
  const sent = await site.sendList(bridgeUrl, SITE, listCsv(patients)).catch((error: Error) => ({
    status: 0,
    body: { error: error.message } as Record<string, unknown>,
  }))
  if (sent.status !== 202 && sent.status !== 200)
    return `its list was not taken (${sent.status}: ${JSON.stringify(sent.body).slice(0, 200)})`
  return `its list of ${patients.length} patients lost to follow-up: ${String(sent.body.accepted)} new case(s), ${String(sent.body.duplicates)} already known; ${DEMO_RC.toLowerCase()} finds the tasks in « Recherche PDV »`
}

/**
 * The security cases' history, which an API cannot write (DHIS2 sets a password's date when it is changed and the
 * last sign-in when one happens): set in the stand-in's own state, relative to DHIS2's clock, at each start.
 */
function backdateSecurityCases(ctx: Standin['ctx']): void {
  const daysAgo = (days: number) => new Date(ctx.clock.now().getTime() - days * 86_400_000).toISOString().slice(0, 23)
  for (const member of STAFF) {
    const user = ctx.state.users.find((u) => u.username === member.username)
    if (!user || !member.securityCase) continue
    user.passwordLastUpdated = daysAgo(member.securityCase.passwordAgeDays)
    user.lastLogin = daysAgo(member.securityCase.lastLoginDaysAgo)
  }
}

/** `relais security check --json`: today's report, kept in the bridge's ledger for the « Sécurité » screen. */
async function securitySummary(env: Record<string, string>): Promise<string> {
  const report = JSON.parse(await relais(['security', 'check', '--json'], env)) as {
    findings: { severity: string; code: string; subject: { name: string } }[]
  }
  const count = (severity: string) => report.findings.filter((f) => f.severity === severity).length
  return `${report.findings.length} findings (critical ${count('critical')}, high ${count('high')}, medium ${count('medium')}) — administrators see them in « Sécurité »`
}

/** `relais doctor --json` against the running demo: a line of counts, and any check that is not ok. */
async function doctorSummary(env: Record<string, string>, bridgeUrl: string): Promise<string> {
  const out = await relais(['doctor', '--json', '--bridge-url', bridgeUrl], {
    ...env,
    PORT: String(BRIDGE_PORT),
  }).catch((error: Error) => error.message)
  try {
    const checks = (JSON.parse(out.slice(out.indexOf('{'))) as { checks: Array<{ id: string; status: string }> }).checks
    const notOk = checks.filter((c) => c.status !== 'ok')
    return `${checks.length - notOk.length} / ${checks.length} ok${notOk.length ? ` (${notOk.map((c) => `${c.id}: ${c.status}`).join(', ')})` : ''}`
  } catch {
    return out.split('\n')[0] ?? ''
  }
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
  // The dashboards should show Kobo's months from the first minute: wait for the pull, then analytics runs.
  const { id } = (await pull.json()) as { id: string }
  for (let i = 0; i < 180; i++) {
    const detail = (await (
      await fetch(withProof(`${route}/runs/${id}`, proof), { headers: { Authorization: manager } })
    ).json()) as { run?: { status: string }; counts?: Record<string, number> }
    if (detail.run && detail.run.status !== 'running')
      return `Kobo pull ${detail.run.status}: ${detail.counts?.imported ?? 0} reports imported; a partner-file upload started (see the sync console)`
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  return 'started a Kobo pull and a partner-file upload (see the sync console)'
}

main().catch((error: unknown) => {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
