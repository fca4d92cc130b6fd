/**
 * The pure pieces of the pipeline: batching, hashes and job ids, the stored form of mapped payloads and of
 * imported values, Redis URLs, the backoff strategy, DHIS2's local time.
 */
import { holdersOf } from '../ledger/imported-values'
import { planBatches, sizeOf, wireValue, type OutgoingValue, type RecordWork } from './push/batches'
import { canonicalJson, contentHash, jobIdOf, valueHash } from './hashing'
import { recordVersion } from './intake/intake'
import { readMapped, storeMapped, type MappedPayload } from './map/payload'
import { redisOptions, relaisBackoffStrategy, retryAfterOf } from './queues'
import { serverLocalNow } from './map/specs'

const value = (recordId: string, de: string, period = '202609'): OutgoingValue => ({
  dataElement: de,
  period,
  orgUnit: 'ou1',
  categoryOptionCombo: 'coc',
  attributeOptionCombo: 'aoc',
  value: '12',
  recordId,
  hash: `h-${recordId}-${de}`,
})
const work = (recordId: string, n: number, period = '202609', dataSet = 'ds1'): RecordWork => ({
  recordId,
  dataSet,
  period,
  values: Array.from({ length: n }, (_, i) => value(recordId, `de${i}`, period)),
})

describe('planBatches', () => {
  test('one request per data set × period, records kept whole, ≤ maxValues', () => {
    const batches = planBatches(
      [work('a', 3), work('b', 3), work('c', 3), work('d', 2, '202608'), work('e', 1, '202609', 'ds2')],
      { maxValues: 7, maxBytes: 10_000_000 },
    )
    expect(batches.map((b) => [b.dataSet, b.period, b.recordIds, b.values.length])).toEqual([
      ['ds1', '202609', ['a', 'b'], 6],
      ['ds1', '202609', ['c'], 3],
      ['ds1', '202608', ['d'], 2],
      ['ds2', '202609', ['e'], 1],
    ])
  })

  test('the body stays under maxBytes; a record larger than a request alone is split', () => {
    const size = JSON.stringify(wireValue(value('a', 'de0'))).length + 1
    const byBytes = planBatches([work('a', 4), work('b', 4)], { maxValues: 100, maxBytes: 64 + size * 5 })
    expect(byBytes.map((b) => b.recordIds)).toEqual([['a'], ['b']])
    const split = planBatches([work('big', 5)], { maxValues: 2, maxBytes: 10_000_000 })
    expect(split.map((b) => b.values.length)).toEqual([2, 2, 1])
    expect(split.every((b) => b.recordIds[0] === 'big')).toBe(true)
  })

  test('maxBytes counts bytes (UTF-8 and escapes), and a request is filled up to it exactly', () => {
    // Comments typed in French: 'é' is one character but two bytes on the wire.
    const text = (recordId: string, n: number): RecordWork => ({
      ...work(recordId, n),
      values: work(recordId, n).values.map((v) => ({ ...v, value: 'é'.repeat(1000) })),
    })
    const records = [text('a', 10), text('b', 10), text('c', 10), text('d', 10)]
    const bytesOf = (b: { dataSet: string; values: OutgoingValue[] }) =>
      Buffer.byteLength(JSON.stringify({ dataSet: b.dataSet, dataValues: b.values.map(wireValue) }))
    const maxBytes = bytesOf({ dataSet: 'ds1', values: [...records[0]!.values, ...records[1]!.values] }) + 70
    const batches = planBatches(records, { maxValues: 5_000, maxBytes })
    expect(batches.map((b) => b.recordIds)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ])
    for (const b of batches) expect(bytesOf(b)).toBeLessThanOrEqual(maxBytes)
    // Far from the limit, requests are cut by maxValues alone.
    const many = Array.from({ length: 30 }, (_, i) => work(`r${i}`, 28))
    expect(planBatches(many, { maxValues: 5 * 28, maxBytes: 10_000_000 }).map((b) => b.recordIds.length)).toEqual([
      5, 5, 5, 5, 5, 5,
    ])
  })

  test('a deletion goes as deleted: true, without a value; records without values make no request', () => {
    expect(wireValue({ ...value('a', 'x'), deleted: true })).toEqual({
      dataElement: 'x',
      period: '202609',
      orgUnit: 'ou1',
      categoryOptionCombo: 'coc',
      attributeOptionCombo: 'aoc',
      deleted: true,
    })
    expect(planBatches([work('a', 0)], { maxValues: 10, maxBytes: 1000 })).toEqual([])
  })

  test("a value's size is the bytes of its JSON plus the comma, escapes and surrogates included", () => {
    const texts = ['', '12', 'a"b', 'back\\slash', 'é', '\u0001', 'line\nbreak', '😀', '\ud800']
    for (const text of texts)
      for (const v of [
        { ...value('a', text), value: text, orgUnit: `ou${text}` },
        { ...value('a', text), deleted: true as const },
        { ...value('a', 'x'), value: undefined },
      ])
        expect(sizeOf(v)).toBe(Buffer.byteLength(JSON.stringify(wireValue(v))) + 1)
  })
})

