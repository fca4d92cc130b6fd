/**
 * REDIS_URL → ioredis options, for every connection the bridge opens (queues, workers, tick claims, the process
 * registry, probes). Two forms:
 *
 * - `redis://[user:password@]host[:port][/db]` (or `rediss://` for TLS): one Redis;
 * - `redis-sentinel://[:password@]sentinel1:26379[,sentinel2:26379…]/<master name>[/db]`: Redis with replicas
 *   behind Sentinel (README « Scale-out »). ioredis asks the sentinels which server is the master and follows a
 *   failover; BullMQ works unchanged over it. The password, when given, is the master's and the sentinels'.
 *
 * Redis Cluster is not offered: BullMQ needs every key of a queue in one hash slot (a `{…}` prefix), so a
 * cluster gives the queues no more than one node does, and the bridge's Redis load is small (README figures).
 * Pure: parsing only, no connection.
 */
import type { RedisOptions } from 'bullmq'

const SENTINEL_PORT = 26379

/** ioredis options from REDIS_URL; throws a TypeError saying what is wrong. */
export function redisOptions(url: string): RedisOptions {
  if (url.startsWith('redis-sentinel://')) return sentinelOptions(url)
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new TypeError('REDIS_URL must be a URL such as redis://127.0.0.1:6379')
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    throw new TypeError('REDIS_URL must start with redis://, rediss:// or redis-sentinel://')
  const db = databaseIndex(parsed.pathname.replace(/^\//, ''))
  const options: RedisOptions = {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port === '' ? 6379 : Number(parsed.port),
    db,
    maxRetriesPerRequest: null,
  }
  if (parsed.username !== '') options.username = decodeURIComponent(parsed.username)
  if (parsed.password !== '') options.password = decodeURIComponent(parsed.password)
  if (parsed.protocol === 'rediss:') options.tls = {}
  return options
}

function databaseIndex(raw: string): number {
  if (raw === '') return 0
  if (!/^\d+$/.test(raw)) throw new TypeError('REDIS_URL: the path must be a database index, e.g. /0')
  return Number(raw)
}

/** `redis-sentinel://[:password@]h1:p1,h2:p2/master[/db]`: WHATWG URLs take one host only, so it is split by hand. */
function sentinelOptions(url: string): RedisOptions {
  const rest = url.slice('redis-sentinel://'.length)
  const slash = rest.indexOf('/')
  const authority = slash < 0 ? rest : rest.slice(0, slash)
  const [name = '', db = '', ...extra] = (slash < 0 ? '' : rest.slice(slash + 1)).split('/')
  const at = authority.lastIndexOf('@')
  const credentials = at < 0 ? '' : authority.slice(0, at)
  const hosts = at < 0 ? authority : authority.slice(at + 1)
  if (name === '' || extra.length > 0)
    throw new TypeError(
      'REDIS_URL: a redis-sentinel:// URL names the master after the sentinels, e.g. redis-sentinel://s1:26379,s2:26379/mymaster/0',
    )
  const sentinels = hosts.split(',').map((entry) => {
    const match = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\])(?::(\d{1,5}))?$/.exec(entry)
    const port = match?.[2] === undefined ? SENTINEL_PORT : Number(match[2])
    if (!match || port < 1 || port > 65535)
      throw new TypeError(`REDIS_URL: "${entry}" is not a sentinel's host[:port], e.g. sentinel1:26379`)
    return { host: match[1]!.replace(/^\[|\]$/g, ''), port }
  })
  const options: RedisOptions = {
    sentinels,
    name: decodeURIComponent(name),
    db: databaseIndex(db),
    maxRetriesPerRequest: null,
  }
  const colon = credentials.indexOf(':')
  const password = colon < 0 ? '' : decodeURIComponent(credentials.slice(colon + 1))
  if (password !== '') {
    options.password = password
    options.sentinelPassword = password
  }
  return options
}
