/**
 * Scheduled work runs once per tick across processes (issue 15 §1; issue 18): three schedulers — three bridge
 * processes — on one Redis, each firing every second, run each tick once between them.
 */
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { createLogger } from '../log/logger'
import { Scheduler } from './scheduler'
import { REDIS_URL } from './test-support'
import { RedisTickClaims, tickOf } from './tick-claims'

test('three processes on one Redis run each tick of the reminders once between them', async () => {
  const redis = new Redis(REDIS_URL)
  const prefix = `test-${randomBytes(4).toString('hex')}`
  const runs: { process: number; tick: string }[] = []
  const schedulers = [1, 2, 3].map(
    (process) =>
      new Scheduler(
        {
          sources: [],
          metadataSchedule: null,
          reminderSchedule: '* * * * * *',
          claims: new RedisTickClaims(redis, prefix),
          logger: createLogger('silent'),
        },
        {
          pull: async () => undefined,
          sweep: async () => undefined,
          refreshMetadata: async () => undefined,
          remind: async () => void runs.push({ process, tick: tickOf(new Date()).toISOString() }),
        },
      ),
  )
  try {
    for (const s of schedulers) s.start()
    await new Promise((resolve) => setTimeout(resolve, 3_600))
  } finally {
    for (const s of schedulers) s.stop()
    const keys = await redis.keys(`${prefix}:*`)
    if (keys.length > 0) await redis.del(...keys)
    redis.disconnect()
  }
  const ticks = runs.map((r) => r.tick)
  expect(ticks.length).toBeGreaterThanOrEqual(3)
  expect(new Set(ticks).size).toBe(ticks.length)
})

test('without claims (one process), every tick runs', async () => {
  let count = 0
  const scheduler = new Scheduler(
    { sources: [], metadataSchedule: null, reminderSchedule: '* * * * * *', logger: createLogger('silent') },
    {
      pull: async () => undefined,
      sweep: async () => undefined,
      refreshMetadata: async () => undefined,
      remind: async () => void (count += 1),
    },
  )
  scheduler.start()
  await new Promise((resolve) => setTimeout(resolve, 2_600))
  scheduler.stop()
  expect(count).toBeGreaterThanOrEqual(2)
})

test('the security check (05:30) and the maintenance (04:10) run once a day in the programme time zone', () => {
  const scheduler = new Scheduler(
    { sources: [], metadataSchedule: null, timeZone: 'Africa/Porto-Novo', logger: createLogger('silent') },
    {
      pull: async () => undefined,
      sweep: async () => undefined,
      refreshMetadata: async () => undefined,
      checkSecurity: async () => undefined,
      maintain: async () => undefined,
    },
  )
  scheduler.start()
  try {
    const next = scheduler.next().find((job) => job.name === 'security check')?.nextRun
    // 05:30 in Porto-Novo (UTC+1) is 04:30 UTC.
    expect(next?.toISOString().slice(11, 16)).toBe('04:30')
    // The nightly maintenance (payload retention) before it, at 04:10.
    expect(
      scheduler
        .next()
        .find((job) => job.name === 'maintenance')
        ?.nextRun?.toISOString()
        .slice(11, 16),
    ).toBe('03:10')
  } finally {
    scheduler.stop()
  }
})
