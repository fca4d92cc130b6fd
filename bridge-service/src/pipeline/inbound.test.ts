/**
 * Webhook deliveries under load (inbound.ts), on PostgreSQL: concurrent deliveries share the source's open
 * run and are group-committed, each answered once durable; the same delivery twice is one record version even
 * inside one group; the run closes after its idle time and completes with exact counts; a later delivery
 * opens a new run.
 */
import { repositories } from '../ledger'
import { pgTestDatabase } from '../ledger/test-support'
import { startHarness, type Harness } from './test-support'

let h: Harness

beforeAll(async () => {
  h = await startHarness({
    database: pgTestDatabase(),
    pipeline: { inbound: { idleMs: 300 } },
    sources: { webhook: { allowLateData: true } },
  })
}, 30_000)
afterAll(() => h?.dispose())

const row = (n: number) => ({
  code_rc: `RC-BO-0000${1 + (n % 4)}`,
  mois: `2025-${String(1 + Math.floor(n / 4)).padStart(2, '0')}`,
  vad: String(10 + n),
})

test('concurrent deliveries: one shared run, each durable when answered, a repeated delivery stored once', async () => {
  const deliveries = Array.from({ length: 20 }, (_, n) => [row(n)])
  // Delivery 7 sent twice in the same burst: one version, the second answered as a duplicate.
  const answers = await Promise.all(
    [...deliveries, deliveries[7]!].map((records) =>
      h.pipeline.receive({ source: 'webhook-partenaires', records }).then(async (answer) => {
        // Durable when answered: the ledger already holds the record (read outside the intake).
        const stored = await repositories(h.db).records.search({ source: 'webhook-partenaires', runId: answer.runId })
        return { ...answer, storedWhenAnswered: stored.pager.total }
      }),
    ),
  )
  const runIds = new Set(answers.map((a) => a.runId))
  expect(runIds.size).toBe(1)
  expect(answers.reduce((n, a) => n + a.accepted, 0)).toBe(20)
  expect(answers.reduce((n, a) => n + a.duplicates, 0)).toBe(1)
  for (const a of answers) expect(a.storedWhenAnswered).toBeGreaterThanOrEqual(1)

  const [runId] = [...runIds] as [string]
  expect(await h.runEnded(runId, 20_000)).toBe('completed')
  const run = await repositories(h.db).runs.get(runId)
  expect(run?.detail).toMatchObject({ intake: 'complete', deliveries: 21, accepted: 20, duplicates: 1 })
  expect((await repositories(h.db).runs.counts(runId)).total).toBe(20)

  // Closed: the next delivery opens a new run.
  const later = await h.pipeline.receive({ source: 'webhook-partenaires', records: [row(40)] })
  expect(later.runId).not.toBe(runId)
  expect(await h.runEnded(later.runId, 20_000)).toBe('completed')
})
