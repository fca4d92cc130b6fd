/**
 * A DHIS2 that hangs at start does not hold the bridge's start (issue 11 §9): a metadata request that never
 * answered delayed the start by 2 minutes. The start now waits at most a few seconds, then goes on; once DHIS2
 * answers, the records are mapped and imported.
 */
import { repositories } from '../../ledger'
import { pgTestDatabase } from '../../ledger/test-support'
import { MANAGER, partnerCsv, startHarness, waitFor, type Harness } from '../test-support'

jest.setTimeout(60_000)

let h: Harness
beforeAll(async () => {
  h = await startHarness({
    database: pgTestDatabase(),
    pipeline: { startMetadataWaitMs: 1_000 },
    faultsBeforeStart: { hang: true, paths: 'organisationUnits|categor|dataSets|dataElements' },
  })
}, 30_000)
afterAll(async () => {
  await h?.faults()
  await h?.dispose()
})

test('the start goes on after its wait; the upload is imported once DHIS2 answers', async () => {
  expect(h.startMs).toBeLessThan(5_000)
  const run = await h.pipeline.upload(
    { source: 'csv-partenaires', filename: 'hang.csv', body: partnerCsv([{ rc: 'RC-BO-00001' }]), mode: 'import' },
    MANAGER,
  )
  await h.faults()
  await waitFor(
    async () => (await repositories(h.db).records.search({ runId: run.id, status: 'imported' })).pager.total === 1,
    30_000,
    'imported after DHIS2 answers',
  )
})
