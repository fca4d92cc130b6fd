jest.mock('@electric-sql/pglite', () =>
  jest.requireActual<typeof import('../ledger/test-support')>('../ledger/test-support').nativePglite(),
)

import { unique } from '../ledger/test-support'
import { as, call, startTestApi, type TestApi } from './test-support'

let api: TestApi
let source: string
let runId: string
let ids: string[]

beforeAll(async () => {
  api = await startTestApi()
  source = unique('kobo')
  runId = (await api.ledger.runs.create({ source, mode: 'import', trigger: 'test', actor: 'test' })).id
  const rows = [
    { sourceKey: 'sub-1', rcCode: 'RC001', orgUnit: 'OU_A', period: '202501' },
    { sourceKey: 'sub-2', rcCode: 'RC002', orgUnit: 'OU_A', period: '202502' },
    { sourceKey: 'sub-3', rcCode: 'RC001', orgUnit: 'OU_B', period: '202501' },
  ]
  const out = await api.ledger.records.insertMany(
    rows.map((r, i) => ({ ...r, source, version: 'v1', contentHash: `h${i}`, raw: { visits: i }, runId })),
    { actor: 'source:kobo' },
  )
  ids = out.map((o) => o.id)
  // sub-1: mapped, then refused by DHIS2 (409 conflict) → quarantined with DHIS2's words
  await api.ledger.records.transition(ids[0]!, 'received', 'mapped', { actor: 'pipeline:map', mapped: { v: 1 } })
  await api.ledger.records.transition(ids[0]!, 'mapped', 'quarantined', {
    actor: 'pipeline:push',
    reason: 'conflict',
    detail: {
      rejectedValues: [{ index: 0, conflicts: [{ message: 'Value must be zero or positive', errorCode: 'E7619' }] }],
    },
    lastError: { name: 'Dhis2Error', dhis2Message: 'Import process completed with warnings', status: 409 },
  })
  // sub-2: invalid at mapping
  await api.ledger.records.transition(ids[1]!, 'received', 'quarantined', { actor: 'pipeline:map', reason: 'invalid' })
}, 60_000)
afterAll(() => api.close())

const get = (path: string, headers = as.user('sup_koffi')) => call(`${api.url}${path}`, { headers })
const post = (path: string, json?: unknown) =>
  call(`${api.url}${path}`, { method: 'POST', headers: as.manager(), ...(json === undefined ? {} : { json }) })
const keysOf = (body: Record<string, unknown>) => (body.items as { sourceKey: string }[]).map((r) => r.sourceKey)

describe('GET /api/v1/records', () => {
  it.each([
    ['sourceKey=sub-2', ['sub-2']],
    ['rcCode=RC001', ['sub-3', 'sub-1']],
    ['orgUnit=OU_A&period=202501', ['sub-1']],
    ['status=quarantined', ['sub-2', 'sub-1']],
    ['status=received,quarantined', ['sub-3', 'sub-2', 'sub-1']],
    [`runId=${'RUN'}`, ['sub-3', 'sub-2', 'sub-1']],
    ['reason=invalid', ['sub-2']],
  ])('searches by %s', async (query, expected) => {
    const res = await get(`/api/v1/records?source=${source}&${query.replace('RUN', runId)}`)
    expect(res.status).toBe(200)
    expect(keysOf(res.body)).toEqual(expected)
    expect(res.body.pager).toMatchObject({ total: expected.length })
  })

  it('answers summaries without payloads', async () => {
    const res = await get(`/api/v1/records?source=${source}&pageSize=1`)
    const [item] = res.body.items as Record<string, unknown>[]
    expect(item).toMatchObject({ sourceKey: 'sub-3', status: 'received', rcCode: 'RC001', runId })
    expect(item).not.toHaveProperty('raw')
    expect(res.body.pager).toEqual({ page: 1, pageSize: 1, total: 3, pageCount: 3 })
  })

  it('keeps a full page far below the route cap of 256 KB, compacting long errors', async () => {
    const bulky = `bulky-${runId}`
    const lastError = { name: 'Dhis2Error', dhis2Message: 'x'.repeat(20_000) }
    const out = await api.ledger.records.insertMany(
      Array.from({ length: 100 }, (_, i) => ({
        source: bulky,
        sourceKey: `key-${'k'.repeat(60)}-${i}`,
        version: 'v'.repeat(64),
        contentHash: 'h'.repeat(64),
        raw: { big: 'y'.repeat(20_000) },
        rcCode: 'RC001',
        orgUnit: 'OU_A',
        period: '202501',
        runId,
      })),
      { actor: 'test' },
    )
    await api.ledger.records.recordAttempt(
      out.map((o) => o.id),
      lastError,
    )
    const res = await fetch(`${api.url}/api/v1/records?source=${bulky}&pageSize=100`, { headers: as.admin() })
    const text = await res.text()
    expect(res.status).toBe(200)
    expect(text.length).toBeLessThan(150 * 1024)
    const items = (JSON.parse(text) as { items: { lastError: unknown }[] }).items
    expect(items[0]!.lastError).toEqual({ truncated: true, chars: expect.any(Number), preview: expect.any(String) })
    // Every position gets the same preview (a list's index must never leak into the size limit).
    for (const item of items) expect((item.lastError as { preview: string }).preview).toHaveLength(500)
    const one = await get(`/api/v1/records/${out[0]!.id}`)
    expect(one.body.dhis2Messages).toEqual([expect.objectContaining({ message: `${'x'.repeat(1999)}…` })])
  })

  it('refuses an unknown status or filter', async () => {
    expect((await get('/api/v1/records?status=lost')).body).toMatchObject({
      error: 'invalid-request',
      issues: [{ path: 'query.status.0' }],
    })
    expect((await get('/api/v1/records?rc_code=RC001')).status).toBe(400)
  })
})

