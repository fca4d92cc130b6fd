/** The replay caches: a signature is seen once, forgotten on demand, and the Redis one is shared by processes. */
import { randomBytes } from 'node:crypto'
import Redis from 'ioredis'
import { MemoryReplayCache, RedisReplayCache, REPLAY_TTL_SECONDS, type ReplayCache } from './replay'

const REDIS_URL = process.env.RELAIS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 })
const prefix = `relais-test-replay-${randomBytes(4).toString('hex')}:`
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`)
  if (keys.length > 0) await redis.del(...keys)
  redis.disconnect()
})

const caches: Array<[string, () => ReplayCache]> = [
  ['memory', () => new MemoryReplayCache()],
  ['Redis', () => new RedisReplayCache(redis, prefix)],
]

describe.each(caches)('%s replay cache', (_name, make) => {
  it('says a signature is new once, then seen; forget makes it new again', async () => {
    const cache = make()
    const signature = randomBytes(32).toString('hex')
    expect(await cache.seen(signature)).toBe(false)
    expect(await cache.seen(signature)).toBe(true)
    await cache.forget(signature)
    expect(await cache.seen(signature)).toBe(false)
    expect(await cache.seen(signature)).toBe(true)
  })
})

it('the Redis cache is shared (two instances see each other) and its keys expire with the replay window', async () => {
  const signature = randomBytes(32).toString('hex')
  expect(await new RedisReplayCache(redis, prefix).seen(signature)).toBe(false)
  expect(await new RedisReplayCache(redis, prefix).seen(signature)).toBe(true)
  const ttl = await redis.ttl(`${prefix}${signature}`)
  expect(ttl).toBeGreaterThan(REPLAY_TTL_SECONDS - 5)
  expect(ttl).toBeLessThanOrEqual(REPLAY_TTL_SECONDS)
})

it('the memory cache drops entries older than the window', async () => {
  let now = 0
  const cache = new MemoryReplayCache(() => now, 1000)
  expect(await cache.seen('a')).toBe(false)
  now = 1500
  expect(await cache.seen('b')).toBe(false)
  expect(cache.size).toBe(1)
  expect(await cache.seen('a')).toBe(false)
})

it('the Redis cache answers concurrent checks together, in order: a signature twice in one group is new once', async () => {
  const cache = new RedisReplayCache(redis, prefix)
  const signatures = Array.from({ length: 30 }, () => randomBytes(32).toString('hex'))
  // Sent in one burst: all but the first wait for the first round trip, then go in one pipeline.
  const answers = await Promise.all([...signatures, signatures[3]!, signatures[17]!].map((s) => cache.seen(s)))
  expect(answers.slice(0, 30)).toEqual(signatures.map(() => false))
  expect(answers.slice(30)).toEqual([true, true])
  expect(await cache.seen(signatures[29]!)).toBe(true)
})

it('the Redis cache refuses every waiting check when Redis cannot be reached (the delivery is answered 500)', async () => {
  const down = new Redis('redis://127.0.0.1:1', {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  })
  try {
    const cache = new RedisReplayCache(down, prefix)
    const checks = Array.from({ length: 5 }, () => cache.seen(randomBytes(32).toString('hex')))
    const outcomes = await Promise.allSettled(checks)
    expect(outcomes.map((o) => o.status)).toEqual(Array(5).fill('rejected'))
  } finally {
    down.disconnect()
  }
})
