/**
 * What the bridge benches share: the CSV workload (the demo seed's RCs × three months, as bridge-csv and
 * bridge-paced send it), the same values as pre-built dataValueSets payloads (the « limit » each bridge run is
 * compared with), CPU readings from /proc, percentiles, and a light HTTP POST for load generators.
 */
import { readFileSync } from 'node:fs'
import { request, type Agent } from 'node:http'
import type { URL } from 'node:url'
import { Redis } from 'ioredis'
import { DEMO_BRIDGE_TOKEN, type Standin } from '@relais/dhis2-standin'
import {
  createDatabase,
  csvSourceConfig,
  expectedValues,
  rcCodes,
  readBack,
  sleep,
  spawnServe,
  statusCounts,
  type ThrowawayDatabase,
} from '../tests/faults/support'

/** The stand-in's clock: July and August are past RC_MENSUEL's expiry, hence `allowLateData` on the source. */
export const NOW = '2026-10-03T09:00:00Z'
export const MONTHS = ['2026-07', '2026-08', '2026-09']
/** 3,572 rows × 28 values = 100,016 values. */
export const TOTAL_ROWS = 3_572
/** Values per pre-built request: the bridge's batchSize. */
export const CHUNK = 5_000

export const fmt = (n: number) => Math.round(n).toLocaleString('en')

/** Redis database of the bridge benches (flushed before each bridge run). */
export const REDIS_URL = 'redis://127.0.0.1:6379/14'

/** The rows of the workload: (RC code, month), the demo seed's RCs month after month. */
export function plan(standin: Standin): [string, string][] {
  const rcs = rcCodes(standin)
  const rows: [string, string][] = []
  for (const month of MONTHS) for (const rc of rcs) if (rows.length < TOTAL_ROWS) rows.push([rc, month])
  return rows
}

export interface Value {
  dataElement: string
  period: string
  orgUnit: string
  categoryOptionCombo: string
  attributeOptionCombo: string
  value: string
}

/** The workload's values as DHIS2 data values (UIDs). */
export function valuesOf(standin: Standin): Value[] {
  const aoc = standin.ctx.index.metadata.defaultCategoryOptionComboId
  return [...expectedValues(standin, plan(standin))].map(([key, value]) => {
    const [orgUnit, period, dataElement, categoryOptionCombo] = key.split('|') as [string, string, string, string]
    return { dataElement, period, orgUnit, categoryOptionCombo, attributeOptionCombo: aoc, value }
  })
}

/** The values as request bodies, grouped per period as the bridge batches them (data set × period), ≤ CHUNK each. */
export function payloadBodies(values: readonly Value[]): string[] {
  const bodies: string[] = []
  for (const month of MONTHS) {
    const pe = month.replace('-', '')
    const ofPeriod = values.filter((v) => v.period === pe)
    for (let i = 0; i < ofPeriod.length; i += CHUNK)
      bodies.push(JSON.stringify({ dataValues: ofPeriod.slice(i, i + CHUNK) }))
  }
  return bodies
}

/** CPU-seconds a process has used (utime + stime, /proc), or undefined when it cannot be read. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return undefined
  }
}

export const percentile = (sorted: readonly number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!

/**
 * One POST over node:http with a keep-alive agent; answers the status, or an error. Not fetch: on this 2-core
 * machine the load generator shares the cores with the bridge, PostgreSQL and Redis, and fetch cost about a
 * core's worth of CPU at 500 requests/s — CPU taken from the server being measured.
 */
export function post(url: URL, agent: Agent, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers },
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

/** A fresh ledger, Redis database 14 flushed, and `relais serve [args]` on the partner CSV source against `dhis2`. */
export async function startBenchBridge(dhis2: string, args: string[] = []) {
  const db = await createDatabase('relais_bench')
  const redis = new Redis(REDIS_URL)
  await redis.flushdb()
  redis.disconnect()
  const bridge = await spawnServe({
    args,
    env: { DHIS2_URL: dhis2, DHIS2_TOKEN: DEMO_BRIDGE_TOKEN, REDIS_URL, DATABASE_URL: db.url },
    // July and August are past RC_MENSUEL's expiry days on the stand-in's clock.
    config: csvSourceConfig('    allowLateData: true\n'),
  })
  return { db, bridge }
}

/**
 * Polls the ledger every 100 ms until `rows` records are imported or unchanged; throws at the first quarantined
 * or failed record with the bridge's last output. `onCounts` sees the counts (traces).
 * Given the upload's `runId`, a poll reads that run's status only, and the records are counted once a second
 * and when the run ends: counting them by status reads the whole table, and PostgreSQL's CPU for it every
 * 100 ms (≈ 0.1 CPU-s per 100,000 values) was counted as the bridge's own in the cost per value.
 */
export async function untilImported(
  db: ThrowawayDatabase,
  bridge: { output(): string },
  rows: number,
  onCounts?: (counts: Record<string, number>) => void,
  runId?: string,
): Promise<Record<string, number>> {
  for (let poll = 0; ; poll++) {
    const ended =
      runId !== undefined &&
      (await db.query<{ status: string }>('SELECT status FROM runs WHERE id = $1', [runId]))[0]?.status !== 'running'
    if (runId === undefined || ended || poll % 10 === 0) {
      const counts = await statusCounts(db)
      onCounts?.(counts)
      if ((counts.imported ?? 0) + (counts.unchanged ?? 0) >= rows) return counts
      if ((counts.quarantined ?? 0) + (counts.failed ?? 0) > 0 || ended)
        throw new Error(`bridge: ${JSON.stringify(counts)}\n${bridge.output().slice(-3000)}`)
    }
    await sleep(100)
  }
}

/** Throws unless DHIS2 holds every expected value of the three months. */
export async function checkHeld(standin: Standin, dhis2: string, expected: ReadonlyMap<string, string>): Promise<void> {
  const held = await readBack(
    standin,
    dhis2,
    DEMO_BRIDGE_TOKEN,
    MONTHS.map((m) => m.replace('-', '')),
  )
  if (held.length !== expected.size) throw new Error(`bridge: DHIS2 holds ${held.length} of ${expected.size} values`)
}

/** Posts one pre-built dataValueSets body to `dhis2`; throws unless DHIS2 answers 200 SUCCESS (the limit runs). */
export async function postPayload(dhis2: string, body: string): Promise<void> {
  const res = await fetch(`${dhis2}/api/dataValueSets`, {
    method: 'POST',
    headers: { Authorization: `ApiToken ${DEMO_BRIDGE_TOKEN}`, 'Content-Type': 'application/json' },
    body,
  })
  const answer = (await res.json()) as { response?: { status: string } }
  if (res.status !== 200 || answer.response?.status !== 'SUCCESS')
    throw new Error(`limit: HTTP ${res.status} ${JSON.stringify(answer).slice(0, 500)}`)
}
