jest.mock('@electric-sql/pglite', () =>
  jest.requireActual<typeof import('../ledger/test-support')>('../ledger/test-support').nativePglite(),
)

import { unique } from '../ledger/test-support'
import { as, call, SOURCES, startTestApi, type TestApi } from './test-support'

let api: TestApi
beforeAll(async () => {
  api = await startTestApi()
}, 60_000)
afterAll(() => api.close())

const post = (path: string, json?: unknown, headers = as.manager()) =>
  call(`${api.url}${path}`, { method: 'POST', headers, ...(json === undefined ? {} : { json }) })
const get = (path: string, headers = as.manager()) => call(`${api.url}${path}`, { headers })

async function runWithRecords(source: string, statuses: ('mapped' | 'failed' | 'quarantined')[]) {
  const run = await api.ledger.runs.create({ source, mode: 'import', trigger: 'test', actor: 'test' })
  const outcomes = await api.ledger.records.insertMany(
    statuses.map((_, i) => ({
      source,
      sourceKey: `k${i}`,
      version: 'v1',
      contentHash: `h${i}`,
      raw: { i },
      runId: run.id,
    })),
    { actor: 'test' },
  )
  for (const [i, status] of statuses.entries()) {
    const id = outcomes[i]!.id
    await api.ledger.records.transition(id, 'received', 'mapped', { actor: 'test' })
    if (status === 'failed') await api.ledger.records.transition(id, 'mapped', 'failed', { actor: 'test' })
    if (status === 'quarantined')
      await api.ledger.records.transition(id, 'mapped', 'quarantined', { actor: 'test', reason: 'conflict' })
  }
  return run
}

describe('POST /api/v1/runs', () => {
  it('starts a run: 202 with its id, and the pipeline gets the caller as actor', async () => {
    const res = await post('/api/v1/runs', { source: SOURCES.kobo, mode: 'dry-run' })
    expect(res.status).toBe(202)
    expect(res.body).toEqual({ id: expect.any(String) })
    expect(await api.ledger.runs.get(res.body.id as string)).toMatchObject({ source: SOURCES.kobo, mode: 'dry-run' })
    expect(api.services.calls.at(-1)).toEqual({
      method: 'startRun',
      args: [SOURCES.kobo, 'dry-run', { name: 'gest_ama', role: 'gestionnaire' }],
    })
  })

  it('names an API key as api-key:<name>, with the role that allows the action', async () => {
    await post('/api/v1/runs', { source: SOURCES.kobo, mode: 'import' }, as.admin())
    expect(api.services.calls.at(-1)?.args[2]).toEqual({ name: 'api-key:ops', role: 'administrateur' })
  })

  it('answers 404 unknown-source for a source the pipeline does not know', async () => {
    const res = await post('/api/v1/runs', { source: 'nowhere', mode: 'import' })
    expect(res.status).toBe(404)
    expect(res.body).toEqual({ error: 'unknown-source', message: expect.stringContaining('"nowhere"') })
  })

  it('answers 400 with the fields at fault', async () => {
    const res = await post('/api/v1/runs', { source: SOURCES.kobo, mode: 'fast' })
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({
      error: 'invalid-request',
      issues: [{ path: 'body.mode', message: expect.stringContaining('dry-run') }],
    })
    const empty = await post('/api/v1/runs')
    expect(empty.body).toMatchObject({ error: 'invalid-request', issues: expect.arrayContaining([expect.anything()]) })
  })
})

