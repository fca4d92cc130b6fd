/**
 * `relais run | status | records | quarantine`, as the real command in child processes, against the DHIS2
 * stand-in (in this process, over HTTP), Redis (a database index of its own, flushed before and after) and
 * an embedded PGlite ledger in a temp folder.
 *
 * PGlite allows one process per data directory, so `relais serve` cannot run beside the CLI on it: the runs
 * here use `relais run --with-workers` (the workers in the CLI process — the single-process mode the flag
 * exists for). The "no worker" path is the same command without the flag. The commands run one after the
 * other on one ledger, in order: each test builds on the state the previous ones left.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import Redis from 'ioredis'
import { createStandin, type Standin, DEMO_BRIDGE_TOKEN } from '@relais/dhis2-standin'
import { spawnBridge } from '../../../tests/support/bridge-process'

const ROOT = join(__dirname, '..', '..', '..')
const BIN = join(ROOT, 'bridge-service', 'bin', 'relais.js')
const MAPPINGS = join(ROOT, 'mappings')
const REDIS_URL = `${(process.env.RELAIS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379').replace(/\/\d*$/, '')}/12`

interface Result {
  status: number
  stdout: string
  stderr: string
}

let standin: Standin
let dir: string
let env: Record<string, string>

/** Runs `relais …` asynchronously: the stand-in answers from this process's event loop meanwhile. */
function relais(...args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env, cwd: ROOT, encoding: 'utf8' }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0
      resolve({ status, stdout, stderr })
    })
  })
}

async function flushRedis(): Promise<void> {
  const redis = new Redis(REDIS_URL)
  try {
    await redis.flushdb()
  } finally {
    redis.disconnect()
  }
}

/** DHIS2's values of RC_MENSUEL for a period, by `orgUnitCode|dataElementCode|cocCode`. */
async function dhis2Values(period: string): Promise<Map<string, string>> {
  const query = new URLSearchParams({
    dataSet: 'RC_MENSUEL',
    period,
    orgUnit: 'BJ',
    children: 'true',
    idScheme: 'code',
    inputIdScheme: 'code',
  })
  const res = await fetch(`${standin.url}/api/dataValueSets?${query}`, {
    headers: { Authorization: `ApiToken ${DEMO_BRIDGE_TOKEN}`, Accept: 'application/json' },
  })
  const body = (await res.json()) as {
    dataValues?: { dataElement: string; orgUnit: string; categoryOptionCombo: string; value: string }[]
  }
  return new Map(
    (body.dataValues ?? []).map((v) => [`${v.orgUnit}|${v.dataElement}|${v.categoryOptionCombo}`, v.value]),
  )
}

jest.setTimeout(60_000)

beforeAll(async () => {
  await flushRedis()
  standin = createStandin({ seed: 'small', now: '2026-10-03T09:00:00Z', months: 0 })
  await standin.listen()
  dir = mkdtempSync(join(tmpdir(), 'relais-cli-'))
  writeFileSync(
    join(dir, 'relais.config.yaml'),
    `sources:\n  - name: csv-partenaires\n    kind: csv\n    mapping: ${join(MAPPINGS, 'specs', 'csv-partenaires.yaml')}\n`,
  )
  env = {
    PATH: process.env.PATH ?? '',
    DHIS2_URL: standin.url,
    DHIS2_TOKEN: DEMO_BRIDGE_TOKEN,
    REDIS_URL,
    RELAIS_DATA_DIR: join(dir, 'ledger'),
    RELAIS_CONFIG: join(dir, 'relais.config.yaml'),
    RELAIS_ROUTE_SECRET: 'route-secret-for-tests-0123456789abcdef',
    RELAIS_PSEUDONYM_KEY: 'pseudonym-key-for-tests-0123456789abcdef',
  }
}, 30_000)

