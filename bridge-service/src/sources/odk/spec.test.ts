/**
 * mappings/specs/odk-rapport-rc.yaml against real Central-shaped rows: the report the stand-in serves through
 * OData, flattened by records.ts, maps to exactly what the Kobo spec makes of the same answers from Kobo.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { compileYaml, type MetadataSnapshot, type Mapper } from '@relais/mappings'
import { odkRecord } from './records'
import { pullOdkAll, EMPTY_ODK_CURSOR } from './pull'
import { FORM, PROJECT, startHarness, type Harness } from './test-support'

const ROOT = join(__dirname, '..', '..', '..', '..')
const METADATA = JSON.parse(
  readFileSync(join(ROOT, 'mappings', 'test-fixtures', 'small-seed-metadata.json'), 'utf8'),
) as MetadataSnapshot
const KOBO_SAMPLE = (
  JSON.parse(readFileSync(join(ROOT, 'mappings', 'samples', 'kobo-rapport-rc.clean.json'), 'utf8')) as {
    results: Array<Record<string, string>>
  }
).results

function mapper(spec: string): Mapper {
  const compiled = compileYaml(readFileSync(join(ROOT, 'mappings', 'specs', spec), 'utf8'), METADATA, {
    now: '2026-10-05T09:00:00',
  })
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors))
  return compiled.mapper
}

/** The form's answers out of a Kobo submission: its `group/question` keys, not Kobo's bookkeeping. */
const answersOf = (kobo: Record<string, string>) =>
  Object.fromEntries(Object.entries(kobo).filter(([key]) => /^(identification|vih|tb|palu|general)\//.test(key)))

describe('the ODK Central spec of the monthly RC report', () => {
  let h: Harness
  const odk = mapper('odk-rapport-rc.yaml')
  const kobo = mapper('kobo-rapport-rc.yaml')
  beforeAll(async () => {
    h = await startHarness()
  })
  afterAll(() => h.standin.close())

  it('maps each OData row to the same data values as the Kobo spec maps the Kobo submission', async () => {
    for (const [i, submission] of KOBO_SAMPLE.entries()) {
      h.setTime(`2026-10-03T09:1${i}:00Z`)
      h.standin.store.add(PROJECT, FORM, answersOf(submission))
    }
    const { submissions } = await pullOdkAll(h.client, FORM, EMPTY_ODK_CURSOR)
    expect(submissions).toHaveLength(KOBO_SAMPLE.length)
    for (const [i, row] of submissions.entries()) {
      const fromOdk = odk.map(odkRecord(row))
      const fromKobo = kobo.map(KOBO_SAMPLE[i])
      expect(fromOdk.errors).toEqual([])
      expect(fromOdk.status).toBe('ok')
      expect(fromOdk.dataValues.length).toBeGreaterThan(20)
      expect(fromOdk.dataValues).toEqual(fromKobo.dataValues)
      expect(fromOdk).toMatchObject({
        key: row.__id,
        version: row.__id,
        orgUnit: fromKobo.orgUnit,
        period: '202609',
        // Completed as of Central's receipt time, as the Kobo report is as of `_submission_time`.
        completion: { partial: false, submittedAt: row.__system.submissionDate },
      })
    }
  })

  it('reads an edit as a new version of the same record', async () => {
    const first = h.standin.store.form(PROJECT, FORM)?.submissions[0]
    h.setTime('2026-10-04T08:00:00Z')
    h.standin.store.edit(PROJECT, FORM, first?.instanceId ?? '', { 'palu/tdr': '20', 'palu/tdr_pos': '11' })
    const [row] = (await pullOdkAll(h.client, FORM, EMPTY_ODK_CURSOR)).submissions.filter(
      (r) => r.__id === first?.instanceId,
    )
    const result = odk.map(odkRecord(row ?? { __id: '', __system: { submissionDate: '', updatedAt: null } }))
    expect(result.key).toBe(first?.instanceId)
    expect(result.version).toBe(first?.versions.at(-1)?.instanceId)
    expect(result.version).not.toBe(result.key)
    expect(result.dataValues).toEqual(expect.arrayContaining([expect.objectContaining({ value: '20' })]))
  })

  it('flattens groups and __system to paths, and keeps a GeoJSON point whole', () => {
    expect(
      odkRecord({
        grp: { q1: 3, sub: { q2: null } },
        where: { type: 'Point', coordinates: [2.4, 6.4, 0], properties: { accuracy: 4 } },
        meta: { instanceID: 'uuid:b' },
        __id: 'uuid:a',
        __system: { submissionDate: '2026-10-03T09:00:00.000Z', updatedAt: null },
      }),
    ).toEqual({
      'grp/q1': 3,
      'grp/sub/q2': null,
      where: { type: 'Point', coordinates: [2.4, 6.4, 0], properties: { accuracy: 4 } },
      'meta/instanceID': 'uuid:b',
      __id: 'uuid:a',
      '__system/submissionDate': '2026-10-03T09:00:00.000Z',
      '__system/updatedAt': null,
    })
  })
})
