/**
 * docker/backup/dhis-backup.sh, the compose stack's nightly backup of DHIS2 (issue 17 §1), run for real with
 * BACKUP_NOW=1 against a PostgreSQL database standing for DHIS2's: the dump (custom format, analytics tables left
 * out), the files' archive, their SHA-256 list, the health mark; a failing run leaves no partial file and exits 1.
 *
 * Needs PostgreSQL at RELAIS_TEST_PG_URL and its client tools (pg_dump, pg_restore), as the postgres image has.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDatabase, type ThrowawayDatabase } from '../faults/support'

const SCRIPT = join(__dirname, '..', '..', 'docker', 'backup', 'dhis-backup.sh')
let db: ThrowawayDatabase

beforeAll(async () => {
  db = await createDatabase('relais_dhis2_backup')
  await db.query('CREATE TABLE datavalue (dataelementid bigint, value text)')
  await db.query(`INSERT INTO datavalue VALUES (1, '12'), (2, '7')`)
  await db.query('CREATE TABLE analytics_2026 (x int)')
})
afterAll(() => db?.drop())

function run(env: Record<string, string>) {
  const url = new URL(db.url)
  return spawnSync('sh', [SCRIPT], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '',
      PGHOST: url.hostname,
      PGPORT: url.port || '5432',
      PGUSER: decodeURIComponent(url.username) || 'postgres',
      PGDATABASE: url.pathname.slice(1),
      BACKUP_NOW: '1',
      ...env,
    },
  })
}

test('one run: the dump without analytics, the files, their checksums, the health mark', () => {
  const dir = mkdtempSync(join(tmpdir(), 'relais-dhis2-backups-'))
  const files = mkdtempSync(join(tmpdir(), 'relais-dhis2-home-'))
  mkdirSync(join(files, 'apps'))
  writeFileSync(join(files, 'apps', 'relais.zip'), 'zip')
  const result = run({ BACKUP_DIR: dir, FILES_DIR: files })
  expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' })
  expect(result.stdout).toMatch(/^dhis2-backup: \d{4}-\d{2}-\d{2} ok$/m)
  const names = readdirSync(dir).sort()
  const day = /dhis2-(\d{4}-\d{2}-\d{2})\.dump/.exec(names.join(' '))![1]
  expect(names).toEqual(['.last-ok', `dhis2-${day}.dump`, `dhis2-${day}.sha256`, `dhis2-home-${day}.tgz`])
  expect(spawnSync('sha256sum', ['-c', `dhis2-${day}.sha256`], { cwd: dir }).status).toBe(0)
  const listing = spawnSync('pg_restore', ['--list', join(dir, `dhis2-${day}.dump`)], { encoding: 'utf8' }).stdout
  expect(listing).toMatch(/TABLE DATA public datavalue/)
  expect(listing).not.toMatch(/analytics_2026/)
  expect(spawnSync('tar', ['tzf', join(dir, `dhis2-home-${day}.tgz`)], { encoding: 'utf8' }).stdout).toContain(
    './apps/relais.zip',
  )
})

test('a failing run (DHIS2 unreachable) exits 1 and leaves no partial file nor health mark', () => {
  const dir = mkdtempSync(join(tmpdir(), 'relais-dhis2-backups-'))
  const result = run({ BACKUP_DIR: dir, FILES_DIR: tmpdir(), PGDATABASE: 'no_such_database_here' })
  expect(result.status).toBe(1)
  expect(result.stderr).toMatch(/dhis2-backup: \d{4}-\d{2}-\d{2} FAILED/)
  expect(readdirSync(dir)).toEqual([])
  expect(existsSync(join(dir, '.last-ok'))).toBe(false)
})