describe('hashes and ids', () => {
  test('content hash ignores key order; value hash covers key and content', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}',
    )
    expect(contentHash({ a: 1, b: 2 })).toBe(contentHash({ b: 2, a: 1 }))
    const dv = {
      dataElement: 'd',
      period: 'p',
      orgUnit: 'o',
      categoryOptionCombo: 'c',
      attributeOptionCombo: 'a',
      value: '1',
    }
    expect(valueHash(dv)).toBe(valueHash({ ...dv }))
    expect(valueHash(dv)).not.toBe(valueHash({ ...dv, value: '2' }))
    expect(valueHash(dv)).not.toBe(valueHash({ ...dv, orgUnit: 'x' }))
  })

  test('job ids: same records (any order) → same id; another generation → another id; no colon', () => {
    expect(jobIdOf('map', ['b', 'a'])).toBe(jobIdOf('map', ['a', 'b']))
    expect(jobIdOf('push', ['a'])).not.toBe(jobIdOf('push', ['a'], 'release-1'))
    expect(jobIdOf('map', ['a'])).not.toBe(jobIdOf('push', ['a']))
    expect(jobIdOf('map', ['a'])).toMatch(/^map_[0-9a-f]{24}$/)
  })

  test('record versions: the source’s own, a file’s per upload, a dry run’s apart', () => {
    const id = { version: 'uuid:1', contentHash: 'h' }
    expect(recordVersion('kobo', id, { id: 'r1', mode: 'import' })).toBe('uuid:1')
    expect(recordVersion('webhook', { version: undefined, contentHash: 'h' }, { id: 'r1', mode: 'import' })).toBe('h')
    expect(recordVersion('csv', id, { id: 'r1', mode: 'import' })).toBe('r1:h')
    expect(recordVersion('kobo', id, { id: 'r2', mode: 'dry-run' })).toBe('dry-run:r2:uuid:1')
  })
})

