import { rcSubmissions } from '@relais/kobo-standin'
import type { KoboClient } from './client'
import { diffListing, sweep } from './sweep'
import { ASSET, startHarness, type Harness } from './test-support'

describe('sweep (edits and deletions)', () => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness()
  })
  afterEach(() => h.standin.close())

  /** What the ledger would hold after a pull: `_id` → `_uuid`. */
  const knownNow = () => new Map(h.standin.store.list(ASSET).map((d) => [d._id as number, d._uuid as string]))

  it('finds edited, deleted and back-dated submissions and fetches only those', async () => {
    const ids = rcSubmissions(1200, 4).map((a) => h.standin.add(ASSET, a)._id as number)
    const known = knownNow()
    const edited = [ids[3], ids[1100]] as number[]
    for (const id of edited) h.standin.edit(ASSET, id, { 'general/vad': '99' })
    h.standin.delete(ASSET, ids[10] as number)
    h.standin.delete(ASSET, ids[11] as number)
    h.setTime('2026-01-15T08:00:00')
    const imported = h.standin.add(ASSET, { 'identification/rc_code': 'RC-AQ-09999' })._id as number

    const before = h.standin.requests.length
    const result = await sweep(h.client, ASSET, known)
    expect(result.changed.map((s) => s._id)).toEqual(edited)
    expect(result.changed.every((s) => s['general/vad'] === '99' && s['meta/deprecatedID'])).toBe(true)
    expect(result.added.map((s) => s._id)).toEqual([imported])
    expect(result.deleted).toEqual([ids[10], ids[11]])
    expect(result.unchanged).toBe(1200 - 4)
    expect(result.listed).toBe(1200 - 2 + 1)
    // 2 listing pages (`_id` + `_uuid` only) + 1 `$in` fetch
    const urls = h.standin.requests.slice(before).map((r) => decodeURIComponent(r.url))
    expect(urls).toHaveLength(3)
    expect(urls[0]).toContain('fields=["_id","_uuid"]')
    expect(urls[2]).toContain('"$in"')
  })

  it('does not call a row deleted when the listing skipped it (offset pages shifted by a delete)', async () => {
    const ids = rcSubmissions(5, 4).map((a) => h.standin.add(ASSET, a)._id as number)
    const known = knownNow()
    const skipped = ids[2] as number
    // A listing that misses one row, as Kobo's offset paging does when a row before it is deleted meanwhile.
    const lossy: KoboClient = {
      async *pages(asset, params) {
        for await (const page of h.client.pages(asset, params))
          yield params?.fields ? { ...page, results: page.results.filter((s) => s._id !== skipped) } : page
      },
    }
    const result = await sweep(lossy, ASSET, known)
    expect(result).toMatchObject({ changed: [], added: [], deleted: [], unchanged: 5 })
  })

  it('fetches changed submissions in chunks', async () => {
    const ids = rcSubmissions(7, 4).map((a) => h.standin.add(ASSET, a)._id as number)
    const known = knownNow()
    for (const id of ids) h.standin.edit(ASSET, id, { 'general/causeries': '1' })
    const result = await sweep(h.client, ASSET, known, { fetchChunk: 3 })
    expect(result.changed.map((s) => s._id)).toEqual(ids)
  })
})

describe('diffListing (pure)', () => {
  it('sorts ids into changed, added, missing and unchanged', () => {
    const known = new Map([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ])
    const listed = new Map([
      [1, 'a'],
      [2, 'B'],
      [4, 'd'],
    ])
    expect(diffListing(known, listed)).toEqual({ changed: [2], added: [4], missing: [3], unchanged: 1 })
  })
})
