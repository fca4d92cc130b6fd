/**
 * End to end on PostgreSQL: a partner CSV upload, a signed-webhook delivery and a Kobo pull (then an edit
 * found by the sweep) each end with exactly the expected values in the DHIS2 stand-in and every record
 * terminal in the ledger; the same input again ends `unchanged` without a value re-sent; a dry run sends
 * with dryRun and stores nothing.
 */
import { readFileSync } from 'node:fs'
import { rcSubmission, seededRandom, type Answers } from '@relais/kobo-standin'
import { repositories } from '../ledger'
import { TERMINAL_STATUSES } from '../ledger/record-status'
import { pgTestDatabase } from '../ledger/test-support'
import { DELETED_AT_SOURCE } from './intake/kobo-source'
import { expectedValues, KOBO_ASSET, MANAGER, MAPPINGS, startHarness, type Harness } from './test-support'

let h: Harness
const csv = () => readFileSync(`${MAPPINGS}/samples/partenaires.clean.csv`)
const csvExpected = JSON.parse(
  readFileSync(`${MAPPINGS}/samples/partenaires.clean.expected.json`, 'utf8'),
) as Parameters<typeof expectedValues>[0]

beforeAll(async () => {
  h = await startHarness({ database: pgTestDatabase() })
}, 30_000)
afterAll(() => h?.dispose())

const only = (values: Map<string, string>, orgUnits: readonly string[]) =>
  new Map([...values].filter(([key]) => orgUnits.some((ou) => key.startsWith(`${ou}|`))))

async function allTerminal(runId: string): Promise<void> {
  const statuses = Object.values(await h.statuses(runId))
  expect(statuses.length).toBeGreaterThan(0)
  for (const s of statuses) expect(TERMINAL_STATUSES).toContain(s)
}

describe('CSV upload', () => {
  const orgUnits = ['RC-BO-00001', 'RC-BO-00002', 'RC-BO-00003', 'RC-BO-00004']

  test('every row is imported: DHIS2 holds exactly the sample values, every record terminal, the upload audited', async () => {
    const started = await h.pipeline.upload(
      { source: 'csv-partenaires', filename: 'partenaires.clean.csv', body: csv(), mode: 'import' },
      MANAGER,
    )
    expect(started.rows).toBe(4)
    expect(await h.runEnded(started.id)).toBe('completed')
    expect(Object.values(await h.statuses(started.id))).toEqual(['imported', 'imported', 'imported', 'imported'])
    await allTerminal(started.id)
    const expected = expectedValues(csvExpected)
    expect(expected.size).toBeGreaterThan(100)
    expect(only(await h.values('202609'), orgUnits)).toEqual(expected)
    const run = await repositories(h.db).runs.get(started.id)
    expect(run?.finalCounts).toMatchObject({ imported: 4, total: 4 })
    const audit = await repositories(h.db).audit.list({ action: 'upload' })
    expect(audit.items[0]).toMatchObject({ actor: MANAGER.name, role: MANAGER.role, target: `run:${started.id}` })
    // The searchable columns are filled once mapped.
    const [record] = (await repositories(h.db).records.search({ runId: started.id, rcCode: 'RC-BO-00002' })).items
    expect(record).toMatchObject({ period: '202609', rcCode: 'RC-BO-00002' })
  })

  test('the same file again: every row unchanged, nothing re-sent to DHIS2', async () => {
    const posts = h.posts().length
    const again = await h.pipeline.upload(
      { source: 'csv-partenaires', filename: 'partenaires.clean.csv', body: csv(), mode: 'import' },
      MANAGER,
    )
    expect(await h.runEnded(again.id)).toBe('completed')
    expect(Object.values(await h.statuses(again.id))).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged'])
    expect(h.posts().length).toBe(posts)
  })

  test('a dry run posts with dryRun, stores nothing, and leaves nothing to import later', async () => {
    const before = await h.values('202609')
    const text = csv().toString('utf8').replace('RC-BO-00001,2026-09,6,', 'RC-BO-00001,2026-09,61,')
    const dry = await h.pipeline.upload(
      { source: 'csv-partenaires', filename: 'dry.csv', body: Buffer.from(text), mode: 'dry-run' },
      MANAGER,
    )
    expect(await h.runEnded(dry.id)).toBe('completed')
    const statuses = await h.statuses(dry.id)
    expect(statuses['RC-BO-00001|2026-09']).toBe('unchanged')
    expect(h.posts().at(-1)?.status).toBe(200)
    expect(await h.values('202609')).toEqual(before)
    const [record] = (await repositories(h.db).records.search({ runId: dry.id, sourceKey: 'RC-BO-00001|2026-09' }))
      .items
    const events = await repositories(h.db).events.forRecord(record!.id)
    expect(events.at(-1)?.detail).toMatchObject({ dryRun: true, wouldBe: 'imported' })
  })
})