describe('stored forms', () => {
  const dv = (de: string, value: string, orgUnit = 'OU1', period = '202609') => ({
    dataElement: de,
    period,
    orgUnit,
    categoryOptionCombo: 'COC',
    attributeOptionCombo: 'AOC',
    value,
  })
  const payload: MappedPayload = {
    spec: { id: 'csv', version: 2 },
    snapshotId: 'snap',
    dataSet: 'DS',
    orgUnit: 'OU1',
    orgUnitCode: 'RC-1',
    period: '202609',
    // the third value belongs elsewhere: it keeps DHIS2's object form
    dataValues: [dv('DE1', '3'), dv('DE2', '0'), dv('DE3', '7', 'OU2')],
    warnings: [],
  }

  test('a mapped payload is stored compact and read back in DHIS2 shape', () => {
    const stored = storeMapped(payload)
    expect(stored.values).toEqual([['DE1', 'COC', 'AOC', '3'], ['DE2', 'COC', 'AOC', '0'], dv('DE3', '7', 'OU2')])
    expect(JSON.stringify(stored).length).toBeLessThan(JSON.stringify(payload).length)
    expect(readMapped(JSON.parse(JSON.stringify(stored)))).toEqual(payload)
  })

  test('a payload stored in DHIS2 shape (before the compact form) reads as it is; anything else is not one', () => {
    expect(readMapped(payload)).toBe(payload)
    expect(readMapped({ v: 1 })).toBeUndefined()
    expect(readMapped(null)).toBeUndefined()
    expect(readMapped({ dataSet: 'DS', values: 'x' })).toBeUndefined()
  })

  test('holdersOf: per org unit × period and key, the newest row wins', () => {
    const row = (record: string, held: string, orgUnit = 'OU1') => ({
      org_unit: orgUnit,
      period: '202609',
      record_id: record,
      source: record === 'r3' ? 'kobo' : 'csv',
      held,
    })
    const holders = holdersOf([
      row('r1', 'DE1.COC.AOC:h1,DE2.COC.AOC:h2'),
      row('r2', 'DE2.COC.AOC:h2b'),
      row('r3', 'DE1.COC.AOC:h9', 'OU2'),
    ])
    const ou1 = holders.get('OU1\u001f202609')
    expect(ou1?.get('DE1.COC.AOC')).toEqual({
      orgUnit: 'OU1',
      period: '202609',
      contentHash: 'h1',
      recordId: 'r1',
      source: 'csv',
    })
    expect(ou1?.get('DE2.COC.AOC')).toEqual({
      orgUnit: 'OU1',
      period: '202609',
      contentHash: 'h2b',
      recordId: 'r2',
      source: 'csv',
    })
    expect(holders.get('OU2\u001f202609')?.get('DE1.COC.AOC')).toEqual({
      orgUnit: 'OU2',
      period: '202609',
      contentHash: 'h9',
      recordId: 'r3',
      source: 'kobo',
    })
  })
})

describe('queues', () => {
  test('REDIS_URL → ioredis options, workers never give up on a command', () => {
    expect(redisOptions('redis://127.0.0.1:6379')).toEqual({
      host: '127.0.0.1',
      port: 6379,
      db: 0,
      maxRetriesPerRequest: null,
    })
    expect(redisOptions('rediss://u:p%40ss@redis.example:6380/3')).toMatchObject({
      host: 'redis.example',
      port: 6380,
      db: 3,
      username: 'u',
      password: 'p@ss',
      tls: {},
    })
    expect(() => redisOptions('http://x')).toThrow(/redis:\/\//)
    expect(() => redisOptions('redis://x/abc')).toThrow(/database index/)
  })

  test('the relais backoff: exponential with full jitter, never under Retry-After', () => {
    const strategy = relaisBackoffStrategy({ baseMs: 100, capMs: 1000, random: () => 0.999 })
    expect(strategy(1, 'relais')).toBe(99)
    expect(strategy(3, 'relais')).toBe(399)
    expect(strategy(10, 'relais')).toBe(999)
    expect(strategy(1, 'relais', Object.assign(new Error('429'), { retryAfterMs: 2000 }))).toBe(2000)
    expect(retryAfterOf({ retryAfterMs: -1 })).toBeUndefined()
    expect(retryAfterOf('x')).toBeUndefined()
  })
})

test('DHIS2 server-local now in its time zone', () => {
  expect(serverLocalNow(new Date('2026-10-05T09:00:00Z'), 'Africa/Porto-Novo')).toBe('2026-10-05T10:00:00')
  expect(serverLocalNow(new Date('2026-12-31T23:30:00Z'), 'Africa/Porto-Novo')).toBe('2027-01-01T00:30:00')
  expect(serverLocalNow(new Date('2026-10-05T09:00:00Z'), 'UTC')).toBe('2026-10-05T09:00:00')
})
