/**
 * Completion from sources (issue 13 §1), end to end on PostgreSQL with the DHIS2 and Kobo stand-ins: a Kobo
 * report imported through the bridge is registered complete in DHIS2, dated when the RC submitted it (so it is
 * on time even when it reached DHIS2 later); an edit or a second import never moves that date; a completion a
 * person withdrew stays withdrawn; a report with a refused value is not completed; a partner file's rows
 * complete too; and a dry run registers nothing.
 */
import { rcSubmission, seededRandom } from '@relais/kobo-standin'
import { repositories } from '../../ledger'
import { pgTestDatabase } from '../../ledger/test-support'
import { COMPLETION_HELD, COMPLETION_REGISTERED } from './completion'
import { KOBO_ASSET, MANAGER, partnerCsv, startHarness, waitFor, type Harness } from '../test-support'

let h: Harness

beforeAll(async () => {
  h = await startHarness({ database: pgTestDatabase() })
}, 30_000)
afterAll(() => h?.dispose())

interface Registration {
  organisationUnit: string
  date: string
  completed: boolean
}

const uid = (code: string) => h.uid('organisationUnits', code)
const dataSet = () => h.uid('dataSets', 'RC_MENSUEL')

async function registrations(period: string, codes: readonly string[]): Promise<Map<string, Registration>> {
  const res = await fetch(
    `${h.standin.url}/api/completeDataSetRegistrations?dataSet=${dataSet()}&period=${period}&orgUnit=${codes.map(uid).join(',')}`,
    { headers: { Authorization: `Basic ${Buffer.from('admin:district').toString('base64')}` } },
  )
  const body = (await res.json()) as { completeDataSetRegistrations: Registration[] }
  const byCode = new Map(codes.map((c) => [uid(c), c]))
  return new Map(body.completeDataSetRegistrations.map((r) => [byCode.get(r.organisationUnit) ?? '?', r]))
}

async function notes(recordId: string): Promise<string[]> {
  return (await repositories(h.db).events.forRecord(recordId))
    .map((e) => e.reason ?? '')
    .filter((r) => r.startsWith('completion'))
}

const random = seededRandom(13)

test('a Kobo report is completed in DHIS2, dated when the RC submitted it; a re-import never moves the date', async () => {
  const codes = ['RC-AQ-00001', 'RC-AQ-00002']
  // Submitted on 2 October at 08:30 UTC (09:30 in Porto-Novo); pulled later.
  h.setKoboTime('2026-10-02T08:30:00Z')
  const ids = codes.map((rcCode) => h.kobo.add(KOBO_ASSET, rcSubmission(random, { rcCode, mois: '2026-09' }))._id)
  const run = await h.pipeline.startRun('kobo-rapport-rc', 'import', MANAGER)
  expect(await h.runEnded(run.id)).toBe('completed')
  const held = await waitFor(async () => {
    const r = await registrations('202609', codes)
    return r.size === 2 ? r : undefined
  })
  expect(held.get('RC-AQ-00001')).toMatchObject({ completed: true, date: '2026-10-02T09:30:00.000' })
  const [record] = await repositories(h.db).records.versions('kobo-rapport-rc', String(ids[0]))
  await waitFor(async () => ((await notes(record!.id)).length > 0 ? true : undefined))
  expect(await notes(record!.id)).toEqual([COMPLETION_REGISTERED])

  // An edit three days later: new values, same completion date.
  h.setKoboTime('2026-10-05T08:00:00Z')
  h.kobo.edit(KOBO_ASSET, Number(ids[0]), { 'general/vad': '31' })
  const sweep = await h.pipeline.startSweep('kobo-rapport-rc', MANAGER)
  expect(await h.runEnded(sweep.id)).toBe('completed')
  const versions = await repositories(h.db).records.versions('kobo-rapport-rc', String(ids[0]))
  const newest = versions.find((v) => v.id !== record!.id)!
  await waitFor(async () => ((await notes(newest.id)).length > 0 ? true : undefined))
  expect(await notes(newest.id)).toEqual([COMPLETION_HELD])
  expect((await registrations('202609', codes)).get('RC-AQ-00001')?.date).toBe('2026-10-02T09:30:00.000')
})

