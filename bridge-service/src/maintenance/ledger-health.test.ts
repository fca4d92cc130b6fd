jest.mock('@electric-sql/pglite', () =>
  jest.requireActual<typeof import('../ledger/test-support')>('../ledger/test-support').nativePglite(),
)

/**
 * The ledger's maintenance report (issue 17 §4) on both ledgers: the tables' live and dead rows, the indexes, the
 * advice — a table where deleted rows pile up gets VACUUM (ANALYZE), which --apply runs and which clears it.
 */
import { createHash } from 'node:crypto'
import { migrate, repositories, type Db } from '../ledger'
import { TEST_DATABASES, type TestDatabase } from '../ledger/test-support'
import { adviseOn, applyMaintenance, readLedgerHealth, type IndexStat, type TableStat } from './ledger-health'

const table = (over: Partial<TableStat>): TableStat => ({
  name: 'records',
  liveRows: 10_000,
  deadRows: 0,
  lastVacuum: null,
  lastAnalyze: null,
  modifiedSinceAnalyze: 0,
  bytes: 50 * 1024 * 1024,
  ...over,
})
const index = (over: Partial<IndexStat>): IndexStat => ({
  name: 'records_x_idx',
  table: 'records',
  scans: 10,
  bytes: 1024 * 1024,
  unique: false,
  ...over,
})

test('advice: dead rows, stale statistics, an unused index, a swollen one; nothing for a healthy ledger', () => {
  expect(adviseOn([table({})], [index({})])).toEqual([])
  expect(adviseOn([table({ deadRows: 5_000 })], []).map((a) => a.sql)).toEqual(['VACUUM (ANALYZE) "records"'])
  expect(adviseOn([table({ deadRows: 900 })], [])).toEqual([]) // few: autovacuum's job
  expect(adviseOn([table({ modifiedSinceAnalyze: 2_000 })], []).map((a) => a.kind)).toEqual(['analyze'])
  expect(adviseOn([table({})], [index({ scans: 0, bytes: 2 * 1024 * 1024 })]).map((a) => a.kind)).toEqual([
    'unused-index',
  ])
  // A unique index enforces something: never advised away.
  expect(adviseOn([table({})], [index({ scans: 0, bytes: 2 * 1024 * 1024, unique: true })])).toEqual([])
  expect(
    adviseOn([table({ bytes: 10 * 1024 * 1024 })], [index({ bytes: 30 * 1024 * 1024 })]).map((a) => a.sql),
  ).toEqual(['REINDEX INDEX CONCURRENTLY "records_x_idx"'])
})

describe.each(TEST_DATABASES)('the report on %s', (_name, make) => {
  let t: TestDatabase
  let db: Db
  beforeAll(async () => {
    t = make()
    db = await t.open()
    await migrate(db)
  }, 60_000)
  afterAll(() => t?.dispose())

  const flush = () => db.query('SELECT pg_stat_force_next_flush()')

  test('deleted records pile up as dead rows: VACUUM (ANALYZE) advised, applied, and they are gone', async () => {
    const raws = Array.from({ length: 5_000 }, (_, i) => ({ i, pad: 'x'.repeat(200) }))
    await repositories(db).records.insertMany(
      raws.map((raw) => ({
        source: 'kobo',
        sourceKey: `k${raw.i}`,
        version: 'v1',
        contentHash: createHash('sha256').update(String(raw.i)).digest('hex'),
        raw,
      })),
      { actor: 'test' },
    )
    await db.query(`DELETE FROM records WHERE source_key <> 'k1'`)
    await flush()
    const report = await readLedgerHealth(db)
    const records = report.tables.find((x) => x.name === 'records')!
    expect(records.deadRows).toBeGreaterThanOrEqual(4_999)
    expect(report.indexes.some((i) => i.table === 'records' && i.unique)).toBe(true)
    expect(report.advice.map((a) => a.sql)).toEqual(
      expect.arrayContaining(['VACUUM (ANALYZE) "records"', 'VACUUM (ANALYZE) "record_events"']),
    )
    const applied = await applyMaintenance(db, report)
    expect(applied.map((a) => a.kind)).toEqual(applied.map(() => 'vacuum'))
    await flush()
    const after = await readLedgerHealth(db)
    expect(after.tables.find((x) => x.name === 'records')!.deadRows).toBe(0)
    expect(after.advice.filter((a) => a.target === 'records')).toEqual([])
  })
})
