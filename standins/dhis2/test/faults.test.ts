/**
 * Test-only endpoints and fault injection: `/api/testing/*` answers 404 unless the stand-in runs
 * with `--test-endpoints`; each fault (latency, 5xx rate, hang, down, 429 + Retry-After, paths)
 * measured over real HTTP; faults hit before authentication and never `/api/testing/*`.
 */
import { basic, startStandin, type Client } from './support'

describe('without --test-endpoints every /api/testing path is a 404', () => {
  let off: Client
  beforeAll(async () => {
    off = await startStandin()
  })
  afterAll(() => off.close())

  const rows = [
    { method: 'GET', path: '/api/testing/clock' },
    { method: 'POST', path: '/api/testing/clock', body: { now: '2026-01-01T00:00:00Z' } },
    { method: 'POST', path: '/api/testing/faults', body: { down: true } },
    { method: 'DELETE', path: '/api/testing/faults' },
    { method: 'POST', path: '/api/testing/sms-gateway', body: { configured: true } },
    { method: 'POST', path: '/api/testing/sessions/expire' },
    { method: 'POST', path: '/api/testing/state/save', body: {} },
    { method: 'POST', path: '/api/testing/state/load', body: {} },
  ]
  test.each(rows)('$method $path → 404', async ({ method, path, body }) => {
    const res = await off.call(method, path, { as: '', body })
    expect(res.status).toBe(404)
    expect(res.body).toMatchObject({ httpStatusCode: 404, status: 'ERROR' })
  })

  test('and nothing was changed: the API answers normally', async () => {
    expect((await off.call('GET', '/api/system/ping', { as: '' })).status).toBe(200)
    expect(off.standin.ctx.state.smsGatewayConfigured).toBe(false)
  })
})