describe('GET /api/v1/records/{id}', () => {
  it("answers the payloads, the history, DHIS2's messages and the versions; the view is audited", async () => {
    const res = await get(`/api/v1/records/${ids[0]}`)
    expect(res.status).toBe(200)
    expect(res.body.record).toMatchObject({ id: ids[0], status: 'quarantined', reason: 'conflict', raw: { visits: 0 } })
    expect(res.body.record).toMatchObject({ mapped: { v: 1 } })
    expect((res.body.history as { toStatus: string; actor: string }[]).map((e) => [e.actor, e.toStatus])).toEqual([
      ['source:kobo', 'received'],
      ['pipeline:map', 'mapped'],
      ['pipeline:push', 'quarantined'],
    ])
    expect(res.body.dhis2Messages).toEqual([
      { at: expect.any(String), status: 'quarantined', message: 'Value must be zero or positive', errorCode: 'E7619' },
      { at: null, status: null, message: 'Import process completed with warnings', httpStatus: 409 },
    ])
    expect(res.body.versions).toEqual([
      { id: ids[0], version: 'v1', status: 'quarantined', createdAt: expect.any(String) },
    ])
    const audit = await api.ledger.audit.list({ target: `record:${ids[0]}`, action: 'record.view' })
    expect(audit.items[0]).toMatchObject({ actor: 'sup_koffi', role: 'superviseur' })
  })

  it('answers 404 for an unknown record', async () => {
    expect(await get('/api/v1/records/unknown')).toMatchObject({ status: 404, body: { error: 'not-found' } })
  })
})

