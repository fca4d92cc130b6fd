/**
 * End-to-end speed of a CSV sync through a real bridge (run: `npx tsx bench/bridge-csv.ts`; needs Redis on
 * 127.0.0.1:6379 — db 14 is flushed — and PostgreSQL at RELAIS_TEST_PG_URL).
 *
 * 100,016 values = 3,572 rows × 28 values of the partner CSV (csv-partenaires.yaml): the 1,200 RCs of the
 * demo seed × 2026-07, 2026-08 and 2026-09 (the stand-in's clock on 2026-10-03; the source has
 * `allowLateData: true` because July and August are past RC_MENSUEL's 15 expiry days).
 *
 * 1. bridge: one `relais serve` process (API + workers, PostgreSQL ledger), timed from the upload's first
 *    byte until every record is imported (polled in the ledger); the stand-in then holds all values.
 * 2. the limit: the same values as pre-built dataValueSets payloads (chunks of 5,000 per data set × period,
 *    the bridge's batchSize) posted one after the other straight to a fresh stand-in.
 * 3. naive: what an OpenFn-style job does per value — GET /api/dataValues, then POST /api/dataValues — on a
 *    subset (NAIVE_VALUES, default 3,000), extrapolated per value to 100,016.
 * Prints values/s of each, bridge ÷ limit (target ≥ 0.7) and bridge ÷ naive (target ≥ 20); exits 1 on FAIL.
 * On Linux it also prints the CPU time the whole machine spent during the bridge's run (bridge, PostgreSQL,
 * Redis, stand-in): on a small machine the run is CPU-bound, and that figure says by how much.
 */
import { readFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { Redis } from 'ioredis'
import { DEMO_BRIDGE_TOKEN } from '../tests/dhis2-standin/src/seed'
import { createStandin, type Standin } from '../tests/dhis2-standin/src/server'
import {
  buildCsv,
  createDatabase,
  csvSourceConfig,
  expectedValues,
  rcCodes,
  readBack,
  sleep,
  spawnServe,
  statusCounts,
  upload,
} from '../tests/faults/support'

const NOW = '2026-10-03T09:00:00Z'
const MONTHS = ['2026-07', '2026-08', '2026-09']
const TOTAL_ROWS = 3_572
const CHUNK = 5_000
const NAIVE_VALUES = Number(process.env.NAIVE_VALUES ?? 3_000)
const REDIS_URL = 'redis://127.0.0.1:6379/14'
const fmt = (n: number) => Math.round(n).toLocaleString('en')

/** CPU-seconds the machine has been busy since boot (all cores; /proc/stat), or undefined off Linux. */
function machineBusySeconds(): number | undefined {
  try {
    const [, user, nice, system, , , irq, softirq] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/)
    const ticks = [user, nice, system, irq, softirq].reduce((sum, t) => sum + Number(t), 0)
    return ticks / 100 // USER_HZ
  } catch {
    return undefined
  }
}

const newStandin = () => createStandin({ seed: 'demo', now: NOW, months: 0, testEndpoints: true })

function plan(standin: Standin): [string, string][] {
  const rcs = rcCodes(standin)
  const rows: [string, string][] = []
  for (const month of MONTHS) for (const rc of rcs) if (rows.length < TOTAL_ROWS) rows.push([rc, month])
  return rows
}

interface Value {
  dataElement: string
  period: string
  orgUnit: string
  categoryOptionCombo: string
  attributeOptionCombo: string
  value: string
}

function valuesOf(standin: Standin, expected: Map<string, string>): Value[] {
  const aoc = standin.ctx.index.metadata.defaultCategoryOptionComboId
  return [...expected].map(([key, value]) => {
    const [orgUnit, period, dataElement, categoryOptionCombo] = key.split('|') as [string, string, string, string]
    return { dataElement, period, orgUnit, categoryOptionCombo, attributeOptionCombo: aoc, value }
  })
}

