jest.mock('@electric-sql/pglite', () =>
  jest.requireActual<typeof import('../ledger/test-support')>('../ledger/test-support').nativePglite(),
)

import { as, call, SOURCES, startTestApi, type TestApi } from './test-support'

let api: TestApi
beforeAll(async () => {
  api = await startTestApi()
}, 60_000)
afterAll(() => api.close())

const MB = 1024 * 1024
const startRun = (body: RequestInit['body'], headers: Record<string, string> = {}) =>
  call(`${api.url}/api/v1/runs`, { method: 'POST', headers: { ...as.manager(), ...headers }, body })

describe('JSON bodies', () => {
  it.each([
    ['no Content-Type (the DHIS2 route drops it)', {}],
    ['text/plain', { 'Content-Type': 'text/plain' }],
    ['application/x-www-form-urlencoded', { 'Content-Type': 'application/x-www-form-urlencoded' }],
    ['application/json; charset=utf-8', { 'Content-Type': 'application/json; charset=utf-8' }],
  ])('reads JSON sent with %s', async (_what, headers) => {
    const res = await startRun(JSON.stringify({ source: SOURCES.kobo, mode: 'import' }), headers)
    expect(res.status).toBe(202)
  })

  it('reads JSON after a UTF-8 byte order mark', async () => {
    const body = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('{"source":"kobo-espoir","mode":"import"}'),
    ])
    expect((await startRun(body)).status).toBe(202)
  })

  it.each([
    ['{"source": "kobo-espoir", "mode": }', 1, 35, 'unexpected "}"'],
    ['{\n  "source": "kobo-espoir",\n  "mode": "import",\n}', 4, 1, 'unexpected "}"'],
    ['{"source": "kobo', 1, 17, 'ends too early'],
    ["{'source': 'kobo-espoir'}", 1, 2, 'unexpected "\'"'],
    ['{"source": "kobo"} trailing', 1, 20, 'unexpected "t"'],
  ])('answers malformed JSON %j with 400 and where: line %i, column %i', async (body, line, column, what) => {
    const res = await startRun(body)
    expect(res).toMatchObject({ status: 400, body: { error: 'malformed-json', where: { line, column } } })
    expect(res.body.message).toContain(what)
    expect(res.body.message).toContain(`line ${line}, column ${column}`)
  })

  it('answers a JSON value of the wrong shape with 400 invalid-request', async () => {
    for (const body of ['[]', '"import"', 'null', '42', '{"source": ["a"], "mode": "import"}']) {
      const res = await startRun(body)
      expect({ body, status: res.status, error: res.body.error }).toEqual({
        body,
        status: 400,
        error: 'invalid-request',
      })
    }
  })

  it('survives very deep nesting: malformed is malformed, deeper than 64 levels is refused with 400', async () => {
    const res = await startRun(`{"source": ${'['.repeat(200_000)}`)
    expect(res).toMatchObject({ status: 400, body: { error: 'malformed-json' } })
    const deep = (n: number) => `{"source": "kobo-espoir", "mode": "import", "x": ${'['.repeat(n)}${']'.repeat(n)}}`
    expect(await startRun(deep(5000))).toMatchObject({
      status: 400,
      body: { error: 'invalid-request', message: expect.stringContaining('64 levels') },
    })
    // Brackets inside strings are text, not depth.
    const quoted = JSON.stringify({ source: SOURCES.kobo, mode: 'import', note: '['.repeat(5000) })
    expect((await startRun(quoted)).status).toBe(202)
    expect((await startRun(deep(60))).status).toBe(202)
  })

  it('answers 413 for a body 10× over the 1 MB limit, declared or streamed', async () => {
    const big = JSON.stringify({ source: SOURCES.kobo, mode: 'import', pad: 'x'.repeat(10 * MB) })
    const declared = await startRun(big)
    expect(declared).toMatchObject({
      status: 413,
      body: { error: 'payload-too-large', message: expect.stringContaining('1 MB') },
    })
    const bytes = new TextEncoder().encode(big)
    let offset = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= bytes.length) return controller.close()
        controller.enqueue(bytes.subarray(offset, (offset += 256 * 1024)))
      },
    })
    const streamed = await call(`${api.url}/api/v1/runs`, {
      method: 'POST',
      headers: as.manager(),
      body: stream,
      duplex: 'half',
    } as RequestInit)
    expect(streamed).toMatchObject({ status: 413, body: { error: 'payload-too-large' } })
  }, 30_000)

  it('takes a body just under a configured limit and refuses one just over', async () => {
    const small = await startTestApi({ limits: { jsonBodyBytes: 100 } })
    try {
      const body = (pad: number) => JSON.stringify({ source: SOURCES.kobo, mode: 'import', p: 'x'.repeat(pad) })
      const fits = body(100 - body(0).length)
      expect(Buffer.byteLength(fits)).toBe(100)
      const post = (b: string) => call(`${small.url}/api/v1/runs`, { method: 'POST', headers: as.manager(), body: b })
      expect((await post(fits)).status).toBe(202)
      expect(await post(`${fits} `)).toMatchObject({
        status: 413,
        body: { message: expect.stringContaining('100 bytes') },
      })
    } finally {
      await small.close()
    }
  }, 60_000)

  it('refuses a compressed body with 415', async () => {
    const res = await startRun('{"source":"kobo-espoir","mode":"import"}', { 'Content-Encoding': 'gzip' })
    expect(res).toMatchObject({ status: 415, body: { error: 'unsupported-encoding' } })
  })
})

describe('everything else', () => {
  it('answers an unknown endpoint or method with a JSON 404', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/nothing'],
      ['DELETE', '/api/v1/runs'],
      ['GET', '/'],
    ] as const) {
      const res = await call(`${api.url}${path}`, { method, headers: as.admin() })
      expect(res).toMatchObject({ status: 404, body: { error: 'not-found', message: expect.stringContaining(path) } })
    }
  })

  it('answers a malformed URL with a JSON 400', async () => {
    const res = await call(`${api.url}/api/v1/runs/%E0%A4%A`, { headers: as.admin() })
    expect(res).toMatchObject({ status: 400, body: { error: 'invalid-request' } })
  })

  it('answers an unexpected failure with 500 and a request id, never the error or a stack; it is logged', async () => {
    api.services.failNext('startRun', new TypeError("Cannot read properties of undefined (reading 'token')"))
    const res = await startRun(JSON.stringify({ source: SOURCES.kobo, mode: 'import' }))
    expect(res.status).toBe(500)
    expect(res.body).toEqual({ error: 'internal', message: expect.stringMatching(/request id [0-9a-f-]{36}/) })
    expect(JSON.stringify(res.body)).not.toMatch(/token|TypeError|\.ts:\d+/)
    const requestId = res.headers.get('x-request-id')
    expect(res.body.message).toContain(requestId)
    expect(api.logger.lines.some((l) => l.includes(requestId!) && l.includes('TypeError'))).toBe(true)
  })

  it('sets security headers and forbids caching', async () => {
    const res = await call(`${api.url}/api/v1/runs`, { headers: as.admin() })
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.headers.get('x-powered-by')).toBeNull()
  })

  it('is still up after all of that', async () => {
    expect((await call(`${api.url}/healthz`)).status).toBe(200)
  })
})
