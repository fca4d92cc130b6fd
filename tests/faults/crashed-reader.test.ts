/**
 * FAULT TEST (issue 11 §1): a process that dies while reading an uploaded file must not die again at every
 * start by reading it again (the crash loop of the 40-million-shared-strings XLSX). A real `relais serve
 * --api-only` takes a 150,000-row CSV upload; it is SIGKILLed once the read has started (the run's
 * `readAttempt` marker is in the ledger, its intake not complete) and started again: the run ends `failed`
 * with the reason `file-crashed-reader`, shown by GET /api/v1/runs/{id}, no row is read again, and the
 * bridge keeps answering.
 *
 * The restarted process takes the run over once the dead reader's heartbeat is ABANDONED_AFTER_MS (30 s)
 * old, as it would for a run left by another process; hence the ~45 s this test takes.
 *
 * Needs Redis on 127.0.0.1:6379 (db 12, flushed) and PostgreSQL at RELAIS_TEST_PG_URL.
 */
import { Readable } from 'node:stream'
import { Redis } from 'ioredis'
import { DEMO_BRIDGE_TOKEN, createStandin, type Standin } from '@relais/dhis2-standin'
import {
  API_KEY,
  createDatabase,
  csvHeader,
  csvLine,
  csvSourceConfig,
  rcCodes,
  sleep,
  spawnServe,
  specColumns,
  upload,
  type ServeChild,
  type ThrowawayDatabase,
  type UploadBody,
} from './support'

const REDIS_URL = 'redis://127.0.0.1:6379/12'
const ROWS = 150_000

jest.setTimeout(150_000)

let standin: Standin
let db: ThrowawayDatabase
const children: ServeChild[] = []

beforeAll(async () => {
  standin = createStandin({ seed: 'demo', now: '2026-10-03T09:00:00Z', months: 0 })
  db = await createDatabase('relais_crashed_reader')
  const redis = new Redis(REDIS_URL)
  await redis.flushdb()
  redis.disconnect()
})

afterAll(async () => {
  await Promise.all(children.map((c) => c.kill9()))
  await standin?.close()
  await db?.drop()
})

/** ROWS distinct rows of the partner CSV, produced as the upload streams. */
function csvBody(rcs: string[]): Readable {
  const columns = specColumns()
  return Readable.from(
    (function* () {
      yield `${csvHeader()}\n`
      for (let i = 0; i < ROWS; i += 1000) {
        let lines = ''
        for (let k = i; k < Math.min(ROWS, i + 1000); k++) {
          const month = 2026 * 12 + 8 - Math.floor(k / rcs.length)
          const mois = `${Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`
          lines += `${csvLine(rcs[k % rcs.length]!, mois, k, columns)}\n`
        }
        yield lines
      }
    })(),
  )
}

async function runRow(id: string) {
  const [run] = await db.query<{ status: string; detail: Record<string, unknown> }>(
    'SELECT status, detail FROM runs WHERE id = $1',
    [id],
  )
  return run
}

async function recordsOf(id: string): Promise<number> {
  const [row] = await db.query<{ n: string }>('SELECT count(*) AS n FROM records WHERE run_id = $1', [id])
  return Number(row?.n ?? 0)
}

test('FAULT: kill -9 during the read of an upload → at restart the run fails with file-crashed-reader, not read again', async () => {
  const dhis2 = await standin.listen(0)
  const env = { DHIS2_URL: dhis2, DHIS2_TOKEN: DEMO_BRIDGE_TOKEN, REDIS_URL, DATABASE_URL: db.url }
  const config = csvSourceConfig()
  const first = await spawnServe({ args: ['--api-only'], env, config })
  children.push(first)
  await first.ready

  const { id } = await upload(first.url, Readable.toWeb(csvBody(rcCodes(standin))) as UploadBody)
  // The read is under way: rows are being committed, and the intake is not over.
  for (;;) {
    const run = await runRow(id)
    if (run?.detail.intake == null && (await recordsOf(id)) > 0) break
    if (run?.detail.intake != null || run?.status !== 'running')
      throw new Error(`the read ended before the kill: ${JSON.stringify(run)}`)
    await sleep(20)
  }
  await first.kill9()
  const readBeforeKill = await recordsOf(id)
  expect(readBeforeKill).toBeLessThan(ROWS)

  const second = await spawnServe({ args: ['--api-only'], env, config })
  children.push(second)
  await second.ready
  const deadline = Date.now() + 90_000
  while ((await runRow(id))?.status === 'running') {
    if (Date.now() > deadline) throw new Error('the run was never closed')
    await sleep(250)
  }
  const run = await runRow(id)
  expect(run?.status).toBe('failed')
  expect(run?.detail).toMatchObject({ reason: 'file-crashed-reader', intake: 'failed', spool: null })
  expect(String(run?.detail.error)).toMatch(/pendant la lecture de ce fichier.*died while reading this file/)
  expect(await recordsOf(id)).toBe(readBeforeKill) // not one row read again

  // Visible through the API (the console's run view), and the bridge is up and answering.
  const res = await fetch(`${second.url}/api/v1/runs/${id}`, { headers: { Authorization: `Bearer ${API_KEY}` } })
  expect(res.status).toBe(200)
  const body = (await res.json()) as { run: { status: string; detail: Record<string, unknown> } }
  expect(body.run).toMatchObject({ status: 'failed', detail: { reason: 'file-crashed-reader' } })
  expect((await fetch(`${second.url}/healthz`)).status).toBe(200)
  expect(second.child.exitCode).toBeNull()
  await second.stop()
})
