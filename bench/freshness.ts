/**
 * Freshness: from a signed webhook delivery to its values readable in DHIS2 (run:
 * `npx tsx bench/freshness.ts`; needs Redis on 127.0.0.1:6379 — db 14 is flushed — and PostgreSQL at
 * RELAIS_TEST_PG_URL).
 *
 * DHIS2 is the stand-in paced as DHIS2 2.41 (`pace: 'dhis2-2.41'`, standins/dhis2/src/http/pace.ts), in this
 * process: its `onImport` hook says when each import's values were stored (readable by any GET from then
 * on), on this process's clock, so no polling blurs the figure. One `relais serve` (API + workers,
 * PostgreSQL ledger) with a webhook source (csv-partenaires.yaml, late data allowed), fresh for each rate.
 *
 * At each RATE (default 10 and 200 records/s) deliveries of one record (28 values) each — a new
 * (code_rc, mois) key — are sent open-loop, signed as bench/webhook-intake.ts does, for WARMUP_SECONDS (5,
 * not counted) then SECONDS (40). A record's freshness is the time from its scheduled send to the moment the
 * last of its values was stored in DHIS2. p50/p90/p99 per rate; target p99 < 10 s. Exits 1 on FAIL.
 *
 * Reference in the same run — what DHIS2 alone allows at that rate: the same records' values posted straight
 * to a fresh paced stand-in, gathered per WINDOW_MS (1 s, per period) and posted as each window closes
 * (open loop; the stand-in queues them on its 2 slots). If the reference misses the target too, DHIS2's
 * modelled capacity is the limit, not the bridge.
 * Also printed per rate: the imports the bridge sent (count, mean values per import) and how busy DHIS2's
 * slots were (sum of the imports' and reads' modelled time ÷ (elapsed × slots)).
 */
import { Agent } from 'node:http'
import { Redis } from 'ioredis'
import { sign } from '../bridge-service/src/sources/webhook/hmac'
import { DEMO_BRIDGE_TOKEN, DHIS2_2_41_PACE, costOf, createStandin, type Standin } from '@relais/dhis2-standin'
import {
  CSV_SPEC,
  createDatabase,
  expectedValues,
  rcCodes,
  rowValues,
  sleep,
  spawnServe,
  statusCounts,
} from '../tests/faults/support'
import { percentile, post, processCpuSeconds } from './support'

const RATES = (process.env.RATES ?? '10,200').split(',').map(Number)
const SECONDS = Number(process.env.SECONDS ?? 40)
const WARMUP_SECONDS = Number(process.env.WARMUP_SECONDS ?? 5)
const WINDOW_MS = 1000
const TARGET_P99_MS = 10_000
/** How long after the last send the records may take to become readable before they count as never. */
const DRAIN_MS = 120_000
const NOW = '2026-10-03T09:00:00Z'
const REDIS_URL = 'redis://127.0.0.1:6379/14'
const SECRET = 'freshness-bench-secret-0123456789abcdef0123456789'
const SOURCE = 'webhook-partenaires'
const PACE = DHIS2_2_41_PACE

const s = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : 'never')

/** A stand-in paced as DHIS2 2.41 that remembers when each org unit × period last had values stored. */
function pacedStandin() {
  const storedAt = new Map<string, number>()
  const stats = { imports: 0, values: 0, busyMs: 0 }
  const standin = createStandin({
    seed: 'demo',
    now: NOW,
    months: 0,
    pace: 'dhis2-2.41',
    onImport: ({ payload, at }) => {
      const values = payload.dataValues ?? []
      stats.imports++
      stats.values += values.length
      stats.busyMs += costOf(PACE.import, values.length)
      for (const v of values) storedAt.set(`${v.orgUnit}|${v.period}`, at)
    },
  })
  return { standin, storedAt, stats }
}

interface Load {
  /** [code_rc, mois] of record i (the warm-up's first). */
  rows: [string, string][]
  warmup: number
}

/** Distinct keys: the 1,200 RCs × months going back from 2026-09 (one period at a time, as reports come). */
function loadOf(standin: Standin, rate: number): Load {
  const rcs = rcCodes(standin)
  const warmup = rate * WARMUP_SECONDS
  const rows: [string, string][] = []
  for (let i = 0; i < warmup + rate * SECONDS; i++) {
    const month = 2026 * 12 + 8 - Math.floor(i / rcs.length)
    rows.push([rcs[i % rcs.length]!, `${Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`])
  }
  return { rows, warmup }
}

/** org unit id|period of each row (what `storedAt` is keyed by). */
function keysOf(standin: Standin, rows: readonly [string, string][]): string[] {
  const ids = new Map(standin.ctx.state.metadata.organisationUnits.map((o) => [o.code, o.id]))
  return rows.map(([rc, mois]) => `${ids.get(rc)}|${mois.replace('-', '')}`)
}

