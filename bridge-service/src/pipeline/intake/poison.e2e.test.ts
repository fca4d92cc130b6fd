/**
 * One poison record never stops a source (issue 11 §3), end to end on PostgreSQL and Redis: a NUL or a lone
 * surrogate in a Kobo submission, a CSV cell or a webhook record, or a webhook record nested 5,000 levels deep,
 * goes to quarantine with its reason; the records around it are imported; the Kobo cursor moves past it.
 * Before clean-text.ts, PostgreSQL refused the whole page, file or delivery.
 */
import { rcSubmission, seededRandom, type Answers } from '@relais/kobo-standin'
import { repositories } from '../../ledger'
import { pgTestDatabase } from '../../ledger/test-support'
import { deepObjectJson, POISON_STRINGS } from './poison'
import { KOBO_ASSET, MANAGER, partnerCsv, startHarness, type Harness } from '../test-support'

let h: Harness
beforeAll(async () => {
  h = await startHarness({ database: pgTestDatabase() })
}, 30_000)
afterAll(() => h?.dispose())

async function outcome(runId: string) {
  const { items } = await repositories(h.db).records.search({ runId }, { page: 1, pageSize: 500 })
  const byStatus: Record<string, number> = {}
  for (const r of items) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1
  const codes = items
    .filter((r) => r.status === 'quarantined')
    .map((r) => ((r.lastError as { errors?: { code: string }[] }).errors ?? []).map((e) => e.code))
  if (process.env.DEBUG_POISON) console.log(JSON.stringify(items.map((r) => r.lastError)).slice(0, 3000))
  return { byStatus, codes, items }
}

const nul = POISON_STRINGS[0]!.text
const surrogate = POISON_STRINGS[2]!.text

test('Kobo: a submission with a NUL and one with a lone surrogate between good ones; the cursor moves on', async () => {
  const random = seededRandom(11)
  const submission = (rcCode: string, difficultes: string): Answers => ({
    ...rcSubmission(random, { rcCode, unanswered: 0 }),
    'general/difficultes': difficultes,
  })
  h.setKoboTime('2026-10-03T09:00:00Z')
  h.kobo.add(KOBO_ASSET, submission('RC-CO-00001', 'RAS'))
  h.kobo.add(KOBO_ASSET, submission('RC-CO-00002', nul))
  h.kobo.add(KOBO_ASSET, submission('RC-CO-00003', surrogate))
  h.kobo.add(KOBO_ASSET, submission('RC-CO-00004', 'RAS'))
  const run = await h.pipeline.startRun('kobo-rapport-rc', 'import', MANAGER)
  expect(await h.runEnded(run.id)).toBe('completed')
  const { byStatus, codes } = await outcome(run.id)
  expect(byStatus).toEqual({ imported: 2, quarantined: 2 })
  expect(codes).toEqual([['TEXT_CLEANED'], ['TEXT_CLEANED']])
  const values = await h.values('202609')
  expect([...values.keys()].some((k) => k.startsWith('RC-CO-00004|'))).toBe(true)

  // The cursor moved past the poison: the next pull reads only what is new.
  h.setKoboTime('2026-10-04T09:00:00Z')
  h.kobo.add(KOBO_ASSET, submission('RC-CO-00005', 'RAS'))
  const next = await h.pipeline.startRun('kobo-rapport-rc', 'import', MANAGER)
  expect(await h.runEnded(next.id)).toBe('completed')
  expect((await outcome(next.id)).byStatus).toEqual({ imported: 1 })
})

test('CSV upload: a NUL in a cell quarantines that row only; the others are imported', async () => {
  const text = partnerCsv([{ rc: 'RC-BO-00001' }, { rc: 'RC-BO-00002' }, { rc: 'RC-BO-00003' }])
    .toString('utf8')
    .replace('Pas de TDR', `Pas de${nul}TDR`)
  expect(text).toContain('\u0000')
  const run = await h.pipeline.upload(
    { source: 'csv-partenaires', filename: 'poison.csv', body: Buffer.from(text), mode: 'import' },
    MANAGER,
  )
  expect(await h.runEnded(run.id)).toBe('completed')
  const { byStatus, codes } = await outcome(run.id)
  expect(byStatus).toEqual({ imported: 2, quarantined: 1 })
  expect(codes).toEqual([['TEXT_CLEANED']])
})

test('webhook: NUL, lone surrogate and 5,000-deep records are quarantined with their reason, the others imported', async () => {
  const rows = partnerCsv([{ rc: 'RC-AQ-00001' }, { rc: 'RC-AQ-00002' }, { rc: 'RC-AQ-00003' }, { rc: 'RC-AQ-00004' }])
    .toString('utf8')
    .trim()
    .split('\n')
  const header = rows[0]!.split(',')
  const records = rows.slice(1).map((line) => Object.fromEntries(line.split(',').map((v, i) => [header[i], v])))
  records[1]!.difficultes = nul
  records[2]!.difficultes = surrogate
  const deep = { ...records[3]!, annexe: JSON.parse(deepObjectJson(5000)) as unknown }
  const result = await h.pipeline.receive({
    source: 'webhook-partenaires',
    records: [records[0], records[1], records[2], deep],
  })
  expect(result).toMatchObject({ accepted: 4, duplicates: 0 })
  expect(await h.runEnded(result.runId)).toBe('completed')
  const { byStatus, codes } = await outcome(result.runId)
  expect(byStatus).toEqual({ imported: 1, quarantined: 3 })
  expect(codes.sort()).toEqual([['JSON_TOO_DEEP'], ['TEXT_CLEANED'], ['TEXT_CLEANED']])
})
