/**
 * People's values are never overwritten silently (issue 13 §2), end to end on PostgreSQL with the DHIS2 and
 * Kobo stand-ins: an import that would change a value an RC entered waits in quarantine (reason overwrite)
 * with both values and who stored DHIS2's, and DHIS2 is unchanged; the same value, or a value the bridge wrote
 * itself, passes; a value a person changed after the bridge wrote it is protected too; releasing the record is
 * the person's decision to take the source's values; a source declared the system of record writes anyway and
 * says so in the record's history.
 */
import { rcSubmission, seededRandom } from '@relais/kobo-standin'
import { repositories } from '../../ledger'
import { pgTestDatabase } from '../../ledger/test-support'
import type { Overwrite } from './overwrites'
import { ADMIN_LOGIN, KOBO_ASSET, MANAGER, partnerCsv, RC_LOGIN, startHarness, type Harness } from '../test-support'

let h: Harness
beforeAll(async () => {
  h = await startHarness({ database: pgTestDatabase() })
}, 30_000)
afterAll(() => h?.dispose())

const uid: Harness['uid'] = (list, code) => h.uid(list, code)

async function upload(rc: string, mode: 'import' | 'dry-run' = 'import') {
  const run = await h.pipeline.upload(
    { source: 'csv-partenaires', filename: `${rc}.csv`, body: partnerCsv([{ rc }]), mode },
    MANAGER,
  )
  expect(await h.runEnded(run.id)).toBe('completed')
  const [record] = (await repositories(h.db).records.search({ runId: run.id })).items
  return { run, record: (await repositories(h.db).records.get(record!.id))! }
}

async function overwritesOf(recordId: string): Promise<Overwrite[]> {
  const events = await repositories(h.db).events.forRecord(recordId)
  const quarantined = events.filter((e) => e.toStatus === 'quarantined').at(-1)
  return ((quarantined?.detail as { overwrites?: Overwrite[] } | undefined)?.overwrites ?? []) as Overwrite[]
}

test('an import that would change what an RC entered waits in quarantine; DHIS2 keeps the RC’s value', async () => {
  await h.enters(RC_LOGIN, 'RC-AQ-00001', '202609', { RC_VAD: '777' })
  const { record } = await upload('RC-AQ-00001')
  expect(record).toMatchObject({ status: 'quarantined', reason: 'overwrite' })
  const overwrites = await overwritesOf(record.id)
  expect(overwrites).toEqual([
    expect.objectContaining({
      dataElement: uid('dataElements', 'RC_VAD'),
      dhis2: expect.objectContaining({ value: '777', storedBy: 'relais' }),
      incoming: expect.stringMatching(/^\d+$/),
    }),
  ])
  expect((await h.values('202609')).get('RC-AQ-00001|RC_VAD|default')).toBe('777')
  // Nothing of the record was sent: DHIS2 has only the RC's value for that report.
  expect([...(await h.values('202609')).keys()].filter((k) => k.startsWith('RC-AQ-00001|'))).toEqual([
    'RC-AQ-00001|RC_VAD|default',
  ])
})

test('releasing it is the person’s decision: the source’s values replace DHIS2’s, audited', async () => {
  const [record] = (await repositories(h.db).records.search({ rcCode: 'RC-AQ-00001', status: 'quarantined' })).items
  const released = await h.pipeline.release(record!.id, MANAGER)
  expect(released.status).toBe('mapped')
  const incoming = (await overwritesOf(record!.id))[0]!.incoming
  for (let i = 0; i < 100 && (await repositories(h.db).records.get(record!.id))?.status !== 'imported'; i++)
    await new Promise((resolve) => setTimeout(resolve, 50))
  expect((await repositories(h.db).records.get(record!.id))?.status).toBe('imported')
  expect((await h.values('202609')).get('RC-AQ-00001|RC_VAD|default')).toBe(incoming)
  const audit = await repositories(h.db).audit.list({ action: 'quarantine.release' })
  expect(audit.items[0]).toMatchObject({
    actor: MANAGER.name,
    detail: expect.objectContaining({ reason: 'overwrite' }),
  })
})

test('the same value, or one the bridge wrote itself, passes; a value a person changed since is protected', async () => {
  // The bridge's own values (imported above): a changed file replaces them without a question.
  await h.enters(RC_LOGIN, 'RC-AQ-00002', '202609', {})
  const first = await upload('RC-AQ-00002')
  expect(first.record.status).toBe('imported')
  // Same file: unchanged, no question either.
  expect((await upload('RC-AQ-00002')).record.status).toBe('unchanged')
  // A data manager corrects the causeries in DHIS2 (3 → 9). The partner's next version changes the home visits
  // only: it passes, and the correction stays (the bridge re-sends only what changed in the source).
  await h.enters(ADMIN_LOGIN, 'RC-AQ-00002', '202609', { RC_CAUSERIES: '9' })
  const version = async (filename: string, change: Record<string, number>) => {
    const [head, line] = partnerCsv([{ rc: 'RC-AQ-00002' }])
      .toString('utf8')
      .trim()
      .split('\n')
    const header = head!.split(',')
    const row = line!.split(',')
    for (const [column, delta] of Object.entries(change))
      row[header.indexOf(column)] = String(Number(row[header.indexOf(column)]) + delta)
    const run = await h.pipeline.upload(
      { source: 'csv-partenaires', filename, body: Buffer.from(`${head}\n${row.join(',')}\n`), mode: 'import' },
      MANAGER,
    )
    expect(await h.runEnded(run.id)).toBe('completed')
    const [record] = (await repositories(h.db).records.search({ runId: run.id })).items
    return record!
  }
  expect(await version('v2.csv', { vad: 1 })).toMatchObject({ status: 'imported' })
  expect((await h.values('202609')).get('RC-AQ-00002|RC_CAUSERIES|default')).toBe('9')
  // The version after changes the causeries too (3 → 4): that would undo the correction.
  const third = await version('v3.csv', { vad: 1, causeries: 1 })
  expect(third).toMatchObject({ status: 'quarantined', reason: 'overwrite' })
  expect((await overwritesOf(third.id)).map((o) => [o.dhis2.value, o.dhis2.storedBy, o.incoming])).toEqual([
    ['9', 'admin', '4'],
  ])
  expect((await h.values('202609')).get('RC-AQ-00002|RC_CAUSERIES|default')).toBe('9')
})

