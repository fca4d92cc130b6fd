import { backoffDelay, DEFAULT_BACKOFF, parseRetryAfter, retryDecision, type BackoffOptions } from './backoff'

const fixed = (r: number): BackoffOptions => ({ baseMs: 100, capMs: 1_000, random: () => r })

describe('backoffDelay: full jitter under an exponential ceiling', () => {
  test.each([
    // attempt, random, retryAfterMs, expected
    [1, 0.999, undefined, 99], // ceiling 100
    [2, 0.999, undefined, 199], // ceiling 200
    [3, 0.5, undefined, 200], // ceiling 400
    [4, 0.5, undefined, 400], // ceiling 800
    [5, 0.5, undefined, 500], // ceiling capped at 1000
    [60, 0.5, undefined, 500], // 2^59 is still capped
    [5000, 0.5, undefined, 500], // 2^4999 = Infinity, still capped
    [1, 0, undefined, 0], // full jitter reaches 0
    [1, 0, 2_500, 2_500], // Retry-After is a floor ...
    [3, 0.999, 10, 399], // ... that does not shorten a longer jittered delay
    [1, 0.5, 60_000, 60_000], // ... and that may exceed the cap
    [1, 0.5, 1.2, 50], // sub-ms Retry-After rounds up but jitter wins here
    [1, 0, 1.2, 2],
    [1, 0.5, -5, 50], // a negative Retry-After is ignored
    [1, 0.5, Number.NaN, 50],
    [1, Number.NaN, undefined, 100], // a broken random source gives the ceiling, never NaN
    [1, 7, undefined, 100], // out of range random is clamped
    [1, -1, undefined, 0],
  ])('attempt %i, random %d, Retry-After %s → %i ms', (attempt, r, retryAfterMs, expected) => {
    expect(backoffDelay(attempt, fixed(r), retryAfterMs)).toBe(expected)
  })

  test('delays spread over [0, ceiling) with Math.random', () => {
    const delays = Array.from({ length: 200 }, () => backoffDelay(3, { baseMs: 100, capMs: 1000 }))
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...delays)).toBeLessThan(400)
    expect(new Set(delays).size).toBeGreaterThan(50)
  })

  test('the default policy starts at 1 s and caps at 5 min', () => {
    expect(backoffDelay(1, { ...DEFAULT_BACKOFF, random: () => 0.999 })).toBe(999)
    expect(backoffDelay(30, { ...DEFAULT_BACKOFF, random: () => 0.999 })).toBe(299_700)
  })

  test.each([0, -1, 1.5, Number.NaN])('attempt %d is refused', (attempt) => {
    expect(() => backoffDelay(attempt, fixed(0.5))).toThrow(RangeError)
  })
  test.each([
    { baseMs: 0, capMs: 10 },
    { baseMs: 10, capMs: 5 },
    { baseMs: Number.NaN, capMs: 5 },
  ])('options %j are refused', (options) => {
    expect(() => backoffDelay(1, options)).toThrow(RangeError)
  })
})

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-10-03T09:00:00Z')
  test.each([
    ['120', 120_000],
    [' 0 ', 0],
    ['Sat, 03 Oct 2026 09:00:30 GMT', 30_000],
    ['Sat, 03 Oct 2026 08:59:00 GMT', 0], // in the past: retry now
    ['soon', undefined],
    ['1.5', undefined], // not delta-seconds, not a date
    ['-3', undefined],
    ['', undefined],
    [undefined, undefined],
    [null, undefined],
  ])('%j → %j', (value, expected) => expect(parseRetryAfter(value, now)).toBe(expected))

  test('uses the real clock by default', () => {
    expect(parseRetryAfter('5')).toBe(5000)
  })
})

describe('retryDecision', () => {
  const policy = { maxAttempts: 3, backoff: fixed(0.5) }
  test.each([
    [1, { kind: 'permanent' as const }, { retry: false, reason: 'permanent' }],
    [1, { kind: 'transient' as const }, { retry: true, delayMs: 50 }],
    [2, { kind: 'transient' as const, retryAfterMs: 3000 }, { retry: true, delayMs: 3000 }],
    [3, { kind: 'transient' as const }, { retry: false, reason: 'exhausted' }],
    [9, { kind: 'transient' as const }, { retry: false, reason: 'exhausted' }],
  ])('after failure %i of %j', (attempt, failure, expected) => {
    expect(retryDecision(attempt, failure, policy)).toEqual(expected)
  })
})
