/** Against a real Redis (RELAIS_TEST_REDIS_URL, default redis://127.0.0.1:6379), like the pipeline's tests. */
import { randomBytes } from 'node:crypto'
import { Queue } from 'bullmq'
import { bullmqQueueStats } from './queue-stats'

const url = new URL(process.env.RELAIS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379')
const connection = { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null }
const prefix = `relais-api-test-${randomBytes(4).toString('hex')}`
const map = new Queue('relais-map', { connection, prefix })
const push = new Queue('relais-push', { connection, prefix })

afterAll(async () => {
  await Promise.all([map.obliterate({ force: true }), push.obliterate({ force: true })])
  await Promise.all([map.close(), push.close()])
})

test('depth counts waiting and delayed jobs; age is that of the oldest', async () => {
  const started = Date.now()
  await map.add('chunk', { ids: ['a'] })
  await map.add('chunk', { ids: ['b'] }, { delay: 60_000 })
  const stats = bullmqQueueStats({ map, push }, () => started + 90_000)
  const [mapStat, pushStat] = await stats()
  expect(mapStat).toMatchObject({ stage: 'map', depth: 2 })
  expect(mapStat!.oldestAgeSeconds).toBeGreaterThanOrEqual(85)
  expect(mapStat!.oldestAgeSeconds).toBeLessThanOrEqual(90)
  expect(pushStat).toEqual({ stage: 'push', depth: 0, oldestAgeSeconds: 0 })
})
