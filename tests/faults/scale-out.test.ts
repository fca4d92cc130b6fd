/**
 * SCALE-OUT (issue 18, « several workers, one Redis, one PostgreSQL »), with real processes only:
 *
 * 1. One `relais serve --api-only` and three `relais serve --workers-only` on one PostgreSQL ledger and one Redis
 *    (db 3), DHIS2 being the stand-in (in this process, its test endpoints on). A 3,600-row partner CSV (1,200 RC ×
 *    3 months ≈ 100,000 values) is uploaded through the API; the work spreads over all three workers (each one's
 *    jobs per stage, from the process registry); one worker is killed with SIGKILL while it holds active jobs
 *    (BullMQ reports them stalled afterwards) — right after DHIS2 stored one of its requests, before the answer
 *    reached it. Then every record ends imported, DHIS2 holds exactly the expected values, and the stand-in's count
 *    of values sent per key shows none sent twice: not even those of the request whose answer the victim never got
 *    (before the push stage's "already held" check, the job's retry sent all of them again). `relais status
 *    --json` lists the four processes with their roles, the killed one gone, and the workers' shares (each > 0,
 *    sum 100 %).
 * 2. Three `--workers-only` processes pulling a Kobo form every 2 s: over several ticks, one scheduled run per
 *    tick in the ledger, never two (the tick claims of pipeline/tick-claims.ts, across real processes).
 *
 * The two run one after the other in this file: both use db 3 and BullMQ's default prefix (`relais serve` has no
 * setting for it), so their queues are emptied between them. Needs Redis on 127.0.0.1:6379, PostgreSQL at
 * RELAIS_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres), and `ss` (iproute2), through which
 * the test learns which bridge process sent each request to the stand-in.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { QueueEvents } from 'bullmq'
import { Redis } from 'ioredis'
import { DEMO_BRIDGE_TOKEN, createStandin, type DataValueSetImportEvent, type Standin } from '@relais/dhis2-standin'
import { createKoboStandin, type KoboStandin } from '@relais/kobo-standin'
import { runRelais } from '../support/relais-cli'
import {
  API_KEY,
  buildCsv,
  createDatabase,
  csvSourceConfig,
  expectedValues,
  intakeCommitted,
  PSEUDONYM_KEY,
  rcCodes,
  heldDifferences,
  readBack,
  ROOT,
  ROUTE_SECRET,
  sleep,
  spawnServe,
  statusCounts,
  TERMINAL,
  upload,
  type ServeChild,
  type ThrowawayDatabase,
} from './support'

const REDIS_URL = 'redis://127.0.0.1:6379/3'
const MONTHS = ['2026-07', '2026-08', '2026-09']
/** After a SIGKILL, BullMQ gives the dead worker's jobs back within ≈ 25 s (pipeline/workers.ts). */
const FINISH_BUDGET_MS = 75_000

jest.setTimeout(180_000)

const children: ServeChild[] = []
const databases: ThrowawayDatabase[] = []
let standin: Standin | undefined
let kobo: KoboStandin | undefined
let front: ReturnType<typeof serveKnowingSenders> | undefined

/** Empties what `relais serve` keeps in db 3 (queues, tick claims, registry), and nothing else. */
async function emptyRedis(): Promise<void> {
  const redis = new Redis(REDIS_URL)
  try {
    for (const pattern of ['bull:relais-*', 'relais:*']) {
      let cursor = '0'
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000)
        cursor = next
        if (keys.length > 0) await redis.del(...keys)
      } while (cursor !== '0')
    }
  } finally {
    redis.disconnect()
  }
}

interface RegisteredProcess {
  id: string
  pid: number
  role: string
  jobs: { map: number; push: number; complete: number }
}

/** The process registry as `relais serve` writes it (bridge-service/src/processes/registry.ts). */
async function registered(redis: Redis): Promise<RegisteredProcess[]> {
  const ids = await redis.zrange('relais:processes', '0', '-1')
  if (ids.length === 0) return []
  const raws = await redis.mget(...ids.map((id) => `relais:process:${id}`))
  return raws.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as RegisteredProcess)
}

