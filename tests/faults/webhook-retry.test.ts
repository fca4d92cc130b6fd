/**
 * FAULT TEST (issue 11 §8): a webhook delivery retried after the bridge died mid-commit is never lost.
 *
 * Before, the signature went into Redis's replay cache before the records were committed: kill -9 in between,
 * and the sender's identical retry was refused `401 replayed` — the delivery was gone. Now a signature counts as
 * seen only once it is in the ledger with its records (migration 004): the retry is taken, exactly once.
 *
 * Real processes and stores: `relais serve --api-only` (killed with SIGKILL and started again), a throwaway
 * PostgreSQL database, Redis db 8 (flushed), the DHIS2 stand-in.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Client } from 'pg'
import { Redis } from 'ioredis'
import { sign } from '../../bridge-service/src/sources/webhook/hmac'
import { DEMO_BRIDGE_TOKEN, createStandin, type Standin } from '@relais/dhis2-standin'
import { createDatabase, CSV_SPEC, ROOT, sleep, spawnServe, type ServeChild, type ThrowawayDatabase } from './support'

jest.setTimeout(180_000)

const REDIS_URL = 'redis://127.0.0.1:6379/8'
const SECRET = 'webhook-retry-secret-0123456789abcdef0123456789'
const SOURCE = 'webhook-partenaires'
const CONFIG = `sources:\n  - name: ${SOURCE}\n    kind: webhook\n    secretEnv: RETRY_WEBHOOK_SECRET\n    mapping: ${CSV_SPEC}\n`
const ROWS = JSON.parse(
  readFileSync(join(ROOT, 'mappings', 'samples', 'partenaires.clean.records.json'), 'utf8'),
) as Record<string, string>[]

let standin: Standin
let dhis2 = ''
let db: ThrowawayDatabase
let bridge: ServeChild | undefined

const start = async () => {
  bridge = await spawnServe({
    args: ['--api-only'],
    env: {
      DHIS2_URL: dhis2,
      DHIS2_TOKEN: DEMO_BRIDGE_TOKEN,
      REDIS_URL,
      DATABASE_URL: db.url,
      RETRY_WEBHOOK_SECRET: SECRET,
    },
    config: CONFIG,
  })
  await bridge.ready
  return bridge
}

/** One delivery: its body and headers fixed once, so that a retry is byte for byte the same request. */
function delivery(n: number, at = Date.now()) {
  const records = ROWS.map((row, i) => ({ ...row, code_rc: `RC-AQ-0000${(i % 4) + 1}`, causeries: String(n) }))
  const body = Buffer.from(JSON.stringify({ records: records.map((r, i) => ({ ...r, mois: `2026-0${(i % 4) + 1}` })) }))
  return {
    body,
    headers: { 'Content-Type': 'application/json', ...sign(body, SECRET, at).headers },
    size: records.length,
  }
}

const send = (url: string, d: ReturnType<typeof delivery>) =>
  fetch(`${url}/api/v1/inbound/${SOURCE}`, { method: 'POST', headers: d.headers, body: d.body })

const storedCount = async () =>
  Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM records WHERE source = $1`, [SOURCE]))[0]!.n)

beforeAll(async () => {
  standin = createStandin({ seed: 'small', now: '2026-10-03T09:00:00Z', months: 0 })
  dhis2 = await standin.listen(0)
  db = await createDatabase('relais_webhook_retry')
  const redis = new Redis(REDIS_URL)
  await redis.flushdb()
  redis.disconnect()
})

afterAll(async () => {
  await bridge?.kill9()
  await standin?.close()
  await db?.drop()
})

test('FAULT: killed while its records wait on a locked ledger, the same request sent again is taken once', async () => {
  await start()
  const d = delivery(1)
  // Hold the commit: nothing can be inserted into records while this transaction holds the lock.
  const locker = new Client({ connectionString: db.url })
  await locker.connect()
  await locker.query('BEGIN')
  await locker.query('LOCK TABLE records IN EXCLUSIVE MODE')
  const first = send(bridge!.url, d).catch((error: unknown) => error)
  await sleep(1_500)
  await bridge!.kill9()
  const answer = await first
  await locker.query('ROLLBACK')
  await locker.end()
  // The connection died without an answer (fetch's TypeError, from another realm under jest): the sender retries.
  expect(answer).not.toBeInstanceOf(Response)
  expect(String(answer)).toMatch(/fetch failed/)
  expect(await storedCount()).toBe(0)

  const url = (await start()).url
  const retry = await send(url, d)
  expect(retry.status).toBe(202)
  expect(await retry.json()).toMatchObject({ accepted: d.size, duplicates: 0 })
  expect(await storedCount()).toBe(d.size)
  // Now durable: the same request again is a replay.
  const again = await send(url, d)
  expect(again.status).toBe(401)
  expect(await again.json()).toMatchObject({ reason: 'replayed' })
  expect(await storedCount()).toBe(d.size)
})

test('FAULT: kill -9 during a burst of signed deliveries whose senders retry → every delivery stored once', async () => {
  const before = await storedCount()
  const deliveries = Array.from({ length: 40 }, (_, i) => delivery(100 + i))
  const done = new Set<number>()
  /** A sender: sends until the bridge answers 202 (taken) or 401 replayed (already taken by an earlier try). */
  const sender = async (i: number) => {
    for (let attempt = 0; attempt < 200 && !done.has(i); attempt++) {
      try {
        const res = await send(bridge!.url, deliveries[i]!)
        const body = (await res.json()) as { reason?: string }
        if (res.status === 202 || (res.status === 401 && body.reason === 'replayed')) done.add(i)
        else if (res.status === 401) throw new Error(`delivery ${i} refused: ${JSON.stringify(body)}`)
      } catch (error) {
        if (String(error).includes('refused:')) throw error
        await sleep(100) // connection refused or reset while the bridge restarts
      }
    }
  }
  const senders = deliveries.map((_, i) => sleep(i * 15).then(() => sender(i)))
  await sleep(250)
  await bridge!.kill9()
  await start()
  await Promise.all(senders)
  expect(done.size).toBe(deliveries.length)
  // Every delivery's records, exactly once (each delivery's records differ by their `causeries`).
  const rows = await db.query<{ causeries: string; n: string }>(
    `SELECT raw->>'causeries' AS causeries, count(*) AS n FROM records WHERE source = $1 GROUP BY 1`,
    [SOURCE],
  )
  const perDelivery = new Map(rows.map((r) => [r.causeries, Number(r.n)]))
  for (let i = 0; i < deliveries.length; i++)
    expect([i, perDelivery.get(String(100 + i))]).toEqual([i, deliveries[i]!.size])
  expect(await storedCount()).toBe(before + deliveries.reduce((n, d) => n + d.size, 0))
})
