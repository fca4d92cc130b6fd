/**
 * Pseudonymisation end to end: a spec that names a field in `pseudonymise` → the ledger (raw payload, a released
 * correction, the audit) and DHIS2 only ever see the keyed-hash pseudonym, never the identifier; the record is
 * otherwise mapped and imported as usual. (The partners' free-text `difficultes` column stands in for a patient
 * number here: the programme's current sources carry none.)
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { repositories } from '../../ledger'
import { pgTestDatabase } from '../../ledger/test-support'
import { pseudonym } from '../../sources/pseudonym'
import { relaisConfigSchema } from '../../config/relais-config'
import { SpecRegistry } from '../map/specs'
import { MANAGER, MAPPINGS, startHarness, type Harness } from '../test-support'

const KEY = 'pseudonym-key-pipeline-test-0123456789abcdef'
let h: Harness
let specPath: string

beforeAll(async () => {
  const spec = readFileSync(`${MAPPINGS}/specs/csv-partenaires.yaml`, 'utf8').replace(
    'pseudonymise: []',
    'pseudonymise: [difficultes]',
  )
  expect(spec).toContain('pseudonymise: [difficultes]')
  specPath = join(mkdtempSync(join(tmpdir(), 'relais-pseudonym-')), 'csv-partenaires.yaml')
  writeFileSync(specPath, spec)
  h = await startHarness({
    database: pgTestDatabase(),
    sources: { csv: { mapping: specPath } },
    pipeline: { pseudonymKey: KEY },
  })
}, 30_000)
afterAll(() => h?.dispose())

test('the identifier never reaches the ledger or DHIS2: its pseudonym does, and the record is imported', async () => {
  const csv = readFileSync(`${MAPPINGS}/samples/partenaires.clean.csv`, 'utf8')
  const started = await h.pipeline.upload(
    { source: 'csv-partenaires', filename: 'clean.csv', body: Buffer.from(csv), mode: 'import' },
    MANAGER,
  )
  expect(await h.runEnded(started.id)).toBe('completed')
  const [record] = (await repositories(h.db).records.search({ runId: started.id, rcCode: 'RC-BO-00001' })).items
  expect(record?.status).toBe('imported')
  const stored = await repositories(h.db).records.get(record!.id)
  expect((stored?.raw as Record<string, unknown>).difficultes).toBe(pseudonym(KEY, 'Pas de TDR depuis le 20'))
  const rows = await h.db.query<{ n: string }>(
    `SELECT count(*) AS n FROM records WHERE raw::text LIKE '%Pas de TDR depuis le 20%' OR mapped::text LIKE '%Pas de TDR depuis le 20%'`,
  )
  expect(Number(rows[0]?.n)).toBe(0)
  const values = [...(await h.values('202609')).entries()]
  expect(values.some(([, v]) => v === 'Pas de TDR depuis le 20')).toBe(false)
  expect(values.find(([k]) => k.startsWith('RC-BO-00001|RC_DIFFICULTES'))?.[1]).toBe(
    pseudonym(KEY, 'Pas de TDR depuis le 20'),
  )
})

test('a spec that pseudonymises is refused without a key; protect(), which every way in (a released correction too) goes through, pseudonymises', () => {
  const config = relaisConfigSchema.parse({ sources: [{ name: 'csv-partenaires', kind: 'csv', mapping: specPath }] })
  const clock = { now: () => new Date(), timeZone: 'UTC' }
  expect(() => new SpecRegistry(config, clock)).toThrow(/pseudonymises difficultes but no pseudonym key/)
  const specs = new SpecRegistry(config, clock, KEY)
  expect(specs.protect('csv-partenaires', { code_rc: 'RC-BO-00001', difficultes: 'BJ-VIH-004217' })).toEqual({
    code_rc: 'RC-BO-00001',
    difficultes: pseudonym(KEY, 'BJ-VIH-004217'),
  })
})
