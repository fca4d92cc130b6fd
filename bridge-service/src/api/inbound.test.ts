jest.mock('@electric-sql/pglite', () =>
  jest.requireActual<typeof import('../ledger/test-support')>('../ledger/test-support').nativePglite(),
)

import { sign } from '../sources/webhook/hmac'
import { call, as, SOURCES, startTestApi, WEBHOOK_SECRET, type TestApi } from './test-support'

let api: TestApi
let clock = Date.parse('2025-03-01T10:00:00Z')
beforeAll(async () => {
  api = await startTestApi({ now: () => clock, limits: { inbound: { rateLimit: { windowMs: 60_000, limit: 40 } } } })
}, 60_000)
afterAll(() => api.close())

let n = 0
/** A body no other test sends, so that its signature is new. */
const delivery = (records: unknown[] = [{ id: `sub-${++n}`, visites: n }]) => JSON.stringify({ records })

function deliver(body: string | Buffer, headers: Record<string, string>, source: string = SOURCES.webhook) {
  return call(`${api.url}/api/v1/inbound/${source}`, { method: 'POST', headers, body })
}
const signed = (body: string | Buffer, secret = WEBHOOK_SECRET, at = clock) => sign(body, secret, at).headers

describe('POST /api/v1/inbound/{source}', () => {
  it('accepts a signed delivery whatever its Content-Type, once the records are durable: 202', async () => {
    const body = delivery([
      { id: 'a', v: 1 },
      { id: 'b', v: 2 },
    ])
    const res = await deliver(body, { ...signed(body), 'Content-Type': 'text/plain' })
    expect(res).toMatchObject({ status: 202, body: { runId: expect.any(String), accepted: 2, duplicates: 0 } })
    expect(api.services.calls.at(-1)).toEqual({
      method: 'receive',
      args: [
        {
          source: SOURCES.webhook,
          records: [
            { id: 'a', v: 1 },
            { id: 'b', v: 2 },
          ],
          // Stored with the records, so that only a durable delivery counts as seen (issue 11 §8).
          signature: expect.stringMatching(/^[0-9a-f]{64}$/),
        },
      ],
    })
    expect((await api.ledger.records.search({ source: SOURCES.webhook, sourceKey: 'a' })).pager.total).toBe(1)
  })

  it('refuses a replayed delivery with 401 reason replayed; a re-signed retry of the same records adds nothing', async () => {
    const body = delivery([{ id: 'c', v: 3 }])
    const headers = signed(body)
    expect((await deliver(body, headers)).status).toBe(202)
    expect(await deliver(body, headers)).toMatchObject({
      status: 401,
      body: { error: 'invalid-signature', reason: 'replayed', message: expect.stringContaining('already received') },
    })
    clock += 1000
    expect(await deliver(body, signed(body))).toMatchObject({ status: 202, body: { accepted: 0, duplicates: 1 } })
  })

  it('forgets the signature of a delivery it could not store (500), so the same signed request sent again is taken', async () => {
    const body = delivery([{ id: 'after-500', v: 9 }])
    const headers = signed(body)
    api.services.failNext('receive', new Error('ledger unreachable'))
    expect((await deliver(body, headers)).status).toBe(500)
    expect((await api.ledger.records.search({ source: SOURCES.webhook, sourceKey: 'after-500' })).pager.total).toBe(0)
    expect(await deliver(body, headers)).toMatchObject({ status: 202, body: { accepted: 1 } })
    // Stored now: the very same request a third time is a replay again.
    expect(await deliver(body, headers)).toMatchObject({ status: 401, body: { reason: 'replayed' } })
  })

  it.each([
    ['a wrong secret', (b: string) => signed(b, 'not-the-secret'), 'bad-signature'],
    ['a signature of another body', () => signed(delivery()), 'bad-signature'],
    ['a timestamp 6 minutes old', (b: string) => signed(b, WEBHOOK_SECRET, clock - 6 * 60_000), 'stale-timestamp'],
    ['no signature', (b: string) => ({ 'X-Relais-Timestamp': signed(b)['X-Relais-Timestamp'] }), 'missing-signature'],
    ['no timestamp', (b: string) => ({ 'X-Relais-Signature': signed(b)['X-Relais-Signature'] }), 'missing-timestamp'],
    [
      'a malformed signature',
      (b: string) => ({ ...signed(b), 'X-Relais-Signature': 'md5=abc' }),
      'malformed-signature',
    ],
    ['an admin API key instead', () => as.admin(), 'missing-timestamp'],
  ])('refuses %s with 401 and the reason', async (_what, headersFor, reason) => {
    const body = delivery()
    const res = await deliver(body, headersFor(body))
    expect(res).toMatchObject({ status: 401, body: { error: 'invalid-signature', reason } })
    expect(api.services.calls.filter((c) => c.method === 'receive').map((c) => c.args[0])).not.toContainEqual(
      expect.objectContaining({ records: JSON.parse(body).records }),
    )
  })

  it('answers 404 for an unknown, disabled or non-webhook source, before reading anything', async () => {
    for (const source of ['nowhere', SOURCES.disabledHook, SOURCES.kobo]) {
      const body = delivery()
      expect(await deliver(body, signed(body), source)).toMatchObject({
        status: 404,
        body: { error: 'unknown-source' },
      })
    }
  })

  it('answers 400 for signed malformed JSON or a body of the wrong shape', async () => {
    const broken = '{"records": [{"id": 1},]}'
    expect(await deliver(broken, signed(broken))).toMatchObject({
      status: 400,
      body: { error: 'malformed-json', where: { line: 1, column: 24 } },
    })
    for (const body of ['{"records": []}', '{"records": [1, 2]}', '{"rows": [{"id": 1}]}', '[]']) {
      clock += 1000
      expect({ sent: body, ...(await deliver(body, signed(body))) }).toMatchObject({
        sent: body,
        status: 400,
        body: { error: 'invalid-request' },
      })
    }
  })

  it('answers 413 for a body 10× over the limit, without reading it whole', async () => {
    const body = delivery([{ id: 'big', text: 'x'.repeat(10 * 1024 * 1024) }])
    expect(await deliver(body, signed(body))).toMatchObject({ status: 413, body: { error: 'payload-too-large' } })
  })

  it('answers 500 without details when the ledger fails, and the sender may retry', async () => {
    api.services.failNext('receive', new Error('connection terminated: password=hunter2'))
    const body = delivery()
    const res = await deliver(body, signed(body))
    expect(res).toMatchObject({
      status: 500,
      body: { error: 'internal', message: expect.stringContaining('request id') },
    })
    expect(JSON.stringify(res.body)).not.toMatch(/hunter2|connection|at .*\.ts/)
    clock += 1000
    expect((await deliver(body, signed(body))).status).toBe(202)
  })

  it('counts only signed deliveries against a source: forged ones cannot spend its budget (issue 11 §10)', async () => {
    clock += 61_000 // a fresh window
    for (let i = 0; i < 60; i++) {
      const body = delivery()
      expect((await deliver(body, signed(body, 'not-the-secret-0123456789abcdef0123'))).status).toBe(401)
    }
    const body = delivery()
    expect((await deliver(body, signed(body))).status).toBe(202)
    clock += 61_000
  })

  it('rate-limits each source: 429 with a message, other sources unaffected', async () => {
    let last = 0
    for (let i = 0; i < 45 && last !== 429; i++) {
      const body = delivery()
      last = (await deliver(body, signed(body))).status
    }
    expect(last).toBe(429)
    const body = delivery()
    const res = await deliver(body, signed(body))
    expect(res).toMatchObject({
      status: 429,
      body: { error: 'rate-limited', message: expect.stringContaining(SOURCES.webhook) },
    })
    expect(res.headers.get('ratelimit-policy')).toBeTruthy()
    // an unknown source is still a 404, not counted against anyone
    expect((await deliver(body, signed(body), 'nowhere')).status).toBe(404)
  })
})
