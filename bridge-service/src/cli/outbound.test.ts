/**
 * `relais outbound [list]` and `relais outbound retry <id>`, as the real command in child processes, against a
 * real PostgreSQL ledger (a database of its own) and Redis (DB 1; only this queue's keys are touched). The
 * deliveries are written with the ledger's own functions, as the outbound scan writes them.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { repositories, type Db } from '../ledger'
import { migrate } from '../ledger/migrate'
import { outboundLedger, type OutboundDelivery } from '../ledger/outbound'
import { pgTestDatabase } from '../ledger/test-support'
import { OUTBOUND_QUEUE } from '../outbound/outbound'

const ROOT = join(__dirname, '..', '..', '..')
const BIN = join(ROOT, 'bridge-service', 'bin', 'relais.js')
const REDIS_URL = 'redis://127.0.0.1:6379/1'

interface Result {
  status: number
  stdout: string
  stderr: string
}

jest.setTimeout(90_000)

const database = pgTestDatabase()
let db: Db
let dir: string
let env: Record<string, string>
let dbUrl: string

function relais(config: 'subscribed' | 'none', ...args: string[]): Promise<Result> {
  const run = { ...env, RELAIS_CONFIG: join(dir, `${config}.yaml`) }
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: run, cwd: ROOT, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ status: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr })
    })
  })
}

async function clearQueue(): Promise<void> {
  const redis = new Redis(REDIS_URL)
  try {
    const keys = await redis.keys(`bull:${OUTBOUND_QUEUE}:*`)
    if (keys.length > 0) await redis.del(...keys)
  } finally {
    redis.disconnect()
  }
}

beforeAll(async () => {
  await clearQueue()
  db = await database.open()
  await migrate(db)
  // The test database's URL, as the child processes reach it.
  const [row] = await db.query<{ name: string }>('SELECT current_database() AS name')
  const url = new URL(process.env.RELAIS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres')
  url.pathname = `/${row!.name}`
  dbUrl = url.toString()
  dir = mkdtempSync(join(tmpdir(), 'relais-cli-outbound-'))
  const source = `sources:\n  - name: csv-partenaires\n    kind: csv\n    mapping: ${join(ROOT, 'mappings', 'specs', 'csv-partenaires.yaml')}\n`
  writeFileSync(join(dir, 'none.yaml'), source)
  writeFileSync(
    join(dir, 'subscribed.yaml'),
    `${source}outbound:\n  - name: partenaire-fhi\n    url: http://127.0.0.1:9/hooks/relais\n    secretEnv: PARTNER_SECRET\n    events: [run.finished]\n`,
  )
  env = {
    PATH: process.env.PATH ?? '',
    DHIS2_URL: 'http://127.0.0.1:9',
    DHIS2_TOKEN: 'd2pat_RelaisDemoBridgeTokenNotForProduct1234567890',
    REDIS_URL,
    DATABASE_URL: dbUrl,
    RELAIS_DATA_DIR: join(dir, 'data'),
    RELAIS_ROUTE_SECRET: 'route-secret-for-tests-0123456789abcdef',
    RELAIS_PSEUDONYM_KEY: 'pseudonym-key-for-tests-0123456789abcdef',
    PARTNER_SECRET: 'outbound-test-secret-0123456789abcdef0123',
  }
})

afterAll(async () => {
  await database.dispose()
  await clearQueue()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const user = `cli:${userInfo().username}`

test('with no delivery and no subscription, the list says where partners are subscribed', async () => {
  const r = await relais('none', 'outbound')
  expect(r.stderr).toBe('')
  expect(r.status).toBe(0)
  expect(r.stdout.trim()).toBe('No outbound delivery: no partner is subscribed (`outbound:` in relais.config.yaml).')
})

test('bad usage answers 2 with one line, before opening anything', async () => {
  const status = await relais('subscribed', 'outbound', '--status', 'lost')
  expect(status.status).toBe(2)
  expect(status.stderr).toContain('--status must be one of pending, delivered, failed (got "lost")')
  const retry = await relais('subscribed', 'outbound', 'retry')
  expect(retry.status).toBe(2)
  const mixed = await relais('subscribed', 'outbound', 'retry', 'x', '--status', 'failed')
  expect(mixed.status).toBe(2)
  expect(mixed.stderr).toContain('--status is for the list, not for retry')
})

describe('with deliveries in the ledger', () => {
  let failed: OutboundDelivery
  let delivered: OutboundDelivery

  beforeAll(async () => {
    const ledger = outboundLedger(db)
    const added = await ledger.add(
      ['run:a', 'run:b', 'run:c'].map((eventKey) => ({
        subscription: 'partenaire-fhi',
        event: 'run.finished' as const,
        eventKey,
        payload: { runId: eventKey.slice(4), source: 'csv-partenaires' },
      })),
    )
    expect(added).toHaveLength(3)
    const [a, b] = added
    const at = new Date().toISOString()
    await ledger.recordAttempt(a!.id, a!.round, {
      kind: 'failed',
      note: { at, httpStatus: 400, error: 'HTTP 400 Bad Request' },
    })
    await ledger.recordAttempt(b!.id, b!.round, { kind: 'delivered', note: { at, httpStatus: 200, error: null } })
    failed = (await ledger.get(a!.id))!
    delivered = (await ledger.get(b!.id))!
  })

  test('the list shows each delivery with its status and the partner’s last answer', async () => {
    const r = await relais('subscribed', 'outbound', 'list')
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^id\s+subscription\s+event\s+status\s+attempts\s+last answer\s+next attempt/)
    const line = r.stdout.split('\n').find((l) => l.startsWith(failed.id))
    expect(line).toMatch(/partenaire-fhi\s+run\.finished\s+failed\s+1 \(round 1\)\s+HTTP 400 Bad Request/)
    expect(r.stdout).toContain('3 deliveries (page 1 of 1)')
  })

  test('--status failed --json gives only the failed one, in the API’s shape', async () => {
    const r = await relais('subscribed', 'outbound', '--status', 'failed', '--json')
    expect(r.status).toBe(0)
    const list = JSON.parse(r.stdout) as { items: Array<Record<string, unknown>>; pager: { total: number } }
    expect(list.pager.total).toBe(1)
    expect(list.items[0]).toMatchObject({ id: failed.id, status: 'failed', lastStatus: 400, round: 0, attempts: 1 })
    expect(list.items[0]!.createdAt).toBe(failed.createdAt.toISOString())
    expect(list.items[0]).not.toHaveProperty('eventKey')
  })

  test('--page 2 --page-size 2 gives the oldest one', async () => {
    const r = await relais('subscribed', 'outbound', '--page', '2', '--page-size', '2', '--json')
    const list = JSON.parse(r.stdout) as { items: Array<{ id: string }>; pager: { page: number; pageCount: number } }
    expect(list.pager).toMatchObject({ page: 2, pageCount: 2 })
    expect(list.items.map((i) => i.id)).toEqual([failed.id])
  })

  test('retry sends a failed delivery again: new round, enqueued, audited as the API does', async () => {
    const r = await relais('subscribed', 'outbound', 'retry', failed.id)
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(r.stdout).toContain(
      `Outbound delivery ${failed.id} (run.finished to partenaire-fhi) retried by ${user}: round 2, queued`,
    )
    const now = (await outboundLedger(db).get(failed.id))!
    expect(now).toMatchObject({ status: 'pending', round: 1, attempts: 0 })
    const audit = await repositories(db).audit.list({ action: 'outbound.retry' })
    expect(audit.items[0]).toMatchObject({
      actor: user,
      role: 'cli',
      target: `outbound:${failed.id}`,
      detail: { subscription: 'partenaire-fhi', event: 'run.finished', round: 1 },
    })
    const queue = new Queue(OUTBOUND_QUEUE, { connection: { host: '127.0.0.1', port: 6379, db: 1 } })
    try {
      const job = await queue.getJob(`${failed.id}-r1`)
      expect(job?.data).toEqual({ deliveryId: failed.id, round: 1 })
    } finally {
      await queue.close()
    }
  })

  test('retrying what is not failed, or does not exist, says so and exits 1', async () => {
    const again = await relais('subscribed', 'outbound', 'retry', delivered.id, '--json')
    expect(again.status).toBe(1)
    expect(again.stderr).toContain(`Outbound delivery ${delivered.id} is delivered, not failed.`)
    const missing = await relais('subscribed', 'outbound', 'retry', '00000000-0000-4000-8000-000000000000')
    expect(missing.status).toBe(1)
    expect(missing.stderr).toContain('does not exist')
    const unsubscribed = await relais('none', 'outbound', 'retry', delivered.id)
    expect(unsubscribed.status).toBe(1)
    expect(unsubscribed.stderr).toContain('No partner is subscribed (`outbound:` in relais.config.yaml).')
  })
})
