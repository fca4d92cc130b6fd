jest.mock('@electric-sql/pglite', () =>
  jest.requireActual<typeof import('../ledger/test-support')>('../ledger/test-support').nativePglite(),
)

/**
 * `GET /api/v1/operations/capacity` (issue 17 §3) through the route: administrators only; the figures are those
 * of `relais capacity` (capacity/capacity-report.ts) over the bridge's ledger — the tables, the growth per month,
 * DHIS2's values, the projection, the sizing — and the last backup from the audit log.
 */
import { as, call, DHIS2_VALUES_ROWS, startTestApi, type TestApi } from './test-support'

let api: TestApi

const MONTHS = ['2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12']

beforeAll(async () => {
  api = await startTestApi()
  const rcs = Array.from({ length: 12 }, (_, i) => `RC-AQ-${String(i + 1).padStart(5, '0')}`)
  for (const [i, month] of MONTHS.entries()) {
    await api.db.query(
      `INSERT INTO records (source, source_key, version, content_hash, raw, status, period, rc_code, created_at)
       SELECT 'kobo-espoir', rc || '|' || $1, 'v1', md5(rc || $1), jsonb_build_object('code_rc', rc, 'mois', $1),
              'imported', replace($1, '-', ''), rc, ($1 || '-03T08:00:00Z')::timestamptz
       FROM unnest($2::text[]) AS rc`,
      [month, rcs.slice(0, 10 + (i % 3))],
    )
  }
  await api.ledger.audit.append({
    actor: 'cli:relais',
    role: 'system',
    action: 'ledger.backup',
    target: 'relais-ledger-2026-12-05T0300Z.tar.gz',
    detail: { bytes: 123_456, sha256: 'ab'.repeat(32), rows: { records: 76 } },
  })
}, 60_000)
afterAll(() => api?.close())

interface Report {
  today: string
  ledger: {
    tables: { name: string; rows: number; bytes: number }[]
    ledgerBytes: number
    growth: { month: string; records: number; bytes: number }[]
    activeRc: number
  }
  dhis2Values?: { period: string; values: number }[]
  redisBytes?: number
  disk?: { freeBytes: number; sizeBytes: number }
  projection: { bytesPerMonth: number; recordsPerMonth: number; in12Months: number; in24Months: number }
  sizing: { rc: number; months12: number; months24: number }[]
  lastBackup?: { at: string; file: string; bytes: number; sha256: string }
}

test('an administrator reads the capacity report: the ledger, its growth, DHIS2, the projection, sizing, backup', async () => {
  const res = await call<Report>(`${api.url}/api/v1/operations/capacity`, { headers: as.user('admin_yao') })
  expect(res.status).toBe(200)
  const report = res.body
  expect(report.today).toBe('2026-12-06')
  expect(report.ledger.tables.find((t) => t.name === 'records')?.rows).toBe(76)
  expect(report.ledger.growth.map((g) => [g.month, g.records])).toEqual(MONTHS.map((m, i) => [m, 10 + (i % 3)]))
  // Last full month: November, 12 RC.
  expect(report.ledger.activeRc).toBe(12)
  expect(report.dhis2Values).toEqual(
    DHIS2_VALUES_ROWS.map(([period, values]) => ({ period, values: Number(values) })).reverse(),
  )
  // The mean of the six full months June–November (December is partial).
  const full = report.ledger.growth.slice(0, 6)
  const meanBytes = full.reduce((n, g) => n + g.bytes, 0) / 6
  expect(report.projection.recordsPerMonth).toBe(Math.round(full.reduce((n, g) => n + g.records, 0) / 6))
  expect(report.projection.in12Months).toBe(Math.round(report.ledger.ledgerBytes + 12 * meanBytes))
  expect(report.projection.in24Months).toBe(Math.round(report.ledger.ledgerBytes + 24 * meanBytes))
  expect(report.sizing.map((s) => s.rc)).toEqual([1_000, 20_000, 100_000])
  expect(report.disk?.freeBytes).toBeGreaterThan(0)
  expect(report.lastBackup).toEqual({
    at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    file: 'relais-ledger-2026-12-05T0300Z.tar.gz',
    bytes: 123_456,
    sha256: 'ab'.repeat(32),
  })
})

test('a data manager, a supervisor and a read-only key may not read it', async () => {
  const path = `${api.url}/api/v1/operations/capacity`
  expect((await call(path, { headers: as.user('gest_ama') })).status).toBe(403)
  expect((await call(path, { headers: as.user('sup_koffi') })).status).toBe(403)
  expect((await call(path, { headers: as.reader() })).status).toBe(403)
  expect((await call(path)).status).toBe(401)
})

test('without the report (a bridge not wired for it) the route answers 503', async () => {
  const bare = await startTestApi({ capacity: undefined })
  try {
    const res = await call(`${bare.url}/api/v1/operations/capacity`, { headers: as.user('admin_yao') })
    expect(res.status).toBe(503)
    expect(res.body).toMatchObject({ error: 'capacity-unavailable' })
  } finally {
    await bare.close()
  }
}, 30_000)
