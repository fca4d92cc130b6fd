jest.mock('@electric-sql/pglite', () =>
  jest.requireActual<typeof import('./test-support')>('./test-support').nativePglite(),
)

/** outbound_deliveries on both adapters: written once per fact, attempts noted by compare-and-set, retried by hand. */
import type { Db } from './db'
import { migrate } from './migrate'
import { outboundLedger } from './outbound'
import { TEST_DATABASES } from './test-support'

jest.setTimeout(60_000)

describe.each(TEST_DATABASES)('outbound ledger on %s', (_name, make) => {
  const database = make()
  let db: Db
  beforeAll(async () => {
    db = await database.open()
    await migrate(db)
  })
  afterAll(() => database.dispose())

  it('keeps one delivery per subscription and fact, notes attempts, keeps the last 20, and retries by hand', async () => {
    const ledger = outboundLedger(db)
    const fact = { subscription: 'p1', event: 'run.finished' as const, eventKey: 'run:r1', payload: { runId: 'r1' } }
    const [first] = await ledger.add([fact, { ...fact, subscription: 'p2' }])
    expect(await ledger.add([fact])).toEqual([])
    expect(first).toMatchObject({ status: 'pending', attempts: 0, round: 0, history: [], payload: { runId: 'r1' } })

    const note = (i: number) => ({ at: new Date(i * 1000).toISOString(), httpStatus: 503, error: 'HTTP 503' })
    for (let i = 0; i < 25; i++)
      expect(
        await ledger.recordAttempt(first!.id, 0, { kind: 'retry', note: note(i), nextAttemptAt: new Date(0) }),
      ).toBe(true)
    const retrying = await ledger.get(first!.id)
    expect(retrying).toMatchObject({ status: 'pending', attempts: 25, lastStatus: 503, lastError: 'HTTP 503' })
    expect(retrying!.history.map((h) => h.at)).toEqual(Array.from({ length: 20 }, (_, i) => note(i + 5).at))
    // An attempt of another round (a stale job) changes nothing.
    expect(await ledger.recordAttempt(first!.id, 7, { kind: 'failed', note: note(99) })).toBe(false)

    expect(await ledger.retry(first!.id)).toBeUndefined() // pending, not failed
    await ledger.recordAttempt(first!.id, 0, { kind: 'failed', note: { ...note(30), httpStatus: 400 } })
    expect(await ledger.retry(first!.id)).toMatchObject({ status: 'pending', attempts: 0, round: 1 })
    await ledger.recordAttempt(first!.id, 1, { kind: 'delivered', note: { ...note(31), httpStatus: 200, error: null } })
    const done = await ledger.get(first!.id)
    expect(done).toMatchObject({ status: 'delivered', attempts: 1, round: 1, lastStatus: 200, lastError: null })
    expect(done!.deliveredAt).not.toBeNull()

    expect((await ledger.search({ status: 'delivered' })).items.map((d) => d.id)).toEqual([first!.id])
    expect((await ledger.search({ subscription: 'p2' })).pager.total).toBe(1)
    expect((await ledger.pending(0, 10)).map((d) => d.subscription)).toEqual(['p2'])
  })

  it('keeps a cursor per kind of fact, locked while searched', async () => {
    await db.transaction(async (tx) => {
      const ledger = outboundLedger(tx)
      expect(await ledger.lockCursor('run.finished')).toBeUndefined()
      await ledger.setCursor('run.finished', '2026-10-03T10:00:00.000Z')
    })
    await db.transaction(async (tx) => {
      expect(await outboundLedger(tx).lockCursor('run.finished')).toBe('2026-10-03T10:00:00.000Z')
    })
    expect(await outboundLedger(db).factsHorizon()).toEqual({
      completionSeq: 0,
      runsFinishedAt: new Date(0).toISOString(),
    })
  })
})
