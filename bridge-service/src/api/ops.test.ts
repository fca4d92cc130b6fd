jest.mock('@electric-sql/pglite', () =>
  jest.requireActual<typeof import('../ledger/test-support')>('../ledger/test-support').nativePglite(),
)

import { CircuitBreakerRegistry } from '../dhis2/circuit-breaker'
import { createMetrics, METRIC_NAMES, type RelaisMetrics } from './metrics'
import { as, call, silentLogger, startTestApi, type TestApi } from './test-support'

let api: TestApi
let metrics: RelaisMetrics
let redisUp = true
const breakers = new CircuitBreakerRegistry({ failureThreshold: 1, coolDownMs: 60_000 })

beforeAll(async () => {
  metrics = createMetrics({ logger: silentLogger(), recordCountsTtlMs: 0 })
  api = await startTestApi({
    metrics,
    health: {
      timeoutMs: 200,
      checks: {
        redis: async () => {
          if (!redisUp) throw new Error('connect ECONNREFUSED 10.0.0.5:6379')
        },
        ledger: async () => true,
        dhis2: { check: async () => redisUp, critical: false },
      },
    },
  })
  metrics.collectFrom({
    queues: () => [
      { stage: 'map', depth: 3, oldestAgeSeconds: 12 },
      { stage: 'push', depth: 0, oldestAgeSeconds: 0 },
    ],
    recordCounts: () => api.ledger.records.countByStatus(),
    circuits: () => breakers.snapshots(),
  })
}, 60_000)
afterAll(() => api.close())

describe('/healthz and /readyz', () => {
  it('healthz answers while the process is up, without authentication', async () => {
    expect(await call(`${api.url}/healthz`)).toMatchObject({ status: 200, body: { status: 'ok' } })
  })

  it('readyz is 200 when every check passes', async () => {
    expect(await call(`${api.url}/readyz`)).toMatchObject({
      status: 200,
      body: { status: 'ready', checks: { redis: 'ok', ledger: 'ok', dhis2: 'ok' } },
    })
  })

  it('readyz is 503 naming the critical checks that failed, with no detail for anonymous callers', async () => {
    redisUp = false
    try {
      const res = await call(`${api.url}/readyz`)
      expect(res).toMatchObject({
        status: 503,
        body: { error: 'not-ready', failed: ['redis'], checks: { redis: 'failed', ledger: 'ok', dhis2: 'failed' } },
      })
      expect(JSON.stringify(res.body)).not.toContain('10.0.0.5')
      expect(api.logger.lines.some((l) => l.includes('10.0.0.5'))).toBe(true)
    } finally {
      redisUp = true
    }
  })

  it('a check that hangs counts as failed after its timeout; a non-critical one only degrades', async () => {
    const hanging = await startTestApi({
      health: {
        timeoutMs: 50,
        checks: { ledger: async () => true, dhis2: { check: () => new Promise(() => {}), critical: false } },
      },
    })
    try {
      expect(await call(`${hanging.url}/readyz`)).toMatchObject({
        status: 200,
        body: { status: 'degraded', checks: { dhis2: 'failed' } },
      })
    } finally {
      await hanging.close()
    }
  }, 60_000)
})

describe('/metrics', () => {
  it('needs an API key of role lecteur or administrateur (Prometheus sends a bearer token)', async () => {
    expect((await call(`${api.url}/metrics`)).status).toBe(401)
    expect((await call(`${api.url}/metrics`, { headers: as.manager() })).status).toBe(403)
    expect((await call(`${api.url}/metrics`, { headers: as.reader() })).status).toBe(200)
  })

  it('exposes queues, records by status, push latency, DHIS2 errors and circuit states', async () => {
    const source = 'metrics-src'
    const out = await api.ledger.records.insertMany(
      [1, 2, 3].map((i) => ({ source, sourceKey: `k${i}`, version: 'v', contentHash: 'h', raw: {} })),
      { actor: 'test' },
    )
    await api.ledger.records.transition(out[0]!.id, 'received', 'mapped', { actor: 'test' })
    metrics.observePush(420, 5000)
    metrics.observePush(1800)
    metrics.countDhis2Error('transient', 'timeout')
    metrics.countDhis2Error('transient', 'timeout')
    metrics.countDhis2Error('permanent')
    metrics.setCircuit('https://dhis2.example.org', 'half-open')
    breakers.for('https://other.example.org').onFailure('transient')

    const res = await fetch(`${api.url}/metrics`, { headers: as.admin() })
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    const text = await res.text()
    const has = (line: string) => expect(text.split('\n')).toContain(line)
    has(`${METRIC_NAMES.queueDepth}{stage="map"} 3`)
    has(`${METRIC_NAMES.queueOldestAge}{stage="map"} 12`)
    has(`${METRIC_NAMES.records}{status="received"} 2`)
    has(`${METRIC_NAMES.records}{status="mapped"} 1`)
    has(`${METRIC_NAMES.records}{status="imported"} 0`)
    has(`${METRIC_NAMES.pushDuration}_count 2`)
    has(`${METRIC_NAMES.pushDuration}_bucket{le="0.5"} 1`)
    has(`${METRIC_NAMES.pushedValues} 5000`)
    has(`${METRIC_NAMES.dhis2Errors}{kind="transient",reason="timeout"} 2`)
    has(`${METRIC_NAMES.dhis2Errors}{kind="permanent",reason="http"} 1`)
    has(`${METRIC_NAMES.circuitState}{target="https://dhis2.example.org"} 1`)
    has(`${METRIC_NAMES.circuitState}{target="https://other.example.org"} 2`)
    has(`${METRIC_NAMES.collectorUp}{collector="queues"} 1`)
    expect(text).toMatch(/relais_process_cpu_user_seconds_total \d/)
    expect(text).toMatch(/relais_http_requests_total\{method="GET",route="\/readyz",status="503"\} 1/)
  })

  it('keeps the other metrics when a collector fails, and says so', async () => {
    metrics.collectFrom({
      queues: async () => {
        throw new Error('redis down')
      },
    })
    const text = await (await fetch(`${api.url}/metrics`, { headers: as.admin() })).text()
    expect(text).toContain(`${METRIC_NAMES.collectorUp}{collector="queues"} 0`)
    expect(text).toContain(`${METRIC_NAMES.dhis2Errors}{kind="transient",reason="timeout"} 2`)
  })
})
