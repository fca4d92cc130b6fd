jest.mock('@electric-sql/pglite', () =>
  jest.requireActual<typeof import('./test-support')>('./test-support').nativePglite(),
)

import { createHash } from 'node:crypto'
import { DbError, type Db } from './db'
import { repositories, type LedgerRepositories } from './index'
import { migrate } from './migrate'
import { IllegalTransitionError, RECORD_STATUSES } from './record-status'
import { RecordNotFoundError, StaleTransitionError, type NewRecord } from './records'
import { RunStateError } from './runs'
import { loadCompletionHeads, valuesOfOlderVersions } from './pipeline-queries'
import { TEST_DATABASES, unique, type TestDatabase } from './test-support'

const hash = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex')

function newRecords(source: string, n: number, extra: Partial<NewRecord> = {}): NewRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const raw = { i, name: `row ${i}`, value: i * 10 }
    return { source, sourceKey: `key-${i}`, version: 'v1', contentHash: hash(raw), raw, ...extra }
  })
}

describe.each(TEST_DATABASES)('ledger repositories on %s', (_name, make) => {
  let t: TestDatabase
  let db: Db
  let ledger: LedgerRepositories

  beforeAll(async () => {
    t = make()
    db = await t.open()
    await migrate(db)
    ledger = repositories(db)
  }, 60_000)
  afterAll(() => t?.dispose())

  const eventsOf = async (id: string) =>
    (await ledger.events.forRecord(id)).map((e) => [e.fromStatus, e.toStatus, e.reason])

  describe('records: intake', () => {
    it('stores new records as received, each with its arrival event, and answers their ids in order', async () => {
      const source = unique('src')
      const outcomes = await ledger.records.insertMany(newRecords(source, 3, { period: '202401' }), {
        actor: 'source:test',
      })
      expect(outcomes.map((o) => [o.sourceKey, o.inserted])).toEqual([
        ['key-0', true],
        ['key-1', true],
        ['key-2', true],
      ])
      const record = await ledger.records.get(outcomes[1]!.id)
      expect(record).toMatchObject({
        source,
        sourceKey: 'key-1',
        version: 'v1',
        status: 'received',
        period: '202401',
        attempts: 0,
        raw: { i: 1, name: 'row 1', value: 10 },
        mapped: null,
        lastError: null,
      })
      expect(record!.createdAt).toBeInstanceOf(Date)
      const events = await ledger.events.forRecord(outcomes[1]!.id)
      expect(events).toEqual([
        expect.objectContaining({ actor: 'source:test', fromStatus: null, toStatus: 'received', reason: null }),
      ])
    })

    it('is idempotent: the same (source, key, version) again adds no row and no event (webhook redelivery)', async () => {
      const source = unique('src')
      const batch = newRecords(source, 4)
      const first = await ledger.records.insertMany(batch, { actor: 'webhook' })
      const again = await ledger.records.insertMany([batch[2]!, batch[0]!], { actor: 'webhook' })
      expect(again).toEqual([
        { id: first[2]!.id, inserted: false, mapped: false, sourceKey: 'key-2', version: 'v1' },
        { id: first[0]!.id, inserted: false, mapped: false, sourceKey: 'key-0', version: 'v1' },
      ])
      expect((await ledger.records.search({ source })).pager.total).toBe(4)
      expect(await eventsOf(first[2]!.id)).toEqual([[null, 'received', null]])
    })

    it('stores a record given mapped as mapped, with its received then mapped events (intake that maps)', async () => {
      const source = unique('src')
      const [plain, mappedOne] = newRecords(source, 2)
      const payload = { dataSet: 'dsUID', orgUnit: 'ouUID', period: '202609', values: [['de', 'coc', 'aoc', '4']] }
      const out = await ledger.records.insertMany(
        [
          plain!,
          { ...mappedOne!, period: '202609', orgUnit: 'ouUID', mapped: { payload, detail: { values: 1 } } },
          { ...mappedOne!, mapped: { payload: { other: true }, detail: null } },
        ],
        { actor: 'awa', mappedBy: 'pipeline:map' },
      )
      expect(out.map((o) => [o.inserted, o.mapped])).toEqual([
        [true, false],
        [true, true],
        [false, false],
      ])
      expect(await ledger.records.get(out[1]!.id)).toMatchObject({
        status: 'mapped',
        mapped: payload,
        period: '202609',
        orgUnit: 'ouUID',
      })
      expect(
        (await ledger.events.forRecord(out[1]!.id)).map((e) => [e.actor, e.fromStatus, e.toStatus, e.detail]),
      ).toEqual([
        ['awa', null, 'received', null],
        ['pipeline:map', 'received', 'mapped', { values: 1 }],
      ])
      expect(await ledger.records.get(out[0]!.id)).toMatchObject({ status: 'received', mapped: null })
      expect(await eventsOf(out[0]!.id)).toEqual([[null, 'received', null]])
    })

    it('reads the completion head of mapped payloads in both stored shapes, never their values', async () => {
      const source = unique('src')
      const completion = { partial: false, submittedAt: '2026-09-30T10:00:00Z' }
      const shapes = [
        { dataSet: 'ds', orgUnit: 'ou1', period: '202609', completion, values: [['de', 'coc', 'aocA', '1']] },
        {
          dataSet: 'ds',
          orgUnit: 'ou2',
          period: '202609',
          note: 'empty',
          dataValues: [{ dataElement: 'de', categoryOptionCombo: 'coc', attributeOptionCombo: 'aocB', value: '2' }],
        },
        { dataSet: 'ds', orgUnit: 'ou3', period: '202609', values: [] },
      ]
      const out = await ledger.records.insertMany(
        newRecords(source, 3).map((r, i) => ({ ...r, mapped: { payload: shapes[i], detail: null } })),
        { actor: 'test' },
      )
      const ids = out.map((o) => o.id)
      expect(await loadCompletionHeads(db, [ids[2]!, 'no-such-id', ids[0]!, ids[1]!])).toEqual([
        expect.objectContaining({ id: ids[2], orgUnit: 'ou3', completion: null, attributeOptionCombo: null }),
        {
          id: ids[0],
          status: 'mapped',
          reason: null,
          dataSet: 'ds',
          orgUnit: 'ou1',
          period: '202609',
          note: null,
          completion,
          attributeOptionCombo: 'aocA',
        },
        expect.objectContaining({ id: ids[1], note: 'empty', attributeOptionCombo: 'aocB' }),
      ])
    })

    it('treats a key repeated in one call as one record, and a new version as a new record', async () => {
      const source = unique('src')
      const [a] = newRecords(source, 1)
      const out = await ledger.records.insertMany([a!, a!, { ...a!, version: 'v2' }], { actor: 'test' })
      expect(out.map((o) => [o.version, o.inserted])).toEqual([
        ['v1', true],
        ['v1', false],
        ['v2', true],
      ])
      expect(out[0]!.id).toBe(out[1]!.id)
      expect((await ledger.records.versions(source, 'key-0')).map((v) => v.version).sort()).toEqual(['v1', 'v2'])
    })

    it('keeps any JSON payload exactly (strings, arrays, unicode, nesting)', async () => {
      const source = unique('src')
      const raws = ['just a string', [1, 'two', null], { nom: 'Cotonou — Akpakpa', nested: { deep: [{ ok: true }] } }]
      const out = await ledger.records.insertMany(
        raws.map((raw, i) => ({ source, sourceKey: `k${i}`, version: '1', contentHash: hash(raw), raw })),
        { actor: 'test' },
      )
      for (const [i, raw] of raws.entries()) expect((await ledger.records.get(out[i]!.id))!.raw).toEqual(raw)
    })

    it('takes a large batch in chunks (5,000 records)', async () => {
      const source = unique('bulk')
      const started = Date.now()
      const out = await ledger.records.insertMany(newRecords(source, 5000), { actor: 'test' })
      const ms = Date.now() - started
      expect(out.filter((o) => o.inserted)).toHaveLength(5000)
      expect(new Set(out.map((o) => o.id)).size).toBe(5000)
      expect((await ledger.records.countByStatus({ source })).received).toBe(5000)
      expect(ms).toBeLessThan(20_000) // thousands per second on both; generous for slow CI
    })

    it('commits records and the source cursor together, or neither', async () => {
      const source = unique('kobo')
      await db.transaction(async (tx) => {
        const { records, cursors } = repositories(tx)
        await records.insertMany(newRecords(source, 2), { actor: 'source:kobo' })
        await cursors.set(source, { submittedAfter: '2024-01-31T10:00:00Z' })
      })
      expect((await ledger.cursors.get(source))?.cursor).toEqual({ submittedAfter: '2024-01-31T10:00:00Z' })

      const crash = new Error('process killed before COMMIT')
      await expect(
        db.transaction(async (tx) => {
          const { records, cursors } = repositories(tx)
          await records.insertMany(newRecords(source, 5).slice(2), { actor: 'source:kobo' })
          await cursors.set(source, { submittedAfter: '2024-02-29T10:00:00Z' })
          throw crash
        }),
      ).rejects.toBe(crash)
      expect((await ledger.cursors.get(source))?.cursor).toEqual({ submittedAfter: '2024-01-31T10:00:00Z' })
      expect((await ledger.records.search({ source })).pager.total).toBe(2)
    })
  })

  describe('records: transitions', () => {
    let source: string
    let ids: string[]
    beforeEach(async () => {
      source = unique('src')
      ids = (await ledger.records.insertMany(newRecords(source, 3), { actor: 'test' })).map((o) => o.id)
    })

    it('changes the status and writes the event together, with the mapped payload', async () => {
      await ledger.records.transition(ids[0]!, 'received', 'mapped', {
        actor: 'pipeline:map',
        mapped: { dataValues: [{ dataElement: 'de1', value: '3' }] },
      })
      const record = await ledger.records.get(ids[0]!)
      expect(record).toMatchObject({ status: 'mapped', mapped: { dataValues: [{ dataElement: 'de1', value: '3' }] } })
      await ledger.records.transition(ids[0]!, 'mapped', 'quarantined', {
        actor: 'pipeline:push',
        reason: 'conflict',
        detail: { dhis2: 'Value must be a positive integer' },
        lastError: { status: 409 },
      })
      expect(await ledger.records.get(ids[0]!)).toMatchObject({
        status: 'quarantined',
        reason: 'conflict',
        lastError: { status: 409 },
      })
      const events = await ledger.events.forRecord(ids[0]!)
      expect(events.map((e) => [e.actor, e.fromStatus, e.toStatus, e.reason, e.detail])).toEqual([
        ['test', null, 'received', null, null],
        ['pipeline:map', 'received', 'mapped', null, null],
        ['pipeline:push', 'mapped', 'quarantined', 'conflict', { dhis2: 'Value must be a positive integer' }],
      ])
      // release with a corrected payload, then discard another
      await ledger.records.transition(ids[0]!, 'quarantined', 'mapped', {
        actor: 'alice',
        reason: 'corrected',
        mapped: { dataValues: [{ dataElement: 'de1', value: '4' }] },
      })
      expect(await ledger.records.get(ids[0]!)).toMatchObject({ status: 'mapped', reason: null })
    })

    it('refuses an illegal transition and leaves record and history untouched', async () => {
      await expect(ledger.records.transition(ids[0]!, 'received', 'imported', { actor: 'x' })).rejects.toThrow(
        IllegalTransitionError,
      )
      await expect(
        ledger.records.transition(ids[0]!, 'received', 'quarantined', { actor: 'x', reason: 'bored' }),
      ).rejects.toThrow(/reason among invalid, conflict, duplicate, late/)
      await ledger.records.transition(ids[0]!, 'received', 'quarantined', { actor: 'x', reason: 'invalid' })
      await expect(ledger.records.transition(ids[0]!, 'quarantined', 'discarded', { actor: 'x' })).rejects.toThrow(
        /discarded with a reason/,
      )
      expect((await ledger.records.get(ids[0]!))!.status).toBe('quarantined')
      expect(await eventsOf(ids[0]!)).toEqual([
        [null, 'received', null],
        ['received', 'quarantined', 'invalid'],
      ])
    })

    it('refuses to move a record that is no longer in the expected status, or does not exist', async () => {
      await ledger.records.transition(ids[0]!, 'received', 'mapped', { actor: 'worker-1' })
      const late = ledger.records.transition(ids[0]!, 'received', 'mapped', { actor: 'worker-2' })
      await expect(late).rejects.toThrow(StaleTransitionError)
      await expect(late).rejects.toMatchObject({ expected: 'received', actual: 'mapped' })
      await expect(ledger.records.transition('nope', 'received', 'mapped', { actor: 'x' })).rejects.toThrow(
        RecordNotFoundError,
      )
      expect(await eventsOf(ids[0]!)).toHaveLength(2)
    })

    it('rolls back status and event together when the process dies mid-transaction', async () => {
      await expect(
        db.transaction(async (tx) => {
          await repositories(tx).records.transition(ids[0]!, 'received', 'mapped', { actor: 'pipeline:map' })
          throw new Error('SIGKILL')
        }),
      ).rejects.toThrow('SIGKILL')
      expect((await ledger.records.get(ids[0]!))!.status).toBe('received')
      expect(await eventsOf(ids[0]!)).toEqual([[null, 'received', null]])
    })

    it('moves many records in one statement, each with its own detail, skipping those not in `from`', async () => {
      await ledger.records.transition(ids[2]!, 'received', 'quarantined', { actor: 'x', reason: 'invalid' })
      const result = await ledger.records.transitionMany(
        [
          { id: ids[0]!, mapped: { v: 0 } },
          { id: ids[1]!, mapped: { v: 1 }, detail: { row: 2 } },
          { id: ids[2]!, mapped: { v: 2 } },
          { id: 'missing' },
        ],
        'received',
        'mapped',
        { actor: 'pipeline:map' },
      )
      expect(result).toEqual({ moved: [ids[0], ids[1]], skipped: [ids[2], 'missing'] })
      expect((await ledger.records.get(ids[1]!))!.mapped).toEqual({ v: 1 })
      expect((await ledger.events.forRecord(ids[1]!)).at(-1)).toMatchObject({ toStatus: 'mapped', detail: { row: 2 } })
      expect((await ledger.records.get(ids[2]!))!.status).toBe('quarantined')
    })

    it('notes many records in one statement, each with its own detail, once per reason', async () => {
      const source = unique('note')
      const [a, b] = (await ledger.records.insertMany(newRecords(source, 2), { actor: 'source:test' })).map((o) => o.id)
      const note = { actor: 'pipeline:completion', reason: 'completion-registered' }
      const first = await ledger.events.noteEach(
        [
          { recordId: a!, detail: { date: '2026-10-03' } },
          { recordId: b!, detail: { date: '2026-10-04' } },
          { recordId: a!, detail: { date: 'ignored: listed twice' } },
          { recordId: 'missing', detail: {} },
        ],
        note,
      )
      expect(first.sort()).toEqual([a, b].sort())
      expect(await ledger.events.noteEach([{ recordId: a!, detail: { date: 'again' } }], note)).toEqual([])
      const notes = async (id: string) =>
        (await ledger.events.forRecord(id)).filter((e) => e.reason === note.reason).map((e) => [e.toStatus, e.detail])
      expect(await notes(a!)).toEqual([['received', { date: '2026-10-03' }]])
      expect(await notes(b!)).toEqual([['received', { date: '2026-10-04' }]])
      expect(await ledger.events.noteEach([], note)).toEqual([])
    })

    it('counts attempts, fails a record, and resets attempts when it is retried by hand', async () => {
      await ledger.records.transition(ids[0]!, 'received', 'mapped', { actor: 'map' })
      await ledger.records.recordAttempt([ids[0]!], { class: 'transient', status: 503 })
      const attempts = await ledger.records.recordAttempt([ids[0]!], { class: 'transient', status: 429 })
      expect(attempts.get(ids[0]!)).toBe(2)
      expect(await ledger.records.get(ids[0]!)).toMatchObject({ attempts: 2, lastError: { status: 429 } })
      await ledger.records.transition(ids[0]!, 'mapped', 'failed', { actor: 'push' })
      await ledger.records.transition(ids[0]!, 'failed', 'mapped', {
        actor: 'alice',
        resetAttempts: true,
        lastError: null,
      })
      expect(await ledger.records.get(ids[0]!)).toMatchObject({ status: 'mapped', attempts: 0, lastError: null })
    })

    it('the database itself refuses unknown statuses and a quarantine without reason', async () => {
      for (const status of RECORD_STATUSES.filter((s) => s !== 'quarantined' && s !== 'discarded')) {
        await db.query('UPDATE records SET status = $2 WHERE id = $1', [ids[0]!, status])
      }
      await expect(db.query("UPDATE records SET status = 'lost' WHERE id = $1", [ids[0]!])).rejects.toBeInstanceOf(
        DbError,
      )
      await expect(
        db.query("UPDATE records SET status = 'quarantined', reason = NULL WHERE id = $1", [ids[0]!]),
      ).rejects.toMatchObject({ code: '23514', constraint: 'records_quarantine_reason' })
    })

    it('lists the records the pipeline still owes work, page by page', async () => {
      await ledger.records.transition(ids[0]!, 'received', 'mapped', { actor: 'map' })
      await ledger.records.transition(ids[1]!, 'received', 'quarantined', { actor: 'map', reason: 'invalid' })
      const seen = []
      let afterId: string | undefined
      for (;;) {
        const page = await ledger.records.nonTerminal({ afterId, limit: 500 })
        if (page.length === 0) break
        seen.push(...page)
        afterId = page.at(-1)!.id
      }
      expect(seen.every((r) => r.status === 'received' || r.status === 'mapped')).toBe(true)
      const mine = seen.filter((r) => r.source === source)
      expect(mine.map((r) => [r.id, r.status]).sort()).toEqual(
        [
          [ids[0], 'mapped'],
          [ids[2], 'received'],
        ].sort(),
      )
    })
  })

  describe('records: search and paging', () => {
    let source: string
    let runId: string
    beforeAll(async () => {
      source = unique('search')
      runId = (await ledger.runs.create({ source, mode: 'import', trigger: 'test', actor: 'test' })).id
      const rows: NewRecord[] = Array.from({ length: 25 }, (_, i) => ({
        source,
        sourceKey: `case-${String(i).padStart(2, '0')}`,
        version: '1',
        contentHash: hash(i),
        raw: { i },
        rcCode: `RC-${i % 5}`,
        orgUnit: i < 10 ? 'OU_COTONOU' : 'OU_PARAKOU',
        period: i % 2 === 0 ? '202401' : '202402',
        runId: i < 20 ? runId : null,
      }))
      // One at a time, so that the newest-first order is known — in one transaction, where now() does not
      // move: the order must not depend on timestamps.
      await db.transaction(async (tx) => {
        for (const row of rows) await repositories(tx).records.insertMany([row], { actor: 'test' })
      })
    })
    const keysOf = (items: { sourceKey: string }[]) => items.map((r) => r.sourceKey)

    it('pages newest first with a pager', async () => {
      const first = await ledger.records.search({ source }, { page: 1, pageSize: 10 })
      expect(first.pager).toEqual({ page: 1, pageSize: 10, total: 25, pageCount: 3 })
      expect(keysOf(first.items)).toEqual(Array.from({ length: 10 }, (_, i) => `case-${24 - i}`))
      const last = await ledger.records.search({ source }, { page: 3, pageSize: 10 })
      expect(keysOf(last.items)).toEqual(['case-04', 'case-03', 'case-02', 'case-01', 'case-00'])
      const beyond = await ledger.records.search({ source }, { page: 9, pageSize: 10 })
      expect(beyond).toEqual({ items: [], pager: { page: 9, pageSize: 10, total: 25, pageCount: 3 } })
      const none = await ledger.records.search({ source: 'nobody' })
      expect(none.pager).toEqual({ page: 1, pageSize: 50, total: 0, pageCount: 0 })
    })

    it('finds by source key, RC code, org unit, period, status and run', async () => {
      expect(keysOf((await ledger.records.search({ sourceKey: 'case-07' })).items)).toContain('case-07')
      expect(keysOf((await ledger.records.search({ source, sourceKey: 'case-07' })).items)).toEqual(['case-07'])
      expect((await ledger.records.search({ source, rcCode: 'RC-3' })).pager.total).toBe(5)
      expect((await ledger.records.search({ source, orgUnit: 'OU_COTONOU' })).pager.total).toBe(10)
      expect((await ledger.records.search({ source, orgUnit: 'OU_COTONOU', period: '202401' })).pager.total).toBe(5)
      expect((await ledger.records.search({ source, runId })).pager.total).toBe(20)
      const [someId] = (await ledger.records.search({ source, sourceKey: 'case-03' })).items.map((r) => r.id)
      await ledger.records.transition(someId!, 'received', 'quarantined', { actor: 't', reason: 'late' })
      const quarantined = await ledger.records.search({ source, status: 'quarantined', reason: 'late' })
      expect(keysOf(quarantined.items)).toEqual(['case-03'])
      expect((await ledger.records.search({ source, status: ['received', 'quarantined'] })).pager.total).toBe(25)
      expect((await ledger.records.search({ source, status: [] })).pager.total).toBe(0)
    })

    it('answers summaries without the payloads', async () => {
      const { items } = await ledger.records.search({ source }, { pageSize: 1 })
      expect(items[0]).not.toHaveProperty('raw')
      expect(items[0]).not.toHaveProperty('mapped')
    })

    it('refuses page sizes out of bounds', async () => {
      await expect(ledger.records.search({}, { pageSize: 0 })).rejects.toThrow(RangeError)
      await expect(ledger.records.search({}, { pageSize: 501 })).rejects.toThrow(/pageSize/)
      await expect(ledger.records.search({}, { page: 0 })).rejects.toThrow(/page must/)
    })
  })

  describe('runs', () => {
    it('creates a run, counts its records per status live, and stores the counts when it finishes', async () => {
      const source = unique('run')
      const run = await ledger.runs.create({
        source,
        mode: 'dry-run',
        trigger: 'api',
        actor: 'alice',
        detail: { file: 'a.csv' },
      })
      expect(run).toMatchObject({ source, mode: 'dry-run', status: 'running', finishedAt: null, finalCounts: null })
      const ids = (await ledger.records.insertMany(newRecords(source, 4, { runId: run.id }), { actor: 't' })).map(
        (o) => o.id,
      )
      await ledger.records.transitionMany([{ id: ids[0]! }, { id: ids[1]! }], 'received', 'mapped', { actor: 'map' })
      await ledger.records.transition(ids[1]!, 'mapped', 'imported', { actor: 'push' })
      await ledger.records.transition(ids[2]!, 'received', 'quarantined', { actor: 'map', reason: 'invalid' })
      const live = await ledger.runs.counts(run.id)
      expect(live).toEqual({
        received: 1,
        mapped: 1,
        imported: 1,
        unchanged: 0,
        quarantined: 1,
        discarded: 0,
        failed: 0,
        total: 4,
      })
      const finished = await ledger.runs.finish(run.id)
      expect(finished).toMatchObject({ status: 'completed', finalCounts: live, detail: { file: 'a.csv' } })
      expect(finished.finishedAt).toBeInstanceOf(Date)
      await expect(ledger.runs.cancel(run.id, { actor: 'bob' })).rejects.toThrow(RunStateError)
      await expect(ledger.runs.finish('no-such-run')).rejects.toThrow(/no run no-such-run/)
    })

    it('cancels a running run and lists runs newest first, filtered and paged', async () => {
      const source = unique('run')
      const a = await ledger.runs.create({ source, mode: 'import', trigger: 'schedule', actor: 'cron' })
      const b = await ledger.runs.create({ source, mode: 'import', trigger: 'api', actor: 'alice' })
      const cancelled = await ledger.runs.cancel(b.id, { actor: 'alice', reason: 'wrong file' })
      expect(cancelled).toMatchObject({
        status: 'cancelled',
        detail: { cancelledBy: 'alice', cancelReason: 'wrong file' },
      })
      const list = await ledger.runs.list({ source }, { pageSize: 1 })
      expect(list.pager).toEqual({ page: 1, pageSize: 1, total: 2, pageCount: 2 })
      expect(list.items.map((r) => r.id)).toEqual([b.id])
      expect((await ledger.runs.list({ source, status: 'running' })).items.map((r) => r.id)).toEqual([a.id])
      expect(await ledger.runs.get(a.id)).toMatchObject({ id: a.id, trigger: 'schedule' })
      expect(await ledger.runs.get('nope')).toBeUndefined()
    })
  })

  describe('cursors, audit, snapshots', () => {
    it('keeps one cursor per source', async () => {
      const source = unique('src')
      expect(await ledger.cursors.get(source)).toBeUndefined()
      await ledger.cursors.set(source, { start: 1000 })
      await ledger.cursors.set(source, { start: 2000 })
      expect(await ledger.cursors.get(source)).toMatchObject({ source, cursor: { start: 2000 } })
      await ledger.cursors.reset(source)
      expect(await ledger.cursors.get(source)).toBeUndefined()
    })

    it('appends audit entries and lists them newest first by actor, action or target', async () => {
      const actor = unique('alice')
      await ledger.audit.append({ actor, role: 'gestionnaire', action: 'run.start', target: 'source:kobo' })
      const second = await ledger.audit.append({
        actor,
        action: 'quarantine.discard',
        target: 'record:r1',
        detail: { reason: 'test row' },
      })
      expect(second).toMatchObject({ actor, role: null, detail: { reason: 'test row' } })
      const mine = await ledger.audit.list({ actor })
      expect(mine.items.map((e) => e.action)).toEqual(['quarantine.discard', 'run.start'])
      expect(mine.pager.total).toBe(2)
      expect((await ledger.audit.list({ actor, target: 'record:r1' })).items).toHaveLength(1)
      expect((await ledger.audit.list({ actor, since: new Date(Date.now() + 60_000) })).pager.total).toBe(0)
    })

    it('saves metadata snapshots, answers the latest, lists without bodies, prunes old ones', async () => {
      await ledger.snapshots.save({ dataElements: [{ id: 'de1' }] }, [])
      const newest = await ledger.snapshots.save({ dataElements: [] }, [{ code: 'DE_GONE', kind: 'missing' }])
      expect(await ledger.snapshots.latest()).toMatchObject({
        id: newest.id,
        snapshot: { dataElements: [] },
        drift: [{ code: 'DE_GONE', kind: 'missing' }],
      })
      const list = await ledger.snapshots.list({ pageSize: 1 })
      expect(list.items[0]).not.toHaveProperty('snapshot')
      expect(list.items[0]!.id).toBe(newest.id)
      await ledger.snapshots.prune(1)
      expect((await ledger.snapshots.list()).pager.total).toBe(1)
    })
  })

  describe('imported values', () => {
    const key = (de: string, ou = 'OU1') => ({
      dataElement: de,
      period: '202401',
      orgUnit: ou,
      categoryOptionCombo: 'HllvX50cXC0',
      attributeOptionCombo: 'HllvX50cXC0',
    })

    it('tells new, unchanged, changed and cross-source duplicate values apart', async () => {
      const de = unique('de')
      const [record] = await ledger.records.insertMany(newRecords(unique('kobo'), 1), { actor: 't' })
      const first = await ledger.importedValues.classify([{ ...key(de), contentHash: 'h1', source: 'kobo' }])
      expect(first.map((c) => c.class)).toEqual(['new'])

      await ledger.importedValues.recordImported([
        { ...key(de), contentHash: 'h0', source: 'kobo' },
        { ...key(de), contentHash: 'h1', source: 'kobo', recordId: record!.id }, // the last of a key wins
      ])
      const classes = await ledger.importedValues.classify([
        { ...key(de), contentHash: 'h1', source: 'kobo' },
        { ...key(de), contentHash: 'h2', source: 'kobo' },
        { ...key(de), contentHash: 'h3', source: 'csv' },
        { ...key(de), contentHash: 'h1', source: 'csv' },
        { ...key(de, 'OU2'), contentHash: 'h1', source: 'csv' },
      ])
      expect(classes.map((c) => c.class)).toEqual(['unchanged', 'changed', 'duplicate', 'unchanged', 'new'])
      expect(classes[2]!.existing).toMatchObject({ source: 'kobo', contentHash: 'h1', recordId: record!.id })

      await ledger.importedValues.recordImported([{ ...key(de), contentHash: 'h3', source: 'csv' }])
      const found = await ledger.importedValues.lookup([key(de), key(de, 'OU2')])
      expect([...found.values()]).toEqual([
        expect.objectContaining({ dataElement: de, orgUnit: 'OU1', contentHash: 'h3', source: 'csv', recordId: null }),
      ])
    })

    it('finds what older versions still hold, wherever it went, without the keys a later import took over', async () => {
      const source = unique('kobo')
      const [v1] = await ledger.records.insertMany(newRecords(source, 1, { version: 'v1' }), { actor: 't' })
      const [v2] = await ledger.records.insertMany(newRecords(source, 1, { version: 'v2' }), { actor: 't' })
      const [other] = await ledger.records.insertMany(newRecords(unique('csv'), 1), { actor: 't' })
      const [a, b, c] = [unique('dea'), unique('deb'), unique('dec')]
      const ou = unique('OU')
      // v1's values went to `ou` (its own org unit column says nothing: the record's columns may have changed).
      await ledger.importedValues.recordImported([
        { ...key(a, ou), contentHash: 'ha', source, recordId: v1!.id },
        { ...key(b, ou), contentHash: 'hb', source, recordId: v1!.id },
        { ...key(c, ou), contentHash: 'hc', source, recordId: v1!.id },
      ])
      // Later, another record takes b over.
      await ledger.importedValues.recordImported([
        { ...key(b, ou), contentHash: 'hb2', source: 'csv', recordId: other!.id },
      ])
      const older = await valuesOfOlderVersions(db, [v2!.id, v1!.id])
      expect(older.has(v1!.id)).toBe(false)
      expect((older.get(v2!.id) ?? []).map((v) => [v.dataElement, v.orgUnit, v.contentHash]).sort()).toEqual([
        [a, ou, 'ha'],
        [c, ou, 'hc'],
      ])
    })

    it('keeps the other keys of an org unit × period when a push stores some of them', async () => {
      const [a, b, c] = [unique('dea'), unique('deb'), unique('dec')]
      await ledger.importedValues.recordImported([
        { ...key(a), contentHash: 'ha', source: 'kobo' },
        { ...key(b), contentHash: 'hb', source: 'kobo' },
      ])
      // Another push for the same org unit × period: b replaced, c added, a untouched.
      await ledger.importedValues.recordImported([
        { ...key(b), contentHash: 'hb2', source: 'csv' },
        { ...key(c), contentHash: 'hc', source: 'csv' },
      ])
      const found = await ledger.importedValues.lookup([key(a), key(b), key(c), key(a, 'OU3')])
      expect([...found.values()].map((v) => [v.dataElement, v.contentHash, v.source])).toEqual([
        [a, 'ha', 'kobo'],
        [b, 'hb2', 'csv'],
        [c, 'hc', 'csv'],
      ])
    })
  })
})
