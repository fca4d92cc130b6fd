/**
 * End to end on PostgreSQL: an ODK Central form (the ODK stand-in over real HTTP, the real pipeline, Redis and
 * the DHIS2 stand-in) pulled into DHIS2 with mappings/specs/odk-rapport-rc.yaml; an edit made in Central comes
 * in by the next pull (`__system/updatedAt`) as a new version that replaces the values; a soft delete is noted
 * once in the record's history and DHIS2's values are kept; the sweep re-reads without adding versions.
 */
import { createOdkStandin, rcForm, type OdkStandin } from '@relais/odk-standin'
import { rcSubmission, seededRandom, type Answers } from '@relais/kobo-standin'
import { relaisConfigSchema } from '../../config/relais-config'
import { repositories } from '../../ledger'
import { pgTestDatabase } from '../../ledger/test-support'
import { MANAGER, MAPPINGS, startHarness, type Harness } from '../test-support'
import { DELETED_AT_SOURCE } from './kobo-source'

const SOURCE = 'odk-rapport-rc'
const PROJECT = 4
const FORM = 'rc_rapport_mensuel'
const EMAIL = 'pont@relais.bj'
const PASSWORD = 'mot-de-passe-du-pont-odk'

let h: Harness
let odk: OdkStandin
let odkNow = new Date('2026-10-03T09:00:00Z')

beforeAll(async () => {
  odk = createOdkStandin({
    users: [{ email: EMAIL, password: PASSWORD, role: 'viewer' }],
    projects: [{ id: PROJECT, name: 'Relais communautaires', forms: [rcForm(FORM)] }],
    now: () => odkNow,
  })
  await odk.listen()
  const config = relaisConfigSchema.parse({
    sources: [
      {
        name: SOURCE,
        kind: 'odk',
        url: odk.url,
        projectId: PROJECT,
        formId: FORM,
        emailEnv: 'ODK_TEST_EMAIL',
        passwordEnv: 'ODK_TEST_PASSWORD',
        mapping: `${MAPPINGS}/specs/odk-rapport-rc.yaml`,
      },
    ],
  })
  h = await startHarness({
    database: pgTestDatabase(),
    pipeline: { config, env: { ODK_TEST_EMAIL: EMAIL, ODK_TEST_PASSWORD: PASSWORD } },
  })
}, 30_000)
afterAll(async () => {
  await h?.dispose()
  await odk?.close()
})

const only = (values: Map<string, string>, orgUnits: readonly string[]) =>
  new Map([...values].filter(([key]) => orgUnits.some((ou) => key.startsWith(`${ou}|`))))

async function pull(): Promise<string> {
  const run = await h.pipeline.startRun(SOURCE, 'import', MANAGER)
  expect(await h.runEnded(run.id)).toBe('completed')
  return run.id
}

describe('ODK Central', () => {
  const random = seededRandom(7)
  const codes = ['RC-CO-00001', 'RC-CO-00002', 'RC-CO-00003']
  const answers: Answers[] = codes.map((rcCode) => ({
    ...rcSubmission(random, { rcCode, unanswered: 0 }),
    'general/difficultes': 'RAS',
  }))

  test('a pull imports every submission; the next pull brings an edit as a new version and notes a delete once', async () => {
    const ids = answers.map((a) => {
      odkNow = new Date(odkNow.getTime() + 60_000)
      return odk.store.add(PROJECT, FORM, a).instanceId
    })
    const first = await pull()
    expect(Object.values(await h.statuses(first))).toEqual(['imported', 'imported', 'imported'])
    const values = only(await h.values('202609'), codes)
    expect(values.get('RC-CO-00002|RC_VAD|default')).toBe(answers[1]!['general/vad'])
    expect(values.get('RC-CO-00003|RC_VIH_SENS|F_A_15_24')).toBe(answers[2]!['vih/sens_f_15_24'])
    // Every answer but the identification and the zeros (DHIS2 does not store them: zeroIsSignificant false).
    const answered = answers.flatMap((a) =>
      Object.entries(a).filter(([k, v]) => !k.startsWith('identification/') && v !== '0'),
    )
    expect(values.size).toBe(answered.length)
    const cursor = (await repositories(h.db).cursors.get<{ submissionDate: string }>(SOURCE))?.cursor
    expect(cursor?.submissionDate).toBe('2026-10-03T09:03:00.000Z')

    // Nothing new: the next pull reads nothing.
    expect((await repositories(h.db).runs.counts(await pull())).total).toBe(0)

    // An edit in Central (a new instanceID under the same __id): the next pull, not a sweep, brings it.
    odkNow = new Date('2026-10-04T08:00:00Z')
    odk.store.edit(PROJECT, FORM, ids[1]!, { 'general/vad': '99', 'palu/milda': null })
    const edited = await pull()
    expect(Object.values(await h.statuses(edited))).toEqual(['imported'])
    const after = only(await h.values('202609'), codes)
    expect(after.get('RC-CO-00002|RC_VAD|default')).toBe('99')
    expect(after.has('RC-CO-00002|RC_PALU_MILDA|default')).toBe(false)
    expect(after.get('RC-CO-00001|RC_VAD|default')).toBe(answers[0]!['general/vad'])
    const versions = await repositories(h.db).records.versions(SOURCE, ids[1]!)
    expect(versions.map((v) => v.status)).toEqual(['imported', 'imported'])
    expect(new Set(versions.map((v) => v.version)).size).toBe(2)

    // A soft delete in Central: noted once in the history of the newest record; DHIS2's values stay.
    odkNow = new Date('2026-10-04T09:00:00Z')
    odk.store.delete(PROJECT, FORM, ids[2]!)
    for (const round of [1, 2]) {
      const run = await pull()
      const detail = (await repositories(h.db).runs.get(run))?.detail as Record<string, unknown>
      expect(detail).toMatchObject({ deleted: round === 1 ? 1 : 0 })
    }
    const [deletedRecord] = await repositories(h.db).records.versions(SOURCE, ids[2]!)
    const notes = (await repositories(h.db).events.forRecord(deletedRecord!.id)).filter(
      (e) => e.reason === DELETED_AT_SOURCE,
    )
    expect(notes).toEqual([
      expect.objectContaining({ fromStatus: 'imported', toStatus: 'imported', actor: `source:${SOURCE}` }),
    ])
    expect(deletedRecord!.status).toBe('imported')
    expect(only(await h.values('202609'), codes).get('RC-CO-00003|RC_VIH_SENS|F_A_15_24')).toBe(
      answers[2]!['vih/sens_f_15_24'],
    )

    // The sweep reads the whole form again: every live submission is already held, nothing new is kept.
    const sweep = await h.pipeline.startSweep(SOURCE, MANAGER)
    expect(await h.runEnded(sweep.id)).toBe('completed')
    expect((await repositories(h.db).records.versions(SOURCE, ids[1]!)).length).toBe(2)
    const swept = (await repositories(h.db).runs.get(sweep.id))?.detail as { sweep?: Record<string, unknown> }
    expect(swept.sweep).toMatchObject({ listed: 2, added: 0 })
  })
})
