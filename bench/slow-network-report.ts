/**
 * The printed figures of bench:app's slow-network section (bench/app-slow-network.ts): the targets' table, then
 * what the loads are made of, so that a missed target says where its time goes: bytes over the wire by kind,
 * main-thread time, the largest transfers, and two checks that the figures mean what they say (the repeat load's
 * JavaScript came from the service worker; the worker's own fetches were throttled).
 */
import { describeSlow } from './throttle'
import { bytesByKind, KINDS, type Transfer } from './wire-log'

export interface Load {
  /** performance.now() at navigation, and milliseconds from then to the usable screen. */
  started: number
  ms: number
  /** Everything that went over the wire meanwhile, page and service worker. */
  transfers: Transfer[]
  /** Main-thread time, throttled, in tasks and in script. */
  taskMs: number
  scriptMs: number
}

export interface Run {
  first: Load
  /** What went over the wire after the first load was usable, until the worker was ready and the network quiet. */
  afterFirst: Transfer[]
  workerReadyMs: number
  repeat: Load
}

const TARGETS = { first: 8_000, repeat: 2_000 }
/** SLOW_VERBOSE=1: every transfer of each app's typical run, to see the waterfall. */
const VERBOSE = process.env.SLOW_VERBOSE === '1'
const fmt = (n: number) => Math.round(n).toLocaleString('en')
const kb = (bytes: number) => (bytes / 1024).toFixed(1)
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN
const worst = (xs: number[]) => Math.max(...xs)
const fileOf = (url: string, length = 60) =>
  (({ pathname, search }) => pathname.replace(/^\/api\/apps\/[^/]+\//, '') + search)(new URL(url)).slice(0, length)
const who = (t: Transfer) => `${t.byWorker ? 'worker' : 'page  '}  ${t.fromWorker ? 'worker ' : 'network'}`

/** The run with the median first load: its bytes and times stand for the app's (bytes hardly vary). */
const typical = (runs: Run[]) => runs.find((r) => r.first.ms === median(runs.map((x) => x.first.ms))) ?? runs[0]!

function targetsTable(app: Run[], ref: Run[]): boolean {
  let failed = false
  console.log(`load                      Relais ms  worst   header bar ms  worst   × header bar  target`)
  for (const phase of ['first', 'repeat'] as const) {
    const a = app.map((r) => r[phase].ms)
    const b = ref.map((r) => r[phase].ms)
    const ok = median(a) <= TARGETS[phase]
    if (!ok) failed = true
    const name = phase === 'first' ? 'first load (cold)' : 'repeat (service worker)'
    console.log(
      `${name.padEnd(24)} ${fmt(median(a)).padStart(10)} ${fmt(worst(a)).padStart(6)} ${fmt(median(b)).padStart(15)} ${fmt(worst(b)).padStart(6)} ${(median(a) / median(b)).toFixed(2).padStart(13)}×  ≤ ${fmt(TARGETS[phase])} ${ok ? 'ok' : 'FAIL'}`,
    )
  }
  return failed
}

function bytesTable(a: Run, b: Run): void {
  const columns = [
    a.first.transfers,
    a.afterFirst,
    a.repeat.transfers,
    b.first.transfers,
    b.afterFirst,
    b.repeat.transfers,
  ]
  const sums = columns.map(bytesByKind)
  const widths = [14, 15, 8, 19, 15, 8]
  const row = (label: string, values: number[]) =>
    console.log(`${label.padEnd(22)} ${values.map((v, i) => kb(v).padStart(widths[i] ?? 8)).join(' ')}`)
  console.log(
    'KB over the wire       Relais: first  until SW ready  repeat   header bar: first  until SW ready  repeat',
  )
  for (const kind of KINDS)
    row(
      kind === 'API' ? 'API (JSON)' : kind,
      sums.map((s) => s[kind]),
    )
  row(
    'total',
    sums.map((s) => s.total),
  )
  console.log('  first: during the timed load, page and worker (the worker starts precaching at the load event);')
  console.log('  until SW ready: then the worker precaching, and the page reloaded by the platform when its new')
  console.log('  worker takes control (@dhis2/pwa claimClients), refetching its API data.')
  console.log('  API: gzipped, as nginx sends it in front of DHIS2 (docker/proxy/nginx.conf).')
}

/** Checks that the figures mean what they say; false when the repeat load did not come from the worker. */
function checks(label: string, runs: Run[]): boolean {
  // The repeat load's app JavaScript as the page got it: every file must be the worker's answer.
  const js = runs
    .flatMap((r) => r.repeat.transfers)
    .filter((t) => !t.byWorker && t.kind === 'app JS' && t.url.includes('/assets/'))
  const fromWorker = js.filter((t) => t.fromWorker).length
  const ok = js.length > 0 && fromWorker === js.length
  // Whether the worker's own fetches were throttled: its largest precache fetch, in kbit/s.
  const big = runs
    .flatMap((r) => r.afterFirst)
    .filter((t) => t.byWorker)
    .sort((x, y) => y.bytes - x.bytes)[0]
  const rate = big
    ? `${fileOf(big.url)} ${kb(big.bytes)} KB in ${fmt(big.ms)} ms = ${fmt((big.bytes * 8) / big.ms)} kbit/s`
    : '-'
  console.log(
    `${label}: repeat-load app JS answered by the service worker: ${fromWorker} of ${js.length} files in ${runs.length} runs${ok ? '' : ' FAIL'}`,
  )
  console.log(`${' '.repeat(label.length)}  the worker's largest precache fetch: ${rate}`)
  return ok
}

function waterfall(label: string, run: Run): void {
  for (const [phase, load, transfers] of [
    ['first load', run.first, run.first.transfers],
    ['until the worker is ready', run.first, run.afterFirst],
    ['repeat load', run.repeat, run.repeat.transfers],
  ] as const) {
    console.log(`${label}, ${phase}: start ms, duration ms, KB, requested by, answered by, file`)
    for (const t of [...transfers].sort((x, y) => x.at - y.at))
      console.log(
        `  ${fmt(t.at - load.started).padStart(7)} ${fmt(t.ms).padStart(6)} ${kb(t.bytes).padStart(7)}  ${who(t)}  ${fileOf(t.url, 110)}`,
      )
  }
}

/** Prints the section's figures; true when Relais missed a target or the repeat load was not the worker's. */
export function report(runs: Record<'Relais' | 'header bar', Run[]>): boolean {
  const [app, ref] = [runs.Relais, runs['header bar']]
  const [a, b] = [typical(app), typical(ref)]
  console.log('')
  console.log(`Slow network: ${describeSlow()} (page and service worker); demo seed; median of ${app.length} runs`)
  let failed = targetsTable(app, ref)
  console.log('')
  bytesTable(a, b)
  console.log('')
  console.log('main thread (4× slower) busy / in script, ms   first load        repeat')
  for (const [label, run] of [
    ['Relais', a],
    ['header bar', b],
  ] as const)
    console.log(
      `  ${label.padEnd(44)} ${`${fmt(run.first.taskMs)} / ${fmt(run.first.scriptMs)}`.padEnd(17)} ${fmt(run.repeat.taskMs)} / ${fmt(run.repeat.scriptMs)}`,
    )
  console.log(
    `service worker ready after the first load: Relais ${fmt(a.workerReadyMs)} ms, header bar ${fmt(b.workerReadyMs)} ms`,
  )
  if (!checks('Relais', app)) failed = true
  if (!checks('header bar', ref)) failed = true
  console.log('Relais first load, largest transfers (KB, ms, requested by, answered by):')
  for (const t of [...a.first.transfers].sort((x, y) => y.bytes - x.bytes).slice(0, 6))
    console.log(`  ${kb(t.bytes).padStart(7)} ${fmt(t.ms).padStart(6)}  ${who(t)}  ${fileOf(t.url, 100)}`)
  if (VERBOSE) {
    waterfall('Relais', a)
    waterfall('header bar', b)
  }
  return failed
}
