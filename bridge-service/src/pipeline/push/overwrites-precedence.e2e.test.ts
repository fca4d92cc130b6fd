/**
 * A source declared the system of record (`precedence: source` in relais.config.yaml) writes over a value a
 * person entered — and the record's history says what it replaced, who had stored it and when (issue 13 §2).
 */
import { repositories } from '../../ledger'
import { pgTestDatabase } from '../../ledger/test-support'
import type { Overwrite } from './overwrites'
import { MANAGER, partnerCsv, RC_LOGIN, startHarness, type Harness } from '../test-support'

let h: Harness
beforeAll(async () => {
  h = await startHarness({ database: pgTestDatabase(), sources: { csv: { precedence: 'source' } } })
}, 30_000)
afterAll(() => h?.dispose())

test('its value replaces the person’s, and the history names what it replaced', async () => {
  await h.enters(RC_LOGIN, 'RC-AQ-00001', '202609', { RC_VAD: '777' })
  const run = await h.pipeline.upload(
    { source: 'csv-partenaires', filename: 'sor.csv', body: partnerCsv([{ rc: 'RC-AQ-00001' }]), mode: 'import' },
    MANAGER,
  )
  expect(await h.runEnded(run.id)).toBe('completed')
  const [record] = (await repositories(h.db).records.search({ runId: run.id })).items
  expect(record?.status).toBe('imported')
  expect((await h.values('202609')).get('RC-AQ-00001|RC_VAD|default')).not.toBe('777')
  const notes = (await repositories(h.db).events.forRecord(record!.id)).filter((e) =>
    (e.reason ?? '').startsWith('overwrite-by-precedence'),
  )
  expect(notes).toHaveLength(1)
  const replaced = (notes[0]!.detail as { overwrites: Overwrite[] }).overwrites
  expect(replaced.map((o) => [o.dhis2.value, o.dhis2.storedBy])).toEqual([['777', 'relais']])
})