describe('quarantine', () => {
  it('lists quarantined records by reason', async () => {
    const all = await get(`/api/v1/quarantine?source=${source}`)
    expect(keysOf(all.body)).toEqual(['sub-2', 'sub-1'])
    const conflicts = await get(`/api/v1/quarantine?source=${source}&reason=conflict`)
    expect(keysOf(conflicts.body)).toEqual(['sub-1'])
    expect((await get('/api/v1/quarantine?reason=bored')).status).toBe(400)
  })

  it('previews a release with the correction typed; a record no longer quarantined is 409', async () => {
    const res = await post(`/api/v1/quarantine/${ids[0]}/preview`, { corrected: { visits: 3 } })
    expect(res).toMatchObject({ status: 200, body: { id: ids[0], counts: { changed: 1 }, lines: [] } })
    expect(api.services.calls.at(-1)).toEqual({ method: 'previewRelease', args: [ids[0], { visits: 3 }] })
    expect((await post(`/api/v1/quarantine/${ids[0]}/preview`, { corrected: 'text' })).status).toBe(400)
  })

  it('releases with a corrected payload; the pipeline gets it with the actor', async () => {
    const res = await post(`/api/v1/quarantine/${ids[0]}/release`, { corrected: { visits: 3 } })
    expect(res).toMatchObject({ status: 200, body: { id: ids[0], status: 'mapped' } })
    expect(api.services.calls.at(-1)).toEqual({
      method: 'release',
      args: [ids[0], { name: 'gest_ama', role: 'gestionnaire' }, { visits: 3 }],
    })
    // no longer quarantined
    expect(await post(`/api/v1/quarantine/${ids[0]}/release`, {})).toMatchObject({
      status: 409,
      body: { error: 'state-conflict' },
    })
    expect((await post(`/api/v1/quarantine/${ids[0]}/preview`, {})).status).toBe(409)
  })

  it('answers the errors when the correction is still invalid', async () => {
    const res = await post(`/api/v1/quarantine/${ids[1]}/release`, { corrected: { value: 'still wrong' } })
    expect(res).toMatchObject({ status: 200, body: { status: 'quarantined', errors: [{ field: 'value' }] } })
    expect((await post(`/api/v1/quarantine/${ids[1]}/release`, { corrected: 'text' })).status).toBe(400)
  })

  it('discards only with a reason', async () => {
    for (const body of [undefined, {}, { reason: '   ' }, { reason: 42 }]) {
      const res = await post(`/api/v1/quarantine/${ids[1]}/discard`, body)
      expect({ body, status: res.status, error: res.body.error }).toEqual({
        body,
        status: 400,
        error: 'invalid-request',
      })
    }
    const res = await post(`/api/v1/quarantine/${ids[1]}/discard`, { reason: 'Sent twice by the partner' })
    expect(res).toMatchObject({ status: 200, body: { id: ids[1], status: 'discarded' } })
    expect(await api.ledger.records.get(ids[1]!)).toMatchObject({
      status: 'discarded',
      reason: 'Sent twice by the partner',
    })
    expect((await post('/api/v1/quarantine/unknown/discard', { reason: 'x' })).status).toBe(404)
  })

  it('finds quarantined records by RC code and period', async () => {
    const more = await api.ledger.records.insertMany(
      [
        { sourceKey: 'q-1', rcCode: 'RC-Q-01', orgUnit: 'OU_A', period: '202608' },
        { sourceKey: 'q-2', rcCode: 'RC-Q-01', orgUnit: 'OU_A', period: '202609' },
        { sourceKey: 'q-3', rcCode: 'RC-Q-02', orgUnit: 'OU_B', period: '202609' },
      ].map((r, i) => ({ ...r, source, version: 'v1', contentHash: `q${i}`, raw: { visits: i }, runId })),
      { actor: 'source:kobo' },
    )
    for (const { id } of more)
      await api.ledger.records.transition(id, 'received', 'quarantined', { actor: 'pipeline:map', reason: 'invalid' })
    const found = await get(`/api/v1/quarantine?source=${source}&rcCode=RC-Q-01&period=202609`)
    expect(keysOf(found.body)).toEqual(['q-2'])
    expect(keysOf((await get(`/api/v1/quarantine?source=${source}&period=202609`)).body)).toEqual(['q-3', 'q-2'])
  })

  it('releases or discards several records with one reason; one refused record never stops the others', async () => {
    const more = await api.ledger.records.insertMany(
      ['b-1', 'b-2', 'b-3'].map((sourceKey, i) => ({
        sourceKey,
        rcCode: 'RC-B-01',
        orgUnit: 'OU_A',
        period: '202609',
        source,
        version: 'v1',
        contentHash: `b${i}`,
        raw: { visits: i },
        runId,
      })),
      { actor: 'source:kobo' },
    )
    const [b1, b2, b3] = more.map((o) => o.id)
    for (const id of [b1, b2])
      await api.ledger.records.transition(id!, 'received', 'quarantined', { actor: 'pipeline:map', reason: 'late' })
    expect((await post('/api/v1/quarantine/bulk', { action: 'discard', ids: [b1] })).status).toBe(400)
    expect((await post('/api/v1/quarantine/bulk', { action: 'discard', ids: [], reason: 'x' })).status).toBe(400)

    const res = await post('/api/v1/quarantine/bulk', {
      action: 'discard',
      ids: [b1, 'unknown', b3, b2],
      reason: 'Rapports papier déjà saisis',
    })
    expect(res).toMatchObject({
      status: 200,
      body: {
        results: [
          { id: b1, status: 'discarded' },
          { id: 'unknown', status: 'refused', error: 'not-found' },
          { id: b3, status: 'refused', error: 'state-conflict' },
          { id: b2, status: 'discarded' },
        ],
      },
    })
    expect(await api.ledger.records.get(b2!)).toMatchObject({
      status: 'discarded',
      reason: 'Rapports papier déjà saisis',
    })
  })
})
