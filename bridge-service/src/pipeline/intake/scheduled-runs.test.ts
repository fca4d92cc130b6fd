/**
 * One run of a source at a time, whoever starts it (issue 18). « Skip the tick if a run is going » was a check
 * then an insert: a pull and a sweep ticking at the same second (the default schedules meet every night at 02:00),
 * in one process or two, both saw no run and both started one. Now the check and the insert are one step under a
 * per-source lock in the ledger, and the sweep that loses tries again instead of waiting for the next night.
 */
import { repositories } from '../../ledger'
import { pgTestDatabase } from '../../ledger/test-support'
import { startHarness, waitFor, type Harness } from '../test-support'

jest.setTimeout(60_000)

const SOURCE = 'kobo-rapport-rc'

describe('createIfIdle', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness({ database: pgTestDatabase(), pipeline: { schedules: false } })
  }, 30_000)
  afterAll(() => h?.dispose())

  test('twenty concurrent starts of one source make one run; another source is not held up', async () => {
    const runs = repositories(h.db).runs
    const starts = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        runs.createIfIdle({ source: SOURCE, mode: 'import', trigger: 'schedule', actor: `p${i}` }),
      ),
    )
    expect(starts.filter((r) => r !== undefined)).toHaveLength(1)
    expect(
      await runs.createIfIdle({ source: 'csv-partenaires', mode: 'import', trigger: 'test', actor: 't' }),
    ).toBeDefined()
    const running = await runs.list({ source: SOURCE, status: 'running' }, { page: 1, pageSize: 50 })
    expect(running.pager.total).toBe(1)
  })
})

describe('scheduled pulls and sweeps', () => {
  let h: Harness | undefined
  afterEach(async () => {
    await h?.dispose()
    h = undefined
  })

  test('a pull and a sweep ticking together never run at once', async () => {
    h = await startHarness({
      database: pgTestDatabase(),
      pipeline: { schedules: true },
      sources: { kobo: { schedule: '*/1 * * * * *', sweepSchedule: '*/1 * * * * *' } },
    })
    await new Promise((r) => setTimeout(r, 5_000))
    await h.pipeline.stop()
    const runs = (await repositories(h.db).runs.list({ source: SOURCE }, { page: 1, pageSize: 100 })).items
    expect(runs.length).toBeGreaterThanOrEqual(3)
    for (const run of runs) await h.runEnded(run.id)
    const spans = (await repositories(h.db).runs.list({ source: SOURCE }, { page: 1, pageSize: 100 })).items.map(
      (r) => ({ id: r.id, trigger: r.trigger, from: r.startedAt.getTime(), to: r.finishedAt?.getTime() ?? Infinity }),
    )
    const overlaps = spans.flatMap((a) => spans.filter((b) => a.id < b.id && a.from < b.to && b.from < a.to))
    expect(overlaps).toEqual([])
  })

  test('a sweep that meets a running run tries again once it has ended, not the next night', async () => {
    // The sweep ticks once a minute, at a second 20 s ahead (room for a slow start on a loaded machine): a sweep
    // run before the next minute is a retry.
    const tickAt = Date.now() + 20_000
    h = await startHarness({
      database: pgTestDatabase(),
      pipeline: { schedules: true, sweepRetryMs: 500 },
      sources: { kobo: { schedule: '0 0 1 1 *', sweepSchedule: `${new Date(tickAt).getSeconds()} * * * * *` } },
    })
    const runs = repositories(h.db).runs
    const blocking = await runs.create({
      source: SOURCE,
      mode: 'import',
      trigger: 'api',
      actor: 'a data manager',
      detail: { readBeat: new Date(Date.now() + 60_000).toISOString() },
    })
    expect(Date.now()).toBeLessThan(tickAt - 500) // the blocking run is there before the tick
    const sweeps = async () =>
      (await runs.list({ source: SOURCE }, { page: 1, pageSize: 50 })).items.filter((r) => r.trigger === 'sweep')
    await new Promise((r) => setTimeout(r, tickAt + 2_000 - Date.now()))
    expect(await sweeps()).toHaveLength(0) // the tick met the running run
    await runs.cancel(blocking.id, { actor: 'a data manager' })
    await waitFor(async () => (await sweeps()).length === 1, 10_000, 'the sweep retried')
  })
})
