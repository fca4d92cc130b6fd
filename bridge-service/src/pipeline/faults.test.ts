/**
 * Failures, on PostgreSQL against the DHIS2 stand-in's fault injection: a 409 WARNING quarantines exactly the
 * refused records; 429 + Retry-After is honoured; DHIS2 down then back gets everything delivered with a
 * bounded number of requests while down; DHIS2 refusing the bridge (403) keeps the records mapped until it is
 * fixed; Redis losing the queues mid-run is repaired by reconciliation.
 */
import { repositories } from '../ledger'
import { pgTestDatabase } from '../ledger/test-support'
import { Enqueuer } from './enqueue'
import { Intake } from './intake/intake'
import { MANAGER, partnerCsv, partnerRaw, startHarness, waitFor, type Harness } from './test-support'

let h: Harness

beforeAll(async () => {
  h = await startHarness({
    database: pgTestDatabase(),
    pipeline: {
      retry: { maxAttempts: 12, backoff: { baseMs: 50, capMs: 400 } },
      circuitBreaker: { failureThreshold: 3, coolDownMs: 400 },
      chunkSize: 2,
    },
  })
}, 30_000)
afterAll(() => h?.dispose())
afterEach(() => h.faults())

const upload = (rows: { rc: string }[], filename = 'partenaires.csv') =>
  h.pipeline.upload({ source: 'csv-partenaires', filename, body: partnerCsv(rows), mode: 'import' }, MANAGER)

const rc = (dep: string, n: number) => ({ rc: `RC-${dep}-${String(n).padStart(5, '0')}` })

test('409 WARNING: exactly the records with refused values are quarantined with DHIS2’s message, the others imported', async () => {
  // The bridge's DHIS2 account loses every department but Borgou: DHIS2 refuses the other RCs (E7617).
  const state = h.standin.ctx.state
  const bridge = state.users.find((u) => u.username === 'passerelle')!
  const saved = bridge.organisationUnits
  const borgou = state.metadata.organisationUnits.find((o) => o.code === 'BJ-BO')!
  bridge.organisationUnits = [{ id: borgou.id }]
  h.standin.ctx.reindex()
  try {
    const run = await upload([rc('BO', 1), rc('AL', 1), rc('BO', 2), rc('AK', 1), rc('BO', 3)], 'warning.csv')
    expect(await h.runEnded(run.id)).toBe('completed')
    expect(await h.statuses(run.id)).toEqual({
      'RC-BO-00001|2026-09': 'imported',
      'RC-AL-00001|2026-09': 'quarantined',
      'RC-BO-00002|2026-09': 'imported',
      'RC-AK-00001|2026-09': 'quarantined',
      'RC-BO-00003|2026-09': 'imported',
    })
    const [refused] = (
      await repositories(h.db).records.search({ runId: run.id, status: 'quarantined', rcCode: 'RC-AL-00001' })
    ).items
    expect(refused).toMatchObject({ reason: 'conflict' })
    const events = await repositories(h.db).events.forRecord(refused!.id)
    const detail = events.at(-1)?.detail as {
      status: string
      rejected: { conflicts: { errorCode?: string; message: string }[] }[]
    }
    expect(detail.status).toBe('WARNING')
    expect(detail.rejected.length).toBeGreaterThan(0)
    expect(detail.rejected[0]?.conflicts[0]).toMatchObject({ errorCode: 'E7617' })
    const values = await h.values('202609')
    expect(values.get('RC-BO-00002|RC_VAD|default')).toBe('27') // the third row of the file
    expect([...values.keys()].some((k) => k.startsWith('RC-AL-00001|'))).toBe(false)
  } finally {
    bridge.organisationUnits = saved
    h.standin.ctx.reindex()
  }
})

test('429 + Retry-After: the next attempt waits at least what DHIS2 asked, then everything is imported', async () => {
  await h.faults({ rateLimit: { status: 429, retryAfterSeconds: 1 }, paths: 'dataValueSets' })
  const from = h.requests.length
  const run = await upload([rc('CO', 1)], 'rate.csv')
  const limited = await waitFor(async () => h.requests.slice(from).find((r) => r.status === 429), 5_000, 'a 429')
  await h.faults()
  expect(await h.runEnded(run.id)).toBe('completed')
  const posts = h.requests.slice(from).filter((r) => r.request.endsWith('/dataValueSets'))
  const after = posts.find((r) => r.at > limited.at && r.status === 200)!
  // Our backoff is 50–400 ms here: only Retry-After explains a wait of a second.
  expect(after.at - limited.at).toBeGreaterThanOrEqual(1000 - 20)
  expect(await h.statuses(run.id)).toEqual({ 'RC-CO-00001|2026-09': 'imported' })
  const [record] = (await repositories(h.db).records.search({ runId: run.id })).items
  expect(record?.attempts).toBe(1)
})

