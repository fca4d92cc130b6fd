/**
 * A scheduled job fired late in one process is still the same tick (issue 18 §2). Every bridge process that runs
 * the schedule fires at each tick and claims it in Redis (pipeline/tick-claims.ts); the key used to be the firing
 * time rounded to the second, so a process whose event loop was busy 500 ms or more at the tick claimed another
 * key and ran the tick a second time. The key is now the schedule's own time (scheduler.ts `scheduledTick`).
 */
import { randomBytes } from 'node:crypto'
import { Cron } from 'croner'
import { Redis } from 'ioredis'
import { scheduledTick } from './scheduler'
import { RedisTickClaims, tickOf } from './tick-claims'

const REDIS_URL = 'redis://127.0.0.1:6379/3'

test('a firing 700 ms late is the same tick as an on-time one, in any time zone', () => {
  for (const timezone of ['Africa/Porto-Novo', 'UTC']) {
    const cron = new Cron('*/2 * * * * *', { paused: true, timezone })
    const tick = new Date('2026-10-03T09:00:00.000Z')
    for (const lateMs of [0, 3, 499, 700, 1_900])
      expect(scheduledTick(cron, new Date(tick.getTime() + lateMs)).toISOString()).toBe(tick.toISOString())
    cron.stop()
  }
  const halfHourly = new Cron('*/30 * * * *', { paused: true })
  expect(scheduledTick(halfHourly, new Date('2026-10-03T09:30:00.650Z')).toISOString()).toBe('2026-10-03T09:30:00.000Z')
  halfHourly.stop()
})

test('two processes, one of them 700 ms late: one claim succeeds (the rounded firing time let both run)', async () => {
  const redis = new Redis(REDIS_URL)
  const prefix = `test-tick-${randomBytes(4).toString('hex')}`
  const claims = new RedisTickClaims(redis, prefix)
  const cron = new Cron('*/2 * * * * *', { paused: true })
  try {
    const onTime = new Date('2026-10-03T09:00:00.010Z')
    const late = new Date('2026-10-03T09:00:00.700Z')
    expect(await claims.claim('pull kobo', scheduledTick(cron, onTime))).toBe(true)
    expect(await claims.claim('pull kobo', scheduledTick(cron, late))).toBe(false)
    // What the old key did: two different ticks, two runs.
    expect(await claims.claim('pull old', tickOf(onTime))).toBe(true)
    expect(await claims.claim('pull old', tickOf(late))).toBe(true)
  } finally {
    cron.stop()
    const keys = await redis.keys(`${prefix}:*`)
    if (keys.length > 0) await redis.del(...keys)
    redis.disconnect()
  }
})
