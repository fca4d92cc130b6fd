/**
 * Only what a mapping uses enters the ledger (issue 11 §4), end to end on PostgreSQL: Kobo's `_submitted_by` and
 * `_geolocation`, a patient's name and phone in fields no spec maps, an extra CSV column — none is stored, so
 * none can be served by `GET /records/{id}`. Before minimise.ts every received field was stored as received.
 */
import { rcSubmission, seededRandom } from '@relais/kobo-standin'
import { repositories } from '../../ledger'
import { pgTestDatabase } from '../../ledger/test-support'
import { KOBO_ASSET, MANAGER, partnerCsv, startHarness, type Harness } from '../test-support'

let h: Harness
beforeAll(async () => {
  h = await startHarness({ database: pgTestDatabase() })
}, 30_000)
afterAll(() => h?.dispose())

const PERSONAL = ['Awa Houngbédji', '+229 97 12 34 56', 'awa.enqueteuse', '6.3703 2.3912']

async function storedRaws(runId: string): Promise<{ raw: Record<string, unknown>; lastError: unknown }[]> {
  const ledger = repositories(h.db)
  const { items } = await ledger.records.search({ runId }, { page: 1, pageSize: 50 })
  const full = await Promise.all(items.map((r) => ledger.records.get(r.id)))
  return full.map((r) => ({ raw: r!.raw as Record<string, unknown>, lastError: r!.lastError }))
}

test('Kobo: personal and unmapped fields never reach the ledger; what the bridge needs stays', async () => {
  h.setKoboTime('2026-10-03T09:00:00Z')
  h.kobo.add(KOBO_ASSET, {
    ...rcSubmission(seededRandom(3), { rcCode: 'RC-CO-00001', unanswered: 0 }),
    'general/nom_patient': PERSONAL[0]!,
    'general/telephone_patient': PERSONAL[1]!,
    _submitted_by: PERSONAL[2]!,
    // Kobo sends the position as numbers; the stand-in's typing says strings.
    ...({ _geolocation: [6.3703, 2.3912] } as unknown as Record<string, string>),
  })
  const run = await h.pipeline.startRun('kobo-rapport-rc', 'import', MANAGER)
  expect(await h.runEnded(run.id)).toBe('completed')
  const [stored] = await storedRaws(run.id)
  const text = JSON.stringify(stored!.raw)
  for (const value of [...PERSONAL, '6.3703']) expect(text).not.toContain(value)
  expect(Object.keys(stored!.raw)).not.toEqual(expect.arrayContaining(['_submitted_by', '_geolocation']))
  // The bookkeeping the sweep and the identity need, and the mapped answers, are kept.
  expect(stored!.raw).toMatchObject({
    _id: expect.anything(),
    _uuid: expect.any(String),
    'identification/rc_code': 'RC-CO-00001',
  })
  expect(stored!.raw['relais:dropped']).toEqual(
    expect.arrayContaining(['general/nom_patient', 'general/telephone_patient', '_submitted_by', '_geolocation']),
  )
  expect(Object.values(await h.statuses(run.id))).toEqual(['imported'])
})

test('CSV: an extra column with a phone number is dropped, named in the warning, and the row imported', async () => {
  const [header, ...rows] = partnerCsv([{ rc: 'RC-BO-00001' }])
    .toString('utf8')
    .trim()
    .split('\n')
  const csv = `${header},telephone_rc\n${rows.map((r) => `${r},${PERSONAL[1]}`).join('\n')}\n`
  const run = await h.pipeline.upload(
    { source: 'csv-partenaires', filename: 'extra.csv', body: Buffer.from(csv), mode: 'import' },
    MANAGER,
  )
  expect(await h.runEnded(run.id)).toBe('completed')
  const [stored] = await storedRaws(run.id)
  expect(JSON.stringify(stored!.raw)).not.toContain(PERSONAL[1])
  expect(stored!.raw['relais:dropped']).toEqual(['telephone_rc'])
  const record = (await repositories(h.db).records.search({ runId: run.id })).items[0]!
  expect(record.status).toBe('imported')
  const full = await repositories(h.db).records.get(record.id)
  expect(JSON.stringify(full?.mapped)).toContain('EXTRA_FIELDS')
})