describe('GET /api/v1/runs', () => {
  it('lists newest first, filtered by source and status, paged', async () => {
    const source = unique('src')
    const ids: string[] = []
    for (let i = 0; i < 3; i++) ids.push((await runWithRecords(source, [])).id)
    const page1 = await get(`/api/v1/runs?source=${source}&pageSize=2`)
    expect(page1.status).toBe(200)
    expect(page1.body.pager).toEqual({ page: 1, pageSize: 2, total: 3, pageCount: 2 })
    expect((page1.body.items as { id: string }[]).map((r) => r.id)).toEqual([ids[2], ids[1]])
    const page2 = await get(`/api/v1/runs?source=${source}&pageSize=2&page=2`)
    expect((page2.body.items as { id: string }[]).map((r) => r.id)).toEqual([ids[0]])
    const none = await get(`/api/v1/runs?source=${source}&status=completed`)
    expect(none.body).toEqual({ items: [], pager: { page: 1, pageSize: 50, total: 0, pageCount: 0 } })
  })

  it('gives each run its live counts per status', async () => {
    const source = unique('src')
    const running = await runWithRecords(source, ['mapped', 'failed', 'quarantined'])
    const res = await get(`/api/v1/runs?source=${source}`)
    expect(res.status).toBe(200)
    const [item] = res.body.items as { id: string; status: string; counts: Record<string, number> | null }[]
    expect(item).toMatchObject({ id: running.id, status: 'running' })
    expect(item?.counts).toMatchObject({ mapped: 1, failed: 1, quarantined: 1, total: 3 })
  })

  it('refuses bad paging and unknown filters with 400', async () => {
    for (const query of ['pageSize=101', 'page=0', 'page=abc', 'status=done', 'sauce=kobo', 'page=1&page=2']) {
      const res = await get(`/api/v1/runs?${query}`)
      expect({ query, status: res.status, error: res.body.error }).toEqual({
        query,
        status: 400,
        error: 'invalid-request',
      })
    }
  })
})

describe('GET /api/v1/runs/{id}', () => {
  it('answers the run with live counts per status', async () => {
    const run = await runWithRecords(unique('src'), ['mapped', 'failed', 'failed', 'quarantined'])
    const res = await get(`/api/v1/runs/${run.id}`, as.user('sup_koffi'))
    expect(res.status).toBe(200)
    expect(res.body.run).toMatchObject({ id: run.id, status: 'running', finishedAt: null, finalCounts: null })
    expect(res.body.counts).toMatchObject({ mapped: 1, failed: 2, quarantined: 1, imported: 0, total: 4 })
    expect(Date.parse((res.body.run as { startedAt: string }).startedAt)).not.toBeNaN()
  })

  it('answers 404 not-found for an unknown id', async () => {
    const res = await get('/api/v1/runs/00000000-0000-0000-0000-000000000000')
    expect(res).toMatchObject({ status: 404, body: { error: 'not-found' } })
  })
})

describe('POST /api/v1/runs/{id}/cancel and retry-failed', () => {
  it('cancels a running run once; a second cancel is a 409 state-conflict', async () => {
    const run = await runWithRecords(unique('src'), ['mapped'])
    const res = await post(`/api/v1/runs/${run.id}/cancel`)
    expect(res.status).toBe(200)
    expect(res.body.run).toMatchObject({ status: 'cancelled', detail: { cancelledBy: 'gest_ama' } })
    const again = await post(`/api/v1/runs/${run.id}/cancel`)
    expect(again).toMatchObject({ status: 409, body: { error: 'state-conflict' } })
    expect((await post('/api/v1/runs/nope/cancel')).status).toBe(404)
  })

  it('sends the failed records of a run back: 202 with how many', async () => {
    const run = await runWithRecords(unique('src'), ['failed', 'failed', 'mapped'])
    const res = await post(`/api/v1/runs/${run.id}/retry-failed`)
    expect(res).toMatchObject({ status: 202, body: { id: run.id, retried: 2 } })
    expect(await api.ledger.runs.counts(run.id)).toMatchObject({ failed: 0, mapped: 3 })
    const audit = await api.ledger.audit.list({ target: `run:${run.id}` })
    expect(audit.items.map((e) => [e.actor, e.action])).toEqual([['gest_ama', 'run.retry-failed']])
    expect((await post('/api/v1/runs/nope/retry-failed')).status).toBe(404)
  })
})