/** Open loop: record i is due at start + i / rate; answers each record's due time (performance.now()). */
async function sendOpenLoop(rate: number, count: number, send: (i: number) => Promise<void>): Promise<number[]> {
  const due: number[] = []
  const pending: Promise<void>[] = []
  const start = performance.now() + 50
  for (let i = 0; i < count; i++) {
    due.push(start + (i * 1000) / rate)
    const wait = due[i]! - performance.now()
    if (wait > 1) await sleep(wait)
    pending.push(send(i))
  }
  await Promise.all(pending)
  return due
}

interface DataValue {
  dataElement: string
  period: string
  orgUnit: string
  categoryOptionCombo: string
  attributeOptionCombo: string
  value: string
}

interface Outcome {
  /** Measured records' latencies, sorted. */
  latencies: number[]
  /** The same in send order, to see whether they grow during the run (a backlog) or stay level. */
  inOrder: number[]
  /** CPU-seconds of the bridge's process during the run (undefined for the reference, or off Linux). */
  bridgeCpu?: number
  busy: number
  imports: number
  values: number
  elapsed: number
}

function report(label: string, o: Outcome): void {
  const l = o.latencies
  const never = l.filter((x) => !Number.isFinite(x)).length
  const quarter = Math.floor(o.inOrder.length / 4)
  const p50Of = (part: number[]) =>
    s(
      percentile(
        [...part].sort((a, b) => a - b),
        50,
      ),
    )
  const trend = `p50 of the first / last quarter sent: ${p50Of(o.inOrder.slice(0, quarter))} / ${p50Of(o.inOrder.slice(-quarter))}`
  const cpu =
    o.bridgeCpu === undefined
      ? ''
      : `; bridge process ${o.bridgeCpu.toFixed(1)} CPU-s in ${(o.elapsed / 1000).toFixed(1)} s (${((100 * o.bridgeCpu * 1000) / o.elapsed).toFixed(0)} % of a core)`
  console.log(
    `${label.padEnd(34)} ${l.length - never}/${l.length} readable; p50 ${s(percentile(l, 50))}, p90 ${s(percentile(l, 90))}, ` +
      `p99 ${s(percentile(l, 99))}, max ${s(l[l.length - 1] ?? NaN)}; ${o.imports} imports, ${(o.values / Math.max(1, o.imports)).toFixed(0)} values each, ` +
      `DHIS2 slots busy ${((100 * o.busy) / (o.elapsed * PACE.concurrency)).toFixed(0)} % (imports)\n    ${trend}${cpu}`,
  )
}

/** Waits until every key has been stored at least once (or DRAIN_MS passed); latency per measured record. */
async function latencies(
  keys: readonly string[],
  due: readonly number[],
  from: number,
  storedAt: Map<string, number>,
  done: () => Promise<boolean>,
): Promise<number[]> {
  const deadline = performance.now() + DRAIN_MS
  while (!(await done()) && performance.now() < deadline) await sleep(200)
  const result: number[] = []
  for (let i = from; i < keys.length; i++) {
    const at = storedAt.get(keys[i]!)
    result.push(at === undefined ? Infinity : at - due[i]!)
  }
  return result
}

async function bridgeRun(rate: number): Promise<Outcome> {
  const { standin, storedAt, stats } = pacedStandin()
  const dhis2 = await standin.listen(0)
  const db = await createDatabase('relais_bench')
  const redis = new Redis(REDIS_URL)
  await redis.flushdb()
  redis.disconnect()
  const bridge = await spawnServe({
    env: {
      DHIS2_URL: dhis2,
      DHIS2_TOKEN: DEMO_BRIDGE_TOKEN,
      REDIS_URL,
      DATABASE_URL: db.url,
      FRESHNESS_BENCH_SECRET: SECRET,
    },
    config:
      `sources:\n  - name: ${SOURCE}\n    kind: webhook\n    secretEnv: FRESHNESS_BENCH_SECRET\n` +
      `    mapping: ${CSV_SPEC}\n    allowLateData: true\n`,
  })
  try {
    await bridge.ready
    const { rows, warmup } = loadOf(standin, rate)
    const keys = keysOf(standin, rows)
    const bodies = rows.map(([code_rc, mois], i) => JSON.stringify({ records: [{ code_rc, mois, ...rowValues(i) }] }))
    const url = new URL(`${bridge.url}/api/v1/inbound/${SOURCE}`)
    const agent = new Agent({ keepAlive: true, maxSockets: Infinity })
    const refused = new Map<number, number>()
    const started = performance.now()
    const busyBefore = { ...stats }
    const cpuBefore = processCpuSeconds(bridge.pid)
    const due = await sendOpenLoop(rate, bodies.length, async (i) => {
      const body = bodies[i]!
      const status = await post(url, agent, body, sign(body, SECRET).headers)
      if (status !== 202) refused.set(status, (refused.get(status) ?? 0) + 1)
    })
    agent.destroy()
    if (refused.size) throw new Error(`bridge refused deliveries: ${JSON.stringify(Object.fromEntries(refused))}`)
    const measured = await latencies(keys, due, warmup, storedAt, async () => {
      const counts = await statusCounts(db)
      if ((counts.quarantined ?? 0) + (counts.failed ?? 0) > 0)
        throw new Error(`bridge: ${JSON.stringify(counts)}\n${bridge.output().slice(-3000)}`)
      return (counts.imported ?? 0) + (counts.unchanged ?? 0) >= rows.length
    })
    const cpuAfter = processCpuSeconds(bridge.pid)
    return {
      latencies: [...measured].sort((a, b) => a - b),
      inOrder: measured,
      bridgeCpu: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
      busy: stats.busyMs - busyBefore.busyMs,
      imports: stats.imports,
      values: stats.values,
      elapsed: performance.now() - started,
    }
  } finally {
    await bridge.stop()
    await standin.close()
    await db.drop()
  }
}

