import { rcSubmissions } from '@relais/kobo-standin'
import { EMPTY_ODK_CURSOR, pullFilter, pullOdk, pullOdkAll, type OdkCursor } from './pull'
import { FORM, PROJECT, startHarness, type Harness } from './test-support'

const codeOf = (row: Record<string, unknown>) => (row.identification as { rc_code: string }).rc_code

describe('ODK Central incremental pull against the stand-in', () => {
  let h: Harness
  let cursor: OdkCursor = EMPTY_ODK_CURSOR
  const answers = rcSubmissions(12, 5)
  const add = (i: number, at: string) => {
    h.setTime(at)
    return h.standin.store.add(PROJECT, FORM, answers[i] ?? {})
  }
  beforeAll(async () => {
    h = await startHarness()
    for (let i = 0; i < 5; i++) add(i, `2026-10-03T09:00:0${i}Z`)
  })
  afterAll(() => h.standin.close())

  it('takes everything on the first pull, oldest first, paging through nextLink, and moves the cursor', async () => {
    const before = h.standin.requests.length
    const got = await pullOdkAll(h.client, FORM, cursor, { pageSize: 2 })
    expect(got.submissions.map(codeOf)).toEqual([
      'RC-AQ-00001',
      'RC-AQ-00002',
      'RC-AQ-00003',
      'RC-AQ-00004',
      'RC-AQ-00005',
    ])
    expect(got.deleted).toEqual([])
    expect(h.standin.requests.slice(before).filter((r) => r.method === 'GET')).toHaveLength(3)
    expect(got.cursor).toMatchObject({ submissionDate: '2026-10-03T09:00:04.000Z', updatedAt: null, deletedAt: null })
    cursor = got.cursor
    expect((await pullOdkAll(h.client, FORM, cursor)).submissions).toEqual([])
  })

  it('asks for new, edited and deleted rows since the cursor, less the overlap, with an explicit Z', () => {
    expect(pullFilter(cursor, 120)).toBe(
      '__system/submissionDate ge 2026-10-03T08:58:04.000Z or __system/updatedAt ge 2026-10-03T08:58:04.000Z' +
        ' or __system/deletedAt ge 2026-10-03T08:58:04.000Z',
    )
    expect(pullFilter(EMPTY_ODK_CURSOR, 120)).toBeUndefined()
  })

  it('takes only what is new, including a row Central shows in the same millisecond as the cursor', async () => {
    add(5, '2026-10-03T09:00:04Z') // same ms as the cursor's newest row, one µs later
    add(6, '2026-10-03T09:05:00Z')
    const got = await pullOdkAll(h.client, FORM, cursor)
    expect(got.submissions.map(codeOf)).toEqual(['RC-AQ-00006', 'RC-AQ-00007'])
    cursor = got.cursor
  })

  it('takes a late row stamped before the cursor but inside the overlap window, once', async () => {
    add(7, '2026-10-03T09:04:00Z') // a slow transaction: stamped a minute before the newest row we took
    const got = await pullOdkAll(h.client, FORM, cursor)
    expect(got.submissions.map(codeOf)).toEqual(['RC-AQ-00008'])
    cursor = got.cursor
    expect((await pullOdkAll(h.client, FORM, cursor)).submissions).toEqual([])
  })

  it('finds an edit by updatedAt: same __id, the new instanceID, taken once', async () => {
    const first = h.standin.store.form(PROJECT, FORM)?.submissions[0]
    h.setTime('2026-10-04T10:00:00Z')
    h.standin.store.edit(PROJECT, FORM, first?.instanceId ?? '', { 'palu/tdr': '17' })
    const got = await pullOdkAll(h.client, FORM, cursor)
    expect(got.submissions).toHaveLength(1)
    const row = got.submissions[0]
    expect(row?.__id).toBe(first?.instanceId)
    expect(row?.meta?.instanceID).not.toBe(first?.instanceId)
    expect((row?.palu as Record<string, unknown>).tdr).toBe(17)
    expect(row?.__system).toMatchObject({ reviewState: 'edited', edits: 1, updatedAt: '2026-10-04T10:00:00.000Z' })
    expect(got.cursor.updatedAt).toBe('2026-10-04T10:00:00.000Z')
    cursor = got.cursor
    expect((await pullOdkAll(h.client, FORM, cursor)).submissions).toEqual([])
  })

  it('notes a soft delete (deletedAt), which a filter without deletedAt would never show', async () => {
    const second = h.standin.store.form(PROJECT, FORM)?.submissions[1]
    h.setTime('2026-10-05T08:00:00Z')
    h.standin.store.delete(PROJECT, FORM, second?.instanceId ?? '')
    const got = await pullOdkAll(h.client, FORM, cursor)
    expect(got.submissions).toEqual([])
    expect(got.deleted.map((r) => r.__id)).toEqual([second?.instanceId])
    expect(got.cursor.deletedAt).toBe('2026-10-05T08:00:00.000Z')
    cursor = got.cursor
    expect(await pullOdkAll(h.client, FORM, cursor)).toMatchObject({ submissions: [], deleted: [] })
  })

  it('hands changes over in batches, each with its cursor: resuming from a committed batch loses nothing', async () => {
    for (let i = 8; i < 12; i++) add(i, `2026-10-06T09:00:0${i - 8}Z`)
    const batches = []
    for await (const batch of pullOdk(h.client, FORM, cursor, { batchSize: 2 })) batches.push(batch)
    expect(batches.map((b) => b.submissions.map(codeOf))).toEqual([
      ['RC-AQ-00009', 'RC-AQ-00010'],
      ['RC-AQ-00011', 'RC-AQ-00012'],
    ])
    // The bridge stopped after committing the first batch: the next pull starts from its cursor.
    const resumed = await pullOdkAll(h.client, FORM, batches[0]?.cursor ?? cursor)
    expect(resumed.submissions.map(codeOf)).toEqual(['RC-AQ-00011', 'RC-AQ-00012'])
    expect(resumed.cursor.submissionDate).toBe('2026-10-06T09:00:03.000Z')
  })
})
