import {
  CIRCUIT_STATE_VALUE,
  CircuitBreaker,
  CircuitBreakerRegistry,
  DEFAULT_CIRCUIT_BREAKER,
  type CircuitState,
} from './circuit-breaker'

function setup(options: { failureThreshold?: number; coolDownMs?: number; probeTimeoutMs?: number } = {}) {
  let now = 1_000
  const breaker = new CircuitBreaker('https://dhis2.example.org', {
    failureThreshold: options.failureThreshold ?? 3,
    coolDownMs: options.coolDownMs ?? 10_000,
    ...(options.probeTimeoutMs !== undefined ? { probeTimeoutMs: options.probeTimeoutMs } : {}),
    now: () => now,
  })
  const changes: string[] = []
  breaker.onStateChange((from, to) => changes.push(`${from}→${to}`))
  return {
    breaker,
    changes,
    advance: (ms: number) => {
      now += ms
    },
    openIt: () => {
      for (let i = 0; i < (options.failureThreshold ?? 3); i++) breaker.onFailure('transient')
    },
  }
}

type Step =
  | ['fail' | 'fail-permanent' | 'succeed' | 'release']
  | ['acquire', boolean]
  | ['advance', number]
  | ['state', CircuitState]
  | ['retryIn', number]

const scenarios: { name: string; steps: Step[] }[] = [
  {
    name: 'stays closed below the threshold',
    steps: [['fail'], ['fail'], ['state', 'closed'], ['acquire', true], ['retryIn', 0]],
  },
  {
    name: 'a success resets the consecutive count',
    steps: [['fail'], ['fail'], ['succeed'], ['fail'], ['fail'], ['state', 'closed']],
  },
  {
    name: 'a permanent failure is an answer: it resets the count too',
    steps: [['fail'], ['fail'], ['fail-permanent'], ['fail'], ['fail'], ['state', 'closed']],
  },
  {
    name: 'opens after N consecutive transient failures and refuses until the cool-down is over',
    steps: [
      ['fail'],
      ['fail'],
      ['fail'],
      ['state', 'open'],
      ['acquire', false],
      ['retryIn', 10_000],
      ['advance', 9_999],
      ['acquire', false],
      ['retryIn', 1],
    ],
  },
  {
    name: 'after the cool-down exactly one probe goes; its success closes the circuit',
    steps: [
      ['fail'],
      ['fail'],
      ['fail'],
      ['advance', 10_000],
      ['retryIn', 0],
      ['acquire', true],
      ['state', 'half-open'],
      ['acquire', false],
      ['acquire', false],
      ['succeed'],
      ['state', 'closed'],
      ['acquire', true],
      ['acquire', true],
    ],
  },
  {
    name: 'a failed probe opens the circuit again for a full cool-down',
    steps: [
      ['fail'],
      ['fail'],
      ['fail'],
      ['advance', 10_000],
      ['acquire', true],
      ['fail'],
      ['state', 'open'],
      ['acquire', false],
      ['retryIn', 10_000],
      ['advance', 10_000],
      ['acquire', true],
      ['state', 'half-open'],
    ],
  },
  {
    name: 'a probe answered with a permanent error closes the circuit (DHIS2 is up)',
    steps: [
      ['fail'],
      ['fail'],
      ['fail'],
      ['advance', 10_000],
      ['acquire', true],
      ['fail-permanent'],
      ['state', 'closed'],
    ],
  },
  {
    name: 'late answers while open change nothing (the circuit closes only through a probe)',
    steps: [
      ['fail'],
      ['fail'],
      ['fail'],
      ['advance', 5_000],
      ['succeed'],
      ['fail-permanent'],
      ['fail'],
      ['state', 'open'],
      ['retryIn', 5_000],
    ],
  },
  {
    name: 'a lost probe is replaced after the probe timeout',
    steps: [
      ['fail'],
      ['fail'],
      ['fail'],
      ['advance', 10_000],
      ['acquire', true],
      ['advance', 9_999],
      ['acquire', false],
      ['retryIn', 1],
      ['advance', 1],
      ['acquire', true],
      ['state', 'half-open'],
    ],
  },
  {
    name: 'a released probe slot can be taken at once',
    steps: [['fail'], ['fail'], ['fail'], ['advance', 10_000], ['acquire', true], ['release'], ['acquire', true]],
  },
  {
    name: 'release while closed changes nothing',
    steps: [['release'], ['state', 'closed'], ['acquire', true]],
  },
]

