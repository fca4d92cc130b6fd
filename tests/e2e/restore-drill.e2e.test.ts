/**
 * The restore drill (issue 17 §1, Done when), as an operator runs it, with the CLI's own commands:
 * 1. a bridge pulls 20 reports from KoboToolbox into its PostgreSQL ledger and pushes them to DHIS2;
 * 2. `relais backup`; then 10 more reports arrive and are pulled (after the backup: what a disaster would lose);
 * 3. the ledger's database is destroyed (DROP DATABASE);
 * 4. `relais restore` into a new, empty database: every table checked against the manifest;
 * 5. `relais run` pulls again from Kobo's cursor as it was at the backup: the 10 later reports come back.
 * Then the ledger holds exactly the records it held before the disaster, and DHIS2's values are unchanged (the
 * replay wrote nothing twice). It prints the recovery point (what the backup missed, and how much of it came back)
 * and the recovery time it achieved (restore + replay).
 *
 * Needs Redis on 127.0.0.1:6379 (db 7, flushed) and PostgreSQL at RELAIS_TEST_PG_URL.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { createStandin, DEMO_BRIDGE_TOKEN, type Standin } from '@relais/dhis2-standin'
import { createKoboStandin, rcSubmission, seededRandom, type KoboStandin } from '@relais/kobo-standin'
import { createDatabase, PSEUDONYM_KEY, rcCodes, ROOT, ROUTE_SECRET, type ThrowawayDatabase } from '../faults/support'
import { runRelais } from '../support/relais-cli'

jest.setTimeout(300_000)

const REDIS_URL = 'redis://127.0.0.1:6379/7'
const KOBO_TOKEN = 'kobo-token-restore-drill-0123456789abcdef'
const ASSET = 'aRapportRcDrill1'
const SOURCE = 'kobo-rapport-rc'
const DIR = mkdtempSync(join(tmpdir(), 'relais-drill-'))

let dhis2: Standin
let kobo: KoboStandin
let koboUrl: string
let before: ThrowawayDatabase
let after: ThrowawayDatabase | undefined
let koboNow = new Date('2026-10-02T08:00:00Z')

const relais = (args: string[], databaseUrl: string) =>
  runRelais(args, {
    DHIS2_URL: dhis2.url,
    DHIS2_TOKEN: DEMO_BRIDGE_TOKEN,
    REDIS_URL,
    DATABASE_URL: databaseUrl,
    RELAIS_CONFIG: join(DIR, 'relais.config.yaml'),
    RELAIS_ROUTE_SECRET: ROUTE_SECRET,
    RELAIS_PSEUDONYM_KEY: PSEUDONYM_KEY,
    KOBO_TOKEN,
    LOG_LEVEL: 'warn',
  })

const pull = async (url: string) => {
  const run = await relais(['run', SOURCE, '--with-workers'], url)
  expect({ status: run.status, out: run.stdout.slice(-2000) }).toMatchObject({ status: 0 })
  return run
}
const sourceKeys = async (db: ThrowawayDatabase) =>
  (await db.query<{ k: string }>('SELECT source_key AS k FROM records ORDER BY source_key')).map((r) => r.k)
/** September's values as DHIS2 holds them, with their last update: a value written twice would show. */
const dhis2Values = () => {
  const values: string[] = []
  dhis2.ctx.state.dataValues.forEachEntry((orgUnit, period, key, value, deleted, lastUpdated) => {
    if (period === '202609') values.push([orgUnit, key, value, deleted, lastUpdated].join('|'))
  })
  return values.sort()
}

function submit(codes: readonly string[], random: () => number): void {
  for (const rcCode of codes) {
    koboNow = new Date(koboNow.getTime() + 60_000)
    kobo.add(ASSET, rcSubmission(random, { rcCode, mois: '2026-09' }))
  }
}

