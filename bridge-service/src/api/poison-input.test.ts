jest.mock('@electric-sql/pglite', () =>
  jest.requireActual<typeof import('../ledger/test-support')>('../ledger/test-support').nativePglite(),
)

/**
 * Poison in the request itself (issue 11 §3 and §10): bad characters in the path or the query answer 400, not
 * 500; a stalled body does not hold a socket; text PostgreSQL refuses never reaches it from a person's input.
 */
import { request, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { connect } from 'node:net'
import express from 'express'
import { repositories } from '../ledger'
import { migrate } from '../ledger/migrate'
import { pgTestDatabase, type TestDatabase } from '../ledger/test-support'
import { safeText } from '../ledger/safe-params'
import { POISON_STRINGS } from '../pipeline/intake/poison'
import { badTarget } from './bad-url'
import { applyServerTimeouts } from './server-timeouts'
import { as, startTestApi, type TestApi } from './test-support'

let api: TestApi
beforeAll(async () => {
  api = await startTestApi()
}, 60_000)
afterAll(() => api.close())

/** A GET or POST with the target sent byte for byte (fetch would normalise it). */
function raw(target: string, method = 'GET'): Promise<{ status: number; body: string }> {
  const { port, hostname } = new URL(api.url)
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path: target, method, headers: as.manager() }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('bad characters in the request target', () => {
  it.each([
    ['a NUL in a path id', 'POST', '/api/v1/runs/%00/cancel'],
    ['a NUL inside a path id', 'POST', '/api/v1/quarantine/abc%00def/discard'],
    ['a NUL in the query', 'GET', '/api/v1/records?sourceKey=rupture%00'],
    ['a malformed escape', 'GET', '/api/v1/records/%ZZ'],
    ['a truncated escape', 'GET', '/api/v1/records?q=%E'],
    ['an escape that is not UTF-8', 'GET', '/api/v1/records?q=%C3%28'],
    ['an escaped lone surrogate', 'GET', '/api/v1/records/%ED%A0%80'],
  ])('%s answers 400 invalid-request', async (_what, method, target) => {
    const res = await raw(target, method)
    expect(res.status).toBe(400)
    expect(JSON.parse(res.body)).toMatchObject({ error: 'invalid-request' })
  })

  it('lets ordinary escapes through', async () => {
    expect(badTarget('/api/v1/records?q=Sô-Ava%20%C3%A9t%C3%A9&page=1')).toBeUndefined()
    expect((await raw('/api/v1/records?sourceKey=%C3%A9t%C3%A9')).status).toBe(200)
  })
})

describe('server timeouts', () => {
  let server: Server
  afterEach(() => new Promise((resolve) => server.close(resolve)))

  it('closes a connection whose body stalls (shorter than its Content-Length)', async () => {
    const app = express()
    app.post('/x', (req, res) => {
      req.resume()
      req.on('end', () => res.send('ok'))
    })
    server = app.listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    applyServerTimeouts(server, { headersMs: 2_000, idleMs: 300, requestMs: 5_000, keepAliveMs: 500 })
    const socket: Socket = connect((server.address() as AddressInfo).port, '127.0.0.1')
    const started = Date.now()
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - started)))
    socket.on('error', () => undefined)
    socket.write('POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nab')
    // Node's default would wait 300 s; the idle timeout closes it well under a second.
    expect(await closed).toBeLessThan(3_000)
  })
})

describe('text PostgreSQL refuses, from a person or a system', () => {
  let t: TestDatabase
  beforeAll(async () => {
    t = pgTestDatabase()
  })
  afterAll(() => t.dispose())

  it.each(POISON_STRINGS)('$name is stored, replaced by U+FFFD, in text and in JSON', async ({ text, clean }) => {
    expect(safeText(text)).toBe(clean)
    const db = await t.open()
    await migrate(db)
    const { runs } = repositories(db)
    const run = await runs.create({
      source: `src-${clean.length}`,
      mode: 'import',
      trigger: 'manual',
      actor: `awa${text}`,
      detail: { filename: text, nested: { [text]: text } },
    })
    const stored = await runs.get(run.id)
    expect(stored?.actor).toBe(`awa${clean}`)
    expect(stored?.detail).toEqual({ filename: clean, nested: { [clean]: clean } })
  })

  it('leaves plain text with backslashes, and escaped text that only looks like an escape, alone', () => {
    expect(safeText('C:\\u0000 dossier')).toBe('C:\\u0000 dossier')
    expect(safeText(JSON.stringify({ note: 'literal \\u0000' }))).toBe(JSON.stringify({ note: 'literal \\u0000' }))
  })
})
