jest.mock('@electric-sql/pglite', () =>
  jest.requireActual<typeof import('../ledger/test-support')>('../ledger/test-support').nativePglite(),
)

/**
 * Outbound webhooks end to end (issue 19 §4): real PostgreSQL, real Redis (DB 6, a prefix of its own), real HTTP
 * receivers on this machine that check every signature with the inbound verifier and the shared secret.
 */
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { outboundSubscriptionSchema, type OutboundSubscription } from '../config/outbound-config'
import { repositories, type Db } from '../ledger'
import { migrate } from '../ledger/migrate'
import { outboundLedger } from '../ledger/outbound'
import { pgTestDatabase } from '../ledger/test-support'
import { createLogger } from '../log/logger'
import { COMPLETION_ACTOR, COMPLETION_REGISTERED } from '../pipeline/push/completion'
import { waitFor } from '../pipeline/test-support'
import { as, call, startTestApi } from '../api/test-support'
import { Outbound } from './outbound'
import { PERSONAL, receiver, SECRET } from './test-support'

const REDIS_URL = 'redis://127.0.0.1:6379/6'

const subscription = (fields: Record<string, unknown>): OutboundSubscription =>
  outboundSubscriptionSchema.parse({ secretEnv: 'PARTNER_SECRET', ...fields })

// PGlite (the API test's ledger) takes seconds to start on a shared machine.
jest.setTimeout(60_000)

