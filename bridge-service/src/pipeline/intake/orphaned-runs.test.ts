/**
 * Transient failures never end a record's work, and a crash never blocks a source (issue 11 §9), on PostgreSQL
 * and Redis with the Kobo and DHIS2 stand-ins:
 * - a Kobo run whose reader died (kill -9 mid-pull: status `running`, heartbeat silent) used to make every tick
 *   log « a run of this source is still running: tick skipped » for ever; now the next tick closes it
 *   (`failed`, reason reader-lost) and pulls;
 * - records owed work without a live job (their job failed for good while DHIS2 was away, or Redis lost it)
 *   used to wait for a process restart; now the periodic reconciliation sends them on.
 */
import { rcSubmission, seededRandom } from '@relais/kobo-standin'
import { repositories } from '../../ledger'
import { pgTestDatabase } from '../../ledger/test-support'
import { contentHash } from '../hashing'
import { KOBO_ASSET, partnerCsv, startHarness, waitFor, type Harness } from '../test-support'

jest.setTimeout(60_000)

let h: Harness
beforeAll(async () => {
  h = await startHarness({
    database: pgTestDatabase(),
    pipeline: { schedules: true, readerLostMs: 1_000, reconcileEveryMs: 500 },
    sources: { kobo: { schedule: '*/1 * * * * *', sweepSchedule: '0 0 1 1 *' } },
  })
}, 30_000)
afterAll(() => h?.dispose())

test('a Kobo run orphaned by a crash is closed with its reason, and the next tick pulls', async () => {
  const ledger = repositories(h.db)
  const orphan = await ledger.runs.create({
    source: 'kobo-rapport-rc',
    mode: 'import',
    trigger: 'schedule',
    actor: 'scheduler',
    detail: { readBeat: new Date(Date.now() - 10 * 60_000).toISOString() },
  })
  h.setKoboTime('2026-10-03T09:00:00Z')
  h.kobo.add(KOBO_ASSET, rcSubmission(seededRandom(5), { rcCode: 'RC-CO-00001', unanswered: 0 }))
  await waitFor(async () => (await ledger.runs.get(orphan.id))?.status === 'failed', 15_000, 'orphan closed')
  expect((await ledger.runs.get(orphan.id))?.detail).toMatchObject({ reason: 'reader-lost', intake: 'failed' })
  await waitFor(
    async () => (await ledger.records.search({ source: 'kobo-rapport-rc', status: 'imported' })).pager.total === 1,
    20_000,
    'the next pull imports the submission',
  )
})

test('records owed work without a live job are sent on without a restart', async () => {
  const ledger = repositories(h.db)
  const run = await ledger.runs.create({ source: 'csv-partenaires', mode: 'import', trigger: 'test', actor: 't' })
  const [header, line] = partnerCsv([{ rc: 'RC-BO-00001' }])
    .toString('utf8')
    .trim()
    .split('\n')
  const raw = Object.fromEntries(line!.split(',').map((v, i) => [header!.split(',')[i], v]))
  // Stored as intake stores it, but no map job was ever enqueued (a job that failed for good, a lost Redis).
  const [stored] = await ledger.records.insertMany(
    [
      {
        source: 'csv-partenaires',
        sourceKey: 'RC-BO-00001|2026-09',
        version: `${run.id}:x`,
        contentHash: contentHash(raw),
        raw,
        runId: run.id,
      },
    ],
    { actor: 't' },
  )
  await waitFor(
    async () => (await ledger.records.get(stored!.id))?.status === 'imported',
    20_000,
    'the owed record is imported',
  )
})
