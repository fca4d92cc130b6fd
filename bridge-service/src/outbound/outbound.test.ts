/** The pure parts of outbound webhooks: what is sent, how an answer is classified, when a quarantine alerts. */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseRelaisConfig, RelaisConfigError } from '../config/relais-config'
import { verifySignature } from '../sources/webhook/hmac'
import { deliveryBody, quarantineAlertDue, reportCompleted, runFinished } from './events'
import { classify, sendOnce } from './send'

const SECRET = 'partner-secret-0123456789abcdef0123456789'
const HOUR = 3600_000

describe('payloads', () => {
  it('a completed report says which data set, period and org unit, and when: nothing else', () => {
    const payload = reportCompleted({
      eventId: 'e1',
      seq: 7,
      at: new Date('2026-10-03T10:00:00Z'),
      recordId: 'r1',
      source: 'kobo-rc',
      dataSet: 'DsRcMensuel',
      period: '202609',
      orgUnit: 'OuRc0000001',
      orgUnitCode: 'RC-0001',
      date: '2026-10-03T11:00:00.000',
    })
    expect(payload).toEqual({
      recordId: 'r1',
      source: 'kobo-rc',
      dataSet: 'DsRcMensuel',
      period: '202609',
      orgUnit: 'OuRc0000001',
      orgUnitCode: 'RC-0001',
      completedAt: '2026-10-03T11:00:00.000',
      registeredAt: '2026-10-03T10:00:00.000Z',
    })
  })

  it('a finished run gives its counts as numbers only', () => {
    const payload = runFinished({
      id: 'run1',
      source: 'csv',
      mode: 'import',
      trigger: 'upload',
      status: 'completed',
      counts: { imported: 3, quarantined: 1, note: 'Awa Koné' as unknown as number },
      startedAt: new Date('2026-10-03T10:00:00Z'),
      finishedAt: new Date('2026-10-03T10:01:00Z'),
    })
    expect(payload.counts).toEqual({ imported: 3, quarantined: 1 })
    expect(JSON.stringify(payload)).not.toContain('Awa')
  })

  it('the body is the same bytes for every attempt', () => {
    const d = { id: 'd1', event: 'run.finished' as const, createdAt: new Date(0), payload: { runId: 'x' } }
    expect(deliveryBody(d)).toBe(deliveryBody({ ...d }))
    expect(JSON.parse(deliveryBody(d))).toEqual({
      id: 'd1',
      event: 'run.finished',
      createdAt: '1970-01-01T00:00:00.000Z',
      data: { runId: 'x' },
    })
  })
})

describe('answers', () => {
  it.each([
    [200, 'delivered'],
    [204, 'delivered'],
    [408, 'transient'],
    [429, 'transient'],
    [500, 'transient'],
    [503, 'transient'],
    [301, 'permanent'],
    [400, 'permanent'],
    [401, 'permanent'],
    [404, 'permanent'],
    [410, 'permanent'],
  ])('HTTP %i is %s', (status, kind) => {
    expect(classify(status, null, 0).kind).toBe(kind)
  })

  it('honours Retry-After in seconds and as a date', () => {
    expect(classify(429, '7', 0)).toMatchObject({ kind: 'transient', retryAfterMs: 7000 })
    expect(classify(503, 'Thu, 01 Jan 1970 00:00:30 GMT', 10_000)).toMatchObject({ retryAfterMs: 20_000 })
  })
})

describe('quarantine alerts', () => {
  const now = new Date('2026-10-03T12:00:00Z')
  it('alerts at the threshold, then only when grown and an hour later', () => {
    expect(quarantineAlertDue(9, 10, undefined, now, HOUR)).toBe(false)
    expect(quarantineAlertDue(10, 10, undefined, now, HOUR)).toBe(true)
    const last = { at: new Date(now.getTime() - 30 * 60_000), quarantined: 10 }
    expect(quarantineAlertDue(50, 10, last, now, HOUR)).toBe(false)
    const older = { at: new Date(now.getTime() - HOUR), quarantined: 10 }
    expect(quarantineAlertDue(10, 10, older, now, HOUR)).toBe(false)
    expect(quarantineAlertDue(11, 10, older, now, HOUR)).toBe(true)
  })
})

