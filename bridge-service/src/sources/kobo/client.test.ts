import { AxiosError, AxiosHeaders } from 'axios'
import { rcSubmissions } from '@relais/kobo-standin'
import {
  classifyError,
  createKoboClient,
  followNext,
  KoboError,
  listQuery,
  parseRetryAfter,
  type KoboPage,
} from './client'
import { ASSET, TOKEN, startHarness, type Harness } from './test-support'

async function collect(pages: AsyncGenerator<KoboPage>): Promise<KoboPage[]> {
  const out: KoboPage[] = []
  for await (const page of pages) out.push(page)
  return out
}

async function failure(promise: Promise<unknown>): Promise<KoboError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof KoboError) return error
    throw error
  }
  throw new Error('expected a KoboError')
}

describe('Kobo client against the stand-in', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness()
    for (const answers of rcSubmissions(2345, 11)) h.standin.add(ASSET, answers)
  })
  afterAll(() => h.standin.close())

  it('pages 1,000 at a time through next, with the token', async () => {
    const before = h.standin.requests.length
    const pages = await collect(h.client.pages(ASSET))
    expect(pages.map((p) => p.results.length)).toEqual([1000, 1000, 345])
    expect(pages.every((p) => p.count === 2345)).toBe(true)
    const urls = h.standin.requests.slice(before).map((r) => r.url)
    expect(urls).toEqual([
      `/api/v2/assets/${ASSET}/data/?format=json&limit=1000`,
      `/api/v2/assets/${ASSET}/data/?format=json&limit=1000&start=1000`,
      `/api/v2/assets/${ASSET}/data/?format=json&limit=1000&start=2000`,
    ])
  })

  it('sends query, sort and fields as JSON', async () => {
    const [page] = await collect(
      h.client.pages(ASSET, {
        query: { 'identification/rc_code': { $in: ['RC-AQ-00007', 'RC-AQ-00008'] } },
        sort: { _id: -1 },
        fields: ['_id', 'identification/rc_code'],
      }),
    )
    expect(page?.results.map((r) => r['identification/rc_code'])).toEqual(['RC-AQ-00008', 'RC-AQ-00007'])
    expect(Object.keys(page?.results[0] ?? {}).sort()).toEqual([
      '_id',
      '_uuid',
      'identification/rc_code',
      'meta/rootUuid',
    ])
  })

  it('classifies a bad token as permanent, with Kobo’s words', async () => {
    const client = createKoboClient({ baseUrl: h.standin.url, token: 'wrong' })
    const error = await failure(collect(client.pages(ASSET)))
    expect(error).toMatchObject({ kind: 'permanent', status: 401, message: 'Kobo answered 401: Invalid token.' })
  })

  it('classifies an unknown asset as permanent', async () => {
    expect(await failure(collect(h.client.pages('aNope')))).toMatchObject({ kind: 'permanent', status: 404 })
  })

  it('classifies a 503 as transient and reads Retry-After', async () => {
    h.standin.injectFault({ status: 503, retryAfter: 30 })
    const error = await failure(collect(h.client.pages(ASSET)))
    expect(error).toMatchObject({ kind: 'transient', status: 503, retryAfterMs: 30_000 })
  })

  it('classifies a failure on a later page as transient too (the caller resumes from its cursor)', async () => {
    const pages = h.client.pages(ASSET)
    await pages.next()
    h.standin.injectFault({ status: 502 })
    expect(await failure(pages.next())).toMatchObject({ kind: 'transient', status: 502 })
  })

  it('classifies a timeout as transient', async () => {
    const slow = createKoboClient({ baseUrl: h.standin.url, token: TOKEN, timeoutMs: 100 })
    h.standin.injectFault({ delayMs: 400 })
    expect(await failure(collect(slow.pages(ASSET)))).toMatchObject({ kind: 'transient' })
  })

  it('classifies an answer that is not Kobo’s JSON as permanent', async () => {
    h.standin.injectFault({ status: 200, body: { results: 'nope' } })
    const error = await failure(collect(h.client.pages(ASSET)))
    expect(error.kind).toBe('permanent')
    expect(error.message).toMatch(/unexpected body/)
  })
})

describe('Kobo client, unreachable server', () => {
  it('classifies a refused connection as transient', async () => {
    const h = await startHarness()
    const url = h.standin.url
    await h.standin.close()
    const client = createKoboClient({ baseUrl: url, token: TOKEN, timeoutMs: 1000 })
    expect(await failure(collect(client.pages(ASSET)))).toMatchObject({ kind: 'transient' })
  })
})

describe('client helpers', () => {
  it('caps the page size at 1,000 and always asks for JSON', () => {
    expect(listQuery({ limit: 30000 })).toBe('format=json&limit=1000')
    expect(listQuery({ sort: { _id: 1 }, start: 5 })).toBe('format=json&limit=1000&start=5&sort=%7B%22_id%22%3A1%7D')
  })

  it('follows next on the configured origin only', () => {
    const base = new URL('https://kobo.example.org')
    const path = '/api/v2/assets/aX/data/'
    expect(followNext('http://10.0.0.5:8000/api/v2/assets/aX/data/?limit=1000&start=1000', base, path)).toBe(
      'https://kobo.example.org/api/v2/assets/aX/data/?limit=1000&start=1000',
    )
    expect(() => followNext('https://evil.example/steal', base, path)).toThrow(KoboError)
  })

  it('reads Retry-After in seconds or as a date', () => {
    expect(parseRetryAfter('120')).toBe(120_000)
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:00 GMT', Date.UTC(2026, 9, 21, 7, 27, 0))).toBe(60_000)
    expect(parseRetryAfter(undefined)).toBeUndefined()
  })

  it.each([
    [429, 'transient'],
    [408, 'transient'],
    [500, 'transient'],
    [504, 'transient'],
    [400, 'permanent'],
    [403, 'permanent'],
    [404, 'permanent'],
  ])('classifies HTTP %i as %s', (status, kind) => {
    const error = new AxiosError('x', 'ERR_BAD_RESPONSE', undefined, undefined, {
      status,
      statusText: '',
      data: { detail: 'Not found.' },
      headers: {},
      config: { headers: new AxiosHeaders() },
    })
    expect(classifyError(error).kind).toBe(kind)
  })

  it.each([
    ['ECONNRESET', 'transient'],
    ['ECONNABORTED', 'transient'],
    ['ERR_INVALID_URL', 'permanent'],
  ])('classifies network error %s as %s', (code, kind) => {
    expect(classifyError(new AxiosError('x', code)).kind).toBe(kind)
  })
})

describe('every request has a deadline (issue 11 §9)', () => {
  it('a Kobo that drips its answer a byte at a time is given up on, as a transient failure', async () => {
    const { createServer } = await import('node:http')
    const timers: NodeJS.Timeout[] = []
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' })
      // Never idle long enough for a socket timeout, never done.
      timers.push(setInterval(() => res.write(' '), 50))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
    const { port } = server.address() as { port: number }
    try {
      const client = createKoboClient({ baseUrl: `http://127.0.0.1:${port}`, token: 't', timeoutMs: 400 })
      const started = Date.now()
      const error = await (async () => {
        for await (const _page of client.pages('aBcD3fGh1JkLmN')) void _page
      })().catch((e: unknown) => e)
      expect(error).toBeInstanceOf(KoboError)
      expect((error as KoboError).kind).toBe('transient')
      expect(Date.now() - started).toBeLessThan(3_000)
    } finally {
      timers.forEach(clearInterval)
      server.closeAllConnections()
      server.close()
    }
  })
})