test('DHIS2 down for a while then back: everything delivered, a bounded number of requests while down', async () => {
  await h.faults({ down: true, paths: 'dataValueSets' })
  const from = h.requests.length
  const rows = [1, 2, 3, 4, 5, 6].map((n) => rc('KO', n))
  const run = await upload(rows, 'down.csv')
  await new Promise((r) => setTimeout(r, 2_000))
  const whileDown = h.requests.slice(from).filter((r) => r.request.endsWith('/dataValueSets'))
  await h.faults()
  expect(await h.runEnded(run.id, 20_000)).toBe('completed')
  expect(Object.values(await h.statuses(run.id))).toEqual(rows.map(() => 'imported'))
  // 3 jobs retrying with a 50–400 ms backoff would make ~40 requests in 2 s; the breaker lets through the
  // failures that open it (3, plus those already in flight), then one probe per 400 ms cool-down.
  expect(whileDown.length).toBeGreaterThanOrEqual(3)
  expect(whileDown.length).toBeLessThanOrEqual(3 + 3 + Math.ceil(2_000 / 400) + 1)
  expect(h.pipeline.breakers.for(h.standin.url).state).toBe('closed')
  const values = await h.values('202609')
  for (const { rc: code } of rows) expect(values.has(`${code}|RC_VAD|default`)).toBe(true)
})

test('403 (the bridge lost its authority): records stay mapped, one request, nothing quarantined; fixed → delivered', async () => {
  const role = h.standin.ctx.state.userRoles.find((r) => r.code === 'ROLE_PASSERELLE')!
  const saved = [...role.authorities]
  role.authorities = saved.filter((a) => a !== 'F_DATAVALUE_ADD')
  h.standin.ctx.reindex()
  const from = h.requests.length
  let runId = ''
  try {
    runId = (await upload([rc('DO', 1)], 'forbidden.csv')).id
    await waitFor(async () => h.requests.slice(from).find((r) => r.status === 403), 5_000, 'a 403')
    await new Promise((r) => setTimeout(r, 300))
    // One push (the read of what DHIS2 holds before it is allowed: it needs no write authority).
    expect(h.requests.slice(from).filter((r) => r.request === 'POST /api/dataValueSets')).toHaveLength(1)
    expect(await h.statuses(runId)).toEqual({ 'RC-DO-00001|2026-09': 'mapped' })
  } finally {
    role.authorities = saved
    h.standin.ctx.reindex()
  }
  // Once fixed, reconciliation (at the next start) finds the record without a live job and sends it.
  expect(await h.pipeline.reconcile()).toMatchObject({ push: 1 })
  expect(await h.runEnded(runId)).toBe('completed')
  expect(await h.statuses(runId)).toEqual({ 'RC-DO-00001|2026-09': 'imported' })
})

test('Redis loses the queues in the middle of a run: reconciliation finishes it', async () => {
  // A file's rows are mapped as they are stored (intake.ts): they wait on the push queue, mapped.
  await h.pipeline.queues.map.pause()
  await h.pipeline.queues.push.pause()
  const rows = [1, 2, 3].map((n) => rc('LI', n))
  const run = await upload(rows, 'flush.csv')
  expect(Object.values(await h.statuses(run.id))).toEqual(['mapped', 'mapped', 'mapped'])
  await h.pipeline.queues.map.obliterate({ force: true })
  await h.pipeline.queues.push.obliterate({ force: true })
  await h.pipeline.queues.map.resume()
  await h.pipeline.queues.push.resume()
  expect(await h.pipeline.queues.push.getJobCounts()).toMatchObject({ waiting: 0, delayed: 0, active: 0 })
  const repaired = await h.pipeline.reconcile()
  expect(repaired).toMatchObject({ map: 0, push: 3 })
  expect(await h.runEnded(run.id)).toBe('completed')
  expect(Object.values(await h.statuses(run.id))).toEqual(['imported', 'imported', 'imported'])
  // Reconciling again finds nothing to do.
  expect(await h.pipeline.reconcile()).toMatchObject({ map: 0, push: 0 })
})

