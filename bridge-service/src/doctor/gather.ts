/**
 * `relais doctor`'s facts: asked of DHIS2 with the bridge's own credentials, of Redis, of the ledger and of
 * the disk — each with a deadline, each failure becoming a finding rather than a crash (checks.ts judges).
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { parseLocalTimestamp } from '@relais/mappings'
import { relaisPackage } from '@relais/metadata'
import type { BridgeEnv } from '../config/env'
import type { RelaisConfig } from '../config/relais-config'
import { redisOptions } from '../config/redis-url'
import { createDhis2Client } from '../dhis2/client'
import { isDhis2Error } from '../dhis2/errors'
import { readMigrations } from '../ledger/migrate'
import { lazy } from '../cli/lazy'
import { SpecRegistry } from '../pipeline/map/specs'
import { Dhis2Admin } from '../setup/admin-client'
import { planPackage, ROUTE_CODE } from '../setup/setup'
import * as judge from './checks'

const message = (error: unknown) => (error instanceof Error ? error.message : String(error))

async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${ms / 1000} s`)), ms)
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}

export interface DoctorOptions {
  bridge: BridgeEnv
  config: RelaisConfig & { baseDir?: string }
  /** The bridge as DHIS2's route should reach it. */
  bridgeUrl: string
  now?: Date
}

export async function runDoctor(options: DoctorOptions): Promise<judge.Check[]> {
  const { bridge } = options
  const now = options.now ?? new Date()
  const checks: judge.Check[] = []
  const dhis2 = createDhis2Client(bridge, { timeoutMs: 15_000 })
  const auth = bridge.dhis2.auth
  const admin = new Dhis2Admin({
    url: bridge.dhis2.url,
    authorization:
      auth.kind === 'token'
        ? `ApiToken ${auth.token}`
        : `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`,
    timeoutMs: 15_000,
  })

  // DHIS2 itself: version, clock, analytics.
  const info = await dhis2
    .getSystemInfo()
    .catch((error: unknown) => ({ error: message(error), status: isDhis2Error(error) ? error.status : undefined }))
  const version = 'version' in info ? info.version : undefined
  if ('error' in info && (info.status === 401 || info.status === 403)) {
    // DHIS2 answers, but not to these credentials: that is the credentials' check.
    checks.push({
      id: 'dhis2-reachable',
      status: 'ok',
      found: { fr: 'DHIS2 répond', en: 'DHIS2 answers' },
    })
    checks.push(judge.credentials(undefined, info.error))
  } else checks.push(judge.dhis2Version(version, 'error' in info ? info.error : undefined))
  const reachable = version !== undefined
  if (reachable && 'version' in info) {
    const serverNow = info.serverDate ? parseLocalTimestamp(info.serverDate, info.serverTimeZoneId) : undefined
    checks.push(judge.clock(serverNow ? serverNow.getTime() - now.getTime() : undefined))
    const last = info.lastAnalyticsTableSuccess
      ? parseLocalTimestamp(info.lastAnalyticsTableSuccess, info.serverTimeZoneId)
      : undefined
    checks.push(judge.analytics(last, serverNow ?? now))
  }

  if (reachable) {
    const me = await dhis2.getMe().catch((error: unknown) => ({ error: message(error) }))
    checks.push('username' in me ? judge.credentials(me) : judge.credentials(undefined, me.error))
    const usable = 'username' in me
    if (usable) {
      checks.push(await packageCheck(admin))
      checks.push(await driftCheck(options, dhis2))
      checks.push(await routeCheck(admin, options.bridgeUrl))
      const apps = await admin.get<Array<{ key: string; version?: string }>>('apps').catch(() => [])
      checks.push(judge.app(apps.find((a) => a.key === 'relais')?.version))
      if (auth.kind === 'token') {
        const tokens = await admin
          .get<{ apiToken?: Array<{ expire?: number; key?: string }> }>('apiToken', {
            fields: 'expire,key',
            paging: 'false',
          })
          .catch(() => ({ apiToken: [] }))
        // DHIS2 shows each token's SHA-256 as `key`: ours is the one whose hash is that of DHIS2_TOKEN. Without
        // keys, the account's soonest expiry stands for it.
        const hash = createHash('sha256').update(auth.token).digest('hex')
        const all = tokens.apiToken ?? []
        const ours = all.some((t) => t.key) ? all.filter((t) => t.key === hash) : all
        checks.push(
          judge.tokenExpiry(
            ours.map((t) => t.expire).filter((e): e is number => typeof e === 'number'),
            now,
          ),
        )
      } else checks.push(judge.tokenExpiry(undefined, now))
    }
  }

  checks.push(judge.redis(await redisError(bridge.redisUrl)))
  checks.push(await ledgerCheck(bridge))
  checks.push(judge.disk(freeBytes(bridge.dataDir), bridge.dataDir))
  return checks
}