/** The pid of the process at the other end of a local TCP connection (`ss`, as root or as the same user). */
function peerPid(socket: Socket, serverPort: number): Promise<number | undefined> {
  return new Promise((resolve) =>
    execFile(
      'ss',
      ['-tnpH', `( sport = :${socket.remotePort} and dport = :${serverPort} )`],
      { encoding: 'utf8' },
      (error, stdout) => resolve(error ? undefined : Number(/pid=(\d+)/.exec(stdout)?.[1]) || undefined),
    ),
  )
}

/**
 * The stand-in behind a server of the test's own, which knows which bridge process sent each request: the
 * `onImport` hook (called once a POST /api/dataValueSets has stored its values, before the answer is written)
 * then learns the sender's pid.
 */
function serveKnowingSenders(app: Standin['app']) {
  const pids = new WeakMap<Socket, Promise<number | undefined>>()
  const resolved = new WeakMap<Socket, number | undefined>()
  const inFlight = new Set<IncomingMessage>()
  let port = 0
  const server: Server = createServer((req, res) => {
    inFlight.add(req)
    res.on('close', () => inFlight.delete(req))
    app(req, res)
  })
  server.keepAliveTimeout = 65_000
  server.on('connection', (socket: Socket) => {
    const pid = peerPid(socket, port)
    pids.set(socket, pid)
    void pid.then((p) => resolved.set(socket, p))
  })
  return {
    server,
    async listen(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      port = (server.address() as AddressInfo).port
      return `http://127.0.0.1:${port}`
    },
    /** The pid that sent this import's payload (undefined if `ss` has not answered yet: it takes milliseconds). */
    senderOf(payload: unknown): number | undefined {
      for (const req of inFlight)
        if ((req as IncomingMessage & { body?: unknown }).body === payload) return resolved.get(req.socket)
      return undefined
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

type Payload = DataValueSetImportEvent['payload']
/** A value's key as the stand-in's `/api/testing/writes` counts it (`ou|pe|de|coc|aoc`, payload defaults applied). */
const valueKeyOf = (dv: NonNullable<Payload['dataValues']>[number], payload: Payload) =>
  [
    dv.orgUnit ?? payload.orgUnit,
    dv.period ?? payload.period,
    dv.dataElement,
    dv.categoryOptionCombo ?? '',
    dv.attributeOptionCombo ?? payload.attributeOptionCombo ?? '',
  ].join('|')

afterAll(async () => {
  await Promise.all(children.map((c) => c.kill9()))
  await front?.close()
  await standin?.close()
  await kobo?.close()
  for (const db of databases) await db.drop()
  await emptyRedis()
})

test('1 API + 3 workers: an import spreads over all three, one is killed mid-run, nothing lost or sent twice', async () => {
  await emptyRedis()
  // The kill: once the victim has completed a job (it takes part), at its next request DHIS2 stores — the values
  // are in DHIS2, the answer never reaches the dead process, its ledger never learns of them.
  let victimPid = -1
  let armed = false
  let killedAt = 0
  const lost = new Set<string>()
  const onImport = (event: DataValueSetImportEvent) => {
    if (victimPid < 0 || front?.senderOf(event.payload) !== victimPid) return
    if (armed) {
      process.kill(victimPid, 'SIGKILL')
      killedAt = Date.now()
      armed = false
    }
    // Any request of the victim stored at or after the kill lost its answer.
    if (killedAt > 0) for (const dv of event.payload.dataValues ?? []) lost.add(valueKeyOf(dv, event.payload))
  }
  standin = createStandin({ seed: 'demo', now: '2026-10-03T09:00:00Z', months: 0, testEndpoints: true, onImport })
  // No expiry on RC_MENSUEL, so that three months are open at once: a CSV of thousands of rows, not 1,200.
  const ds = standin.ctx.state.metadata.dataSets.find((d) => d.code === 'RC_MENSUEL')!
  ;(ds as { expiryDays?: number }).expiryDays = 0
  standin.ctx.reindex()
  front = serveKnowingSenders(standin.app)
  const dhis2 = await front.listen()
  standin.url = dhis2
  const db = await createDatabase('relais_scale_out')
  databases.push(db)
  const env = { DHIS2_URL: dhis2, DHIS2_TOKEN: DEMO_BRIDGE_TOKEN, REDIS_URL, DATABASE_URL: db.url }

  const rows = MONTHS.flatMap((month) => rcCodes(standin!).map((rc) => [rc, month] as [string, string]))
  const expected = expectedValues(standin, rows)

  const api = await spawnServe({ args: ['--api-only'], env, config: csvSourceConfig() })
  children.push(api)
  await api.ready
  const workers = await Promise.all(
    [1, 2, 3].map(() => spawnServe({ args: ['--workers-only'], env, config: csvSourceConfig() })),
  )
  children.push(...workers)
  await Promise.all(workers.map((w) => w.ready))

  // Jobs of a dead worker come back as `stalled`: the proof that the killed one held active jobs.
  const connection = { host: '127.0.0.1', port: 6379, db: 3 }
  const events = ['relais-map', 'relais-push'].map((name) => new QueueEvents(name, { connection }))
  let stalled = 0
  for (const e of events) e.on('stalled', () => void (stalled += 1))
  await Promise.all(events.map((e) => e.waitUntilReady()))
  const redis = new Redis(REDIS_URL)

  try {
    const started = Date.now()
    const run = await upload(api.url, buildCsv(rows))
    expect(run.rows ?? (await intakeCommitted(db, run.id))).toBe(rows.length)

    // Arm the kill once the victim has completed a job (its share is then > 0); the hook above fires it.
    const victim = workers[0]!
    victimPid = victim.pid
    let killMoment = ''
    for (;;) {
      const processes = await registered(redis)
      const p = processes.find((e) => e.pid === victim.pid)
      if (!armed && killedAt === 0 && p !== undefined && p.jobs.map + p.jobs.push + p.jobs.complete > 0) armed = true
      const counts = await statusCounts(db)
      if (killedAt > 0) {
        await victim.exited
        killMoment = `${((killedAt - started) / 1000).toFixed(1)} s after the upload: ${JSON.stringify(counts)}`
        break
      }
      const inFlight = (counts.received ?? 0) + (counts.mapped ?? 0)
      if (inFlight === 0 || Date.now() - started > 60_000)
        throw new Error(`the victim sent nothing to DHIS2 once armed: ${JSON.stringify({ counts, processes })}`)
      await sleep(50)
    }

    let counts: Record<string, number> = {}
    for (;;) {
      counts = await statusCounts(db)
      const open = Object.entries(counts)
        .filter(([s]) => !(TERMINAL as readonly string[]).includes(s))
        .reduce((n, [, c]) => n + c, 0)
      if (open === 0) break
      if (Date.now() - killedAt > FINISH_BUDGET_MS)
        throw new Error(`not finished ${FINISH_BUDGET_MS} ms after the kill: ${JSON.stringify(counts)}\n${killMoment}`)
      await sleep(250)
    }
    const finishedAt = Date.now()
    expect(counts).toEqual({ imported: rows.length })
    expect(stalled).toBeGreaterThanOrEqual(1)

    // DHIS2 holds exactly the expected values: nothing missing, nothing different, nothing extra.
    const held = await readBack(
      standin,
      dhis2,
      DEMO_BRIDGE_TOKEN,
      MONTHS.map((m) => m.replace('-', '')),
    )
    expect(heldDifferences(expected, held)).toEqual({ missing: [], different: [], extra: [] })

    // Each value reached DHIS2 in one request only (the stand-in counts every non-dry-run value per key).
    const writes = (await (await fetch(`${dhis2}/api/testing/writes`)).json()) as {
      values: number
      keys: number
      repeated: [string, number][]
    }
    expect(writes.keys).toBe(expected.size)
    // The kill did land between DHIS2's save and the ledger's commit: the victim's stored requests never got their
    // answer. Their job, given back, read DHIS2 before pushing, found those records held as it would send them,
    // and imported them without sending them again (push-worker.ts, "already held").
    expect(lost.size).toBeGreaterThan(0)
    expect({ repeated: writes.repeated.slice(0, 5), values: writes.values }).toEqual({
      repeated: [],
      values: expected.size,
    })
    const [alreadyHeld] = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM record_events WHERE to_status = 'imported' AND detail->>'alreadyHeld' = 'true'`,
    )
    expect(Number(alreadyHeld!.n)).toBeGreaterThan(0)

    // `relais status --json`, once the killed worker has been silent for more than 20 s: it is then `gone`.
    const dir = mkdtempSync(join(tmpdir(), 'relais-scale-out-'))
    writeFileSync(join(dir, 'relais.config.yaml'), csvSourceConfig())
    await sleep(Math.max(0, killedAt + 21_000 - Date.now()))
    const status = await runRelais(['status', '--json'], {
      ...env,
      RELAIS_CONFIG: join(dir, 'relais.config.yaml'),
      RELAIS_ROUTE_SECRET: ROUTE_SECRET,
      RELAIS_PSEUDONYM_KEY: PSEUDONYM_KEY,
      RELAIS_API_KEYS: `bench:gestionnaire:${API_KEY}`,
      LOG_LEVEL: 'warn',
    })
    expect({ status: status.status, out: status.stdout.slice(0, 2000) }).toMatchObject({ status: 0 })
    const report = JSON.parse(status.stdout.slice(status.stdout.indexOf('{'))) as {
      processes: {
        pid: number
        role: string
        state: string
        jobs: Record<'map' | 'push' | 'complete', number>
        share: Record<'map' | 'push' | 'complete' | 'all', number | null>
        circuits: Record<string, string>
      }[]
    }
    const processes = report.processes
    const shown = processes
      .map(
        (p) =>
          `  ${p.role} pid ${p.pid} ${p.state}: all ${p.share.all} %, map ${p.jobs.map} (${p.share.map} %), ` +
          `push ${p.jobs.push} (${p.share.push} %), complete ${p.jobs.complete} (${p.share.complete} %)`,
      )
      .join('\n')
    console.log(`relais status --json, processes:\n${shown}`)
    expect(processes.map((p) => p.role).sort()).toEqual(['api', 'workers', 'workers', 'workers'])
    expect(processes.find((p) => p.pid === api.pid)).toMatchObject({ role: 'api', state: 'alive' })
    expect(processes.find((p) => p.pid === victim.pid)).toMatchObject({ role: 'workers', state: 'gone' })
    for (const w of workers.slice(1))
      expect(processes.find((p) => p.pid === w.pid)).toMatchObject({
        role: 'workers',
        state: 'alive',
        circuits: { [dhis2]: 'closed' },
      })
    // Every worker took part (its share of all the jobs done is > 0); the shares make 100 %, stage by stage too.
    const workerRows = processes.filter((p) => p.role === 'workers')
    for (const p of workerRows) expect(p.share.all).toBeGreaterThan(0)
    for (const stage of ['all', 'map', 'push'] as const)
      expect(workerRows.reduce((sum, p) => sum + (p.share[stage] ?? 0), 0)).toBeCloseTo(100, 0)

    console.log(
      `scale-out: ${rows.length} rows, ${expected.size} values, 1 API + 3 workers, one killed ${killMoment}; ` +
        `import ${((finishedAt - started) / 1000).toFixed(1)} s (${((finishedAt - killedAt) / 1000).toFixed(1)} s after the kill), ` +
        `${stalled} stalled job(s) given back; ${lost.size} values stored by DHIS2 whose answer the victim never got, ` +
        `none sent again (${alreadyHeld!.n} records imported as already held)\n${shown}`,
    )
  } finally {
    redis.disconnect()
    await Promise.all(events.map((e) => e.close()))
    await Promise.all([api, ...workers].map((c) => c.stop()))
  }
})

test('3 workers pulling a Kobo form every 2 s: one scheduled run per tick across the processes, never two', async () => {
  await emptyRedis()
  const dhis2Standin = createStandin({ seed: 'small', now: '2026-10-10T09:00:00Z', months: 0 })
  const dhis2 = await dhis2Standin.listen(0)
  const token = 'kobo-token-scale-out-0123456789abcdef'
  const asset = 'aRapportRcScale1'
  kobo = createKoboStandin({ token, assets: [{ uid: asset, name: 'Rapport RC' }] })
  const koboUrl = await kobo.listen(0)
  const db = await createDatabase('relais_ticks')
  databases.push(db)
  const config =
    `sources:\n  - name: kobo-rc\n    kind: kobo\n    url: ${koboUrl}\n    asset: ${asset}\n    tokenEnv: KOBO_TOKEN\n` +
    `    mapping: ${join(ROOT, 'mappings', 'specs', 'kobo-rapport-rc.yaml')}\n` +
    // croner reads six fields as seconds first: a pull every 2 s; the sweep never during the test.
    `    schedule: "*/2 * * * * *"\n    sweepSchedule: "0 0 1 1 *"\n`
  const env = { DHIS2_URL: dhis2, DHIS2_TOKEN: DEMO_BRIDGE_TOKEN, REDIS_URL, DATABASE_URL: db.url, KOBO_TOKEN: token }
  // The first process migrates the new ledger; the others start once it is ready, as an operator would.
  const first = await spawnServe({ args: ['--workers-only'], env, config })
  children.push(first)
  await first.ready
  const others = [1, 2].map(() => spawnServe({ args: ['--workers-only'], env, config }))
  const workers = [first, ...(await Promise.all(others))]
  children.push(...workers.slice(1))
  try {
    await Promise.all(workers.map((w) => w.ready))
    // From the first tick at which all three run the schedule, 13 s: 7 ticks, ending between two ticks (an empty
    // pull takes milliseconds), so that Kobo's reads and the ledger's runs are counted at a quiet moment.
    const from = new Date(Math.ceil((Date.now() + 1) / 2000) * 2000)
    await sleep(from.getTime() - Date.now() + 13_000)
    const until = new Date()
    const reads = kobo.requests.filter((r) => r.method === 'GET' && r.url.includes(`/assets/${asset}/data`)).length
    const all = await db.query<{ n: string }>(`SELECT count(*) AS n FROM runs WHERE trigger = 'schedule'`)
    const runs = await db.query<{ id: string; started_at: Date; status: string }>(
      `SELECT id, started_at, status FROM runs WHERE source = 'kobo-rc' AND trigger = 'schedule'
         AND started_at >= $1 AND started_at < $2 ORDER BY started_at`,
      [from, until],
    )
    const ticks = new Map<string, number>()
    for (const run of runs) {
      const tick = new Date(Math.floor(run.started_at.getTime() / 2000) * 2000).toISOString()
      ticks.set(tick, (ticks.get(tick) ?? 0) + 1)
    }
    const twice = [...ticks].filter(([, n]) => n > 1)
    expect({ twice, runs: runs.length }).toEqual({ twice: [], runs: ticks.size })
    expect(runs.length).toBeGreaterThanOrEqual(6)
    // Kobo saw one read of the form's data per scheduled run since the processes started, no more.
    expect(reads).toBe(Number(all[0]!.n))
    console.log(`scheduled pulls: ${runs.length} runs over ${ticks.size} ticks of 2 s, 3 processes, none twice`)
  } finally {
    await Promise.all(workers.map((w) => w.stop()))
    await dhis2Standin.close()
  }
})
