/**
 * FAULT TEST (issue 4 §6): kill -9 the worker process at random moments of a 20,000-value sync, at least
 * 10 times, restarting it each time → DHIS2's final state equals the expected one, every record terminal.
 *
 * Real processes: one `relais serve --api-only` (takes the upload) and a SEPARATE `relais serve
 * --workers-only` child that is SIGKILLed ≥ 10 times at random moments (during its start, reconciliation,
 * mapping or pushing) and started again each time; a final worker is left to finish. Ledger: a throwaway
 * PostgreSQL database (two processes share it); Redis: db 13, flushed at start. DHIS2: the stand-in (demo
 * seed, 720 RC × 28 values of 2026-09 = 20,160 values, the clock on 2026-10-03 so the month is open).
 *
 * Needs Redis on 127.0.0.1:6379 and PostgreSQL at RELAIS_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { Redis } from 'ioredis'
import { DEMO_BRIDGE_TOKEN, createStandin, type Standin } from '@relais/dhis2-standin'
import {
  buildCsv,
  createDatabase,
  csvSourceConfig,
  expectedValues,
  intakeCommitted,
  rcCodes,
  heldDifferences,
  readBack,
  sleep,
  spawnServe,
  statusCounts,
  TERMINAL,
  upload,
  type ServeChild,
  type ThrowawayDatabase,
} from './support'

const REDIS_URL = 'redis://127.0.0.1:6379/13'
const KILLS = 10
const RC_COUNT = 720
const MONTH = '2026-09'
// Each killed worker may leave a job locked: BullMQ gives it back once its lock (20 s, workers.ts) has expired
// and a stalled check (every 5 s) ran. The budget below allows for that with a wide margin.
const FINISH_BUDGET_MS = 300_000

jest.setTimeout(FINISH_BUDGET_MS + 120_000)

let standin: Standin
let dhis2: string
let db: ThrowawayDatabase
let api: ServeChild | undefined
const workers: ServeChild[] = []

const env = () => ({
  DHIS2_URL: dhis2,
  DHIS2_TOKEN: DEMO_BRIDGE_TOKEN,
  REDIS_URL,
  DATABASE_URL: db.url,
})

beforeAll(async () => {
  standin = createStandin({ seed: 'demo', now: '2026-10-03T09:00:00Z', months: 0, testEndpoints: true })
  dhis2 = await standin.listen(0)
  db = await createDatabase()
  const redis = new Redis(REDIS_URL)
  await redis.flushdb()
  redis.disconnect()
})

afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill9()))
  await api?.stop()
  await standin?.close()
  await db?.drop()
})

test('FAULT: kill -9 the worker process ≥ 10 times during a 20,000-value sync → exact DHIS2 state, every record terminal', async () => {
  const started = Date.now()
  const rows = rcCodes(standin)
    .slice(0, RC_COUNT)
    .map((rc) => [rc, MONTH] as [string, string])
  const expected = expectedValues(standin, rows)
  expect(expected.size).toBeGreaterThanOrEqual(20_000)

  api = await spawnServe({ args: ['--api-only'], env: env(), config: csvSourceConfig() })
  await api.ready
  const run = await upload(api.url, buildCsv(rows))
  // The 202 may come before the rows are committed (rows: null, "poll the run"): wait for them.
  expect(run.rows ?? (await intakeCommitted(db, run.id))).toBe(RC_COUNT)

  // Kill at random moments: a random delay after the spawn, from "still starting" to "deep in the work".
  const moments: string[] = []
  for (let k = 0; k < KILLS; k++) {
    const worker = await spawnServe({ args: ['--workers-only'], env: env(), config: csvSourceConfig() })
    workers.push(worker)
    // A third of the kills land during the start (snapshot, reconciliation), the others 0–1.5 s into the work.
    const duringStart = Math.random() < 1 / 3
    const delay = Math.floor(Math.random() * (duringStart ? 2_000 : 1_500))
    if (duringStart) await Promise.race([sleep(delay), worker.exited])
    else await worker.ready.then(() => sleep(delay))
    const counts = await statusCounts(db)
    const wasReady = worker.output().includes('relais bridge ready')
    await worker.kill9()
    workers.pop()
    moments.push(
      `#${k + 1} ${delay} ms ${duringStart ? 'after spawn' : 'after ready'} (${wasReady ? 'working' : 'starting'}): ${JSON.stringify(counts)}`,
    )
  }
  const killsDoneAt = Date.now()

  const last = await spawnServe({ args: ['--workers-only'], env: env(), config: csvSourceConfig() })
  workers.push(last)
  await last.ready
  let counts: Record<string, number> = {}
  for (;;) {
    counts = await statusCounts(db)
    const open = Object.entries(counts)
      .filter(([s]) => !(TERMINAL as readonly string[]).includes(s))
      .reduce((n, [, c]) => n + c, 0)
    if (open === 0 && (counts.quarantined ?? 0) === 0) break
    if ((counts.quarantined ?? 0) > 0 || Date.now() - killsDoneAt > FINISH_BUDGET_MS)
      throw new Error(
        `not finished: ${JSON.stringify(counts)}\nkills:\n${moments.join('\n')}\nworker output:\n${last.output().slice(-3000)}`,
      )
    await sleep(500)
  }
  const finishedAt = Date.now()

  // Every record is terminal, and imported (nothing quarantined or failed on the way).
  const total = Object.values(counts).reduce((a, b) => a + b, 0)
  expect(total).toBe(RC_COUNT)
  if ((counts.imported ?? 0) !== RC_COUNT)
    throw new Error(
      `${RC_COUNT} records expected imported, got ${JSON.stringify(counts)}\nkills:\n${moments.join('\n')}`,
    )

  // DHIS2 holds exactly the expected values: nothing missing, nothing different, nothing extra.
  const held = await readBack(standin, dhis2, DEMO_BRIDGE_TOKEN, [MONTH.replace('-', '')])
  expect(heldDifferences(expected, held)).toEqual({ missing: [], different: [], extra: [] })

  console.log(
    `kill-worker: ${KILLS} SIGKILLs, ${expected.size} values; kills took ${((killsDoneAt - started) / 1000).toFixed(1)} s, ` +
      `finishing after the last kill ${((finishedAt - killsDoneAt) / 1000).toFixed(1)} s, total ${((finishedAt - started) / 1000).toFixed(1)} s\n` +
      moments.join('\n'),
  )
})