test('records stored received without a map job (a crash between commit and enqueue): reconciliation maps them', async () => {
  // Intake's step 1 alone, as a webhook's group commit or a file chunk whose mapping failed leaves them.
  const raw = partnerRaw(rc('BO', 4))
  const run = await repositories(h.db).runs.create({
    source: 'csv-partenaires',
    mode: 'import',
    trigger: 'upload',
    actor: MANAGER.name,
  })
  const stored = await new Intake(h.db, new Enqueuer(h.pipeline.queues)).store({
    source: 'csv-partenaires',
    runId: run.id,
    actor: MANAGER.name,
    records: [{ sourceKey: `${rc('BO', 4).rc}|2026-09`, version: 'crash-1', contentHash: 'crash-1', raw }],
  })
  expect(await h.statuses(run.id)).toEqual({ [`${rc('BO', 4).rc}|2026-09`]: 'received' })
  expect(await h.pipeline.reconcile()).toMatchObject({ map: 1 })
  await waitFor(
    async () => (await repositories(h.db).records.get(stored.newIds[0]!))?.status === 'imported',
    4_000,
    'imported',
  )
})

test('the periodic reconciliation waits while the queues are full, then maps the record left without a job', async () => {
  // A big upload keeps ~1,700 map jobs live; the pass would hold all their record ids in memory at once.
  const run = await repositories(h.db).runs.create({
    source: 'csv-partenaires',
    mode: 'import',
    trigger: 'upload',
    actor: MANAGER.name,
  })
  const raw = partnerRaw(rc('BO', 6))
  await h.pipeline.queues.map.pause()
  const fillers = await Promise.all(
    [1, 2, 3].map((n) => h.pipeline.queues.map.add('map', { runId: null, recordIds: [`filler-${n}`] })),
  )
  try {
    const stored = await new Intake(h.db, new Enqueuer(h.pipeline.queues)).store({
      source: 'csv-partenaires',
      runId: run.id,
      actor: MANAGER.name,
      records: [{ sourceKey: `${rc('BO', 6).rc}|2026-09`, version: 'busy-1', contentHash: 'busy-1', raw }],
    })
    expect(await h.pipeline.reconcile({ deferAboveLiveJobs: 2 })).toEqual({
      map: 0,
      push: 0,
      covered: 0,
      deferred: true,
    })
    expect((await repositories(h.db).records.get(stored.newIds[0]!))?.status).toBe('received')
    expect(await h.pipeline.reconcile({ deferAboveLiveJobs: 10 })).toMatchObject({ map: 1 })
    expect(await h.pipeline.reconcile({ deferAboveLiveJobs: 10 })).not.toHaveProperty('deferred')
  } finally {
    await Promise.all(fillers.map((job) => job.remove()))
    await h.pipeline.queues.map.resume()
  }
})

test('a completion job naming a record does not hide that the record still owes its push', async () => {
  const run = await upload([rc('MO', 7)], 'completion-job.csv')
  expect(await h.runEnded(run.id)).toBe('completed')
  const [record] = (await repositories(h.db).records.search({ runId: run.id })).items
  await h.pipeline.queues.push.pause()
  try {
    // A completion job for the record waits on the push queue (completion.ts) while the record is owed a push.
    await h.pipeline.queues.push.add(
      'complete',
      { runId: run.id, recordIds: [record!.id] },
      { jobId: `c-${record!.id}` },
    )
    await h.db.query(`UPDATE records SET status = 'mapped' WHERE id = $1`, [record!.id])
    expect(await h.pipeline.reconcile()).toMatchObject({ push: 1 })
  } finally {
    await h.pipeline.queues.push.resume()
  }
  await waitFor(
    async () => (await repositories(h.db).records.get(record!.id))?.status !== 'mapped',
    10_000,
    'pushed again',
  )
})

test('a worker that died between recording DHIS2’s answer and moving the record: the record ends imported, nothing re-sent', async () => {
  const run = await upload([rc('MO', 1), rc('MO', 2)], 'resumed.csv')
  expect(await h.runEnded(run.id)).toBe('completed')
  const [record] = (await repositories(h.db).records.search({ runId: run.id, rcCode: 'RC-MO-00001' })).items
  expect(record?.status).toBe('imported')
  // The state a kill -9 leaves between the two writes: DHIS2's answer recorded (imported_values), record still mapped.
  await h.db.query(`UPDATE records SET status = 'mapped' WHERE id = $1`, [record!.id])
  const posts = h.posts().length
  expect(await h.pipeline.reconcile()).toMatchObject({ push: 1 })
  await waitFor(
    async () => (await repositories(h.db).records.get(record!.id))?.status === 'imported',
    10_000,
    'imported',
  )
  expect(h.posts().length).toBe(posts)
  const events = await repositories(h.db).events.forRecord(record!.id)
  // The move to imported (the completion stage may note the report's completion after it).
  const moved = events.filter((e) => e.fromStatus !== e.toStatus).at(-1)
  expect(moved).toMatchObject({ fromStatus: 'mapped', toStatus: 'imported', detail: { resumed: true } })
})
