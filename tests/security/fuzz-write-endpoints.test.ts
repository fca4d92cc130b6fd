/**
 * FUZZ (issue 11, "Done when"): ≥ 300 malformed requests to every write endpoint of a real `relais serve
 * --api-only` process → 0 answers 5xx, the same process alive at the end, and every record stored before
 * the fuzz unchanged (hashed straight from the ledger before and after).
 *
 * The write endpoints are read from the running bridge's OpenAPI document, so an endpoint added later is
 * fuzzed too (with generic bodies when fuzz-corpus.ts has no profile for it). The corpus comes from a seeded
 * PRNG: RELAIS_FUZZ_SEED=<n> replays another one (default 11). A failure prints one reproduction line per
 * failing case (endpoint, family, request target, headers, body excerpt, answer).
 *
 * Ledger: a throwaway PostgreSQL database; Redis: db 6 (flushed before and after); DHIS2: the stand-in.
 * Needs Redis on 127.0.0.1:6379 and PostgreSQL at RELAIS_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { Redis } from 'ioredis'
import { sign } from '../../bridge-service/src/sources/webhook/hmac'
import { DEMO_BRIDGE_TOKEN, createStandin, type Standin, basic } from '@relais/dhis2-standin'
import { makeRouteProof, withProof } from '../support/route-proof'
import {
  buildCsv,
  createDatabase,
  CSV_SPEC,
  intakeCommitted,
  rcCodes,
  rowValues,
  ROUTE_SECRET,
  spawnServe,
  upload,
  type ServeChild,
  type ThrowawayDatabase,
} from '../faults/support'
import {
  buildCorpus,
  excerpt,
  genericProfile,
  KNOWN_WRITE_ENDPOINTS,
  type EndpointProfile,
  type FuzzCase,
  type FuzzTargets,
} from './fuzz-corpus'

jest.setTimeout(110_000)

const SEED = Number(process.env.RELAIS_FUZZ_SEED ?? 11)
const REDIS_URL = 'redis://127.0.0.1:6379/6'
const WEBHOOK_SECRET = 'webhook-fuzz-secret-0123456789abcdef0123456789'
const SOURCES = { file: 'csv-partenaires', webhook: 'webhook-partenaires', kobo: 'kobo-espoir' }
/** A gestionnaire: every write endpoint is theirs. */
const FUZZ_USER = 'gestionnaire'
/** Issue 11: at least 300 malformed requests to every write endpoint. */
const MIN_REQUESTS = 300
/** A truncated body: how long we wait with the socket open, then half-closed, before giving up. */
const TRUNCATED_WAIT_MS = 1_500
const ANSWER_TIMEOUT_MS = 20_000

/**
 * The ONE place the fuzz authenticates as a DHIS2 user coming through the route: the route secret and
 * X-Forwarded-User here, and the user's route proof (issue 11 §6), which `send` adds to the query string of
 * every case that carries the route secret. The route secret header must stay the first entry: the spoofing
 * cases replace its value.
 */
export function routeUser(username: string): [string, string][] {
  return [
    ['X-Relais-Route-Secret', ROUTE_SECRET],
    ['X-Forwarded-User', username],
  ]
}

/** The ONE place a webhook delivery is signed (adapt it if the signature comes to cover the source name). */
function signDelivery(_source: string, body: Buffer): [string, string][] {
  return Object.entries(sign(body, WEBHOOK_SECRET).headers)
}

const config = `sources:
  - name: ${SOURCES.file}
    kind: csv
    mapping: ${CSV_SPEC}
    maxUploadMegabytes: 1
  - name: ${SOURCES.webhook}
    kind: webhook
    secretEnv: FUZZ_WEBHOOK_SECRET
    mapping: ${CSV_SPEC}
  - name: ${SOURCES.kobo}
    kind: kobo
    url: http://127.0.0.1:9
    asset: aBcD3fGh1JkLmN
    tokenEnv: FUZZ_KOBO_TOKEN
    mapping: ${CSV_SPEC}
tracing:
  sites:
    - code: SITE-FUZZ
      name: Site fuzz
      secretEnv: FUZZ_WEBHOOK_SECRET
      outcomesUrl: http://127.0.0.1:9/resultats
      outcomesSecretEnv: FUZZ_TRACING_OUTCOMES
`