test.each(scenarios)('$name', ({ steps }) => {
  const { breaker, advance } = setup()
  for (const step of steps) {
    switch (step[0]) {
      case 'fail':
        breaker.onFailure('transient')
        break
      case 'fail-permanent':
        breaker.onFailure('permanent')
        break
      case 'succeed':
        breaker.onSuccess()
        break
      case 'release':
        breaker.release()
        break
      case 'acquire':
        expect(breaker.tryAcquire()).toBe(step[1])
        break
      case 'advance':
        advance(step[1])
        break
      case 'state':
        expect(breaker.state).toBe(step[1])
        break
      case 'retryIn':
        expect(breaker.retryInMs()).toBe(step[1])
        break
    }
  }
})

test('state changes are reported, with a snapshot for metrics', () => {
  const { breaker, changes, advance, openIt } = setup()
  const snapshots: unknown[] = []
  breaker.onStateChange((_from, _to, snapshot) => snapshots.push(snapshot))
  openIt()
  expect(breaker.snapshot()).toEqual({
    target: 'https://dhis2.example.org',
    state: 'open',
    consecutiveFailures: 3,
    openedAt: 1_000,
    nextProbeAt: 11_000,
    timesOpened: 1,
  })
  advance(10_000)
  breaker.tryAcquire()
  expect(breaker.snapshot()).toMatchObject({ state: 'half-open', openedAt: 1_000, nextProbeAt: undefined })
  breaker.onFailure('transient')
  advance(10_000)
  breaker.tryAcquire()
  breaker.onSuccess()
  expect(changes).toEqual(['closed→open', 'open→half-open', 'half-open→open', 'open→half-open', 'half-open→closed'])
  expect(snapshots).toHaveLength(5)
  expect(breaker.snapshot()).toEqual({
    target: 'https://dhis2.example.org',
    state: 'closed',
    consecutiveFailures: 0,
    openedAt: undefined,
    nextProbeAt: undefined,
    timesOpened: 2,
  })
  expect(CIRCUIT_STATE_VALUE[breaker.state]).toBe(0)
})

test('a listener can unsubscribe', () => {
  const { breaker, openIt } = setup()
  const seen: string[] = []
  const off = breaker.onStateChange((_f, to) => seen.push(to))
  off()
  off()
  openIt()
  expect(seen).toEqual([])
})

test('the probe timeout can differ from the cool-down', () => {
  const { breaker, advance, openIt } = setup({ probeTimeoutMs: 500 })
  openIt()
  advance(10_000)
  expect(breaker.tryAcquire()).toBe(true)
  advance(499)
  expect(breaker.tryAcquire()).toBe(false)
  advance(1)
  expect(breaker.tryAcquire()).toBe(true)
})

test('a threshold of 1 opens on the first transient failure', () => {
  const { breaker } = setup({ failureThreshold: 1 })
  breaker.onFailure('transient')
  expect(breaker.state).toBe('open')
})

test.each([
  { failureThreshold: 0, coolDownMs: 1 },
  { failureThreshold: 1.5, coolDownMs: 1 },
  { failureThreshold: 1, coolDownMs: -1 },
])('options %j are refused', (options) => {
  expect(() => new CircuitBreaker('t', options)).toThrow(RangeError)
})

test('defaults: the real clock, 5 failures, 30 s', () => {
  const breaker = new CircuitBreaker('t')
  for (let i = 0; i < 4; i++) breaker.onFailure('transient')
  expect(breaker.state).toBe('closed')
  breaker.onFailure('transient')
  expect(breaker.state).toBe('open')
  expect(breaker.retryInMs()).toBeGreaterThan(DEFAULT_CIRCUIT_BREAKER.coolDownMs - 1_000)
})

test('the registry keeps one breaker per target', () => {
  const registry = new CircuitBreakerRegistry({ failureThreshold: 1, coolDownMs: 1_000 })
  const a = registry.for('https://a.example.org')
  expect(registry.for('https://a.example.org')).toBe(a)
  const b = registry.for('https://b.example.org')
  a.onFailure('transient')
  expect(a.state).toBe('open')
  expect(b.state).toBe('closed')
  expect(registry.snapshots().map((s) => [s.target, s.state])).toEqual([
    ['https://a.example.org', 'open'],
    ['https://b.example.org', 'closed'],
  ])
  expect(new CircuitBreakerRegistry().for('x').state).toBe('closed')
})
