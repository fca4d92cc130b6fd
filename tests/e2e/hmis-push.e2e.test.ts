/**
 * The national HMIS push end to end (issue 19 §2, Done when): two DHIS2 stand-ins as HTTP servers — the
 * programme's (small seed, September and October reported, analytics generated) and a second one seeded as the
 * national HMIS (its own codes; one zone it does not hold yet) — a throwaway PostgreSQL ledger, and the real
 * `relais hmis` commands as an operator types them. A dry run writes nothing there; the push sends the zone
 * totals code to code and its report shows matches, the values DHIS2 refused with its message, and the
 * programme's cells the national HMIS has no element for; after someone at the national instance edits one
 * value, the check names that edit with both values.
 *
 * Needs PostgreSQL at RELAIS_TEST_PG_URL (Redis is not used by these commands).
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createStandin, NATIONAL_MISSING_ZONE, runAnalyticsTables, type Standin } from '@relais/dhis2-standin'
import { createDatabase, PSEUDONYM_KEY, ROOT, ROUTE_SECRET, type ThrowawayDatabase } from '../faults/support'
import type { z } from 'zod'
import type { HmisPushSchema, HmisReportLineSchema } from '../../bridge-service/src/api/contract-hmis'
import { runRelais } from '../support/relais-cli'

jest.setTimeout(180_000)

const DIR = mkdtempSync(join(tmpdir(), 'relais-hmis-'))
const NOW = '2026-11-20T10:00:00Z'
const ADMIN = `Basic ${Buffer.from('admin:district').toString('base64')}`
let programme: Standin
let national: Standin
let db: ThrowawayDatabase

/** What `relais hmis … --json` prints: the API's push (contract-hmis.ts) with its report's lines. */
type Report = z.output<typeof HmisPushSchema> & { lines: z.output<typeof HmisReportLineSchema>[] }

const relais = (args: string[]) =>
  runRelais(args, {
    DHIS2_URL: programme.url,
    DHIS2_USERNAME: 'admin',
    DHIS2_PASSWORD: 'district',
    HMIS_USERNAME: 'admin',
    HMIS_PASSWORD: 'district',
    REDIS_URL: 'redis://127.0.0.1:6379/8',
    DATABASE_URL: db.url,
    RELAIS_DATA_DIR: DIR,
    RELAIS_CONFIG: join(DIR, 'relais.config.yaml'),
    RELAIS_ROUTE_SECRET: ROUTE_SECRET,
    RELAIS_PSEUDONYM_KEY: PSEUDONYM_KEY,
    LOG_LEVEL: 'warn',
  })

const nationalValues = () => national.ctx.state.dataValues.size

beforeAll(async () => {
  programme = createStandin({ seed: 'small', now: NOW, months: 2 })
  national = createStandin({ seed: 'national', now: NOW })
  await Promise.all([programme.listen(0, '127.0.0.1'), national.listen(0, '127.0.0.1')])
  await runAnalyticsTables(programme.ctx, {})
  writeFileSync(
    join(DIR, 'relais.config.yaml'),
    `sources: []\nhmis:\n  url: ${national.url}\n  usernameEnv: HMIS_USERNAME\n  passwordEnv: HMIS_PASSWORD\n` +
      `  mapping: ${join(ROOT, 'mappings', 'specs', 'hmis', 'national-hmis.yaml')}\n  level: 3\n`,
  )
  db = await createDatabase('relais_hmis')
})

afterAll(async () => {
  await db?.drop()
  await Promise.all([programme?.close(), national?.close()])
})

test('a dry run says what would be created and refused, and the national instance holds nothing after it', async () => {
  const run = await relais(['hmis', 'push', '--period', '2026-10', '--dry-run', '--json'])
  expect(run.status).toBe(0)
  const report = JSON.parse(run.stdout) as Report
  expect(report).toMatchObject({ mode: 'dry-run', status: 'done' })
  expect(report.counts['missing-at-national']).toBeGreaterThan(100)
  expect(report.lines.find((l) => l.status === 'refused')?.reason?.en).toMatch(/would refuse/)
  expect(nationalValues()).toBe(0)
})