async function packageCheck(admin: Dhis2Admin): Promise<judge.Check> {
  const missing: string[] = []
  const outdated: string[] = []
  try {
    for (const [, plan] of await planPackage(admin))
      for (const change of plan.changes) (change.action === 'create' ? missing : outdated).push(change.code)
  } catch (error) {
    missing.push(`(${message(error)})`)
  }
  return judge.metadataPackage(relaisPackage().package.version, missing, outdated)
}

async function driftCheck(options: DoctorOptions, dhis2: ReturnType<typeof createDhis2Client>): Promise<judge.Check> {
  try {
    const specs = new SpecRegistry(
      options.config,
      { now: () => new Date(), timeZone: 'Africa/Porto-Novo' },
      options.bridge.pseudonymKey,
    )
    const codes = specs.dataSetCodes()
    if (codes.length === 0) return judge.mappingDrift([])
    const { snapshot, missingDataSetCodes } = await dhis2.getMetadataSnapshot(codes)
    const findings: judge.DriftItem[] = specs
      .drift({ id: 'doctor', snapshot })
      .map((f) => ({ source: f.source, message: f.message }))
    for (const code of missingDataSetCodes)
      findings.push({
        source: 'dataSet',
        message: { fr: `aucun ensemble de données n’a le code ${code}`, en: `no data set has the code ${code}` },
      })
    return judge.mappingDrift(findings)
  } catch (error) {
    return judge.mappingDrift([], message(error))
  }
}

async function routeCheck(admin: Dhis2Admin, bridgeUrl: string): Promise<judge.Check> {
  const routes = await admin
    .get<{ routes?: Array<{ url: string }> }>('routes', {
      filter: `code:eq:${ROUTE_CODE}`,
      fields: 'url',
      paging: 'false',
    })
    .catch(() => ({ routes: [] }))
  const found = routes.routes?.[0]
  if (!found) return judge.route(undefined, {}, bridgeUrl)
  const trip = await admin
    // An endpoint behind the route secret (healthz is public): a 401 for the proof, or a 403, means the
    // secret was accepted; a 401 `route-secret` that it was not.
    .request('GET', `routes/${ROUTE_CODE}/run/api/v1/sources`, { accept: [401, 403, 404, 500, 502, 503, 504] })
    .then(
      (res) => ({
        status: res.status,
        reason: (res.body as { reason?: string } | undefined)?.reason,
      }),
      (error: unknown) => ({ error: message(error) }),
    )
  return judge.route(found, trip, bridgeUrl)
}

async function redisError(url: string): Promise<string | undefined> {
  const { Redis } = lazy<typeof import('ioredis')>('ioredis')
  const probe = new Redis({
    ...redisOptions(url),
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 3000,
    retryStrategy: () => null,
  })
  probe.on('error', () => undefined)
  try {
    await within(
      4000,
      probe.connect().then(() => probe.ping()),
    )
    return undefined
  } catch (error) {
    return message(error)
  } finally {
    probe.disconnect()
  }
}

async function ledgerCheck(bridge: BridgeEnv): Promise<judge.Check> {
  const known = (await readMigrations()).length
  try {
    const { openLedger } = lazy<typeof import('../ledger')>('../ledger')
    const db = await within(
      20_000,
      openLedger({ database: bridge.database, migrate: false, throughRunningBridge: true }),
    )
    try {
      const [row] = await db
        .query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations')
        .catch(() => [{ n: 0 }])
      return judge.ledger(row?.n ?? 0, known)
    } finally {
      await db.close()
    }
  } catch (error) {
    return judge.ledger(undefined, known, message(error))
  }
}

function freeBytes(dir: string): number | undefined {
  // The data directory, or the nearest folder above it that exists (before the first start).
  let at = path.resolve(dir)
  while (!fs.existsSync(at) && path.dirname(at) !== at) at = path.dirname(at)
  try {
    const stats = fs.statfsSync(at)
    return stats.bavail * stats.bsize
  } catch {
    return undefined
  }
}