describe('webhook delivery', () => {
  const rows = (
    JSON.parse(readFileSync(`${MAPPINGS}/samples/partenaires.clean.records.json`, 'utf8')) as Record<string, string>[]
  ).map((row, i) => ({ ...row, code_rc: `RC-AQ-0000${i + 1}` }))

  test('delivered twice: one record version each, imported once, values in DHIS2', async () => {
    const first = await h.pipeline.receive({ source: 'webhook-partenaires', records: rows })
    expect(first).toMatchObject({ accepted: rows.length, duplicates: 0 })
    const second = await h.pipeline.receive({ source: 'webhook-partenaires', records: rows })
    expect(second).toMatchObject({ accepted: 0, duplicates: rows.length })
    expect(await h.runEnded(first.runId)).toBe('completed')
    expect(await h.runEnded(second.runId)).toBe('completed')
    await allTerminal(first.runId)
    const stored = await repositories(h.db).records.search({ source: 'webhook-partenaires' })
    expect(stored.pager.total).toBe(rows.length)
    const expected = expectedValues(csvExpected.map((row, i) => ({ ...row, orgUnit: `RC-AQ-0000${i + 1}` })))
    expect(only(await h.values('202609'), ['RC-AQ-00001', 'RC-AQ-00002', 'RC-AQ-00003', 'RC-AQ-00004'])).toEqual(
      expected,
    )
  })
})

describe('Kobo', () => {
  const random = seededRandom(7)
  const codes = ['RC-CO-00001', 'RC-CO-00002', 'RC-CO-00003']
  const answers: Answers[] = codes.map((rcCode) => ({
    ...rcSubmission(random, { rcCode, unanswered: 0 }),
    'general/difficultes': 'RAS',
  }))

  test('a pull imports every submission exactly; the sweep brings an edit that replaces the old values and notes a hard delete once', async () => {
    h.setKoboTime('2026-10-03T09:00:00Z')
    const ids = answers.map((a) => h.kobo.add(KOBO_ASSET, a)._id as number)
    const run = await h.pipeline.startRun('kobo-rapport-rc', 'import', MANAGER)
    expect(await h.runEnded(run.id)).toBe('completed')
    await allTerminal(run.id)
    expect(Object.values(await h.statuses(run.id))).toEqual(['imported', 'imported', 'imported'])
    const values = only(await h.values('202609'), codes)
    expect(values.get('RC-CO-00002|RC_VAD|default')).toBe(answers[1]!['general/vad'])
    expect(values.get('RC-CO-00003|RC_VIH_SENS|F_A_15_24')).toBe(answers[2]!['vih/sens_f_15_24'])
    // Every answer but the identification and the zeros (not stored by DHIS2: zeroIsSignificant false).
    const answered = answers.flatMap((a) =>
      Object.entries(a).filter(([k, v]) => !k.startsWith('identification/') && v !== '0'),
    )
    expect(values.size).toBe(answered.length)

    // Nothing new: a second pull reads nothing.
    const again = await h.pipeline.startRun('kobo-rapport-rc', 'import', MANAGER)
    expect(await h.runEnded(again.id)).toBe('completed')
    expect((await repositories(h.db).runs.counts(again.id)).total).toBe(0)

    // An edit in place: a new version, found by the sweep, replaces the old values; a removed answer is deleted.
    h.kobo.edit(KOBO_ASSET, ids[1]!, { 'general/vad': '99', 'palu/milda': null })
    const sweep = await h.pipeline.startSweep('kobo-rapport-rc', MANAGER)
    expect(await h.runEnded(sweep.id)).toBe('completed')
    expect(Object.values(await h.statuses(sweep.id))).toEqual(['imported'])
    const after = only(await h.values('202609'), codes)
    expect(after.get('RC-CO-00002|RC_VAD|default')).toBe('99')
    expect(after.has('RC-CO-00002|RC_PALU_MILDA|default')).toBe(false)
    expect(after.get('RC-CO-00001|RC_VAD|default')).toBe(answers[0]!['general/vad'])
    const versions = await repositories(h.db).records.versions('kobo-rapport-rc', String(ids[1]))
    expect(versions.map((v) => v.status)).toEqual(['imported', 'imported'])

    // A hard delete in Kobo: DHIS2 keeps the values; the record's history says so, once.
    expect(h.kobo.delete(KOBO_ASSET, ids[2]!)).toBe(true)
    const deletedKey = String(ids[2])
    for (const round of [1, 2]) {
      const swept = await h.pipeline.startSweep('kobo-rapport-rc', MANAGER)
      expect(await h.runEnded(swept.id)).toBe('completed')
      const detail = (await repositories(h.db).runs.get(swept.id))?.detail as { sweep?: Record<string, unknown> }
      expect(detail.sweep).toMatchObject({ deleted: [ids[2]], deletedNoted: round === 1 ? 1 : 0 })
    }
    const [deletedRecord] = await repositories(h.db).records.versions('kobo-rapport-rc', deletedKey)
    const notes = (await repositories(h.db).events.forRecord(deletedRecord!.id)).filter(
      (e) => e.reason === DELETED_AT_SOURCE,
    )
    expect(notes).toEqual([
      expect.objectContaining({ fromStatus: 'imported', toStatus: 'imported', actor: 'source:kobo-rapport-rc' }),
    ])
    expect(deletedRecord!.status).toBe('imported')
    expect(only(await h.values('202609'), codes).get('RC-CO-00003|RC_VIH_SENS|F_A_15_24')).toBe(
      answers[2]!['vih/sens_f_15_24'],
    )
  })
})