/** DHIS2 alone: the same records' values gathered per WINDOW_MS and period, posted as each window closes. */
async function referenceRun(rate: number): Promise<Outcome> {
  const { standin, storedAt, stats } = pacedStandin()
  const dhis2 = await standin.listen(0)
  try {
    const { rows, warmup } = loadOf(standin, rate)
    const keys = keysOf(standin, rows)
    const aoc = standin.ctx.index.metadata.defaultCategoryOptionComboId
    // Each record's values as the bridge maps them (expectedValues numbers the rows as rowValues(i) does).
    const byKey = new Map<string, DataValue[]>()
    for (const [key, value] of expectedValues(standin, rows)) {
      const [orgUnit, period, dataElement, categoryOptionCombo] = key.split('|') as [string, string, string, string]
      const record = `${orgUnit}|${period}`
      if (!byKey.has(record)) byKey.set(record, [])
      byKey.get(record)!.push({ dataElement, period, orgUnit, categoryOptionCombo, attributeOptionCombo: aoc, value })
    }
    const perRecord = keys.map((key) => byKey.get(key)!)
    const started = performance.now()
    let window: DataValue[] = []
    let windowEnds = performance.now() + 50 + WINDOW_MS
    const posts: Promise<void>[] = []
    const flush = () => {
      const byPeriod = new Map<string, DataValue[]>()
      for (const v of window) {
        const list = byPeriod.get(v.period)
        if (list) list.push(v)
        else byPeriod.set(v.period, [v])
      }
      window = []
      for (const dataValues of byPeriod.values())
        posts.push(
          fetch(`${dhis2}/api/dataValueSets`, {
            method: 'POST',
            headers: { Authorization: `ApiToken ${DEMO_BRIDGE_TOKEN}`, 'Content-Type': 'application/json' },
            body: JSON.stringify({ dataValues }),
          }).then(async (res) => {
            const answer = (await res.json()) as { response?: { status: string } }
            if (res.status !== 200 || answer.response?.status !== 'SUCCESS')
              throw new Error(`reference: HTTP ${res.status} ${JSON.stringify(answer).slice(0, 500)}`)
          }),
        )
    }
    const due = await sendOpenLoop(rate, rows.length, async (i) => {
      if (performance.now() >= windowEnds) {
        flush()
        windowEnds += WINDOW_MS * Math.ceil((performance.now() - windowEnds + 1) / WINDOW_MS)
      }
      window.push(...perRecord[i]!)
    })
    flush()
    await Promise.all(posts)
    const measured = await latencies(keys, due, warmup, storedAt, () => Promise.resolve(true))
    return {
      latencies: [...measured].sort((a, b) => a - b),
      inOrder: measured,
      busy: stats.busyMs,
      imports: stats.imports,
      values: stats.values,
      elapsed: performance.now() - started,
    }
  } finally {
    await standin.close()
  }
}

async function main(): Promise<void> {
  console.log(
    `Freshness bench: webhook delivery → value readable in a DHIS2-paced stand-in (${JSON.stringify(PACE)}); ` +
      `rates ${RATES.join(', ')} records/s × ${SECONDS} s after ${WARMUP_SECONDS} s of warm-up; 28 values per record; Node ${process.version}`,
  )
  let ok = true
  for (const rate of RATES) {
    const bridge = await bridgeRun(rate)
    report(`${rate} rec/s — bridge`, bridge)
    const reference = await referenceRun(rate)
    report(`${rate} rec/s — DHIS2 alone (1 s batches)`, reference)
    const p99 = percentile(bridge.latencies, 99)
    const pass = p99 < TARGET_P99_MS
    console.log(
      `${rate} rec/s: bridge p99 ${s(p99)} (target < ${TARGET_P99_MS / 1000} s): ${pass ? 'PASS' : 'FAIL'}; ` +
        `DHIS2 alone p99 ${s(percentile(reference.latencies, 99))}`,
    )
    ok &&= pass
  }
  process.exit(ok ? 0 : 1)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