test('a completion a person withdrew stays withdrawn; a report with a refused value is not completed', async () => {
  // RC-AQ-00003's report was completed, then un-completed by a supervisor (completed: false, kept by DHIS2).
  const admin = { Authorization: `Basic ${Buffer.from('admin:district').toString('base64')}` }
  const post = await fetch(`${h.standin.url}/api/completeDataSetRegistrations`, {
    method: 'POST',
    headers: { ...admin, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      completeDataSetRegistrations: [
        { dataSet: dataSet(), period: '202609', organisationUnit: uid('RC-AQ-00003'), completed: false },
      ],
    }),
  })
  expect(post.status).toBe(200)
  h.setKoboTime('2026-10-03T07:00:00Z')
  h.kobo.add(KOBO_ASSET, rcSubmission(random, { rcCode: 'RC-AQ-00003', mois: '2026-09' }))
  // RC-AQ-00004 reports a value DHIS2 refuses (more positive tests than tests done breaks a validation rule
  // only as a warning; a negative count is refused by the value type).
  h.kobo.add(KOBO_ASSET, { ...rcSubmission(random, { rcCode: 'RC-AQ-00004', mois: '2026-09' }), 'general/vad': '-4' })
  const run = await h.pipeline.startRun('kobo-rapport-rc', 'import', MANAGER)
  expect(await h.runEnded(run.id)).toBe('completed')
  // The completion stage has looked at RC-AQ-00003's record (it notes what it found) …
  const statuses = await h.statuses(run.id)
  const records = (await repositories(h.db).records.search({ runId: run.id })).items
  const rc3 = records.find((r) => r.rcCode === 'RC-AQ-00003')!
  await waitFor(async () => ((await notes(rc3.id)).length > 0 ? true : undefined))
  expect(await notes(rc3.id)).toEqual([COMPLETION_HELD])
  const held = await registrations('202609', ['RC-AQ-00003', 'RC-AQ-00004'])
  expect(held.get('RC-AQ-00003')?.completed).toBe(false)
  // … and RC-AQ-00004's report never reached it: it is not whole.
  const rc4 = records.find((r) => r.rcCode === 'RC-AQ-00004')
  expect(rc4 === undefined || statuses[rc4.sourceKey] !== 'imported').toBe(true)
  expect(held.has('RC-AQ-00004')).toBe(false)
})

test('a partner file completes its rows; a dry run registers nothing', async () => {
  const dry = await h.pipeline.upload(
    { source: 'csv-partenaires', filename: 'dry.csv', body: partnerCsv([{ rc: 'RC-BO-00001' }]), mode: 'dry-run' },
    MANAGER,
  )
  expect(await h.runEnded(dry.id)).toBe('completed')
  await new Promise((resolve) => setTimeout(resolve, 500))
  expect((await registrations('202609', ['RC-BO-00001'])).size).toBe(0)

  const real = await h.pipeline.upload(
    { source: 'csv-partenaires', filename: 'real.csv', body: partnerCsv([{ rc: 'RC-BO-00001' }]), mode: 'import' },
    MANAGER,
  )
  expect(await h.runEnded(real.id)).toBe('completed')
  const held = await waitFor(async () => {
    const r = await registrations('202609', ['RC-BO-00001'])
    return r.size === 1 ? r : undefined
  })
  // No submission time in a partner file: the time of the import, DHIS2's clock (5 October, 10:00 local).
  expect(held.get('RC-BO-00001')).toMatchObject({ completed: true })
  expect(held.get('RC-BO-00001')?.date.slice(0, 10)).toBe('2026-10-05')
})

test('a report its source deleted is un-completed only when a data manager decides, keeping its first date', async () => {
  h.setKoboTime('2026-10-04T08:00:00Z')
  const id = h.kobo.add(KOBO_ASSET, rcSubmission(random, { rcCode: 'RC-AQ-00005', mois: '2026-09' }))._id
  const run = await h.pipeline.startRun('kobo-rapport-rc', 'import', MANAGER)
  expect(await h.runEnded(run.id)).toBe('completed')
  const first = await waitFor(async () => (await registrations('202609', ['RC-AQ-00005'])).get('RC-AQ-00005'))
  expect(first).toMatchObject({ completed: true, date: '2026-10-04T09:00:00.000' })
  const [record] = await repositories(h.db).records.versions('kobo-rapport-rc', String(id))

  // Not before the source retracts it: then it is the data manager's call in DHIS2, not the bridge's.
  await expect(h.pipeline.uncomplete(record!.id, MANAGER, 'doublon')).rejects.toThrow(/did not retract/)
  expect(h.kobo.delete(KOBO_ASSET, Number(id))).toBe(true)
  const sweep = await h.pipeline.startSweep('kobo-rapport-rc', MANAGER)
  expect(await h.runEnded(sweep.id)).toBe('completed')
  // Deleted in Kobo: DHIS2 is untouched until a person decides.
  expect((await registrations('202609', ['RC-AQ-00005'])).get('RC-AQ-00005')).toMatchObject({ completed: true })

  expect(await h.pipeline.uncomplete(record!.id, MANAGER, 'Rapport saisi en double, retiré par le RC')).toEqual({
    status: 'uncompleted',
  })
  expect((await registrations('202609', ['RC-AQ-00005'])).get('RC-AQ-00005')).toEqual(
    expect.objectContaining({ completed: false, date: '2026-10-04T09:00:00.000' }),
  )
  const history = await repositories(h.db).events.forRecord(record!.id)
  expect(history.at(-1)).toMatchObject({
    reason: 'uncompleted-in-dhis2',
    actor: MANAGER.name,
    detail: expect.objectContaining({ note: 'Rapport saisi en double, retiré par le RC' }),
  })
  const audit = await repositories(h.db).audit.list({ action: 'record.uncomplete' })
  expect(audit.items[0]).toMatchObject({ actor: MANAGER.name, target: `record:${record!.id}` })
  // Twice: nothing more to do, said so.
  expect(await h.pipeline.uncomplete(record!.id, MANAGER, 'encore')).toEqual({ status: 'not-complete' })
})
