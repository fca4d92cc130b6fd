/**
 * A file's rows mapped as they are stored (intake.ts, map-worker.ts `mapBeforeStore`; issue 18): in a process
 * that runs the map stage, a row that maps cleanly is inserted `mapped`, with its `received → mapped` event, and
 * goes straight to the push queue; every other row is stored `received` and the map stage decides as before.
 * An API-only process maps nothing: its event loop stays free for webhooks.
 */
import { repositories } from '../../ledger'
import { pgTestDatabase } from '../../ledger/test-support'
import { MANAGER, partnerCsv, partnerRaw, startHarness, waitFor, type Harness } from '../test-support'
import { MAP_ACTOR } from '../map/map-worker'
import { Enqueuer } from '../enqueue'
import { Intake } from './intake'

const rc = (dep: string, n: number) => `RC-${dep}-${String(n).padStart(5, '0')}`

/** The partner CSV of these RCs, with a cell replaced in the rows given (row index → [column, value]). */
function csv(rcs: readonly string[], edits: Record<number, [number, string]> = {}): Buffer {
  const [header, ...lines] = partnerCsv(rcs.map((code) => ({ rc: code })))
    .toString('utf8')
    .trim()
    .split('\n')
  const edited = lines.map((line, i) => {
    const edit = edits[i]
    if (!edit) return line
    const cells = line.split(',')
    cells[edit[0]] = edit[1]
    return cells.join(',')
  })
  return Buffer.from(`${header}\n${edited.join('\n')}\n`)
}

