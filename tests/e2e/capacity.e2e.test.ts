/**
 * `relais capacity` prints a projection from a seeded history (issue 17 §3, Done when): a PostgreSQL ledger holding
 * eight months of monthly reports of 120 RC (records and their history, as the pipeline writes them), DHIS2's
 * analytics for the programme's values, Redis, the disk. The figures it prints are checked against the seeded
 * months: the growth is the mean of the last six full months, the projections follow from it, the sizing for
 * 1,000 / 20,000 / 100,000 RC from the bytes one RC's month costs.
 *
 * Needs Redis on 127.0.0.1:6379 and PostgreSQL at RELAIS_TEST_PG_URL.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createStandin, DEMO_BRIDGE_TOKEN, type Standin } from '@relais/dhis2-standin'
import { createDatabase, PSEUDONYM_KEY, ROUTE_SECRET, type ThrowawayDatabase } from '../faults/support'
import { runRelais } from '../support/relais-cli'

jest.setTimeout(120_000)

const DIR = mkdtempSync(join(tmpdir(), 'relais-capacity-'))
let dhis2: Standin
let db: ThrowawayDatabase

const relais = (args: string[]) =>
  runRelais(args, {
    DHIS2_URL: dhis2.url,
    DHIS2_TOKEN: DEMO_BRIDGE_TOKEN,
    REDIS_URL: 'redis://127.0.0.1:6379/7',
    DATABASE_URL: db.url,
    RELAIS_DATA_DIR: DIR,
    RELAIS_CONFIG: join(DIR, 'relais.config.yaml'),
    RELAIS_ROUTE_SECRET: ROUTE_SECRET,
    RELAIS_PSEUDONYM_KEY: PSEUDONYM_KEY,
    LOG_LEVEL: 'warn',
  })

const MONTHS = ['2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11']

beforeAll(async () => {
  dhis2 = createStandin({ seed: 'small', now: '2026-12-06T09:00:00Z', months: 6, testEndpoints: true })
  await dhis2.listen()
  await fetch(`${dhis2.url}/api/resourceTables/analytics`, {
    method: 'POST',
    headers: { Authorization: `Basic ${Buffer.from('admin:district').toString('base64')}` },
  })
  writeFileSync(join(DIR, 'relais.config.yaml'), 'sources: []\n')
  db = await createDatabase('relais_capacity')
  expect((await relais(['migrate'])).status).toBe(0)
  // 120 RC reporting each month, a few more each month; each record with its two events, as the pipeline writes.
  const rcs = Array.from({ length: 130 }, (_, i) => `RC-AQ-${String(i + 1).padStart(5, '0')}`)
  for (const [i, month] of MONTHS.entries()) {
    const reporting = rcs.slice(0, 120 + (i % 3))
    await db.query(
      `WITH r AS (
         INSERT INTO records (source, source_key, version, content_hash, raw, status, period, rc_code, created_at)
         SELECT 'kobo-rapport-rc', rc || '|' || $1, 'v1', md5(rc || $1), jsonb_build_object('code_rc', rc, 'mois', $1,
                'sens_m_moins15', 3, 'sens_f_moins15', 4, 'note', repeat('x', 400)),
                'imported', replace($1, '-', ''), rc, ($1 || '-03T08:00:00Z')::timestamptz
         FROM unnest($2::text[]) AS rc RETURNING id, created_at)
       INSERT INTO record_events (record_id, from_status, to_status, actor, at)
       SELECT id, NULL, 'received', 'source:kobo', created_at FROM r
       UNION ALL SELECT id, 'received', 'imported', 'pipeline:push', created_at FROM r`,
      [month, reporting],
    )
  }
  await db.query('ANALYZE')
})

afterAll(async () => {
  await db?.drop()
  await dhis2?.close()
})

test('relais capacity prints the ledger, its growth, DHIS2, Redis, the disk and a projection from the history', async () => {
  const json = await relais(['capacity', '--json'])
  expect(json.status).toBe(0)
  const report = JSON.parse(json.stdout) as {
    ledger: { ledgerBytes: number; growth: { month: string; records: number; bytes: number }[]; activeRc: number }
    dhis2Values?: { period: string; values: number }[]
    redisBytes?: number
    disk?: { freeBytes: number }
    projection: {
      recordsPerMonth: number
      bytesPerMonth: number
      in12Months: number
      in24Months: number
      bytesPerRcMonth: number
    }
    sizing: { rc: number; months12: number }[]
  }
  expect(report.ledger.growth.map((g) => [g.month, g.records])).toEqual(MONTHS.map((m, i) => [m, 120 + (i % 3)]))
  // On 6 December the last six full months are June to November.
  const lastSix = report.ledger.growth.slice(-6)
  const meanRecords = lastSix.reduce((n, g) => n + g.records, 0) / 6
  expect(report.projection.recordsPerMonth).toBe(Math.round(meanRecords))
  const meanBytes = lastSix.reduce((n, g) => n + g.bytes, 0) / 6
  expect(report.projection.bytesPerMonth).toBe(Math.round(meanBytes))
  expect(report.projection.in12Months).toBe(Math.round(report.ledger.ledgerBytes + 12 * meanBytes))
  expect(report.ledger.activeRc).toBe(120 + (7 % 3))
  expect(report.sizing.map((s) => s.rc)).toEqual([1_000, 20_000, 100_000])
  expect(report.sizing[1]!.months12).toBe(Math.round(report.projection.bytesPerRcMonth * 20_000 * 12))
  expect(report.dhis2Values?.length).toBeGreaterThan(0)
  expect(report.redisBytes).toBeGreaterThan(0)
  expect(report.disk?.freeBytes).toBeGreaterThan(0)

  const text = await relais(['capacity'])
  expect(text.status).toBe(0)
  expect(text.stdout).toMatch(/^Capacité au \d{4}-\d{2}-\d{2}$/m)
  expect(text.stdout).toMatch(/^ {2}records +\d+ ligne\(s\)/m)
  expect(text.stdout).toMatch(/^ {2}2026-11 +121 /m)
  expect(text.stdout).toMatch(/^Projection : \+[\d.]+ [KMG]iB et \d+ enregistrement\(s\) par mois → .* dans 12 mois/m)
  expect(text.stdout).toMatch(/^ +20000 RC: [\d.]+ [KMG]iB par an/m)
  process.stdout.write(`\n${text.stdout}`)
})
