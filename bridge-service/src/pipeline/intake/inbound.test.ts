/**
 * Webhook deliveries under load (inbound.ts), on PostgreSQL: concurrent deliveries share the source's open
 * run and are group-committed, each answered once durable; the same delivery twice is one record version even
 * inside one group; the run closes after its idle time and completes with exact counts; a later delivery
 * opens a new run. The map jobs of a burst are enqueued together, off the answers' path.
 */
import { Queue } from 'bullmq'
import { repositories } from '../../ledger'
import { pgTestDatabase } from '../../ledger/test-support'
import { MAP_QUEUE, redisOptions, type StageJobData } from '../queues'
import { REDIS_URL, startHarness, type Harness } from '../test-support'

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

test('map jobs are enqueued off the answers: deliveries one after the other share a map job', async () => {
  const deliveries = 10
  let runId = ''
  // Each delivery waits for the previous answer: each is its own group commit.
  for (let n = 0; n < deliveries; n++)
    runId = (await h.pipeline.receive({ source: 'webhook-partenaires', records: [row(100 + n)] })).runId
  expect(await h.runEnded(runId, 20_000)).toBe('completed')
  const mapQueue = new Queue<StageJobData>(MAP_QUEUE, { connection: redisOptions(REDIS_URL), prefix: h.prefix })
  try {
    const jobs = (await mapQueue.getJobs(['completed', 'active', 'waiting', 'delayed', 'failed'])).filter(
      (job) => job?.data.runId === runId,
    )
    // Every record of the run in exactly one job, and fewer jobs than deliveries (one per group commit before).
    const stored = (await repositories(h.db).records.search({ runId })).items.map((r) => r.id)
    expect(stored).toHaveLength(deliveries)
    expect(jobs.flatMap((job) => job.data.recordIds).sort()).toEqual(stored.sort())
    expect(jobs.length).toBeLessThan(deliveries)
  } finally {
    await mapQueue.close()
  }
})
