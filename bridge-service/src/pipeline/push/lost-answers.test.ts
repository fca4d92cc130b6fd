/**
 * A DHIS2 that saves and then loses its answer (issue 11 §9), on PostgreSQL against the stand-in's faults:
 * every push's connection is cut after DHIS2 committed it. Before, each record was retried until it
 * failed for good (or a refused retry quarantined it) while DHIS2 held its values; now the bridge reads back
 * what DHIS2 holds and the record is imported. Then a chaos run — 5xx, lost answers, slow answers — ends
 * with every run finished and DHIS2 holding exactly the ledger's values.
 */
import { repositories } from '../../ledger'
import { pgTestDatabase } from '../../ledger/test-support'
import { Dhis2Client } from '../../dhis2/client'
import { DEMO_BRIDGE_TOKEN } from '@relais/dhis2-standin'
import { readMapped } from '../map/payload'
import { readBack, recordsHeld } from './read-back'
import { MANAGER, partnerCsv, startHarness, type Harness } from '../test-support'

jest.setTimeout(90_000)

let h: Harness

beforeAll(async () => {
  h = await startHarness({
    database: pgTestDatabase(),
    pipeline: {
      retry: { maxAttempts: 8, backoff: { baseMs: 50, capMs: 300 } },
      circuitBreaker: { failureThreshold: 50, coolDownMs: 200 },
      chunkSize: 3,
    },
  })
}, 30_000)
afterAll(() => h?.dispose())
afterEach(() => h.faults())

const rows = (dep: string, from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({ rc: `RC-${dep}-${String(from + i).padStart(5, '0')}` }))
const upload = (list: { rc: string }[], filename: string) =>
  h.pipeline.upload({ source: 'csv-partenaires', filename, body: partnerCsv(list), mode: 'import' }, MANAGER)

test('every answer lost after DHIS2 saved: the records are imported, each sent once, DHIS2 holds their values', async () => {
  await h.faults({ loseAnswerRate: 1, paths: '^/api/dataValueSets' })
  const from = h.requests.length
  const run = await upload(rows('BO', 1, 4), 'perdu.csv')
  expect(await h.runEnded(run.id, 30_000)).toBe('completed')
  const statuses = Object.values(await h.statuses(run.id))
  expect(statuses).toEqual(Array(4).fill('imported'))
  const posts = h.requests.slice(from).filter((r) => r.request === 'POST /api/dataValueSets')
  const reads = h.requests.slice(from).filter((r) => r.request === 'GET /api/dataValueSets')
  expect(posts.every((r) => r.status === undefined)).toBe(true) // no answer ever came
  expect(reads.length).toBeGreaterThan(0)
  // Not retried: one POST per request the push planned (chunks of 3 records).
  expect(posts.length).toBe(2)
  const values = await h.values('202609')
  expect(values.get('RC-BO-00001|RC_VAD|default')).toBe('25')
  const [record] = (await repositories(h.db).records.search({ runId: run.id, rcCode: 'RC-BO-00001' })).items
  const events = await repositories(h.db).events.forRecord(record!.id)
  // The move to imported (the completion stage may note the report's completion after it).
  expect(events.filter((e) => e.fromStatus !== e.toStatus).at(-1)?.detail).toMatchObject({ readBack: true })
})

test('chaos — 5xx, lost answers, slow answers — every run finishes; DHIS2 and the ledger agree on every value', async () => {
  await h.faults({ errorRate: 0.3, loseAnswerRate: 0.3, latencyMs: 30, paths: '^/api/dataValueSets' })
  const from = h.requests.length
  const runs = await Promise.all([
    upload(rows('CO', 1, 6), 'chaos-1.csv'),
    upload(rows('KO', 1, 6), 'chaos-2.csv'),
    upload(rows('AK', 1, 6), 'chaos-3.csv'),
    upload(rows('AQ', 1, 6), 'chaos-4.csv'),
  ])
  for (const run of runs) expect(await h.runEnded(run.id, 60_000)).toBe('completed')
  await h.faults()
  const byStatus = new Map<string, number>()
  for (const run of runs)
    for (const status of Object.values(await h.statuses(run.id))) byStatus.set(status, (byStatus.get(status) ?? 0) + 1)
  expect(Object.fromEntries(byStatus)).toEqual({ imported: 24 })
  // The chaos happened: answers lost or refused — to the pushes or to the reads before them (the overwrite check
  // and the read-backs draw from the same faults, so the pushes alone may all pass in a run).
  const calls = h.requests.slice(from).filter((r) => r.request.endsWith(' /api/dataValueSets'))
  expect(calls.filter((r) => r.status === undefined || r.status >= 500).length).toBeGreaterThan(0)
  // Every value of every imported record, as the ledger mapped it, is what DHIS2 holds (read over HTTP).
  const dhis2 = new Dhis2Client({ url: h.standin.url, auth: { kind: 'token', token: DEMO_BRIDGE_TOKEN } })
  let checked = 0
  for (const run of runs) {
    const records = (await repositories(h.db).records.search({ runId: run.id }, { pageSize: 100 })).items
    for (const summary of records) {
      const record = await repositories(h.db).records.get(summary.id)
      const payload = readMapped(record!.mapped)!
      const values = payload.dataValues.map((v) => ({ ...v, recordId: record!.id, hash: '' }))
      const held = await readBack(dhis2, payload.dataSet, payload.period!, values)
      expect({ rc: payload.orgUnitCode, held: recordsHeld(values, held).has(record!.id) }).toEqual({
        rc: payload.orgUnitCode,
        held: true,
      })
      checked += values.length
    }
  }
  expect(checked).toBeGreaterThan(24 * 10)
})