describe('a signed POST', () => {
  it('is verified by the inbound verifier with the shared secret, and by no other', async () => {
    let seen: { body: string; headers: Record<string, string | string[] | undefined> } | undefined
    const server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        seen = { body: Buffer.concat(chunks).toString('utf8'), headers: req.headers }
        res.writeHead(202).end()
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
      const body = deliveryBody({ id: 'd1', event: 'run.finished', createdAt: new Date(), payload: { runId: 'r' } })
      const result = await sendOnce({ url, body, secret: SECRET, event: 'run.finished', deliveryId: 'd1' })
      expect(result).toEqual({ kind: 'delivered', httpStatus: 202 })
      const check = (secret: string) =>
        verifySignature({
          rawBody: seen!.body,
          timestamp: seen!.headers['x-relais-timestamp'],
          signature: seen!.headers['x-relais-signature'],
          secret,
          now: Date.now(),
        })
      expect(check(SECRET).ok).toBe(true)
      expect(check(`${SECRET}x`)).toMatchObject({ ok: false, reason: 'bad-signature' })
      expect(seen!.headers['x-relais-event']).toBe('run.finished')
      expect(seen!.headers['x-relais-delivery']).toBe('d1')
    } finally {
      server.close()
    }
  })

  it('a receiver that does not answer in time is a transient failure', async () => {
    const server = createServer(() => undefined)
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
      const result = await sendOnce({ url, body: '{}', secret: SECRET, event: 'e', deliveryId: 'd', timeoutMs: 200 })
      expect(result).toEqual({ kind: 'transient', httpStatus: null, error: 'no answer within 200 ms' })
    } finally {
      server.closeAllConnections()
      server.close()
    }
  })

  it('a refused connection is a transient failure', async () => {
    const result = await sendOnce({
      url: 'http://127.0.0.1:9/',
      body: '{}',
      secret: SECRET,
      event: 'e',
      deliveryId: 'd',
    })
    expect(result).toMatchObject({ kind: 'transient', httpStatus: null })
  })
})

describe('outbound: in relais.config.yaml', () => {
  const sources = 'sources: []\n'
  it('reads subscriptions', () => {
    const config = parseRelaisConfig(
      `${sources}outbound:\n  - name: partenaire-fhi\n    url: https://partner.example.org/hooks\n    secretEnv: FHI_SECRET\n    events: [report.completed, run.finished]\n`,
      'relais.config.yaml',
      {},
    )
    expect(config.outbound).toEqual([
      {
        name: 'partenaire-fhi',
        url: 'https://partner.example.org/hooks',
        secretEnv: 'FHI_SECRET',
        events: ['report.completed', 'run.finished'],
        enabled: true,
      },
    ])
    expect(parseRelaisConfig(sources, 'relais.config.yaml', {}).outbound).toEqual([])
  })

  it.each([
    ['http://partner.example.org/hooks', 'run.finished', '', '4:10 outbound.0.url must be an https:// URL'],
    ['https://u:p@partner.example.org/', 'run.finished', '', '4:10 outbound.0.url must be an https:// URL'],
    ['https://partner.example.org/', 'report.done', '', '6:14 outbound.0.events.0 Invalid option'],
    ['https://partner.example.org/', 'quarantine.growing', '', 'outbound.0.quarantineThreshold subscribes to'],
  ])('refuses %s %s at its line', (url, event, extra, message) => {
    const text = `${sources}outbound:\n  - name: p1\n    url: ${url}\n    secretEnv: P1_SECRET\n    events: [${event}]\n${extra}`
    let error: unknown
    try {
      parseRelaisConfig(text, 'relais.config.yaml', {})
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(RelaisConfigError)
    expect((error as RelaisConfigError).problems.join('\n')).toContain(message)
  })

  it('takes plain http to this machine only', () => {
    const text = `${sources}outbound:\n  - name: p1\n    url: http://127.0.0.1:8080/\n    secretEnv: P1_SECRET\n    events: [run.finished]\n`
    expect(parseRelaisConfig(text, 'relais.config.yaml', {}).outbound[0]?.url).toBe('http://127.0.0.1:8080/')
  })
})