describe('outbound webhooks, end to end', () => {
  const database = pgTestDatabase()
  const prefix = `relais-outbound-test-${randomBytes(4).toString('hex')}`
  const env = { PARTNER_SECRET: SECRET }
  let db: Db
  let outbound: Outbound | undefined

  beforeAll(async () => {
    db = await database.open()
    await migrate(db)
  })

  afterEach(async () => {
    await outbound?.stop()
    outbound = undefined
  })

  afterAll(async () => {
    const redis = new Redis(REDIS_URL)
    try {
      const keys = await redis.keys(`${prefix}:*`)
      if (keys.length > 0) await redis.del(...keys)
    } finally {
      redis.disconnect()
    }
    await database.dispose()
  })

  const start = async (subscriptions: OutboundSubscription[], maxAttempts = 4) => {
    outbound = new Outbound({
      db,
      redis: { url: REDIS_URL, prefix },
      subscriptions,
      env,
      logger: createLogger('silent'),
      // random() = 1: each delay is its whole ceiling (200 ms, 400 ms, 800 ms), so the test can measure it.
      retry: { maxAttempts, backoff: { baseMs: 200, capMs: 2_000, random: () => 1 } },
      scanEveryMs: 60_000,
      quarantineEveryMs: 0,
      timeoutMs: 2_000,
    })
    await outbound.start()
    return outbound
  }

  /** A finished run of `source`, as the pipeline leaves it. */
  const finishedRun = async (source: string) => {
    const runs = repositories(db).runs
    const run = await runs.create({ source, mode: 'import', trigger: 'upload', actor: 'awa.gestionnaire' })
    return runs.finish(run.id)
  }

  /** A record whose report the completion stage registered (with what a real Kobo submission carries). */
  const completedReport = async (source: string, runId: string) => {
    const [record] = await db.query<{ id: string }>(
      `INSERT INTO records (source, source_key, version, content_hash, raw, mapped, status, period, org_unit, rc_code, run_id)
       VALUES ($1, $2, 'v1', 'h', $3::jsonb, $4::jsonb, 'imported', '202609', 'OuRc0000001', 'RC-0001', $5)
       RETURNING id`,
      [
        source,
        randomBytes(4).toString('hex'),
        JSON.stringify({ nom: PERSONAL[0], telephone: PERSONAL[1], adresse: PERSONAL[2], email: PERSONAL[3] }),
        JSON.stringify({ dataSet: 'DsRcMensuel', orgUnit: 'OuRc0000001', orgUnitCode: 'RC-0001', period: '202609' }),
        runId,
      ],
    )
    await repositories(db).events.note([record!.id], {
      actor: COMPLETION_ACTOR,
      reason: COMPLETION_REGISTERED,
      detail: { date: '2026-10-03T10:15:00.000', submittedAt: '2026-10-03T09:15:00.000Z' },
    })
    return record!.id
  }

  it('retries through two 503 with the relais backoff and Retry-After, then is delivered, every attempt noted', async () => {
    const partner = await receiver([{ status: 503 }, { status: 503, headers: { 'Retry-After': '1' } }, { status: 200 }])
    try {
      const service = await start([subscription({ name: 'flaky', url: partner.url, events: ['run.finished'] })])
      const run = await finishedRun('kobo-flaky')
      await service.scan()
      const [delivery] = (await service.list({ subscription: 'flaky' })).items
      expect(delivery).toMatchObject({ event: 'run.finished', eventKey: `run:${run.id}` })
      const done = await waitFor(
        async () => {
          const d = await service.get(delivery!.id)
          return d?.status === 'delivered' ? d : undefined
        },
        15_000,
        'the delivery',
      )
      expect(partner.calls).toHaveLength(3)
      expect(done.attempts).toBe(3)
      expect(done.history.map((h) => h.httpStatus)).toEqual([503, 503, 200])
      expect(done.lastError).toBeNull()
      expect(done.deliveredAt).not.toBeNull()
      // First retry after the backoff's 200 ms; the second waited the Retry-After's second, not 400 ms.
      const gaps = partner.calls.slice(1).map((c, i) => c.at - partner.calls[i]!.at)
      expect(gaps[0]).toBeGreaterThanOrEqual(190)
      expect(gaps[1]).toBeGreaterThanOrEqual(990)
      for (const call of partner.calls) {
        expect(call.signatureOk).toBe(true)
        expect(call.signatureWithOtherSecret).toBe(false)
        expect(call.headers['x-relais-event']).toBe('run.finished')
        expect(call.headers['x-relais-delivery']).toBe(delivery!.id)
      }
      // The same body at every attempt: only the signed timestamp may change.
      expect(new Set(partner.calls.map((c) => c.body)).size).toBe(1)
      expect(JSON.parse(partner.calls[2]!.body)).toEqual({
        id: delivery!.id,
        event: 'run.finished',
        createdAt: delivery!.createdAt.toISOString(),
        data: {
          runId: run.id,
          source: 'kobo-flaky',
          mode: 'import',
          trigger: 'upload',
          status: 'completed',
          counts: run.finalCounts,
          startedAt: run.startedAt.toISOString(),
          finishedAt: run.finishedAt!.toISOString(),
        },
      })
      // Seen again by a second search (or another process): not written, not sent twice.
      await service.scan()
      expect((await service.list({ subscription: 'flaky' })).pager.total).toBe(1)
    } finally {
      await partner.close()
    }
  })

  it('a 400 fails at once without retry; a retry by hand delivers it; no personal data leaves', async () => {
    const partner = await receiver([{ status: 400 }, { status: 204 }])
    try {
      const service = await start([subscription({ name: 'strict', url: partner.url, events: ['report.completed'] })])
      const run = await finishedRun('kobo-strict')
      const recordId = await completedReport('kobo-strict', run.id)
      await service.scan()
      const [delivery] = (await service.list({ subscription: 'strict' })).items
      const failed = await waitFor(async () => {
        const d = await service.get(delivery!.id)
        return d?.status === 'failed' ? d : undefined
      })
      expect(failed).toMatchObject({ attempts: 1, lastStatus: 400, lastError: 'HTTP 400', nextAttemptAt: null })
      // Not retried: a while later the partner still got one call.
      await new Promise((r) => setTimeout(r, 800))
      expect(partner.calls).toHaveLength(1)
      expect((await service.list({ status: 'failed', subscription: 'strict' })).pager.total).toBe(1)

      const body = JSON.parse(partner.calls[0]!.body) as { data: Record<string, unknown> }
      expect(body.data).toEqual({
        recordId,
        source: 'kobo-strict',
        dataSet: 'DsRcMensuel',
        period: '202609',
        orgUnit: 'OuRc0000001',
        orgUnitCode: 'RC-0001',
        completedAt: '2026-10-03T10:15:00.000',
        registeredAt: expect.any(String) as unknown,
      })
      for (const text of PERSONAL) expect(partner.calls[0]!.body).not.toContain(text)

      await expect(service.retry(delivery!.id)).resolves.toMatchObject({ status: 'pending', round: 1, attempts: 0 })
      const delivered = await waitFor(async () => {
        const d = await service.get(delivery!.id)
        return d?.status === 'delivered' ? d : undefined
      })
      expect(delivered).toMatchObject({ attempts: 1, round: 1, lastStatus: 204 })
      expect(delivered.history.map((h) => h.httpStatus)).toEqual([400, 204])
      expect(partner.calls).toHaveLength(2)
      expect(partner.calls.every((c) => c.signatureOk)).toBe(true)
      await expect(service.retry(delivery!.id)).rejects.toThrow(/delivered, not failed/)
    } finally {
      await partner.close()
    }
  })

  it('GET /api/v1/outbound lists deliveries for data managers; POST …/retry sends a failed one again, audited', async () => {
    // Gone until the partner is fixed (after the failure is seen): every delivery fails at its first attempt.
    let fixed = false
    const partner = await receiver(() => ({ status: fixed ? 200 : 410 }))
    const service = await start([subscription({ name: 'console', url: partner.url, events: ['run.finished'] })])
    // The API's own ledger (PGlite, for the audit) beside the PostgreSQL one the deliveries live in.
    const api = await startTestApi({ outbound: service }).catch(async (error: unknown) => {
      await partner.close()
      throw error
    })
    try {
      const run = await finishedRun('kobo-console')
      await service.scan()
      const mine = (await service.list({ subscription: 'console' })).items.find((d) => d.eventKey === `run:${run.id}`)
      await waitFor(async () => ((await service.get(mine!.id))?.status === 'failed' ? true : undefined))

      const list = await call<{ items: { id: string; status: string; lastStatus: number; history: unknown[] }[] }>(
        `${api.url}/api/v1/outbound?status=failed&subscription=console&pageSize=100`,
        { headers: as.manager() },
      )
      expect(list.status).toBe(200)
      expect(list.body.items.find((d) => d.id === mine!.id)).toMatchObject({ status: 'failed', lastStatus: 410 })
      expect(list.body).toMatchObject({ pager: { page: 1, pageSize: 100 } })
      expect((await call(`${api.url}/api/v1/outbound`, { headers: as.user('sup_koffi') })).status).toBe(403)
      expect((await call(`${api.url}/api/v1/outbound?status=lost`, { headers: as.manager() })).status).toBe(400)

      fixed = true
      const retried = await call(`${api.url}/api/v1/outbound/${mine!.id}/retry`, {
        method: 'POST',
        headers: as.manager(),
      })
      expect(retried).toMatchObject({ status: 200, body: { id: mine!.id, status: 'pending', round: 1 } })
      await waitFor(async () => ((await service.get(mine!.id))?.status === 'delivered' ? true : undefined))
      const again = await call(`${api.url}/api/v1/outbound/${mine!.id}/retry`, {
        method: 'POST',
        headers: as.manager(),
      })
      expect(again.status).toBe(409)
      expect(
        (await call(`${api.url}/api/v1/outbound/nope/retry`, { method: 'POST', headers: as.manager() })).status,
      ).toBe(404)
      const audit = await api.ledger.audit.list({ action: 'outbound.retry' }, { page: 1, pageSize: 10 })
      expect(audit.items).toEqual([expect.objectContaining({ actor: 'gest_ama', target: `outbound:${mine!.id}` })])
    } finally {
      await api.close()
      await partner.close()
    }
  })

  it('gives up after the attempts of a round when the partner stays down', async () => {
    const partner = await receiver([{ status: 502 }])
    try {
      const service = await start([subscription({ name: 'down', url: partner.url, events: ['run.finished'] })], 3)
      const run = await finishedRun('kobo-down')
      await service.scan()
      // The runs other tests finished within the last minute are this subscription's news too: only this one counts.
      const delivery = (await service.list({ subscription: 'down' })).items.find((d) => d.eventKey === `run:${run.id}`)
      const failed = await waitFor(async () => {
        const d = await service.get(delivery!.id)
        return d?.status === 'failed' ? d : undefined
      })
      expect(failed).toMatchObject({ attempts: 3, lastStatus: 502 })
      expect(partner.calls.filter((c) => c.headers['x-relais-delivery'] === delivery!.id)).toHaveLength(3)
    } finally {
      await partner.close()
    }
  })

  it('a pending delivery that lost its job (Redis flushed) is sent after a restart', async () => {
    const partner = await receiver([{ status: 200 }])
    try {
      const subs = [subscription({ name: 'restart', url: partner.url, events: ['run.finished'] })]
      // Written while no bridge process ran: only the ledger knows of it.
      const [written] = await outboundLedger(db).add([
        { subscription: 'restart', event: 'run.finished', eventKey: 'run:lost-job', payload: { runId: 'lost-job' } },
      ])
      await start(subs)
      await waitFor(async () => ((await outbound!.get(written!.id))?.status === 'delivered' ? true : undefined))
      const calls = partner.calls.filter((c) => c.headers['x-relais-delivery'] === written!.id)
      expect(calls).toHaveLength(1)
      expect(calls[0]!.signatureOk).toBe(true)
    } finally {
      await partner.close()
    }
  })

  it('alerts once when a source’s quarantine passes the threshold, not again within the hour', async () => {
    const partner = await receiver([{ status: 200 }])
    try {
      const service = await start([
        subscription({ name: 'watch', url: partner.url, events: ['quarantine.growing'], quarantineThreshold: 3 }),
      ])
      const run = await finishedRun('csv-quarantine')
      const quarantine = (n: number) =>
        db.query(
          `INSERT INTO records (source, source_key, version, content_hash, raw, status, reason, run_id)
           SELECT 'csv-quarantine', 'q-' || g || '-' || $2, 'v1', 'h', $3::jsonb, 'quarantined', 'invalid', $1
           FROM generate_series(1, $4::int) AS g`,
          [run.id, randomBytes(3).toString('hex'), JSON.stringify({ nom: PERSONAL[0] }), n],
        )
      await quarantine(2)
      await service.scan()
      expect((await service.list({ subscription: 'watch' })).pager.total).toBe(0)
      await quarantine(2)
      await service.scan()
      await quarantine(5)
      await service.scan()
      const list = await service.list({ subscription: 'watch' })
      expect(list.pager.total).toBe(1)
      expect(list.items[0]!.payload).toMatchObject({
        source: 'csv-quarantine',
        quarantined: 4,
        threshold: 3,
        previous: null,
      })
      await waitFor(async () => (partner.calls.length === 1 ? true : undefined))
      expect(partner.calls[0]!.body).not.toContain(PERSONAL[0])
    } finally {
      await partner.close()
    }
  })
})
