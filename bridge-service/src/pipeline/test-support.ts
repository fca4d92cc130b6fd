/**
 * For the pipeline's tests only: a real pipeline over real Redis (a key prefix per test file, removed at the
 * end), a real ledger (PostgreSQL or PGlite, see ledger/test-support.ts), the DHIS2 stand-in and the Kobo
 * stand-in over real HTTP. Nothing of the pipeline is mocked; only the clocks are set (the golden samples'
 * "now": 2026-10-05 10:00 in Porto-Novo — September 2026 open, August locked by expiryDays 15).
 */
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import Redis from 'ioredis'
import { createKoboStandin, type KoboStandin } from '@relais/kobo-standin'
import { createStandin, type Standin, DEMO_BRIDGE_TOKEN } from '@relais/dhis2-standin'
import { relaisConfigSchema } from '../config/relais-config'
import { Dhis2Client, type Dhis2RequestEvent } from '../dhis2/client'
import { migrate, repositories, type Db } from '../ledger'
import type { RecordStatus } from '../ledger/record-status'
import type { TestDatabase } from '../ledger/test-support'
import { createLogger } from '../log/logger'
import { createPipeline, type Pipeline, type PipelineOptions } from './pipeline'
import type { Actor } from './services'

export const NOW = '2026-10-05T09:00:00Z'
export const TIME_ZONE = 'Africa/Porto-Novo'
export const REDIS_URL = process.env.RELAIS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
export const MAPPINGS = resolve(__dirname, '../../../mappings')
export const KOBO_TOKEN = 'f00dfeed0123456789abcdef0123456789abcdef'
export const KOBO_ASSET = 'aRcMensuelPartenaires26'
export const WEBHOOK_SECRET = 'whsec-test-0123456789abcdef0123456789'
export const MANAGER: Actor = { name: 'awa.gestionnaire', role: 'gestionnaire' }

export interface RequestLog extends Dhis2RequestEvent {
  readonly at: number
}

/** Sign-ins of the stand-in's demo users (their passwords are the seed's). */
export const RC_LOGIN = { username: 'relais', password: 'Relais-2026' }
export const ADMIN_LOGIN = { username: 'admin', password: 'district' }

export interface Harness {
  readonly standin: Standin
  readonly kobo: KoboStandin
  readonly db: Db
  readonly pipeline: Pipeline
  readonly prefix: string
  /** Every request the bridge made to DHIS2, with its time. */
  readonly requests: RequestLog[]
  /** Posts of dataValueSets only. */
  posts(): RequestLog[]
  faults(config?: Record<string, unknown>): Promise<void>
  /** How long `pipeline.start()` took. */
  readonly startMs: number
  /** Moves the Kobo stand-in's clock (what `_submission_time` new submissions get). */
  setKoboTime(iso: string): void
  /** DHIS2's values of RC_MENSUEL for a period, by `orgUnitCode|dataElementCode|cocCode`. */
  values(period: string): Promise<Map<string, string>>
  /** The stand-in's uid of an org unit, data element or data set by code. */
  uid(list: 'organisationUnits' | 'dataElements' | 'dataSets', code: string): string
  /**
   * What a person stores in DHIS2 themselves (the Relais app, DHIS2's data entry): RC_MENSUEL values of an RC,
   * by data element code, as that user (an RC: `relais`; a data manager: `admin`/`district`).
   */
  enters(
    login: { username: string; password: string },
    rc: string,
    period: string,
    values: Record<string, string>,
  ): Promise<void>
  /** Waits until the run is not running any more, and answers its status. */
  runEnded(runId: string, timeoutMs?: number): Promise<string>
  statuses(runId: string): Promise<Record<string, RecordStatus>>
  dispose(): Promise<void>
}