test('the push sends the zone totals, reads them back, and its report gives every difference a reason', async () => {
  const run = await relais(['hmis', 'push', '--period', '2026-10', '--json'])
  expect(run.status).toBe(0)
  const report = JSON.parse(run.stdout) as Report
  expect(report).toMatchObject({ mode: 'push', status: 'done' })
  expect(nationalValues()).toBe(report.counts.match)
  expect(report.counts.match).toBeGreaterThan(100)
  expect(report.counts['missing-at-national']).toBe(0)

  const refused = report.lines.filter((l) => l.status === 'refused')
  expect(refused.length).toBeGreaterThan(0)
  for (const l of refused) {
    expect(l.nationalOrgUnit).toBe(NATIONAL_MISSING_ZONE)
    expect(l.conflict).toMatch(/Organisation unit not found or not accessible/)
  }
  const unmapped = report.lines.filter((l) => l.status === 'unmapped')
  expect(new Set(unmapped.map((l) => l.dataElement))).toContain('RC_CAUSERIES.default')
  expect(unmapped.every((l) => l.reason?.en.startsWith('not sent'))).toBe(true)

  // Kept in the ledger with its report.
  const rows = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM hmis_report_lines WHERE push_id = $1`, [
    report.id,
  ])
  expect(rows[0]!.n).toBe(report.lines.length)
})

test('after someone edits a value at the national instance, the check names the edit with both values', async () => {
  const pushed = JSON.parse((await relais(['hmis', 'report', '--period', '2026-10', '--json'])).stdout) as Report
  const sent = pushed.lines.find(
    (l) => l.status === 'match' && l.nationalOrgUnit === 'SNIGS-ZS-AQ01' && l.dataElement === 'RC_VAD.default',
  )!
  const edited = String(Number(sent.programmeValue) + 5)
  const res = await fetch(`${national.url}/api/dataValueSets?idScheme=CODE`, {
    method: 'POST',
    headers: { Authorization: ADMIN, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      dataValues: [
        {
          dataElement: 'SNIGS_SC_VAD',
          period: '202610',
          orgUnit: 'SNIGS-ZS-AQ01',
          categoryOptionCombo: 'default',
          value: edited,
        },
      ],
    }),
  })
  expect(res.status).toBe(200)

  const check = await relais(['hmis', 'check', '--period', '2026-10'])
  expect(check.status).toBe(0)
  const row = check.stdout.split('\n').find((line) => line.includes('ZS-AQ-01') && line.includes('RC_VAD.default'))
  expect(row).toMatch(/différente/)
  expect(row).toContain(edited)
  expect(row).toMatch(/modifiée dans l’instance nationale depuis l’envoi/)

  const stored = JSON.parse((await relais(['hmis', 'report', '--period', '2026-10', '--json'])).stdout) as Report
  expect(stored.mode).toBe('check')
  expect(stored.counts.different).toBe(1)
})

test('validate compiles the national spec against the national metadata: the zone it lacks, at its line', async () => {
  const run = await relais(['hmis', 'validate', '--locale', 'en'])
  expect(run.status).toBe(1)
  expect(run.stdout).toMatch(
    /✗ national-hmis:\d+:\d+ orgUnit.aliases.ZS-MO-04: the alias `ZS-MO-04` points to `SNIGS-ZS-MO04`, which no org unit has/,
  )
  expect(run.stdout.match(/✗/g)).toHaveLength(1)
})

test('a wrong period is one clear line, exit 2', async () => {
  const run = await relais(['hmis', 'push', '--period', 'octobre'])
  expect(run.status).toBe(2)
  expect(run.stdout).toMatch(/is not a month: write YYYY-MM/)
})
