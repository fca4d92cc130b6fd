/**
 * End-to-end speed of a CSV sync through a real bridge into a **DHIS2-paced** stand-in (run:
 * `npx tsx bench/bridge-paced.ts`; needs Redis on 127.0.0.1:6379 — db 14 is flushed — and PostgreSQL at
 * RELAIS_TEST_PG_URL).
 *
 * bench/bridge-csv.ts compares the bridge with an in-memory stand-in that ingests ≈ 200,000 values/s, ≈ 50×
 * DHIS2 2.41; there the bridge's own CPU decides everything. Here the stand-in costs what DHIS2 2.41 costs
 * (`pace: 'dhis2-2.41'`, standins/dhis2/src/http/pace.ts: 60 ms per import + 0.25 ms per value, 20 ms per
 * read, 2 requests served at once — as wall-clock delay, since a real DHIS2 uses its own server's CPU), and
 * the question is whether the bridge keeps such a DHIS2 busy:
 *
 * 1. limit: the same 100,016 values as pre-built dataValueSets payloads (5,000 per request within a data
 *    set × period, the bridge's batchSize), posted straight to a fresh paced stand-in by as many clients as
 *    it serves at once (its `concurrency`): the most this DHIS2 can take.
 * 2. bridge: one `relais serve` (API + workers, PostgreSQL ledger) given the same CSV (3,572 rows × 28
 *    values, csv-partenaires.yaml, 1,200 RCs × 2026-07…09), timed from the upload's first byte until every
 *    record is imported; DHIS2 then holds every value.
 * Target: bridge ≥ 0.9 × limit. Runs alternate (limit, bridge) PAIRS times (default 3); medians compared.
 * The full 100,016 values: ≈ 13 s per run at this pace, short enough to keep the same CSV as bridge-csv.
 * Exits 1 on FAIL.
 */
import { DHIS2_2_41_PACE, costOf, createStandin } from '@relais/dhis2-standin'
import { buildCsv, expectedValues, upload } from '../tests/faults/support'
import {
  checkHeld,
  fmt,
  NOW,
  payloadBodies,
  postPayload,
  plan,
  startBenchBridge,
  TOTAL_ROWS,
  untilImported,
  valuesOf,
} from './support'

const PAIRS = Number(process.env.PAIRS ?? 3)
/** `relais serve` arguments, e.g. BRIDGE_ARGS=--without-overwrite-check to see what the reads before each push cost. */
const BRIDGE_ARGS = (process.env.BRIDGE_ARGS ?? '').split(' ').filter(Boolean)
const PACE = DHIS2_2_41_PACE

const newStandin = () => createStandin({ seed: 'demo', now: NOW, months: 0, testEndpoints: true, pace: 'dhis2-2.41' })

async function limitRun(): Promise<number> {
  const standin = newStandin()
  const dhis2 = await standin.listen(0)
  try {
    const values = valuesOf(standin)
    const bodies = payloadBodies(values)
    const started = process.hrtime.bigint()
    let next = 0
    // As many clients as DHIS2 serves at once: each takes the next payload when its last one is answered.
    const client = async () => {
      while (next < bodies.length) {
        await postPayload(dhis2, bodies[next++]!)
      }
    }
    await Promise.all(Array.from({ length: PACE.concurrency }, client))
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    if (standin.ctx.state.dataValues.size !== values.length)
      throw new Error(`limit: store holds ${standin.ctx.state.dataValues.size} of ${values.length}`)
    const rate = values.length / seconds
    console.log(
      `${'limit (payloads straight to DHIS2)'.padEnd(36)} ${values.length} values in ${seconds.toFixed(2)} s = ${fmt(rate)} values/s ` +
        `(${bodies.length} requests, ${PACE.concurrency} clients)`,
    )
    return rate
  } finally {
    await standin.close()
  }
}

async function bridgeRun(): Promise<number> {
  let imports = 0
  let importedValues = 0
  let firstImport: number | undefined
  let firstSent: number | undefined
  let lastImport = 0
  let t0 = 0
  // What the bridge asked of DHIS2: its imports, their sizes, when the first landed.
  const standin = createStandin({
    seed: 'demo',
    now: NOW,
    months: 0,
    testEndpoints: true,
    pace: 'dhis2-2.41',
    onImport: (e) => {
      imports++
      importedValues += e.payload.dataValues?.length ?? 0
      firstImport ??= e.at - t0
      // When the first import reached DHIS2's slot: its store time less its modelled cost (it had no queue).
      firstSent ??= e.at - t0 - costOf(PACE.import, e.payload.dataValues?.length ?? 0)
      lastImport = e.at - t0
    },
  })
  const dhis2 = await standin.listen(0)
  const { db, bridge } = await startBenchBridge(dhis2, BRIDGE_ARGS)
  try {
    await bridge.ready
    const rows = plan(standin)
    const expected = expectedValues(standin, rows)
    const csv = buildCsv(rows)
    const pacer = standin.ctx.pacer!
    pacer.peak = 0
    t0 = performance.now()
    const started = process.hrtime.bigint()
    await upload(bridge.url, csv)
    let lastTrace = 0
    await untilImported(db, bridge, rows.length, (counts) => {
      // TRACE=1: the records' statuses and DHIS2's imports twice a second (where the time goes).
      if (process.env.TRACE && performance.now() - lastTrace >= 500) {
        lastTrace = performance.now()
        console.log(`  ${((lastTrace - t0) / 1000).toFixed(1)} s ${JSON.stringify(counts)} imports stored: ${imports}`)
      }
    })
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    await checkHeld(standin, dhis2, expected)
    const rate = expected.size / seconds
    console.log(
      `${'bridge (upload → all imported)'.padEnd(36)} ${expected.size} values in ${seconds.toFixed(2)} s = ${fmt(rate)} values/s ` +
        `(${imports} imports of ${importedValues} values, the first stored after ${((firstImport ?? NaN) / 1000).toFixed(2)} s; ` +
        `at most ${pacer.peak} requests in service)`,
    )
    // Start-up (upload, intake, mapping of the first chunk) against the steady state (DHIS2 kept busy):
    // on a 15 s run the first alone weighs ≈ 10 %.
    console.log(
      `${''.padEnd(36)} first import sent after ${((firstSent ?? NaN) / 1000).toFixed(2)} s; from then to the last import stored: ` +
        `${fmt((expected.size * 1000) / (lastImport - (firstSent ?? 0)))} values/s`,
    )
    return rate
  } finally {
    await bridge.stop()
    await standin.close()
    await db.drop()
  }
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

async function main(): Promise<void> {
  console.log(
    `Bridge into a DHIS2-paced stand-in: ${TOTAL_ROWS} rows × 28 values, pace ${JSON.stringify(PACE)}, Node ${process.version}`,
  )
  const limits: number[] = []
  const bridges: number[] = []
  for (let pair = 0; pair < PAIRS; pair++) {
    limits.push(await limitRun())
    bridges.push(await bridgeRun())
  }
  const ratio = median(bridges) / median(limits)
  const ok = ratio >= 0.9
  console.log(
    `bridge ÷ limit (medians of ${PAIRS}) = ${fmt(median(bridges))} ÷ ${fmt(median(limits))} = ${ratio.toFixed(2)} (target ≥ 0.90): ${ok ? 'PASS' : 'FAIL'}`,
  )
  process.exit(ok ? 0 : 1)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
