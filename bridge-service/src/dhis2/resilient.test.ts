/**
 * Client + backoff + circuit breaker together. Against the stand-in: DHIS2 down for a while, then back
 * → everything is delivered and the breaker keeps the number of requests sent while it was down small;
 * 429 + Retry-After honoured; permanent errors not retried. Then the helper's own branches.
 */
import { createStandin, type Standin, DEMO_BRIDGE_TOKEN } from '@relais/dhis2-standin'
import { Dhis2Client, type DataValue } from './client'
import { CircuitBreaker } from './circuit-breaker'
import { Dhis2Error } from './errors'
import { circuitOpenError, withResilience } from './resilient'

let s: Standin

async function faults(config?: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${s.url}/api/testing/faults`, {
    method: config ? 'POST' : 'DELETE',
    headers: { 'Content-Type': 'application/json' },
    body: config ? JSON.stringify(config) : undefined,
  })
  if (!res.ok) throw new Error(`faults → ${res.status}`)
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
const policy = { maxAttempts: 1_000, backoff: { baseMs: 20, capMs: 100 } }

/** A client that counts its requests, split into "while DHIS2 was down" and after. */
function countingClient(state: { down: boolean }) {
  const counts = { whileDown: 0, afterwards: 0 }
  const client = new Dhis2Client({
    url: s.url,
    auth: { kind: 'token', token: DEMO_BRIDGE_TOKEN },
    timeoutMs: 2_000,
    onRequest: () => {
      if (state.down) counts.whileDown++
      else counts.afterwards++
    },
  })
  return { client, counts }
}

/** The i-th RC of the seed (by code). */
const rc = (i: number): string => {
  const codes = s.ctx.state.metadata.organisationUnits
    .filter((o) => o.level === 5)
    .map((o) => o.code!)
    .sort()
  return codes[i]!
}
const payload = (i: number): { dataValues: DataValue[] } => ({
  dataValues: [{ dataElement: 'RC_VAD', period: '202605', orgUnit: rc(i), value: String(500 + i) }],
})

/** `callers` pushes while DHIS2 is down for `downMs`, then back; resolves with the request counts. */
async function outage(breaker: CircuitBreaker, callers: number, downMs: number) {
  const state = { down: true }
  const { client, counts } = countingClient(state)
  await faults({ down: true })
  const pushes = Array.from({ length: callers }, (_, i) =>
    withResilience(() => client.postDataValueSets(payload(i), { idScheme: 'code' }), { breaker, policy }),
  )
  await sleep(downMs)
  state.down = false
  await faults()
  const summaries = await Promise.all(pushes)
  return { counts, summaries }
}

beforeAll(async () => {
  s = createStandin({ seed: 'small', now: '2026-10-03T09:00:00Z', testEndpoints: true })
  await s.listen()
})
afterEach(() => faults())
afterAll(() => s.close())

test('DHIS2 down for a while, then back: everything delivered, the breaker bounds the requests while down', async () => {
  const coolDownMs = 250
  const downMs = 1_500
  const callers = 8
  const threshold = 3
  const breaker = new CircuitBreaker(s.url, { failureThreshold: threshold, coolDownMs })
  const changes: string[] = []
  breaker.onStateChange((from, to) => changes.push(`${from}→${to}`))

  const { counts, summaries } = await outage(breaker, callers, downMs)

  expect(summaries.map((x) => x.status)).toEqual(Array(callers).fill('SUCCESS'))
  const coc = s.ctx.index.metadata.defaultCategoryOptionComboId
  const de = s.ctx.index.metadata.objects.dataElements.byCode.get('RC_VAD')!.id
  for (let i = 0; i < callers; i++) {
    const ou = s.ctx.index.metadata.objects.organisationUnits.byCode.get(rc(i))!.id
    const key = { dataElement: de, period: '202605', orgUnit: ou, categoryOptionCombo: coc, attributeOptionCombo: coc }
    expect(s.ctx.state.dataValues.get(key)?.value).toBe(String(500 + i))
  }
  // While down: the first wave (every caller, sent while the circuit was still closed), at most
  // threshold − 1 quick retries sent before the threshold-th failure came back, and at most one probe per
  // cool-down. A slow machine only makes fewer probes, never more.
  const bound = callers + (threshold - 1) + Math.floor(downMs / coolDownMs) + 1
  expect(counts.whileDown).toBeGreaterThanOrEqual(callers)
  expect(counts.whileDown).toBeLessThanOrEqual(bound)
  // Afterwards: one successful probe and each caller's push (a probe may still fail while the fault is
  // being lifted, hence + 2).
  expect(counts.afterwards).toBeLessThanOrEqual(callers + 2)
  expect(breaker.state).toBe('closed')
  expect(breaker.snapshot().timesOpened).toBeGreaterThanOrEqual(2)
  expect(changes[0]).toBe('closed→open')
  expect(changes.at(-1)).toBe('half-open→closed')
})

test('for comparison, without a breaker the same outage costs many more requests', async () => {
  const never = new CircuitBreaker(s.url, { failureThreshold: Number.MAX_SAFE_INTEGER, coolDownMs: 0 })
  const { counts } = await outage(never, 4, 600)
  const withBreakerBound = 4 + 2 + Math.floor(600 / 250) + 1
  expect(counts.whileDown).toBeGreaterThan(2 * withBreakerBound)
})

test('429 + Retry-After: the retry waits at least as long as DHIS2 asked', async () => {
  const breaker = new CircuitBreaker(s.url, { failureThreshold: 3, coolDownMs: 1_000 })
  const { client } = countingClient({ down: false })
  const waits: number[] = []
  await faults({ rateLimit: { status: 429, retryAfterSeconds: 3 } })
  const summary = await withResilience(() => client.postDataValueSets(payload(0), { idScheme: 'code' }), {
    breaker,
    policy,
    // Instead of waiting 3 s: note the wait and lift the rate limit.
    sleep: async (ms) => {
      waits.push(ms)
      await faults()
    },
  })
  expect(summary.status).toBe('SUCCESS')
  expect(waits).toEqual([3_000])
})

test('a permanent error is not retried: one request', async () => {
  const breaker = new CircuitBreaker(s.url, { failureThreshold: 1, coolDownMs: 1_000 })
  let requests = 0
  const client = new Dhis2Client({
    url: s.url,
    auth: { kind: 'token', token: 'd2pat_NotAValidTokenAtAllXXXXXXXXXXXXXXXXXX1234567890' },
    onRequest: () => requests++,
  })
  const error = await withResilience(() => client.getMe(), { breaker, policy }).catch((e: unknown) => e)
  expect(error).toMatchObject({ kind: 'permanent', status: 401 })
  expect(requests).toBe(1)
  expect(breaker.state).toBe('closed')
})

test('transient errors until maxAttempts: exactly that many requests, then the last error', async () => {
  const breaker = new CircuitBreaker(s.url, { failureThreshold: 100, coolDownMs: 1_000 })
  const { client, counts } = countingClient({ down: false })
  await faults({ errorRate: 1 })
  const retries: number[] = []
  const error = await withResilience(() => client.getMe(), {
    breaker,
    policy: { maxAttempts: 3, backoff: { baseMs: 1, capMs: 5 } },
    onRetry: ({ attempt }) => retries.push(attempt),
  }).catch((e: unknown) => e)
  expect(error).toMatchObject({ kind: 'transient', reason: 'http' })
  expect(counts.afterwards).toBe(3)
  expect(retries).toEqual([1, 2])
})

describe('withResilience, its own branches', () => {
  const transient = () => new Dhis2Error('down', { kind: 'transient', reason: 'network' })
  const clockBreaker = () => {
    const clock = { now: 0 }
    const breaker = new CircuitBreaker('t', { failureThreshold: 1, coolDownMs: 1_000, now: () => clock.now })
    return { breaker, clock }
  }

  test('circuit open and waitForCircuit false: fails at once with circuit-open and when to come back', async () => {
    const { breaker, clock } = clockBreaker()
    breaker.onFailure('transient')
    clock.now = 400
    let called = false
    const error = await withResilience(
      async () => {
        called = true
      },
      { breaker, policy, waitForCircuit: false },
    ).catch((e: unknown) => e)
    expect(called).toBe(false)
    expect(error).toBeInstanceOf(Dhis2Error)
    expect(error).toMatchObject({ kind: 'transient', reason: 'circuit-open', retryAfterMs: 600 })
    expect(circuitOpenError(breaker).message).toBe('DHIS2 t is unavailable: circuit open, next try in 600 ms')
  })

  test('circuit open: waits for the cool-down without counting attempts, then probes', async () => {
    const { breaker, clock } = clockBreaker()
    breaker.onFailure('transient')
    const waits: number[] = []
    const result = await withResilience(async () => 'ok', {
      breaker,
      policy: { maxAttempts: 1, backoff: policy.backoff },
      sleep: async (ms) => {
        waits.push(ms)
        clock.now += ms
      },
    })
    expect(result).toBe('ok')
    expect(waits).toEqual([1_000])
    expect(breaker.state).toBe('closed')
  })

  test('an error that is not a Dhis2Error is rethrown at once and frees the probe slot', async () => {
    const { breaker, clock } = clockBreaker()
    breaker.onFailure('transient')
    clock.now = 1_000
    await expect(
      withResilience(
        async () => {
          throw new TypeError('bug')
        },
        { breaker, policy },
      ),
    ).rejects.toThrow(TypeError)
    expect(breaker.state).toBe('half-open')
    expect(breaker.tryAcquire()).toBe(true)
  })

  test('a cancelled request is not retried and does not count against DHIS2', async () => {
    const { breaker } = clockBreaker()
    const aborted = new Dhis2Error('cancelled', { kind: 'transient', reason: 'aborted' })
    await expect(
      withResilience(
        async () => {
          throw aborted
        },
        { breaker, policy },
      ),
    ).rejects.toBe(aborted)
    expect(breaker.snapshot().consecutiveFailures).toBe(0)
  })

  test('a failed probe reopens; the next probe after the cool-down succeeds', async () => {
    const { breaker, clock } = clockBreaker()
    let calls = 0
    const result = await withResilience(
      async () => {
        calls++
        if (calls < 3) throw transient()
        return calls
      },
      {
        breaker,
        policy: { maxAttempts: 5, backoff: { baseMs: 1, capMs: 1, random: () => 0 } },
        sleep: async (ms) => {
          clock.now += ms
        },
      },
    )
    expect(result).toBe(3)
    expect(clock.now).toBe(2_000)
    expect(breaker.snapshot()).toMatchObject({ state: 'closed', timesOpened: 2 })
  })
})