beforeAll(async () => {
  dhis2 = createStandin({ seed: 'small', now: '2026-10-10T09:00:00Z', months: 0 })
  await dhis2.listen()
  kobo = createKoboStandin({ token: KOBO_TOKEN, assets: [{ uid: ASSET, name: 'Rapport RC' }], now: () => koboNow })
  koboUrl = await kobo.listen(0)
  writeFileSync(
    join(DIR, 'relais.config.yaml'),
    `sources:\n  - name: ${SOURCE}\n    kind: kobo\n    url: ${koboUrl}\n    asset: ${ASSET}\n    tokenEnv: KOBO_TOKEN\n` +
      `    mapping: ${join(ROOT, 'mappings', 'specs', 'kobo-rapport-rc.yaml')}\n    allowLateData: true\n`,
  )
  before = await createDatabase('relais_drill')
  const redis = new Redis(REDIS_URL)
  await redis.flushdb()
  redis.disconnect()
})

afterAll(async () => {
  await before?.drop().catch(() => undefined)
  await after?.drop()
  await kobo?.close()
  await dhis2?.close()
})

test('back up, destroy, restore, replay from the source: nothing lost, nothing written twice', async () => {
  const codes = rcCodes(dhis2).slice(0, 30)
  const random = seededRandom(17)
  submit(codes.slice(0, 20), random)
  await pull(before.url)
  expect(await sourceKeys(before)).toHaveLength(20)

  const backup = await relais(['backup', '--out', join(DIR, 'backups'), '--json'], before.url)
  expect(backup.status).toBe(0)
  const manifest = JSON.parse(backup.stdout.trim().split('\n').pop()!) as {
    dir: string
    file: string
    bytes: number
    createdAt: string
    tables: Array<{ name: string; rows: number }>
  }
  expect(manifest.tables.find((t) => t.name === 'records')!.rows).toBe(20)
  const backupFile = join(manifest.dir, manifest.file)
  expect((await relais(['backup', 'verify', backupFile], before.url)).stdout).toContain('Sauvegarde intacte')

  // After the backup: 10 more reports, pulled and pushed. Then the disaster.
  submit(codes.slice(20), random)
  await pull(before.url)
  const keysBefore = await sourceKeys(before)
  expect(keysBefore).toHaveLength(30)
  const valuesBefore = dhis2Values()
  const lostAt = Date.now()
  await before.drop()

  after = await createDatabase('relais_drill_restored')
  const restore = await relais(['restore', backupFile], after.url)
  expect({ status: restore.status, out: restore.stdout }).toMatchObject({ status: 0 })
  expect(restore.stdout).toContain('Restauré et vérifié')
  expect(await sourceKeys(after)).toHaveLength(20)
  // A second restore into the same (no longer empty) ledger is refused.
  const again = await relais(['restore', backupFile], after.url)
  expect(again.status).toBe(1)
  expect(again.stdout).toContain('contient déjà')

  const replay = await pull(after.url)
  expect(await sourceKeys(after)).toEqual(keysBefore)
  expect(dhis2Values()).toEqual(valuesBefore)
  const recoveredAt = Date.now()

  const missed = keysBefore.length - manifest.tables.find((t) => t.name === 'records')!.rows
  process.stdout.write(
    `\nRestore drill: backup of ${manifest.tables.find((t) => t.name === 'records')!.rows} records ` +
      `(${manifest.tables.length} tables, ${(manifest.bytes / 1024).toFixed(0)} KiB) in ${(backup.ms / 1000).toFixed(1)} s; ` +
      `${missed} records arrived after it; ledger destroyed.\n` +
      `  RPO: ${missed} records newer than the backup, ${missed} recovered from Kobo's cursor — 0 lost (a pulled source; ` +
      `webhook deliveries after the last backup would have to be sent again).\n` +
      `  RTO: ${((recoveredAt - lostAt) / 1000).toFixed(1)} s — restore and check ${(restore.ms / 1000).toFixed(1)} s, ` +
      `replay ${(replay.ms / 1000).toFixed(1)} s; DHIS2's values unchanged.\n`,
  )
})
