/**
 * Starts the DHIS2 stand-in from the command line (the demo and manual testing):
 *   npm run standin -- --seed demo --app dhis2-app/build/app --state .relais/standin.json
 * It prints the URL and the demo users' logins, keeps its data in the state file between restarts
 * (saved on Ctrl-C and every few minutes), and regenerates analytics tables periodically.
 */
import { parseArgs } from 'node:util'
import { runAnalyticsTables } from './analytics/tables'
import { createStandin } from './server'
import type { SeedName } from './seed'
import { DEMO_BRIDGE_TOKEN } from './seed'
import { parseVersion } from './versions'

const USAGE = `Usage: dhis2-standin [options]
  --port <n>              port to listen on (default 8080; 0 = any free port)
  --host <addr>           address to bind (default 127.0.0.1)
  --seed small|demo|large|blank|national  size of the seeded programme (default demo); blank = a fresh DHIS2:
                          its root org unit and admin / district only (then: relais setup, relais roster import);
                          national = Benin's national HMIS (SNIGS codes, no data), where « SNIS national » pushes
  --seed-number <n>       seed of the generator (default 1): same number, same data
  --dhis2-version <v>     the DHIS2 version to play (default 2.41.8; 2.40.x–2.42.x; older = no routes):
                          route header and error rules, token format and user payloads follow it
  --route-remote-servers-allowed <globs>  dhis.conf route.remote_servers_allowed (2.42+; default https://*)
  --now <ISO instant>     start the clock at this instant (default: real time)
  --app <dir>             serve this built app at /api/apps/relais/ (repeat name=dir for others)
  --state <file>          load the state from this file if it exists, save it there on exit
  --test-endpoints        enable /api/testing/* (clock, faults) — never in production
  --session-timeout <s>   browser session lifetime without activity (default 3600)
  --analytics-every <min> regenerate analytics tables every N minutes (default 10; 0 = never)
  --help`

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      seed: { type: 'string', default: 'demo' },
      'seed-number': { type: 'string', default: '1' },
      now: { type: 'string' },
      'dhis2-version': { type: 'string' },
      'route-remote-servers-allowed': { type: 'string' },
      app: { type: 'string', multiple: true },
      state: { type: 'string' },
      'test-endpoints': { type: 'boolean', default: false },
      'session-timeout': { type: 'string', default: '3600' },
      'analytics-every': { type: 'string', default: '10' },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help) {
    console.log(USAGE)
    return
  }
  if (values['dhis2-version'] !== undefined) parseVersion(values['dhis2-version'])
  const size = values.seed as SeedName
  if (!['small', 'demo', 'large', 'blank', 'national'].includes(size))
    throw new Error(`--seed must be small, demo, large, blank or national (got "${values.seed}")`)
  const apps: Record<string, string> = {}
  for (const entry of values.app ?? []) {
    const [name, dir] = entry.includes('=') ? entry.split('=', 2) : ['relais', entry]
    apps[name ?? 'relais'] = dir ?? entry
  }
  const started = Date.now()
  const standin = createStandin({
    seed: size,
    seedNumber: Number(values['seed-number']),
    now: values.now,
    version: values['dhis2-version'],
    routeRemoteServersAllowed: values['route-remote-servers-allowed'],
    apps,
    testEndpoints: values['test-endpoints'],
    sessionTimeoutSeconds: Number(values['session-timeout']),
    stateFile: values.state,
    loadFrom: values.state,
  })
  const url = await standin.listen(Number(values.port), values.host)
  // Like DHIS2's scheduled analytics job: dashboards see data as of the last table run.
  runAnalyticsTables(standin.ctx)
  const every = Number(values['analytics-every'])
  if (every > 0) setInterval(() => runAnalyticsTables(standin.ctx), every * 60000).unref()

  const ctx = standin.ctx
  const rcCount = ctx.state.metadata.organisationUnits.filter((o) => o.level === 5).length
  console.log(
    `\nDHIS2 stand-in (DHIS2 ${ctx.options.version}) ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  )
  console.log(
    `  ${rcCount} relais communautaires, ${ctx.state.dataValues.size} data values, ${ctx.state.registrations.size} completed reports`,
  )
  for (const name of Object.keys(apps)) console.log(`  App:   ${url}/api/apps/${name}/index.html`)
  console.log(`  Login: ${url}/  (or the API with Basic auth)\n`)
  const logins = ctx.state.demoLogins
  if (logins) {
    console.log('  username             password      role / org unit')
    for (const l of logins) console.log(`  ${l.username.padEnd(20)} ${l.password.padEnd(13)} ${l.role} — ${l.note}`)
    console.log(`\n  Bridge API token (user passerelle): ${DEMO_BRIDGE_TOKEN}`)
  } else console.log('  (no demo logins recorded in this state file: see the README)')
  if (standin.findings.length > 0) {
    console.log('\n  Data-quality findings of the seed (outlier detection Z_SCORE 3; validation rule analysis):')
    for (const f of standin.findings)
      console.log(
        `  ${(f.validationRuleCode ?? 'outlier').padEnd(17)} ${f.rc} ${f.period} ${f.dataElementCode} = ${f.value}`,
      )
  }
  console.log('\nCtrl-C to stop.')

  let saving = false
  const save = () => {
    if (!values.state || saving) return
    saving = true
    try {
      standin.save(values.state)
    } finally {
      saving = false
    }
  }
  if (values.state) setInterval(save, 5 * 60000).unref()
  const stop = async () => {
    save()
    await standin.close()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
}

main().catch((error: unknown) => {
  console.error(`dhis2-standin: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
