import { rcSubmissions } from '@relais/kobo-standin'
import type { KoboSubmission } from './client'
import { KoboError } from './client'
import { EMPTY_CURSOR, advanceCursor, koboTimeMinus, pull, pullAll, pullQuery, type PullCursor } from './pull'
import { ASSET, startHarness, type Harness } from './test-support'

const ids = (subs: readonly KoboSubmission[]) => subs.map((s) => s._id)

describe('pull (incremental by _submission_time)', () => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness()
  })
  afterEach(() => h.standin.close())

  /** Adds `n` RC reports at the given second (several share it, as real bursts do). */
  const addAt = (time: string, n: number, seed = 1) => {
    h.setTime(time)
    return rcSubmissions(n, seed).map((a) => h.standin.add(ASSET, a)._id as number)
  }

  it('takes everything on the first pull, page by page, then nothing until new data comes', async () => {
    const all = [...addAt('2026-10-03T09:00:00', 1500), ...addAt('2026-10-03T09:00:01', 700)]
    const batches = []
    for await (const batch of pull(h.client, ASSET, EMPTY_CURSOR)) batches.push(batch)
    expect(batches.map((b) => b.submissions.length)).toEqual([1000, 1000, 200])
    expect(batches.flatMap((b) => ids(b.submissions))).toEqual(all)
    const cursor = batches.at(-1)?.cursor as PullCursor
    expect(cursor.submissionTime).toBe('2026-10-03T09:00:01')

    const again = await pullAll(h.client, ASSET, cursor)
    expect(again.submissions).toEqual([])
    expect(again.cursor).toEqual(cursor)
  })

  it('loses nothing and duplicates nothing when later submissions share the cursor’s second', async () => {
    for (const overlapSeconds of [0, 120]) {
      await h.standin.close()
      h = await startHarness()
      const first = addAt('2026-10-03T09:12:44', 3)
      const one = await pullAll(h.client, ASSET, EMPTY_CURSOR, { overlapSeconds })
      expect(ids(one.submissions)).toEqual(first)

      // Same second, after our pull: a `$gt` cursor would miss these.
      const sameSecond = addAt('2026-10-03T09:12:44', 2, 2)
      const later = addAt('2026-10-03T09:12:45', 1, 3)
      const two = await pullAll(h.client, ASSET, one.cursor, { overlapSeconds })
      expect(ids(two.submissions)).toEqual([...sameSecond, ...later])

      const three = await pullAll(h.client, ASSET, two.cursor, { overlapSeconds })
      expect(three.submissions).toEqual([])
    }
  })

  it('takes a submission that becomes visible late inside the overlap window, once', async () => {
    addAt('2026-10-03T09:30:00', 2)
    const one = await pullAll(h.client, ASSET, EMPTY_CURSOR, { overlapSeconds: 120 })
    const late = addAt('2026-10-03T09:29:10', 1, 5) // inserted before, committed after our pull
    const two = await pullAll(h.client, ASSET, one.cursor, { overlapSeconds: 120 })
    expect(ids(two.submissions)).toEqual(late)
    expect(two.cursor.submissionTime).toBe('2026-10-03T09:30:00')
    expect((await pullAll(h.client, ASSET, two.cursor, { overlapSeconds: 120 })).submissions).toEqual([])
  })

  it('resumes after a failure from the last committed page, without loss or duplicate', async () => {
    const all = addAt('2026-10-03T10:00:00', 2500)
    const committed: number[] = []
    let cursor = EMPTY_CURSOR
    const run = pull(h.client, ASSET, cursor)
    const first = await run.next()
    if (first.done) throw new Error('expected a page')
    committed.push(...ids(first.value.submissions))
    cursor = first.value.cursor
    h.standin.injectFault({ status: 502 })
    await expect(run.next()).rejects.toBeInstanceOf(KoboError)

    const rest = await pullAll(h.client, ASSET, cursor)
    committed.push(...ids(rest.submissions))
    expect(committed).toEqual(all)
  })

  it('does not see edits (the sweep does)', async () => {
    const [id] = addAt('2026-10-03T11:00:00', 1)
    const one = await pullAll(h.client, ASSET, EMPTY_CURSOR)
    h.standin.edit(ASSET, id as number, { 'general/vad': '99' })
    expect((await pullAll(h.client, ASSET, one.cursor)).submissions).toEqual([])
  })
})

describe('pull cursor (pure)', () => {
  const sub = (id: number, time: string): KoboSubmission => ({ _id: id, _uuid: `u${id}`, _submission_time: time })

  it('queries from the cursor minus the overlap, in Kobo’s time format', () => {
    expect(pullQuery(EMPTY_CURSOR, 120)).toEqual({})
    expect(pullQuery({ submissionTime: '2026-10-01T00:01:00', recent: [] }, 120)).toEqual({
      _submission_time: { $gte: '2026-09-30T23:59:00' },
    })
    expect(koboTimeMinus('2026-10-01T00:00:00', 0)).toBe('2026-10-01T00:00:00')
  })

  it('keeps only the ids inside the window', () => {
    const cursor = advanceCursor(EMPTY_CURSOR, [sub(1, '2026-10-01T00:00:00'), sub(2, '2026-10-01T00:01:30')], 60)
    expect(cursor).toEqual({ submissionTime: '2026-10-01T00:01:30', recent: [[2, '2026-10-01T00:01:30']] })
    const next = advanceCursor(cursor, [sub(3, '2026-10-01T00:01:30')], 0)
    expect(next.recent).toEqual([
      [2, '2026-10-01T00:01:30'],
      [3, '2026-10-01T00:01:30'],
    ])
  })

  it('never moves back for a submission older than the cursor', () => {
    const cursor = { submissionTime: '2026-10-01T10:00:00', recent: [] as Array<[number, string]> }
    expect(advanceCursor(cursor, [sub(9, '2026-10-01T09:59:30')], 120)).toEqual({
      submissionTime: '2026-10-01T10:00:00',
      recent: [[9, '2026-10-01T09:59:30']],
    })
  })
})