let standin: Standin
let db: ThrowawayDatabase
let bridge: ServeChild | undefined
/** The FUZZ_USER's route proof, written by their own DHIS2 login. */
let proof = ''

async function flushRedis() {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 })
  await redis.connect()
  await redis.flushdb()
  redis.disconnect()
}

beforeAll(async () => {
  standin = createStandin({ seed: 'small', now: '2026-10-03T09:00:00Z', months: 0 })
  const dhis2 = await standin.listen(0)
  db = await createDatabase('relais_fuzz')
  await flushRedis()
  bridge = await spawnServe({
    args: ['--api-only'],
    env: {
      DHIS2_URL: dhis2,
      DHIS2_TOKEN: DEMO_BRIDGE_TOKEN,
      REDIS_URL,
      DATABASE_URL: db.url,
      FUZZ_WEBHOOK_SECRET: WEBHOOK_SECRET,
      FUZZ_KOBO_TOKEN: 'kobo-token-fuzz-0123456789abcdef',
      FUZZ_TRACING_OUTCOMES: 'tracing-outcomes-fuzz-0123456789abcdef0123',
    },
    config,
  })
  await bridge.ready
  proof = await makeRouteProof(dhis2, basic(FUZZ_USER, 'Relais-2026'))
})

afterAll(async () => {
  await bridge?.stop()
  await standin?.close()
  await db?.drop()
  await flushRedis().catch(() => undefined)
})

// ---------------------------------------------------------------------------------------------------------
// The ledger's records, hashed whole (every column) and by content only.

interface RecordHash {
  id: string
  status: string
  row: string
  content: string
}

async function hashRecords(): Promise<Map<string, RecordHash>> {
  const rows = await db.query<RecordHash>(
    `SELECT id, status, md5(r::text) AS row,
            md5(concat_ws('|', source, source_key, version, content_hash, raw::text, run_id, created_at::text)) AS content
       FROM records r ORDER BY id`,
  )
  return new Map(rows.map((r) => [r.id, r]))
}

// ---------------------------------------------------------------------------------------------------------
// Seeding: an uploaded CSV, signed webhook deliveries, and a few records put in quarantine.

async function seed(): Promise<FuzzTargets> {
  const codes = rcCodes(standin).slice(0, 12)
  const run = await upload(bridge!.url, buildCsv(codes.map((rc) => [rc, '2026-09'] as [string, string])), 'seed.csv')
  expect(run.rows ?? (await intakeCommitted(db, run.id, 30_000))).toBe(codes.length)
  for (let i = 0; i < 6; i++) {
    const body = Buffer.from(
      JSON.stringify({ records: [{ code_rc: codes[i], mois: '2026-08', ...rowValues(100 + i) }] }),
    )
    const res = await fetch(`${bridge!.url}/api/v1/inbound/${SOURCES.webhook}`, {
      method: 'POST',
      headers: Object.fromEntries([['Content-Type', 'application/json'], ...signDelivery(SOURCES.webhook, body)]),
      body,
    })
    expect(res.status).toBe(202)
  }
  const ids = (await db.query<{ id: string }>('SELECT id FROM records ORDER BY seq')).map((r) => r.id)
  expect(ids.length).toBe(codes.length + 6)
  const quarantinedIds = ids.slice(0, 4)
  await db.query(`UPDATE records SET status = 'quarantined', reason = 'invalid' WHERE id = ANY($1)`, [quarantinedIds])
  const runIds = (await db.query<{ id: string }>('SELECT id FROM runs')).map((r) => r.id)
  return {
    quarantinedIds,
    otherRecordIds: ids.slice(4, 8),
    runIds,
    fileSource: SOURCES.file,
    webhookSource: SOURCES.webhook,
    tracingSite: 'SITE-FUZZ',
    otherSource: SOURCES.kobo,
  }
}

