/**
 * Reviewed imports (issue 13 §3), end to end on PostgreSQL with the DHIS2 stand-in: a dry run of a partner file
 * reads what DHIS2 holds and says, value by value, what the import would do — new, changed, same, would
 * overwrite an RC's value, refused — per RC and period; the import that confirms it does exactly that (its
 * counts equal the diff's), and is refused when the file differs or when DHIS2 changed in between, with what
 * changed.
 */
import { repositories } from '../../ledger'
import { pgTestDatabase } from '../../ledger/test-support'
import { seenOf, summarizeDiff } from './run-diff'
import { ConfirmationRefusedError } from './upload-confirm'
import { ADMIN_LOGIN, MANAGER, partnerCsv, RC_LOGIN, startHarness, type Harness } from '../test-support'

let h: Harness
beforeAll(async () => {
  h = await startHarness({ database: pgTestDatabase() })
}, 30_000)
afterAll(() => h?.dispose())

const uid: Harness['uid'] = (list, code) => h.uid(list, code)

async function upload(body: Buffer, mode: 'import' | 'dry-run', confirms?: string) {
  const run = await h.pipeline.upload(
    { source: 'csv-partenaires', filename: 'partenaires.csv', body, mode, ...(confirms ? { confirms } : {}) },
    MANAGER,
  )
  expect(await h.runEnded(run.id)).toBe('completed')
  return run.id
}

const diffOf = async (runId: string) => summarizeDiff(await repositories(h.db).runs.diffRows(runId))
const filled = (values: Map<string, string>, rc: string) => [...values.keys()].filter((k) => k.startsWith(`${rc}|`))

test('a dry run says value by value what the import would do, and the import does exactly that', async () => {
  await h.enters(RC_LOGIN, 'RC-AQ-00001', '202609', { RC_VAD: '777' })
  const file = partnerCsv([{ rc: 'RC-AQ-00001' }, { rc: 'RC-AQ-00002' }])
  const before = await h.values('202609')

  const dryRun = await upload(file, 'dry-run')
  const diff = await diffOf(dryRun)
  expect(await h.values('202609')).toEqual(before)
  expect(diff.records).toBe(2)
  // RC-AQ-00002's report is all new; RC-AQ-00001's home visits would replace what the RC entered.
  const rows = new Map(diff.rows.map((r) => [r.rcCode, r.counts]))
  expect(rows.get('RC-AQ-00002')).toMatchObject({ changed: 0, overwrite: 0, refused: 0 })
  expect(rows.get('RC-AQ-00002')!.new).toBeGreaterThan(20)
  expect(rows.get('RC-AQ-00001')).toMatchObject({ overwrite: 1 })
  expect(diff.lines.filter((l) => l.kind === 'overwrite')).toEqual([
    expect.objectContaining({ rcCode: 'RC-AQ-00001', dataElement: uid('dataElements', 'RC_VAD'), before: '777' }),
  ])
  expect(diff.totals.new + diff.totals.changed + diff.totals.same + diff.totals.overwrite + diff.totals.refused).toBe(
    seenOf(await repositories(h.db).runs.diffRows(dryRun)).length,
  )

  const imported = await upload(file, 'import', dryRun)
  const after = await h.values('202609')
  // The new values are in DHIS2, one for one; the RC's value is untouched, its record held for a person.
  expect(filled(after, 'RC-AQ-00002').length - filled(before, 'RC-AQ-00002').length).toBe(rows.get('RC-AQ-00002')!.new)
  expect(after.get('RC-AQ-00001|RC_VAD|default')).toBe('777')
  const counts = await repositories(h.db).runs.counts(imported)
  expect(counts).toMatchObject({ imported: 1, quarantined: 1 })
  expect((await repositories(h.db).runs.get(imported))?.detail).toMatchObject({ confirms: dryRun })
})

test('an import is refused when the file is not the one the dry run read', async () => {
  const dryRun = await upload(partnerCsv([{ rc: 'RC-AQ-00003' }]), 'dry-run')
  const other = partnerCsv([{ rc: 'RC-AQ-00004' }])
  await expect(
    h.pipeline.upload(
      { source: 'csv-partenaires', filename: 'x.csv', body: other, mode: 'import', confirms: dryRun },
      MANAGER,
    ),
  ).rejects.toMatchObject({ reason: 'file-differs' })
  await expect(
    h.pipeline.upload(
      { source: 'csv-partenaires', filename: 'x.csv', body: other, mode: 'import', confirms: 'no-such-run' },
      MANAGER,
    ),
  ).rejects.toBeInstanceOf(ConfirmationRefusedError)
})

test('an import is refused when DHIS2 changed since the dry run, saying what changed', async () => {
  const file = partnerCsv([{ rc: 'RC-AQ-00005' }])
  const dryRun = await upload(file, 'dry-run')
  const before = await h.values('202609')
  await h.enters(ADMIN_LOGIN, 'RC-AQ-00005', '202609', { RC_CAUSERIES: '41' })

  const refused = h.pipeline.upload(
    { source: 'csv-partenaires', filename: 'partenaires.csv', body: file, mode: 'import', confirms: dryRun },
    MANAGER,
  )
  await expect(refused).rejects.toMatchObject({
    reason: 'dhis2-changed',
    changes: [expect.objectContaining({ dataElement: uid('dataElements', 'RC_CAUSERIES'), then: null, now: '41' })],
  })
  // Nothing was imported: no run, DHIS2 as the person left it.
  const after = await h.values('202609')
  expect(filled(after, 'RC-AQ-00005')).toEqual(['RC-AQ-00005|RC_CAUSERIES|default'])
  expect(filled(before, 'RC-AQ-00005')).toEqual([])
  const audit = await repositories(h.db).audit.list({ action: 'upload-confirm-refused' })
  expect(audit.items[0]).toMatchObject({ actor: MANAGER.name, target: dryRun })
})
