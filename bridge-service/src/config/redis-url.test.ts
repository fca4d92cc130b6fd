/**
 * REDIS_URL's forms, and Redis behind Sentinel for real: a sentinel process (the same redis-server binary with
 * --sentinel) watches this machine's Redis as master « relais »; the bridge's queues and workers reach it through
 * the sentinel only, and a job goes through. Before, a redis-sentinel:// URL was refused at start.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Queue, Worker } from 'bullmq'
import { Redis } from 'ioredis'
import { loadEnv } from './env'
import { redisOptions } from './redis-url'

describe('REDIS_URL', () => {
  test('redis-sentinel:// lists the sentinels, then the master and the database', () => {
    expect(redisOptions('redis-sentinel://:s%40cret@s1.example:26380,s2.example,[::1]:26381/relais/2')).toEqual({
      sentinels: [
        { host: 's1.example', port: 26380 },
        { host: 's2.example', port: 26379 },
        { host: '::1', port: 26381 },
      ],
      name: 'relais',
      db: 2,
      password: 's@cret',
      sentinelPassword: 's@cret',
      maxRetriesPerRequest: null,
    })
    expect(redisOptions('redis-sentinel://s1:26379/mymaster')).toMatchObject({ name: 'mymaster', db: 0 })
    expect(() => redisOptions('redis-sentinel://s1:26379')).toThrow(/names the master/)
    expect(() => redisOptions('redis-sentinel://s1:26379/m/0/x')).toThrow(/names the master/)
    expect(() => redisOptions('redis-sentinel://s1:99999/m')).toThrow(/"s1:99999" is not a sentinel/)
    expect(() => redisOptions('redis-sentinel://s1:26379/m/abc')).toThrow(/database index/)
  })

  test('the start takes a Sentinel URL and refuses a malformed one with its reason', () => {
    const base = {
      DHIS2_URL: 'https://dhis2.example.org',
      DHIS2_TOKEN: 'd2pat_Q0tTx1Yb5fXcGm2W8uR3kNvJpL7sHdEa0123456789',
      RELAIS_ROUTE_SECRET: randomBytes(32).toString('hex'),
      RELAIS_PSEUDONYM_KEY: randomBytes(32).toString('hex'),
    }
    expect(loadEnv({ ...base, REDIS_URL: 'redis-sentinel://s1:26379,s2:26379/relais/0' }).redisUrl).toBe(
      'redis-sentinel://s1:26379,s2:26379/relais/0',
    )
    expect(() => loadEnv({ ...base, REDIS_URL: 'redis-sentinel://s1:26379' })).toThrow(/REDIS_URL.*names the master/s)
  })
})

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}

describe('Redis behind Sentinel', () => {
  let sentinel: ChildProcess | undefined
  let dir: string
  let port: number

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relais-sentinel-'))
    port = await freePort()
    // Sentinel rewrites its configuration file: it must be its own, writable.
    const conf = join(dir, 'sentinel.conf')
    writeFileSync(
      conf,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        'sentinel monitor relais 127.0.0.1 6379 1',
        'sentinel down-after-milliseconds relais 60000',
      ].join('\n') + '\n',
    )
    sentinel = spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' })
    const probe = new Redis({ host: '127.0.0.1', port, lazyConnect: true, retryStrategy: () => null })
    probe.on('error', () => undefined)
    for (let i = 0; ; i++) {
      try {
        await probe.connect()
        const master = (await probe.call('SENTINEL', 'get-master-addr-by-name', 'relais')) as string[] | null
        if (master?.[1] === '6379') break
      } catch {
        probe.disconnect()
      }
      if (i > 50) throw new Error('the sentinel did not start')
      await new Promise((r) => setTimeout(r, 100))
    }
    probe.disconnect()
  })

  afterAll(() => {
    sentinel?.kill()
    rmSync(dir, { recursive: true, force: true })
  })

  test("the bridge's queues and workers reach the master through the sentinel", async () => {
    const options = redisOptions(`redis-sentinel://127.0.0.1:${port}/relais/3`)
    expect(options.host).toBeUndefined()
    const prefix = `sentinel-${process.pid}-${Date.now()}`
    const queue = new Queue('relais-map', { connection: options, prefix })
    const done: string[] = []
    const worker = new Worker(
      'relais-map',
      async (job) => {
        done.push(String(job.data.recordIds[0]))
      },
      { connection: options, prefix },
    )
    try {
      await queue.add('map', { runId: null, recordIds: ['r1'] })
      for (let i = 0; i < 100 && done.length === 0; i++) await new Promise((r) => setTimeout(r, 50))
      expect(done).toEqual(['r1'])
      // The connection is the master's (this machine's Redis, database 3), found through the sentinel.
      const direct = new Redis({ host: '127.0.0.1', port: 6379, db: 3 })
      try {
        expect(await direct.exists(`${prefix}:relais-map:meta`)).toBe(1)
      } finally {
        direct.disconnect()
      }
    } finally {
      await worker.close()
      await queue.obliterate({ force: true })
      await queue.close()
    }
  }, 30_000)
})
