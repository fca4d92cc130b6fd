jest.mock('@electric-sql/pglite', () =>
  jest.requireActual<typeof import('../ledger/test-support')>('../ledger/test-support').nativePglite(),
)

/**
 * The nightly maintenance (issue 17): the ledger backed up (the metric's source updated), the oldest backups
 * beyond two weeks removed with their manifests, payloads past retention archived, the vacuum advice applied.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { migrate, type Db } from '../ledger'
import { pgliteTestDatabase, type TestDatabase } from '../ledger/test-support'
import { lastBackupAt } from '../backup/backup-log'
import { BACKUPS_KEPT, nightlyMaintenance } from './nightly'

let t: TestDatabase
let db: Db
beforeAll(async () => {
  t = pgliteTestDatabase()
  db = await t.open()
  await migrate(db)
}, 60_000)
afterAll(() => t?.dispose())

test('a backup, two weeks kept, then retention and vacuum; each in the audit log', async () => {
  const backupDir = mkdtempSync(join(tmpdir(), 'relais-nightly-'))
  // Sixteen older nights already there.
  for (let day = 1; day <= 16; day++) {
    const stamp = `2026-11-${String(day).padStart(2, '0')}T01-30-00-000Z`
    writeFileSync(join(backupDir, `relais-ledger-${stamp}.jsonl.gz`), 'old')
    writeFileSync(join(backupDir, `relais-ledger-${stamp}.manifest.json`), '{}')
  }
  const before = Date.now() / 1000
  const result = await nightlyMaintenance(db, {
    archiveDir: mkdtempSync(join(tmpdir(), 'relais-nightly-archive-')),
    backupDir,
    policies: [{ source: 'kobo', days: 180 }],
    actor: 'scheduler',
  })
  expect(result.backup?.tables.some((x) => x.name === 'records')).toBe(true)
  const files = readdirSync(backupDir).sort()
  const backups = files.filter((f) => f.endsWith('.jsonl.gz'))
  expect(backups).toHaveLength(BACKUPS_KEPT)
  expect(backups[0]).toBe('relais-ledger-2026-11-04T01-30-00-000Z.jsonl.gz')
  expect(backups).toContain(result.backup!.file)
  expect(files.filter((f) => f.endsWith('.manifest.json'))).toHaveLength(BACKUPS_KEPT)
  expect(await lastBackupAt(db)).toBeGreaterThanOrEqual(Math.floor(before))
  const actions = await db.query<{ action: string }>('SELECT action FROM audit_log ORDER BY seq')
  expect(actions.map((a) => a.action)).toEqual(['ledger.backup', 'ledger.maintenance'])
})
