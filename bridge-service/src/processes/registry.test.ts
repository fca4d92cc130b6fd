/**
 * The process registry against a real Redis (db 3, a prefix of its own): processes write themselves, beat,
 * count their jobs and circuit states; `listProcesses` shows shares, ages, `gone` after the silence, drops
 * expired entries, and a clean stop removes a process at once.
 */
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { createLogger } from '../log/logger'
import { listProcesses, ProcessRegistry, type ProcessRole } from './registry'

const REDIS_URL = 'redis://127.0.0.1:6379/3'
const logger = createLogger('silent')
let redis: Redis
let prefix: string
const started: ProcessRegistry[] = []

beforeEach(() => {
  redis = new Redis(REDIS_URL)
  prefix = `test-registry-${randomBytes(4).toString('hex')}`
})

afterEach(async () => {
  for (const r of started.splice(0)) await r.stop()
  const keys = await redis.keys(`${prefix}:*`)
  if (keys.length > 0) await redis.del(...keys)
  redis.disconnect()
})

async function register(
  role: ProcessRole,
  options: { keptForMs?: number; beatEveryMs?: number } = {},
): Promise<ProcessRegistry> {
  const registry = new ProcessRegistry(redis, { role, version: '9.9.9', logger, prefix, beatEveryMs: 100, ...options })
  await registry.start()
  started.push(registry)
  return registry
}

test('each process is listed with its role, jobs per stage, shares and circuit states', async () => {
  const api = await register('api')
  const w1 = await register('workers')
  const w2 = await register('workers')
  for (let i = 0; i < 3; i++) w1.jobDone('map')
  w2.jobDone('map')
  w1.jobDone('push')
  w2.setCircuit('https://dhis2.example.org', 'closed')
  w2.setCircuit('https://dhis2.example.org', 'open')
  await Promise.all([w1.beat(), w2.beat()])

  const processes = await listProcesses(redis, { prefix })
  expect(processes.map((p) => p.id).sort()).toEqual([api.id, w1.id, w2.id].sort())
  const byId = new Map(processes.map((p) => [p.id, p]))
  expect(byId.get(api.id)).toMatchObject({
    role: 'api',
    state: 'alive',
    pid: process.pid,
    version: '9.9.9',
    jobs: { map: 0, push: 0, complete: 0 },
    share: { map: 0, push: 0, complete: null, all: 0 },
  })
  expect(byId.get(w1.id)).toMatchObject({
    role: 'workers',
    jobs: { map: 3, push: 1 },
    share: { map: 75, push: 100, all: 80 },
  })
  expect(byId.get(w2.id)).toMatchObject({
    jobs: { map: 1, push: 0 },
    share: { map: 25, push: 0, all: 20 },
    circuits: { 'https://dhis2.example.org': 'open' },
  })
  expect(byId.get(w1.id)!.beatAgeMs).toBeLessThan(5_000)
})

test('a process that stops beating is shown gone after the silence, then dropped when its key expires', async () => {
  // As after a kill -9: one beat, then silence (its next beat would be in a minute), no clean stop.
  const silent = await register('workers', { keptForMs: 1_500, beatEveryMs: 60_000 })
  const alive = await register('both')
  await new Promise((resolve) => setTimeout(resolve, 300))

  const seen = await listProcesses(redis, { prefix, aliveForMs: 250 })
  expect(seen.map((p) => [p.id, p.state])).toEqual([
    [alive.id, 'alive'],
    [silent.id, 'gone'],
  ])

  await new Promise((resolve) => setTimeout(resolve, 1_800))
  const after = await listProcesses(redis, { prefix })
  expect(after.map((p) => p.id)).toEqual([alive.id])
  // The expired entry is also gone from the index (cleaned by the reader).
  expect(await redis.zrange(`${prefix}:processes`, '0', '-1')).toEqual([alive.id])
})

test('a clean stop removes the process at once', async () => {
  const leaving = await register('api')
  const staying = await register('workers')
  await leaving.stop()
  started.splice(started.indexOf(leaving), 1)
  expect((await listProcesses(redis, { prefix })).map((p) => p.id)).toEqual([staying.id])
})

test('beats keep the entry fresh', async () => {
  const registry = await register('workers')
  const first = (await listProcesses(redis, { prefix }))[0]!.lastBeatAt
  await new Promise((resolve) => setTimeout(resolve, 350))
  const next = (await listProcesses(redis, { prefix }))[0]!.lastBeatAt
  expect(Date.parse(next)).toBeGreaterThan(Date.parse(first))
  expect(registry.id).toContain(`-${process.pid}-`)
})