async function bridgeRun(): Promise<{ rate: number; seconds: number; values: number }> {
  const standin = newStandin()
  const dhis2 = await standin.listen(0)
  const db = await createDatabase('relais_bench')
  const redis = new Redis(REDIS_URL)
  await redis.flushdb()
  redis.disconnect()
  const bridge = await spawnServe({
    env: { DHIS2_URL: dhis2, DHIS2_TOKEN: DEMO_BRIDGE_TOKEN, REDIS_URL, DATABASE_URL: db.url },
    config: csvSourceConfig('    allowLateData: true\n'),
  })
  try {
    await bridge.ready
    const rows = plan(standin)
    const expected = expectedValues(standin, rows)
    const csv = buildCsv(rows)
    const busyBefore = machineBusySeconds()
    const started = process.hrtime.bigint()
    const run = await upload(bridge.url, csv)
    const uploaded = Number(process.hrtime.bigint() - started) / 1e9
    let counts: Record<string, number> = {}
    let lastTrace = 0
    for (;;) {
      counts = await statusCounts(db)
      // TRACE=1: where the time goes, stage by stage (the records' statuses once a second).
      if (process.env.TRACE && Date.now() - lastTrace >= 1000) {
        lastTrace = Date.now()
        console.log(`  ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s ${JSON.stringify(counts)}`)
      }
      if ((counts.imported ?? 0) + (counts.unchanged ?? 0) >= rows.length) break
      if ((counts.quarantined ?? 0) + (counts.failed ?? 0) > 0)
        throw new Error(`bridge: ${JSON.stringify(counts)}\n${bridge.output().slice(-3000)}`)
      await sleep(100)
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    const busyAfter = machineBusySeconds()
    const cpu =
      busyBefore === undefined || busyAfter === undefined
        ? ''
        : `; machine busy ${(busyAfter - busyBefore).toFixed(1)} CPU-s of ${(seconds * cpus().length).toFixed(1)} (${cpus().length} cores)`
    const held = await readBack(
      standin,
      dhis2,
      DEMO_BRIDGE_TOKEN,
      MONTHS.map((m) => m.replace('-', '')),
    )
    if (held.length !== expected.size) throw new Error(`bridge: DHIS2 holds ${held.length} of ${expected.size} values`)
    const rate = expected.size / seconds
    console.log(
      `${'bridge (upload → all imported)'.padEnd(36)} ${expected.size} values in ${seconds.toFixed(2)} s = ${fmt(rate)} values/s ` +
        `(upload answered 202 after ${uploaded.toFixed(2)} s, ${run.rows} rows${cpu})`,
    )
    return { rate, seconds, values: expected.size }
  } finally {
    await bridge.stop()
    await standin.close()
    await db.drop()
  }
}

async function limitRun(): Promise<number> {
  const standin = newStandin()
  const dhis2 = await standin.listen(0)
  try {
    const values = valuesOf(standin, expectedValues(standin, plan(standin)))
    // Grouped per period as the bridge batches them (data set × period), ≤ CHUNK values per request.
    const bodies: string[] = []
    for (const month of MONTHS) {
      const pe = month.replace('-', '')
      const ofPeriod = values.filter((v) => v.period === pe)
      for (let i = 0; i < ofPeriod.length; i += CHUNK)
        bodies.push(JSON.stringify({ dataValues: ofPeriod.slice(i, i + CHUNK) }))
    }
    const started = process.hrtime.bigint()
    for (const body of bodies) {
      const res = await fetch(`${dhis2}/api/dataValueSets`, {
        method: 'POST',
        headers: { Authorization: `ApiToken ${DEMO_BRIDGE_TOKEN}`, 'Content-Type': 'application/json' },
        body,
      })
      const answer = (await res.json()) as { response?: { status: string } }
      if (res.status !== 200 || answer.response?.status !== 'SUCCESS')
        throw new Error(`limit: HTTP ${res.status} ${JSON.stringify(answer).slice(0, 500)}`)
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    if (standin.ctx.state.dataValues.size !== values.length)
      throw new Error(`limit: store holds ${standin.ctx.state.dataValues.size} of ${values.length}`)
    const rate = values.length / seconds
    console.log(
      `${'limit (pre-built payloads, direct)'.padEnd(36)} ${values.length} values in ${seconds.toFixed(2)} s = ${fmt(rate)} values/s (${bodies.length} requests)`,
    )
    return rate
  } finally {
    await standin.close()
  }
}

async function naiveRun(total: number): Promise<number> {
  const standin = newStandin()
  const dhis2 = await standin.listen(0)
  try {
    const values = valuesOf(standin, expectedValues(standin, plan(standin))).slice(0, NAIVE_VALUES)
    const auth = { Authorization: `ApiToken ${DEMO_BRIDGE_TOKEN}` }
    const started = process.hrtime.bigint()
    for (const v of values) {
      const params = new URLSearchParams({ de: v.dataElement, pe: v.period, ou: v.orgUnit, co: v.categoryOptionCombo })
      const existing = await fetch(`${dhis2}/api/dataValues?${params}`, { headers: auth })
      await existing.arrayBuffer()
      params.set('value', v.value)
      const res = await fetch(`${dhis2}/api/dataValues`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: params.toString(),
      })
      if (res.status !== 201 && res.status !== 200) throw new Error(`naive: HTTP ${res.status} ${await res.text()}`)
      await res.arrayBuffer()
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    if (standin.ctx.state.dataValues.size !== values.length)
      throw new Error(`naive: store holds ${standin.ctx.state.dataValues.size} of ${values.length}`)
    const rate = values.length / seconds
    console.log(
      `${'naive (GET then POST per value)'.padEnd(36)} ${values.length} values in ${seconds.toFixed(2)} s = ${fmt(rate)} values/s ` +
        `(subset; extrapolated to ${total}: ${(total / rate).toFixed(0)} s)`,
    )
    return rate
  } finally {
    await standin.close()
  }
}

async function main(): Promise<void> {
  console.log(`Bridge CSV bench: ${TOTAL_ROWS} rows × 28 values, demo seed, Node ${process.version}`)
  const bridge = await bridgeRun()
  const limit = await limitRun()
  const naive = await naiveRun(bridge.values)
  const ratio = bridge.rate / limit
  const speedup = bridge.rate / naive
  const okRatio = ratio >= 0.7
  const okSpeedup = speedup >= 20
  console.log(`bridge ÷ limit = ${ratio.toFixed(2)} (target ≥ 0.70): ${okRatio ? 'PASS' : 'FAIL'}`)
  console.log(`bridge ÷ naive = ${speedup.toFixed(1)}× (target ≥ 20×): ${okSpeedup ? 'PASS' : 'FAIL'}`)
  process.exit(okRatio && okSpeedup ? 0 : 1)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