describe('in a process that maps', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness({ database: pgTestDatabase() })
  }, 30_000)
  afterAll(() => h?.dispose())

  const upload = (body: Buffer, filename: string) =>
    h.pipeline.upload({ source: 'csv-partenaires', filename, body, mode: 'import' }, MANAGER)

  test('clean rows are stored mapped, the others received for the map stage; the run ends as before', async () => {
    await h.pipeline.queues.map.pause()
    await h.pipeline.queues.push.pause()
    let runId: string
    try {
      // Row 2 names no RC DHIS2 knows; row 3 repeats row 1 exactly (one record, counted a duplicate).
      const body = csv([rc('BO', 1), rc('BO', 2), 'RC-ZZ-99999'])
      const withRepeat = Buffer.concat([body, Buffer.from(body.toString('utf8').trim().split('\n')[1] + '\n')])
      const run = await upload(withRepeat, 'mapped-at-intake.csv')
      runId = run.id
      expect(await h.statuses(runId)).toEqual({
        [`${rc('BO', 1)}|2026-09`]: 'mapped',
        [`${rc('BO', 2)}|2026-09`]: 'mapped',
        'RC-ZZ-99999|2026-09': 'received',
      })
      // Only the unknown RC waits for the map stage; the mapped ones wait for their push.
      expect(await queued(h.pipeline.queues.map)).toBe(1)
      expect(await queued(h.pipeline.queues.push)).toBeGreaterThan(0)

      const [record] = (await repositories(h.db).records.search({ runId, rcCode: rc('BO', 1) })).items
      const stored = await repositories(h.db).records.get(record!.id)
      expect(stored).toMatchObject({ orgUnit: h.uid('organisationUnits', rc('BO', 1)), period: '202609' })
      expect(stored?.mapped).toMatchObject({ dataSet: h.uid('dataSets', 'RC_MENSUEL'), period: '202609' })
      const events = await repositories(h.db).events.forRecord(record!.id)
      expect(events.map((e) => [e.actor, e.fromStatus, e.toStatus])).toEqual([
        [MANAGER.name, null, 'received'],
        [MAP_ACTOR, 'received', 'mapped'],
      ])
      expect(events[1]?.detail).toMatchObject({ values: expect.any(Number) })
      expect((await repositories(h.db).runs.get(runId))?.detail).toMatchObject({ rows: 4, duplicates: 1 })
    } finally {
      await h.pipeline.queues.map.resume()
      await h.pipeline.queues.push.resume()
    }
    expect(await h.runEnded(runId)).toBe('completed')
    expect(await h.statuses(runId)).toEqual({
      [`${rc('BO', 1)}|2026-09`]: 'imported',
      [`${rc('BO', 2)}|2026-09`]: 'imported',
      'RC-ZZ-99999|2026-09': 'quarantined',
    })
  })

  test('a file whose first chunk mostly does not map is left to the map stage: no row is mapped twice', async () => {
    await h.pipeline.queues.map.pause()
    await h.pipeline.queues.push.pause()
    let runId: string
    try {
      // The first chunk is 100 rows (file-source.ts RAMP): 100 RCs DHIS2 does not know; then a clean row, which
      // would have been stored mapped in a file that maps (the first test).
      const unknown = Array.from({ length: 100 }, (_, i) => `RC-ZZ-${String(i + 1).padStart(5, '0')}`)
      const run = await upload(csv([...unknown, rc('AL', 1)]), 'surtout-inconnus.csv')
      runId = run.id
      const statuses = await h.statuses(runId)
      expect(Object.values(statuses).filter((s) => s === 'received')).toHaveLength(101)
    } finally {
      await h.pipeline.queues.map.resume()
      await h.pipeline.queues.push.resume()
    }
    expect(await h.runEnded(runId)).toBe('completed')
    expect((await h.statuses(runId))[`${rc('AL', 1)}|2026-09`]).toBe('imported')
  })

  test('when mapping before storing throws, the rows are stored received and the map stage takes them', async () => {
    const failures: unknown[] = []
    const intake = new Intake(
      h.db,
      new Enqueuer(h.pipeline.queues),
      () => Promise.reject(new Error('metadata read lost')),
      (error) => failures.push(error),
    )
    const run = await repositories(h.db).runs.create({
      source: 'csv-partenaires',
      mode: 'import',
      trigger: 'upload',
      actor: MANAGER.name,
    })
    const raw = partnerRaw({ rc: rc('BO', 5) })
    const result = await intake.commit({
      source: 'csv-partenaires',
      runId: run.id,
      actor: MANAGER.name,
      records: [{ sourceKey: `${rc('BO', 5)}|2026-09`, version: 'v1', contentHash: 'h1', raw }],
      mapNow: true,
    })
    expect(failures).toEqual([new Error('metadata read lost')])
    const stored = await repositories(h.db).records.get(result.newIds[0]!)
    expect(stored?.status).not.toBe('quarantined')
    // The map stage, as for any received record, maps it and the push stage sends it.
    await waitFor(
      async () => (await repositories(h.db).records.get(result.newIds[0]!))?.status === 'imported',
      10_000,
      'imported',
    )
    const events = await repositories(h.db).events.forRecord(result.newIds[0]!)
    expect(events.map((e) => [e.actor, e.toStatus]).slice(0, 2)).toEqual([
      [MANAGER.name, 'received'],
      [MAP_ACTOR, 'mapped'],
    ])
  })

  test('a corrected upload mapped at intake discards the older version waiting in quarantine', async () => {
    // Column 2 (sens_m_moins15) is a number: « douze » is quarantined (invalid) by the map stage.
    const first = await upload(csv([rc('BO', 3)], { 0: [2, 'douze'] }), 'faute.csv')
    expect(await h.runEnded(first.id)).toBe('completed')
    const [wrong] = (await repositories(h.db).records.search({ runId: first.id })).items
    expect(wrong).toMatchObject({ status: 'quarantined', reason: 'invalid' })

    const second = await upload(csv([rc('BO', 3)]), 'corrige.csv')
    expect(await h.runEnded(second.id)).toBe('completed')
    const [right] = (await repositories(h.db).records.search({ runId: second.id })).items
    expect(right?.status).toBe('imported')
    expect(await repositories(h.db).records.get(wrong!.id)).toMatchObject({
      status: 'discarded',
      reason: `superseded by a newer version (record ${right!.id})`,
    })
  })
})

describe('in an API-only process', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness({ database: pgTestDatabase(), pipeline: { workers: false } })
  }, 30_000)
  afterAll(() => h?.dispose())

  test('rows are stored received: the workers map them', async () => {
    const run = await h.pipeline.upload(
      { source: 'csv-partenaires', filename: 'api-only.csv', body: csv([rc('BO', 4)]), mode: 'import' },
      MANAGER,
    )
    await waitFor(
      async () => (await repositories(h.db).runs.get(run.id))?.detail?.['intake'] === 'complete',
      5_000,
      'the upload read to the end',
    )
    expect(await h.statuses(run.id)).toEqual({ [`${rc('BO', 4)}|2026-09`]: 'received' })
    expect(await queued(h.pipeline.queues.map)).toBe(1)
  })
})

/** Jobs waiting on a queue, paused or not. */
async function queued(queue: Harness['pipeline']['queues']['map']): Promise<number> {
  return (await queue.getJobCounts('waiting')).waiting ?? 0
}