// ---------------------------------------------------------------------------------------------------------
// A raw HTTP/1.1 client: one connection per case, `Connection: close`, the answer read until the close.

interface Outcome {
  status?: number
  /** What came back after the headers (an excerpt). */
  answer: string
  error?: string
  /** A truncated body that got no answer at all (the socket was held until we gave up). */
  held?: boolean
  /** A truncated body answered only once we half-closed: the server would have waited for the bytes. */
  afterHalfClose?: boolean
  ms: number
}

function send(url: string, c: FuzzCase): Promise<Outcome> {
  const { hostname, port } = new URL(url)
  const started = Date.now()
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname)
    const chunks: Buffer[] = []
    let error: string | undefined
    let done = false
    let halfClosed = false
    const timers: NodeJS.Timeout[] = []
    const finish = (held = false) => {
      if (done) return
      done = true
      timers.forEach(clearTimeout)
      socket.destroy()
      const text = Buffer.concat(chunks).toString('latin1')
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1]
      const split = text.indexOf('\r\n\r\n')
      resolve({
        status: status === undefined ? undefined : Number(status),
        answer: split < 0 ? text.slice(0, 300) : text.slice(split + 4, split + 304),
        error,
        held: held && status === undefined,
        afterHalfClose: halfClosed && status !== undefined,
        ms: Date.now() - started,
      })
    }
    socket.on('data', (d: Buffer) => chunks.push(d))
    socket.on('end', () => finish())
    socket.on('close', () => finish())
    socket.on('error', (e: Error) => {
      error = (e as NodeJS.ErrnoException).code ?? e.message
      // The answer may still be in flight after our write failed (a 413 before the body was read).
      timers.push(setTimeout(() => finish(), 200))
    })
    const viaRoute = c.headers.some(([n]) => n.toLowerCase() === 'x-relais-route-secret')
    const lines = [`${c.method} ${viaRoute ? withProof(c.target, proof) : c.target} HTTP/1.1`]
    if (!c.headers.some(([n]) => n.toLowerCase() === 'host')) lines.push(`Host: ${hostname}:${port}`)
    lines.push('Connection: close')
    for (const [name, value] of c.headers) lines.push(`${name}: ${value}`)
    const length = c.length ?? { kind: 'declared' }
    if (length.kind === 'declared') lines.push(`Content-Length: ${c.body.length}`)
    else if (length.kind === 'short') lines.push(`Content-Length: ${c.body.length + length.missing}`)
    else if (length.kind === 'lie') lines.push(`Content-Length: ${length.value}`)
    socket.write(Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'))
    socket.write(c.body)
    // A short body, or a lying Content-Length (" 5 " is read as 5): the server may wait for bytes that never come.
    if (length.kind === 'short' || length.kind === 'lie') {
      // Keep the socket open a while (a client that stalls), then half-close it (a client that gave up).
      timers.push(setTimeout(() => ((halfClosed = true), socket.end()), TRUNCATED_WAIT_MS))
      timers.push(setTimeout(() => finish(true), 2 * TRUNCATED_WAIT_MS))
    } else timers.push(setTimeout(() => ((error ??= 'no answer in time'), finish()), ANSWER_TIMEOUT_MS))
  })
}

async function pool<T, R>(items: readonly T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++
        results[i] = await fn(items[i]!)
      }
    }),
  )
  return results
}

/** The write endpoints of the running bridge (POST/PUT/PATCH/DELETE of its OpenAPI document). */
async function writeEndpoints(url: string): Promise<EndpointProfile[]> {
  const doc = (await (await fetch(`${url}/api/v1/openapi.json`)).json()) as { paths: Record<string, object> }
  const found: EndpointProfile[] = []
  for (const [path, operations] of Object.entries(doc.paths))
    for (const method of Object.keys(operations))
      if (['post', 'put', 'patch', 'delete'].includes(method)) {
        const known = KNOWN_WRITE_ENDPOINTS.find((p) => p.path === path && p.method === method.toUpperCase())
        found.push(known ?? genericProfile(method.toUpperCase(), path))
      }
  return found
}

