jest.mock('@electric-sql/pglite', () =>
  jest.requireActual<typeof import('../ledger/test-support')>('../ledger/test-support').nativePglite(),
)

import { as, call, SOURCES, startTestApi, type TestApi } from './test-support'

let api: TestApi
let clock = Date.now()
beforeAll(async () => {
  api = await startTestApi({ now: () => clock })
}, 60_000)
afterAll(() => api.close())

const get = (path: string, headers = as.user('sup_koffi')) => call(`${api.url}${path}`, { headers })

describe('GET /api/v1/sources', () => {
  it('lists the configured sources with their last run and a health word', async () => {
    const kobo = await api.ledger.runs.create({ source: SOURCES.kobo, mode: 'import', trigger: 'test', actor: 't' })
    const [rec] = await api.ledger.records.insertMany(
      [{ source: SOURCES.kobo, sourceKey: 's1', version: 'v', contentHash: 'h', raw: {}, runId: kobo.id }],
      { actor: 't' },
    )
    await api.ledger.records.transition(rec!.id, 'received', 'quarantined', { actor: 't', reason: 'invalid' })
    await api.ledger.runs.finish(kobo.id)
    const file = await api.ledger.runs.create({ source: SOURCES.file, mode: 'import', trigger: 'test', actor: 't' })
    await api.ledger.runs.finish(file.id, { status: 'failed', detail: { error: 'unreadable' } })

    const res = await get('/api/v1/sources')
    expect(res.status).toBe(200)
    const byName = Object.fromEntries((res.body.items as { name: string }[]).map((s) => [s.name, s]))
    expect(byName[SOURCES.kobo]).toMatchObject({
      kind: 'kobo',
      schedule: '*/30 * * * *',
      health: 'attention',
      lastRun: { id: kobo.id, status: 'completed' },
      lastRunCounts: { quarantined: 1, total: 1 },
    })
    expect(byName[SOURCES.file]).toMatchObject({ kind: 'csv', maxUploadMegabytes: 1, health: 'failing' })
    expect(byName[SOURCES.webhook]).toMatchObject({ health: 'never-run', lastRun: null, lastRunCounts: null })
    expect(byName[SOURCES.disabledHook]).toMatchObject({ enabled: false, health: 'disabled' })
    expect(JSON.stringify(res.body)).not.toMatch(/secretEnv|tokenEnv|EMR_SECRET|KOBO_TOKEN/)
    // No server path (issue 11 §10): the spec's file name only.
    expect(byName[SOURCES.kobo]).toMatchObject({ mapping: 'kobo.yaml' })
    expect(JSON.stringify(res.body)).not.toContain('specs/')
    expect(res.body.pager).toEqual({ page: 1, pageSize: 50, total: 4, pageCount: 1 })
    const page2 = await get('/api/v1/sources?pageSize=3&page=2')
    expect((page2.body.items as unknown[]).length).toBe(1)
  })
})

describe('/api/v1/metadata', () => {
  it('answers null before any snapshot', async () => {
    expect((await get('/api/v1/metadata')).body).toMatchObject({
      snapshot: null,
      drift: { items: [], pager: { total: 0 } },
      refresh: { state: 'idle' },
    })
  })

  it('refreshes in the background (202 at once), then shows the snapshot, its age and its drift, paged', async () => {
    const res = await call(`${api.url}/api/v1/metadata/refresh`, { method: 'POST', headers: as.manager() })
    expect(res).toMatchObject({ status: 202, body: { state: 'running', by: 'gest_ama' } })
    let status = await get('/api/v1/metadata')
    for (let i = 0; i < 50 && (status.body.refresh as { state: string }).state === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 20))
      status = await get('/api/v1/metadata')
    }
    expect(status.body.refresh).toMatchObject({ state: 'succeeded', snapshotId: expect.any(String) })
    expect(status.body.snapshot).toMatchObject({ driftCount: 1 })
    expect(status.body.drift).toEqual({
      items: [{ code: 'GONE', kind: 'dataElement' }],
      pager: { page: 1, pageSize: 50, total: 1, pageCount: 1 },
    })
    clock = Date.now() + 3_600_000
    const later = await get('/api/v1/metadata?page=2&pageSize=1')
    expect((later.body.snapshot as { ageSeconds: number }).ageSeconds).toBeGreaterThanOrEqual(3599)
    expect(later.body.drift).toMatchObject({ items: [], pager: { page: 2, total: 1 } })
  })

  it('reports a failed refresh without its details to the client beyond the message', async () => {
    api.services.failNext('refreshMetadata', new Error('DHIS2 answered 503'))
    await call(`${api.url}/api/v1/metadata/refresh`, { method: 'POST', headers: as.admin() })
    let status = await get('/api/v1/metadata')
    for (let i = 0; i < 50 && (status.body.refresh as { state: string }).state === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 20))
      status = await get('/api/v1/metadata')
    }
    expect(status.body.refresh).toMatchObject({ state: 'failed', error: 'DHIS2 answered 503', by: 'api-key:ops' })
  })
})

describe('GET /api/v1/audit', () => {
  it('lists who did what, newest first, filtered and paged', async () => {
    await call(`${api.url}/api/v1/runs`, {
      method: 'POST',
      headers: as.manager(),
      json: { source: SOURCES.kobo, mode: 'dry-run' },
    })
    const res = await get('/api/v1/audit?actor=gest_ama&action=run.start', as.admin())
    expect(res.status).toBe(200)
    expect(res.body.items).toEqual([
      expect.objectContaining({ actor: 'gest_ama', role: 'gestionnaire', action: 'run.start', at: expect.any(String) }),
    ])
    const since = new Date(Date.now() + 60_000).toISOString()
    expect((await get(`/api/v1/audit?since=${since}`, as.admin())).body.items).toEqual([])
    expect((await get('/api/v1/audit?since=yesterday', as.admin())).body).toMatchObject({
      error: 'invalid-request',
      issues: [{ path: 'query.since' }],
    })
  })
})