test('a Kobo pull for an RC who reported in the app ends in overwrite quarantine; DHIS2 unchanged', async () => {
  await h.enters(ADMIN_LOGIN, 'RC-AQ-00003', '202609', { RC_VAD: '12', RC_CAUSERIES: '3' })
  const before = await h.values('202609')
  h.kobo.add(KOBO_ASSET, rcSubmission(seededRandom(21), { rcCode: 'RC-AQ-00003', mois: '2026-09', unanswered: 0 }))
  const run = await h.pipeline.startRun('kobo-rapport-rc', 'import', MANAGER)
  expect(await h.runEnded(run.id)).toBe('completed')
  const [record] = (await repositories(h.db).records.search({ runId: run.id })).items
  expect(record).toMatchObject({ status: 'quarantined', reason: 'overwrite' })
  expect(await h.values('202609')).toEqual(before)
})

test('decided value by value: the person keeps one of DHIS2’s values and takes the source’s for the other', async () => {
  await h.enters(ADMIN_LOGIN, 'RC-AQ-00004', '202609', { RC_VAD: '777', RC_CAUSERIES: '41' })
  const { record } = await upload('RC-AQ-00004')
  expect(record).toMatchObject({ status: 'quarantined', reason: 'overwrite' })
  const overwrites = await overwritesOf(record.id)
  expect(overwrites.map((o) => o.dhis2.value).sort()).toEqual(['41', '777'])
  const vad = overwrites.find((o) => o.dhis2.value === '777')!
  const causeries = overwrites.find((o) => o.dhis2.value === '41')!

  const released = await h.pipeline.release(record.id, MANAGER, undefined, 'VAD vérifiées avec le RC', [
    { dataElement: vad.dataElement, categoryOptionCombo: vad.categoryOptionCombo },
  ])
  expect(released.status).toBe('mapped')
  for (let i = 0; i < 100 && (await repositories(h.db).records.get(record.id))?.status !== 'imported'; i++)
    await new Promise((resolve) => setTimeout(resolve, 50))
  const values = await h.values('202609')
  expect(values.get('RC-AQ-00004|RC_VAD|default')).toBe('777')
  expect(values.get('RC-AQ-00004|RC_CAUSERIES|default')).toBe(causeries.incoming)
  const history = await repositories(h.db).events.forRecord(record.id)
  expect(history.find((e) => e.toStatus === 'mapped' && e.fromStatus === 'quarantined')?.detail).toMatchObject({
    kept: [{ dataElement: vad.dataElement }],
    note: 'VAD vérifiées avec le RC',
  })
})

test('a release into a closed period shows first, value by value, what it would write and whose values it replaces', async () => {
  // The RC's August report was entered (a data manager's account: August is closed now), then a partner sends
  // its own August line: quarantined as late, before any value was read from DHIS2.
  await h.enters(ADMIN_LOGIN, 'RC-AQ-00005', '202608', { RC_VAD: '31' })
  const run = await h.pipeline.upload(
    {
      source: 'csv-partenaires',
      filename: 'aout.csv',
      body: partnerCsv([{ rc: 'RC-AQ-00005', mois: '2026-08' }]),
      mode: 'import',
    },
    MANAGER,
  )
  expect(await h.runEnded(run.id)).toBe('completed')
  const [record] = (await repositories(h.db).records.search({ runId: run.id })).items
  expect(record).toMatchObject({ status: 'quarantined', reason: 'late', period: '202608' })
  const before = await h.values('202608')

  const preview = await h.pipeline.previewRelease(record!.id)
  expect(preview).toMatchObject({ period: '202608', orgUnit: uid('organisationUnits', 'RC-AQ-00005') })
  const vad = uid('dataElements', 'RC_VAD')
  expect(preview.lines.filter((l) => l.kind === 'overwrite')).toEqual([
    expect.objectContaining({
      dataElement: vad,
      before: '31',
      storedBy: 'admin',
      after: expect.stringMatching(/^\d+$/),
    }),
  ])
  expect(preview.counts.overwrite).toBe(1)
  expect(preview.counts.new).toBeGreaterThan(10)
  expect(preview.lines.filter((l) => l.kind === 'new')).toHaveLength(preview.counts.new)

  // A correction previewed the same way: with the RC's value, nothing of a person's would be replaced.
  const raw = (await repositories(h.db).records.get(record!.id))!.raw as Record<string, unknown>
  const corrected = { ...raw, vad: '31' }
  const correctedPreview = await h.pipeline.previewRelease(record!.id, corrected)
  expect(correctedPreview.counts).toMatchObject({ overwrite: 0, same: preview.counts.same + 1 })
  expect(correctedPreview.lines.some((l) => l.dataElement === vad)).toBe(false)

  // Reading writes nothing: DHIS2 and the record are as they were.
  expect(await h.values('202608')).toEqual(before)
  expect((await repositories(h.db).records.get(record!.id))?.status).toBe('quarantined')
})