describe('faults (with --test-endpoints)', () => {
  let c: Client
  beforeAll(async () => {
    c = await startStandin({ testEndpoints: true })
  })
  afterEach(async () => {
    await c.call('DELETE', '/api/testing/faults', { as: '' })
  })
  afterAll(() => c.close())

  const setFaults = async (faults: object) => {
    const res = await c.call('POST', '/api/testing/faults', { as: '', body: faults })
    expect(res.status).toBe(200)
    return res
  }
  const timed = async (path: string, as = 'admin') => {
    const started = performance.now()
    const res = await c.call('GET', path, { as })
    return { status: res.status, body: res.body, headers: res.headers, ms: performance.now() - started }
  }

  test('latencyMs delays affected requests, and only those (paths)', async () => {
    // A wide gap between the injected latency and the bound, so a loaded CI machine cannot blur it.
    await setFaults({ latencyMs: 1200, paths: '^/api/system/info' })
    const slow = await timed('/api/system/info')
    expect(slow.status).toBe(200)
    expect(slow.ms).toBeGreaterThanOrEqual(1190)
    const fast = await timed('/api/me')
    expect(fast.status).toBe(200)
    expect(fast.ms).toBeLessThan(900)
  })

  test('latency applies through the /api/<version> prefix too', async () => {
    await setFaults({ latencyMs: 200 })
    expect((await timed('/api/41/system/ping')).ms).toBeGreaterThanOrEqual(190)
  })

  const rates = [
    { errorRate: 0, min: 0, max: 0 },
    { errorRate: 0.5, min: 0.3, max: 0.7 },
    { errorRate: 1, min: 1, max: 1 },
  ]
  test.each(rates)(
    'errorRate $errorRate: share of 500/502/503 WebMessages over 200 requests',
    async ({ errorRate, min, max }) => {
      await setFaults({ errorRate })
      const results = await Promise.all(
        Array.from({ length: 200 }, () => c.call('GET', '/api/system/ping', { as: '' })),
      )
      const failures = results.filter((r) => r.status >= 500)
      expect(failures.length / results.length).toBeGreaterThanOrEqual(min)
      expect(failures.length / results.length).toBeLessThanOrEqual(max)
      for (const f of failures) {
        expect([500, 502, 503]).toContain(f.status)
        expect(f.body).toMatchObject({ httpStatusCode: f.status, status: 'ERROR' })
      }
      for (const ok of results.filter((r) => r.status < 500)) expect(ok.body).toBe('pong')
    },
  )

  test('hang: requests are never answered (the client times out) until the faults are cleared', async () => {
    await setFaults({ hang: true, paths: '^/api/me$' })
    await expect(
      fetch(`${c.url}/api/me`, { headers: { Authorization: basic('admin') }, signal: AbortSignal.timeout(300) }),
    ).rejects.toThrow(/aborted|timeout/i)
    // Other paths still answer.
    expect((await c.call('GET', '/api/system/info')).status).toBe(200)
    const pending = fetch(`${c.url}/api/me`, { headers: { Authorization: basic('admin') } })
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect((await c.call('GET', '/api/testing/faults', { as: '' })).body).toMatchObject({ hang: true, held: 2 })
    const cleared = await c.call('DELETE', '/api/testing/faults', { as: '' })
    expect(cleared.body).toEqual({ cleared: true, released: 2 })
    const res = await pending
    expect(res.status).toBe(200)
    expect(((await res.json()) as { username: string }).username).toBe('admin')
  })

  test('down: connections are destroyed at once (the client sees a reset), the testing API still answers', async () => {
    await setFaults({ down: true })
    const started = performance.now()
    const error = await fetch(`${c.url}/api/system/info`, { headers: { Authorization: basic('admin') } }).then(
      () => undefined,
      (e: unknown) => e as Error & { cause?: { code?: string } },
    )
    // fetch lives in another realm than jest's globals: compare the name, not the constructor.
    expect(error?.name).toBe('TypeError')
    expect(error?.message).toBe('fetch failed')
    expect(error?.cause?.code).toMatch(/ECONNRESET|UND_ERR_SOCKET|EPIPE/)
    expect(performance.now() - started).toBeLessThan(1000)
    expect((await c.call('GET', '/api/testing/faults', { as: '' })).body).toMatchObject({ down: true })
    await c.call('DELETE', '/api/testing/faults', { as: '' })
    expect((await c.call('GET', '/api/system/info')).status).toBe(200)
  })

  test('rateLimit: 429 with Retry-After, before authentication', async () => {
    await setFaults({ rateLimit: { status: 429, retryAfterSeconds: 7 } })
    for (const as of ['admin', '']) {
      const res = await timed('/api/dataValueSets', as)
      expect(res.status).toBe(429)
      expect(res.headers.get('retry-after')).toBe('7')
      expect(res.body).toEqual({
        httpStatus: 'Too Many Requests',
        httpStatusCode: 429,
        status: 'ERROR',
        message: 'Too Many Requests',
      })
    }
  })

  test('paths restricts the faults to matching /api paths', async () => {
    await setFaults({ errorRate: 1, paths: '^/api/dataStore' })
    expect((await c.call('GET', '/api/dataStore')).status).toBeGreaterThanOrEqual(500)
    expect((await c.call('GET', '/api/system/info')).status).toBe(200)
    // Non-API paths (the login page) are never affected.
    expect((await c.call('GET', '/dhis-web-commons-security/login.action', { as: '' })).status).toBe(200)
  })

  test('/api/testing/* is never affected, even when everything else is down', async () => {
    await setFaults({ down: true, errorRate: 1, latencyMs: 2000 })
    const res = await timed('/api/testing/clock', '')
    expect(res.status).toBe(200)
    expect(res.ms).toBeLessThan(1500)
  })

  const invalid = [
    { name: 'errorRate above 1', body: { errorRate: 2 } },
    { name: 'negative latency', body: { latencyMs: -1 } },
    { name: 'hang not a boolean', body: { hang: 'yes' } },
    { name: 'an invalid paths regex', body: { paths: '(' } },
    { name: 'an unknown fault', body: { explode: true } },
    { name: 'a rate limit status below 400', body: { rateLimit: { status: 200, retryAfterSeconds: 1 } } },
  ]
  test.each(invalid)('POST /api/testing/faults with $name → 400', async ({ body }) => {
    const res = await c.call('POST', '/api/testing/faults', { as: '', body })
    expect(res.status).toBe(400)
    expect((await c.call('GET', '/api/testing/faults', { as: '' })).body).toEqual({ held: 0 })
  })
})

describe('a lost answer: committed, then the connection cut', () => {
  let c: Client
  beforeAll(async () => {
    c = await startStandin({ testEndpoints: true })
  })
  afterAll(() => c.close())

  test('the value is saved although the client never hears so', async () => {
    const ds = c.standin.ctx.state.metadata.dataSets.find((d) => d.code === 'RC_MENSUEL')!
    const de = c.standin.ctx.state.metadata.dataElements.find((d) => d.code === 'RC_VAD')!
    const ou = ds.organisationUnits[0]!.id
    await c.call('POST', '/api/testing/faults', { body: { loseAnswerRate: 1, paths: '^/api/dataValueSets' } })
    const sent = await fetch(`${c.url}/api/dataValueSets`, {
      method: 'POST',
      headers: { Authorization: basic('admin'), 'Content-Type': 'application/json' },
      body: JSON.stringify({ dataValues: [{ dataElement: de.id, period: '202609', orgUnit: ou, value: '41' }] }),
    }).then(
      () => 'answered',
      () => 'lost',
    )
    expect(sent).toBe('lost')
    await c.call('DELETE', '/api/testing/faults')
    const held = await c.call('GET', `/api/dataValueSets?dataSet=${ds.id}&period=202609&orgUnit=${ou}`)
    expect(held.body.dataValues.find((v: { dataElement: string }) => v.dataElement === de.id)?.value).toBe('41')
  })

  test('a rate outside 0–1 is refused', async () => {
    expect((await c.call('POST', '/api/testing/faults', { body: { loseAnswerRate: 2 } })).status).toBe(400)
  })
})