/** One line that replays a failing case by hand. */
function reproduction(c: FuzzCase, o: Outcome): string {
  const headers = c.headers
    .filter(([n]) => !/secret|signature|authorization/i.test(n))
    .map(([n, v]) => `${n}: ${v.length > 60 ? `${v.slice(0, 60)}…` : v}`)
    .join(' | ')
  const length = c.length && c.length.kind !== 'declared' ? ` length=${JSON.stringify(c.length)}` : ''
  const target = c.target.length > 160 ? `${c.target.slice(0, 160)}… (${c.target.length} chars)` : c.target
  const answer = o.status === undefined ? `no answer (${o.error ?? 'closed'})` : `${o.status} ${o.answer.slice(0, 200)}`
  return `[${c.family}] ${c.endpoint}\n    ${c.method} ${target}${length}\n    headers: ${headers || '(auth only)'}\n    body: ${excerpt(c.body)}\n    → ${answer}`
}

test(`FUZZ: ≥ ${MIN_REQUESTS} malformed requests to each write endpoint → no 5xx, same process, stored records unchanged (seed ${SEED})`, async () => {
  const started = Date.now()
  const targets = await seed()
  const before = await hashRecords()

  const endpoints = await writeEndpoints(bridge!.url)
  const covered = new Set(endpoints.map((e) => `${e.method} ${e.path}`))
  // The endpoints the corpus knows must all still exist (a renamed one would silently go unfuzzed).
  expect(KNOWN_WRITE_ENDPOINTS.map((e) => `${e.method} ${e.path}`).filter((e) => !covered.has(e))).toEqual([])

  const corpus = buildCorpus(
    { seed: SEED, auth: routeUser, sign: signDelivery, targets, user: FUZZ_USER, perEndpoint: MIN_REQUESTS },
    endpoints,
  )
  for (const endpoint of covered)
    expect(corpus.filter((c) => c.endpoint === endpoint).length).toBeGreaterThanOrEqual(MIN_REQUESTS)

  // Truncated bodies all at once (each waits seconds by design), the others four at a time.
  const waits = (c: FuzzCase) => c.length?.kind === 'short' || c.length?.kind === 'lie'
  const truncated = corpus.filter(waits)
  const others = corpus.filter((c) => !waits(c))
  const [slow, fast] = await Promise.all([
    Promise.all(truncated.map((c) => send(bridge!.url, c))),
    pool(others, 4, (c) => send(bridge!.url, c)),
  ])
  const results = [...truncated.map((c, i) => ({ c, o: slow[i]! })), ...others.map((c, i) => ({ c, o: fast[i]! }))]

  const failures = results.filter(
    ({ c, o }) => (o.status !== undefined && o.status >= 500) || (o.status === undefined && !o.held && !c.big),
  )
  const held = results.filter(({ o }) => o.held)
  const byStatus = new Map<string, number>()
  for (const { o } of results) {
    const key = o.status === undefined ? (o.held ? 'held' : `no answer`) : String(o.status)
    byStatus.set(key, (byStatus.get(key) ?? 0) + 1)
  }

  // The same process, alive and answering.
  const alive = bridge!.child.exitCode === null && bridge!.child.signalCode === null
  let samePid = false
  try {
    process.kill(bridge!.pid, 0)
    samePid = alive
  } catch {
    samePid = false
  }
  const health = await fetch(`${bridge!.url}/healthz`).then(
    async (r) => ({ status: r.status, body: (await r.json()) as { uptimeSeconds?: number } }),
    (e: Error) => ({ status: 0, body: { error: e.message } as { uptimeSeconds?: number } }),
  )

  // Every record stored before the fuzz: unchanged (whole row). The quarantined targets may have been
  // released or discarded by a well-shaped request, but their content is never touched.
  const after = await hashRecords()
  const changed: string[] = []
  for (const [id, was] of before) {
    const now = after.get(id)
    if (!now) changed.push(`${id}: gone`)
    else if (targets.quarantinedIds.includes(id)) {
      if (now.content !== was.content) changed.push(`${id} (quarantined target): content changed`)
    } else if (now.row !== was.row) changed.push(`${id}: row changed (status ${was.status} → ${now.status})`)
  }

  const summary =
    `fuzz seed ${SEED}: ${results.length} requests to ${covered.size} write endpoints in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
    `answers ${JSON.stringify(Object.fromEntries([...byStatus].sort()))}; ${held.length} truncated bodies held without an answer, ` +
    `${results.filter(({ o }) => o.afterHalfClose).length} of ${truncated.length} answered only once the client half-closed`
  const report: string[] = []
  // Answers per endpoint (a family that never gets past a 404 or 401 tests nothing: this shows it).
  const perEndpoint = new Map<string, Map<string, number>>()
  for (const { c, o } of results) {
    const row = perEndpoint.get(c.endpoint) ?? new Map<string, number>()
    const key = o.status === undefined ? 'none' : String(o.status)
    row.set(key, (row.get(key) ?? 0) + 1)
    perEndpoint.set(c.endpoint, row)
  }
  for (const [endpoint, row] of perEndpoint)
    report.push(
      `  ${endpoint}: ${[...row]
        .sort()
        .map(([k, n]) => `${k}×${n}`)
        .join(' ')}`,
    )
  // RELAIS_FUZZ_DUMP=<file>: every case and its answer, one JSON line each (to study a seed).
  if (process.env.RELAIS_FUZZ_DUMP) {
    writeFileSync(`${process.env.RELAIS_FUZZ_DUMP}.bridge.log`, bridge!.output())
    writeFileSync(
      process.env.RELAIS_FUZZ_DUMP,
      results
        .map(({ c, o }) =>
          JSON.stringify({
            family: c.family,
            endpoint: c.endpoint,
            target: c.target.slice(0, 300),
            body: excerpt(c.body),
            ...o,
          }),
        )
        .join('\n'),
    )
  }
  if (failures.length > 0) {
    const families = new Map<string, number>()
    for (const { c } of failures)
      families.set(`${c.family} @ ${c.endpoint}`, (families.get(`${c.family} @ ${c.endpoint}`) ?? 0) + 1)
    report.push(
      `${failures.length} failing requests, by family @ endpoint:`,
      ...[...families].map(([k, n]) => `  ${n} × ${k}`),
      'reproductions (RELAIS_FUZZ_SEED replays the corpus):',
      ...failures.slice(0, 60).map(({ c, o }) => reproduction(c, o)),
    )
    const errors = bridge!
      .output()
      .split('\n')
      .filter((l) => /"level":(50|60)|error/i.test(l))
    report.push('bridge errors (first 20):', ...errors.slice(0, 20).map((l) => `  ${l.slice(0, 600)}`))
  }
  if (!alive || !samePid || health.status !== 200)
    report.push(
      `bridge process ${bridge!.pid}: alive ${alive}, same pid ${samePid}, /healthz ${health.status}\n${bridge!.output().slice(-3000)}`,
    )
  if (changed.length > 0) report.push(`records changed by the fuzz:`, ...changed.slice(0, 20))
  console.log([summary, ...report].join('\n'))

  expect({ failures: failures.length, alive, samePid, health: health.status, changed: changed.length }).toEqual({
    failures: 0,
    alive: true,
    samePid: true,
    health: 200,
    changed: 0,
  })
  // Up since before the fuzz: not a restarted process on the same pid.
  expect(health.body.uptimeSeconds ?? -1).toBeGreaterThanOrEqual(Math.floor((Date.now() - started) / 1000) - 1)
})