afterAll(async () => {
  await standin?.close()
  await flushRedis()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const user = `cli:${userInfo().username}`
let quarantinedId = ''

test('run --file with the clean CSV: 4 imported, the values in DHIS2, exit 0 (in French by default)', async () => {
  const r = await relais('run', 'csv-partenaires', '--file', 'mappings/samples/partenaires.clean.csv', '--with-workers')
  expect(r.stderr).toBe('')
  expect(r.status).toBe(0)
  expect(r.stdout).toMatch(/^Run [0-9a-f-]{36} : 4 lignes de partenaires\.clean\.csv dans le registre \(import\)\./)
  expect(r.stdout).toMatch(/^statut\s+enregistrements$/m)
  expect(r.stdout).toMatch(/^imported\s+4$/m)
  expect(r.stdout).toMatch(/^total\s+4$/m)
  expect(r.stdout).toMatch(
    /^Terminé : 4 importés, 0 inchangés, 0 en quarantaine, 0 en échec, 0 écartés en (\d+ ms|\d+,\d s)\.$/m,
  )
  const expected = JSON.parse(readFileSync(join(MAPPINGS, 'samples', 'partenaires.clean.expected.json'), 'utf8')) as {
    orgUnit: string
    dataValues: { dataElement: string; categoryOptionCombo: string; value: string }[]
  }[]
  const values = await dhis2Values('202609')
  let checked = 0
  for (const row of expected)
    for (const v of row.dataValues) {
      if (v.value === '0') continue
      expect(values.get(`${row.orgUnit}|${v.dataElement}|${v.categoryOptionCombo}`)).toBe(v.value)
      checked++
    }
  expect(checked).toBeGreaterThan(100)
})

test('run --file with the messy CSV: rows quarantined with their reasons in the table, exit 1 (--locale en)', async () => {
  const r = await relais(
    'run',
    'csv-partenaires',
    '--file',
    'mappings/samples/partenaires.messy.csv',
    '--with-workers',
    '--locale',
    'en',
  )
  expect(r.status).toBe(1)
  const quarantined = Number(/^quarantined\s+(\d+)$/m.exec(r.stdout)?.[1])
  expect(quarantined).toBeGreaterThan(5)
  expect(r.stdout).toMatch(/^quarantine reason\s+records$/m)
  expect(r.stdout).toMatch(/^invalid\s+\d+$/m)
  expect(r.stdout).toContain('Records that need a person')
  expect(r.stdout).toContain('E7619') // DHIS2's code for a decimal in a whole-number count
  expect(r.stdout).toMatch(/^Done with problems: \d+ imported, /m)
})

test('records --status quarantined lists them, in French by default; --json parses with the pager', async () => {
  const r = await relais('records', '--status', 'quarantined')
  expect(r.status).toBe(0)
  expect(r.stdout).toMatch(/^id\s+source\s+clé source\s+statut\s+motif\s+période\s+code RC/)
  expect(r.stdout).toMatch(/csv-partenaires .* quarantined +invalid/)
  expect(r.stdout).toMatch(/^Enregistrements 1–\d+ sur \d+ \(page 1 sur 1\)\.$/m)
  const en = await relais('records', '--status', 'quarantined', '--locale', 'en')
  expect(en.stdout).toMatch(/^id\s+source\s+source key\s+status\s+reason/)
  expect(en.stdout).toMatch(/^Records 1–\d+ of \d+ \(page 1 of 1\)\.$/m)
  const json = await relais('records', '--status', 'quarantined', '--json')
  const list = JSON.parse(json.stdout) as { items: { id: string; status: string }[]; pager: { total: number } }
  expect(list.pager.total).toBeGreaterThan(5)
  expect(list.items.every((i) => i.status === 'quarantined')).toBe(true)
  quarantinedId = list.items[0]!.id
})

test('quarantine lists by reason; discard <id> --reason works; records <id> shows the history', async () => {
  const list = await relais('quarantine', '--reason', 'invalid', '--json')
  const parsed = JSON.parse(list.stdout) as { items: { id: string; reason: string; problem: string }[] }
  expect(parsed.items.length).toBeGreaterThan(0)
  expect(parsed.items.every((i) => i.reason === 'invalid' && i.problem !== '')).toBe(true)

  const d = await relais('quarantine', 'discard', quarantinedId, '--reason', 'row sent again by the partner')
  expect(d.stderr).toBe('')
  expect(d.status).toBe(0)
  expect(d.stdout).toBe(`Enregistrement ${quarantinedId} écarté par ${user} : row sent again by the partner\n`)

  const again = await relais('quarantine', 'discard', quarantinedId, '--reason', 'twice')
  expect(again.status).toBe(1)
  expect(again.stderr).toContain('only a quarantined record can be discarded')

  const show = await relais('records', quarantinedId)
  expect(show.status).toBe(0)
  expect(show.stdout).toMatch(/^statut\s+discarded \(row sent again by the partner\)$/m)
  expect(show.stdout).toMatch(/Historique \(3 événements, du plus ancien au plus récent\) :/)
  expect(show.stdout).toMatch(/^le\s+de\s+vers\s+par\s+motif\s+détail$/m)
  const shown = await relais('records', quarantinedId, '--locale', 'en')
  expect(shown.stdout).toMatch(/^status\s+discarded \(row sent again by the partner\)$/m)
  expect(shown.stdout).toMatch(/History \(3 events, oldest first\)/)
  expect(show.stdout).toMatch(/—\s+received/)
  expect(show.stdout).toMatch(/received\s+quarantined\s+pipeline:map\s+invalid/)
  expect(show.stdout).toMatch(new RegExp(`quarantined\\s+discarded\\s+${user}\\s+row sent again`))
})

test('quarantine release: still invalid stays (exit 1); with a corrected payload it is queued (exit 0)', async () => {
  const list = JSON.parse(
    (await relais('records', '--status', 'quarantined', '--key', 'RC-OU-00004|2026-09', '--json')).stdout,
  ) as {
    items: { id: string }[]
  }
  const id = list.items[0]!.id
  const still = await relais('quarantine', 'release', id)
  expect(still.status).toBe(1)
  expect(still.stdout).toMatch(
    new RegExp(`^Enregistrement ${id} toujours invalide : il reste en quarantaine \\(1 problème\\) :`),
  )
  expect(still.stdout).toContain('E7619 vad → RC_VAD (value "-3")')
  const { record } = JSON.parse((await relais('records', id, '--json')).stdout) as {
    record: { raw: Record<string, unknown> }
  }
  const corrected = join(dir, 'corrected.json')
  writeFileSync(corrected, JSON.stringify({ ...record.raw, vad: '3' }))
  const released = await relais('quarantine', 'release', id, '--corrected', corrected, '--json')
  expect(released.status).toBe(0)
  expect(JSON.parse(released.stdout)).toEqual({ id, status: 'mapped', actor: user })
})

test('status shows the source with its last run, in French by default; --json parses', async () => {
  const r = await relais('status')
  expect(r.stderr).toBe('')
  expect(r.status).toBe(0)
  expect(r.stdout).toMatch(/^État de Relais — /)
  expect(r.stdout).toMatch(/^DHIS2\s+http:\/\/127\.0\.0\.1:\d+ — joignable \(ping \d+ ms\)$/m)
  expect(r.stdout).toMatch(/^enregistrements\s+\d+ — .*importés \d+.*en quarantaine \d+/m)
  expect(r.stdout).toMatch(/^file\s+en attente\s+en cours\s+différées\s+en échec\s+workers$/m)
  expect(r.stdout).toMatch(/^map\s+0\s+0\s+0\s+0\s+0$/m)
  expect(r.stdout).toMatch(/^source\s+type\s+dernier run\s+mode\s+statut\s/m)
  expect(r.stdout).toMatch(/^csv-partenaires\s+csv\s+[0-9a-f-]{36}\s+import\s+completed\s/m)
  const en = await relais('status', '--locale', 'en')
  expect(en.stdout).toMatch(/^Relais status — /)
  expect(en.stdout).toMatch(/^DHIS2\s+http:\/\/127\.0\.0\.1:\d+ — reachable \(ping \d+ ms\)$/m)
  expect(en.stdout).toMatch(/^records\s+\d+ — .*imported \d+.*quarantined \d+/m)
  expect(en.stdout).toMatch(/^source\s+kind\s+last run\s+mode\s+status\s/m)
  const json = JSON.parse((await relais('status', '--json')).stdout) as {
    dhis2: { reachable: boolean }
    sources: { name: string; quarantined: number; lastRun: { status: string; counts: { total: number } } }[]
  }
  expect(json.dhis2.reachable).toBe(true)
  expect(json.sources[0]).toMatchObject({ name: 'csv-partenaires', lastRun: { status: 'completed' } })
  expect(json.sources[0]!.lastRun.counts.total).toBeGreaterThan(20)
  expect(json.sources[0]!.quarantined).toBeGreaterThan(4)
})

test('status with DHIS2 and Redis away says so, names their runbooks and exits 1', async () => {
  const saved = env
  // Port 9 (discard) is closed here: both connections are refused at once.
  env = { ...env, DHIS2_URL: 'http://127.0.0.1:9', REDIS_URL: 'redis://127.0.0.1:9/0' }
  try {
    const r = await relais('status')
    expect(r.status).toBe(1)
    expect(r.stdout).toMatch(
      /^DHIS2\s+http:\/\/127\.0\.0\.1:9 — INJOIGNABLE: .+ — voir docs\/runbooks\/dhis2-down\.md$/m,
    )
    expect(r.stdout).toMatch(
      /^Redis\s+redis:\/\/127\.0\.0\.1:9\/0 — INJOIGNABLE: .+ — voir docs\/runbooks\/redis-lost\.md$/m,
    )
    const en = await relais('status', '--locale', 'en')
    expect(en.stdout).toMatch(/— UNREACHABLE: .+ — see docs\/runbooks\/dhis2-down\.md$/m)
    const json = JSON.parse((await relais('status', '--json')).stdout) as {
      dhis2: { reachable: boolean; runbook?: string }
      redis: { reachable: boolean; runbook?: string }
    }
    expect(json.dhis2).toMatchObject({ reachable: false, runbook: 'docs/runbooks/dhis2-down.md' })
    expect(json.redis).toMatchObject({ reachable: false, runbook: 'docs/runbooks/redis-lost.md' })
    for (const runbook of [json.dhis2.runbook, json.redis.runbook]) expect(existsSync(join(ROOT, runbook!))).toBe(true)
  } finally {
    env = saved
  }
})

test('backup of the embedded ledger with its manifest, verified; retention says nothing is due yet', async () => {
  const backup = await relais('backup', '--out', join(dir, 'backups'), '--json')
  expect(backup.stderr).toBe('')
  const manifest = JSON.parse(backup.stdout) as {
    dir: string
    file: string
    ledger: string
    tables: { name: string; rows: number }[]
  }
  expect(manifest.ledger).toBe('pglite')
  expect(manifest.tables.find((t) => t.name === 'records')!.rows).toBeGreaterThan(20)
  const verify = await relais('backup', 'verify', join(manifest.dir, manifest.file))
  expect(verify.stdout).toMatch(/^Sauvegarde intacte : relais-ledger-.*\.jsonl\.gz/)
  const retention = await relais('retention', 'run', '--dry-run')
  expect(retention.stdout).toBe('csv-partenaires : 0 charge(s) utile(s) à archiver (gardées 180 jours)\n')
  const inEnglish = await relais('retention', 'run', '--dry-run', '--locale', 'en')
  expect(inEnglish.stdout).toBe('csv-partenaires: 0 payload(s) would be archived (kept 180 days)\n')
})

test.each([
  [['run'], 'relais run: missing argument — usage: relais run <source>'],
  [['run', 'nope', '--file', '/no/such.csv'], 'relais run: --file /no/such.csv: no such file'],
  [['run', 'csv-partenaires', '--worker-timeout', 'soon'], '--worker-timeout must be a number of seconds'],
  [['records', '--page', '0'], 'relais records: --page must be a whole number ≥ 1 (got "0")'],
  [['records', '--status', 'lost'], 'relais records: --status: unknown status "lost"'],
  [['records', '--colour'], "relais records: Unknown option '--colour'"],
  [['quarantine', 'discard', 'abc'], 'relais quarantine: discard needs --reason "why"'],
  [['quarantine', '--reason', 'bored'], '--reason must be one of invalid, conflict, duplicate, late'],
  [['status', 'now'], 'relais status: unexpected argument "now"'],
  [['records', '--locale', 'de'], 'relais records: --locale must be fr or en (got "de")'],
])('bad usage %j → exit 2 and one clear line', async (args, message) => {
  const r = await relais(...args)
  expect(r.status).toBe(2)
  expect(r.stderr.trim().split('\n')).toHaveLength(1)
  expect(r.stderr).toContain(message)
})

test('an unknown source is bad usage naming the configured ones', async () => {
  const r = await relais('run', 'kobo-x', '--with-workers')
  expect(r.status).toBe(2)
  expect(r.stderr.trim()).toBe('relais run: unknown source "kobo-x": relais.config.yaml has csv-partenaires')
})

test('a missing variable is one line naming it, exit 2', async () => {
  const { DHIS2_URL: _omitted, ...rest } = env
  const saved = env
  env = rest
  try {
    const r = await relais('status')
    expect(r.status).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toContain('DHIS2_URL')
  } finally {
    env = saved
  }
})

// Last: it leaves records in flight in the ledger and jobs in Redis.
test('without --with-workers and no worker running: says so after --worker-timeout, exit 1', async () => {
  const r = await relais(
    'run',
    'csv-partenaires',
    '--file',
    'mappings/samples/partenaires.clean.csv',
    '--worker-timeout',
    '1.5',
  )
  expect(r.status).toBe(1)
  expect(r.stderr).toContain(
    "relais run : aucun worker n'a pris les tâches en 1,5 s : `relais serve` tourne-t-il ? 4 enregistrements du run",
  )
  expect(r.stderr).toContain('--with-workers')
  expect(r.stdout).toMatch(/^received\s+4$/m)
})

test('beside a running relais serve on the embedded ledger, status, records and quarantine still work', async () => {
  // PGlite allows one process per data directory: these used to answer « already open in process N ».
  const bridge = await spawnBridge({ env })
  try {
    await bridge.ready
    const status = await relais('status', '--json')
    expect(status.stderr).not.toMatch(/already open/)
    expect(status.status).toBe(0)
    const records = await relais('records', '--json')
    expect(records.stderr).toBe('')
    expect(records.status).toBe(0)
    expect((JSON.parse(records.stdout) as { pager?: { total: number } }).pager?.total).toBeGreaterThan(0)
    const quarantine = await relais('quarantine', '--json')
    expect(quarantine.status).toBe(0)
  } finally {
    await bridge.stop()
  }
})

test('retention run archives old done payloads; retention show reads one back, or says how to restore a lost file', async () => {
  // No clock to move in a child process: the imported records are made 200 days old in the ledger instead (in
  // a child process too: PGlite's files do not open under jest).
  const age = `
    const { openLedger } = require('./bridge-service/src/ledger')
    openLedger({ database: { kind: 'pglite', dataDir: process.argv[1] } }).then(async (db) => {
      const moved = await db.query("UPDATE records SET created_at = now() - interval '200 days' WHERE status = 'imported' RETURNING id")
      await db.close()
      console.log(moved[0].id)
    })`
  const id = await new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      ['--require', require.resolve('tsx/cjs'), '-e', age, join(dir, 'ledger', 'pglite')],
      { cwd: ROOT, encoding: 'utf8' },
      (error, stdout) => (error ? reject(error) : resolve(stdout.trim())),
    ),
  )
  const run = await relais('retention', 'run')
  expect(run.stderr).toBe('')
  expect(run.stdout).toMatch(/^csv-partenaires : [1-9]\d* charge\(s\) utile\(s\) archivée\(s\)/)
  const show = await relais('retention', 'show', id)
  expect(show.status).toBe(0)
  expect(JSON.parse(show.stdout)).toHaveProperty('code_rc')
  // The archive file lost (a disk replaced without its copy): a clear error that says where it comes back from.
  rmSync(join(dir, 'ledger', 'archive'), { recursive: true, force: true })
  const lost = await relais('retention', 'show', id)
  expect(lost.status).toBe(1)
  expect(lost.stdout).toBe('')
  expect(lost.stderr.trim().split('\n')).toHaveLength(1)
  expect(lost.stderr).toMatch(
    /^relais retention : la charge utile de l'enregistrement \S+ a été archivée dans archive\/csv-partenaires\/\d{4}-\d{2}\.jsonl\.gz, mais ce fichier est introuvable ou illisible \(ENOENT.*\) : restaurez archive\/csv-partenaires\/\d{4}-\d{2}\.jsonl\.gz depuis la copie des sauvegardes/,
  )
  const en = await relais('retention', 'show', id, '--locale', 'en')
  expect(en.stderr).toMatch(/but that file is missing or unreadable \(ENOENT.*\): restore archive\/csv-partenaires\//)
})