export interface HarnessOptions {
  readonly database: TestDatabase
  readonly pipeline?: Partial<PipelineOptions>
  /** Extra fields per source (allowLateData…). */
  readonly sources?: Partial<Record<'csv' | 'webhook' | 'kobo', Record<string, unknown>>>
  readonly standinNow?: string
  /** relais.config.yaml's `outbound:` subscriptions (issue 19 §4). */
  readonly outbound?: readonly Record<string, unknown>[]
  /** Stand-in faults set before the pipeline starts (a DHIS2 that hangs at start…). */
  readonly faultsBeforeStart?: Record<string, unknown>
}

async function setFaults(url: string, config?: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${url}/api/testing/faults`, {
    method: config ? 'POST' : 'DELETE',
    headers: { 'Content-Type': 'application/json' },
    body: config ? JSON.stringify(config) : null,
  })
  if (!res.ok) throw new Error(`faults → ${res.status} ${await res.text()}`)
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined && value !== false) return value
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const standin = createStandin({ seed: 'small', now: options.standinNow ?? NOW, testEndpoints: true, months: 0 })
  await standin.listen()
  let koboNow = new Date('2026-10-03T09:00:00Z')
  const kobo = createKoboStandin({ assets: [{ uid: KOBO_ASSET }], token: KOBO_TOKEN, now: () => koboNow })
  await kobo.listen()

  const db = await options.database.open()
  await migrate(db)
  const requests: RequestLog[] = []
  const dhis2 = new Dhis2Client({
    url: standin.url,
    auth: { kind: 'token', token: DEMO_BRIDGE_TOKEN },
    timeoutMs: 5_000,
    importTimeoutMs: 5_000,
    onRequest: (event) => requests.push({ ...event, at: Date.now() }),
  })
  const config = relaisConfigSchema.parse({
    sources: [
      {
        name: 'csv-partenaires',
        kind: 'csv',
        mapping: `${MAPPINGS}/specs/csv-partenaires.yaml`,
        ...options.sources?.csv,
      },
      {
        name: 'webhook-partenaires',
        kind: 'webhook',
        secretEnv: 'WEBHOOK_TEST_SECRET',
        mapping: `${MAPPINGS}/specs/csv-partenaires.yaml`,
        ...options.sources?.webhook,
      },
      {
        name: 'kobo-rapport-rc',
        kind: 'kobo',
        url: kobo.url,
        asset: KOBO_ASSET,
        tokenEnv: 'KOBO_TEST_TOKEN',
        mapping: `${MAPPINGS}/specs/kobo-rapport-rc.yaml`,
        ...options.sources?.kobo,
      },
    ],
    ...(options.outbound ? { outbound: options.outbound } : {}),
  })
  const prefix = `relais-test-${randomBytes(5).toString('hex')}`
  const pipeline = createPipeline({
    db,
    redis: { url: REDIS_URL, prefix },
    dhis2,
    config,
    logger: createLogger(process.env.RELAIS_TEST_LOG ?? 'silent'),
    now: () => new Date(NOW),
    timeZone: TIME_ZONE,
    retry: { maxAttempts: 5, backoff: { baseMs: 50, capMs: 400 } },
    circuitBreaker: { failureThreshold: 3, coolDownMs: 400 },
    schedules: false,
    env: { KOBO_TEST_TOKEN: KOBO_TOKEN, WEBHOOK_TEST_SECRET: WEBHOOK_SECRET },
    ...options.pipeline,
  })
  if (options.faultsBeforeStart) await setFaults(standin.url, options.faultsBeforeStart)
  const startedAt = Date.now()
  await pipeline.start()
  const startMs = Date.now() - startedAt

  const ledger = repositories(db)
  const harness: Harness = {
    standin,
    kobo,
    db,
    pipeline,
    prefix,
    requests,
    posts: () => requests.filter((r) => r.request.startsWith('POST ') && r.request.endsWith('/dataValueSets')),
    setKoboTime(iso) {
      koboNow = new Date(iso)
    },
    faults: (config) => setFaults(standin.url, config),
    startMs,
    uid(list, code) {
      const found = (standin.ctx.state.metadata[list] as Array<{ id: string; code?: string }>).find(
        (o) => o.code === code,
      )
      if (!found) throw new Error(`the stand-in has no ${list} with code ${code}`)
      return found.id
    },
    async enters({ username, password }, rc, period, values) {
      const res = await fetch(`${standin.url}/api/dataValueSets`, {
        method: 'POST',
        headers: {
          Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({
          dataSet: harness.uid('dataSets', 'RC_MENSUEL'),
          period,
          orgUnit: harness.uid('organisationUnits', rc),
          dataValues: Object.entries(values).map(([de, value]) => ({
            dataElement: harness.uid('dataElements', de),
            value,
          })),
        }),
      })
      if (res.status !== 200) throw new Error(`POST dataValueSets as ${username} → ${res.status} ${await res.text()}`)
    },
    async values(period) {
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
      if (!res.ok) throw new Error(`GET dataValueSets → ${res.status} ${await res.text()}`)
      const body = (await res.json()) as {
        dataValues?: { dataElement: string; orgUnit: string; categoryOptionCombo: string; value: string }[]
      }
      return new Map(
        (body.dataValues ?? []).map((v) => [`${v.orgUnit}|${v.dataElement}|${v.categoryOptionCombo}`, v.value]),
      )
    },
    async runEnded(runId, timeoutMs = 15_000) {
      return waitFor(
        async () => {
          const run = await ledger.runs.get(runId)
          return run && run.status !== 'running' ? run.status : undefined
        },
        timeoutMs,
        `run ${runId} to end`,
      )
    },
    async statuses(runId) {
      const page = await ledger.records.search({ runId }, { page: 1, pageSize: 500 })
      return Object.fromEntries(page.items.map((r) => [r.sourceKey, r.status]))
    },
    async dispose() {
      await pipeline.stop()
      const redis = new Redis(REDIS_URL)
      try {
        const keys = await redis.keys(`${prefix}:*`)
        for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500))
      } finally {
        redis.disconnect()
      }
      await Promise.all([standin.close(), kobo.close()])
      await options.database.dispose()
    },
  }
  return harness
}

/**
 * The values DHIS2 ends up holding for a golden sample (`mappings/samples/*.expected.json`), by the harness's
 * keys. Zeros are left out: every RC data element has zeroIsSignificant false, and DHIS2 does not store an
 * insignificant zero.
 */
export function expectedValues(
  rows: readonly {
    orgUnit: string
    status: string
    dataValues: { dataElement: string; categoryOptionCombo: string; value: string }[]
  }[],
): Map<string, string> {
  const out = new Map<string, string>()
  for (const row of rows) {
    if (row.status !== 'ok') continue
    for (const v of row.dataValues)
      if (v.value !== '0') out.set(`${row.orgUnit}|${v.dataElement}|${v.categoryOptionCombo}`, v.value)
  }
  return out
}

/** One row of partnerCsv as intake stores it raw: its cells keyed by the header (a record without its file). */
export function partnerRaw(row: { rc: string; mois?: string }): Record<string, string> {
  const [header, line] = partnerCsv([row]).toString('utf8').trim().split('\n')
  const cells = line!.split(',')
  return Object.fromEntries(header!.split(',').map((name, i) => [name, cells[i]!]))
}

/** The clean partner CSV with its rows given to other RCs (and months), cycling through the sample's numbers. */
export function partnerCsv(rows: readonly { rc: string; mois?: string }[]): Buffer {
  const [header, ...lines] = readFileSync(`${MAPPINGS}/samples/partenaires.clean.csv`, 'utf8').trim().split('\n')
  const body = rows.map(({ rc, mois }, i) => {
    const cells = (lines[i % lines.length] as string).split(',')
    cells[0] = rc
    if (mois) cells[1] = mois
    return cells.join(',')
  })
  return Buffer.from(`${header}\n${body.join('\n')}\n`)
}
