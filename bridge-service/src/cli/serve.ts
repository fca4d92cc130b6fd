/**
 * `relais serve [--api-only | --workers-only]`: the bridge's processes. One process runs both; to scale
 * out, run N `--api-only` and M `--workers-only` against one Redis and one PostgreSQL — BullMQ gives
 * each job to one worker. Configuration is checked before anything starts; SIGTERM stops cleanly.
 */
import { diskOf, lastBackupAt } from '../backup/backup-log'
import { archiveDirOf } from '../retention/payload-archive'
import type { Server } from 'node:http'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { Redis } from 'ioredis'
import { createApiApp } from '../api/app'
import { capacityReport } from '../capacity/capacity-report'
import { CachedDirectory } from '../api/auth'
import { dhis2Directory, dhis2ProofStore } from '../api/dhis2-directory'
import { RouteProofs } from '../api/route-proof'
import { createMetrics } from '../api/metrics'
import { applyServerTimeouts } from '../api/server-timeouts'
import { bullmqQueueStats } from '../api/queue-stats'
import { loadEnv, type BridgeEnv } from '../config/env'
import { loadRelaisConfig } from '../config/relais-config'
import { requireTracingKey } from '../tracing/key'
import { redisOptions } from '../config/redis-url'
import { parseLocalTimestamp } from '@relais/mappings'
import { createDhis2Client, type Dhis2Client } from '../dhis2/client'
import { openLedger, repositories } from '../ledger'
import { bridgeSecretsRepository } from '../ledger/bridge-secrets'
import { LedgerSecrets } from '../api/ledger-secrets'
import { bridgeFacts } from '../security/bridge-facts'
import { serveLedgerSocket } from '../ledger/socket'
import { createLogger, type Logger } from '../log/logger'
import { createPipeline } from '../pipeline'
import { bridgeVersion, observers } from '../processes/observers'
import { ProcessRegistry } from '../processes/registry'
import { RedisReplayCache } from '../sources/webhook/replay'

/**
 * DHIS2's time zone and how far its clock is from ours (0 in production, give or take NTP; a test
 * stand-in may run at another date). Falls back to Benin's zone and our clock when DHIS2 is away.
 */
async function dhis2Clock(dhis2: Dhis2Client, logger: Logger): Promise<{ timeZone: string; offsetMs: number }> {
  try {
    const info = await dhis2.getSystemInfo()
    const serverNow = info.serverDate ? parseLocalTimestamp(info.serverDate, info.serverTimeZoneId) : undefined
    return { timeZone: info.serverTimeZoneId, offsetMs: serverNow ? serverNow.getTime() - Date.now() : 0 }
  } catch (error) {
    logger.warn(
      { err: error },
      'DHIS2 unreachable at start: assuming its time zone is Africa/Porto-Novo and its clock is ours',
    )
    return { timeZone: 'Africa/Porto-Novo', offsetMs: 0 }
  }
}

export interface ServeHandle {
  url?: string
  stop(): Promise<void>
}

export async function serve(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  onReady?: (message: string) => void,
): Promise<ServeHandle> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'api-only': { type: 'boolean', default: false },
      'workers-only': { type: 'boolean', default: false },
      // For bench/bridge-csv.ts only: measures what reading DHIS2 before each push costs. Never in production.
      'without-overwrite-check': { type: 'boolean', default: false },
    },
  })
  if (values['api-only'] && values['workers-only'])
    throw new Error('choose one of --api-only and --workers-only, not both')
  const bridge: BridgeEnv = loadEnv(env)
  const logger = createLogger(bridge.logLevel)
  const config = loadRelaisConfig(bridge.configPath, env)
  // Tracing holds patients' identities: a weak key stops the start here, before anything is opened (tracing/key.ts).
  if (config.tracing) requireTracingKey(bridge.pseudonymKey)
  const db = await openLedger({ database: bridge.database })
  // Operators' commands (status, records, quarantine, run) use the embedded ledger through this process.
  const ledgerSocket =
    bridge.database.kind === 'pglite' && !bridge.database.dataDir.startsWith('memory://')
      ? await serveLedgerSocket(db, bridge.database.dataDir)
      : undefined
  const redis = new Redis({ ...redisOptions(bridge.redisUrl), maxRetriesPerRequest: 2, lazyConnect: true })
  await redis.connect()
  const dhis2 = createDhis2Client(bridge)
  // Period expiry is DHIS2's decision, on DHIS2's clock and in its local days: take both from DHIS2.
  const clock = await dhis2Clock(dhis2, logger)
  const timeZone = clock.timeZone
  const runWorkers = !values['api-only']
  const metrics = createMetrics({ logger })
  // This process in Redis, beating every 5 s, for `relais status` (processes/registry.ts): built before the
  // pipeline, which reports its circuit's first state as it is created.
  const registry = new ProcessRegistry(redis, {
    role: values['api-only'] ? 'api' : values['workers-only'] ? 'workers' : 'both',
    version: bridgeVersion(),
    logger,
  })
  const pipeline = createPipeline({
    db,
    redis: bridge.redisUrl,
    dhis2,
    config,
    logger,
    timeZone,
    now: () => new Date(Date.now() + clock.offsetMs),
    workers: runWorkers,
    schedules: runWorkers,
    env,
    // Uploads are spooled next to the embedded ledger: RELAIS_DATA_DIR is the bridge's one persistent volume.
    spoolDir: join(bridge.dataDir, 'uploads'),
    archiveDir: archiveDirOf(bridge.dataDir),
    backupDir: join(bridge.dataDir, 'backups'),
    pseudonymKey: bridge.pseudonymKey,
    takesUploads: !values['workers-only'],
    // Push latency, DHIS2 errors, circuit changes as they happen (RelaisMetrics is a PipelineObserver); the
    // registry counts this process's jobs per stage and keeps its circuit states where `relais status` reads them.
    observer: observers(metrics, registry),
    // The heap near its live size through long imports (pipeline/intake/heap-budget.ts): RSS ≤ 300 MB on 1M rows.
    // Only where the map and push workers run, which make an import's garbage: a forced full GC stops the
    // event loop (≈ 50 ms for 45 MB live on the bench machine), and in an --api-only process under webhook
    // load those stops were the bursts of slow answers (p99 57–95 ms without them, 101–118 ms with).
    // 96 MB: an idle bridge holds ≈ 40 MB live, an import ≈ 50 MB. csv-memory at 150,000 rows, alternated
    // (2026-12-07): peak RSS 251 and 257 MB at 128, 223 and 214 MB at 96; the price, one more forced full
    // collection per 100,000 values in bench/bridge-csv.ts (2 → 3, tens of ms).
    heapBudgetMb: runWorkers ? 96 : undefined,
    ...(values['without-overwrite-check'] ? { checkOverwrites: false } : {}),
    security: {
      ...(bridge.dhis2.auth.kind === 'token' ? { bridgeToken: bridge.dhis2.auth.token } : {}),
      // Names and last days only: the keys themselves never leave the configuration.
      bridge: () => bridgeFacts(bridge, db),
    },
  })
  if (values['without-overwrite-check'])
    logger.warn("--without-overwrite-check: people's values in DHIS2 may be overwritten silently (for benchmarks only)")
  await pipeline.start()

  let server: Server | undefined
  let url: string | undefined
  // Route secrets and API keys added or revoked by `relais secrets`, read again every few seconds.
  const ledgerSecrets = new LedgerSecrets(() => bridgeSecretsRepository(db).all(), logger)
  if (!values['workers-only']) {
    await ledgerSecrets.start()
    metrics.collectFrom({
      queues: bullmqQueueStats({ map: pipeline.queues.map, push: pipeline.queues.push }),
      recordCounts: () => repositories(db).records.countByStatus(),
      circuits: () => pipeline.breakers.snapshots(),
      lastBackup: () => lastBackupAt(db),
      disks: async () => [await diskOf(bridge.dataDir)],
    })
    const app = createApiApp({
      services: pipeline,
      ...(pipeline.reminders ? { reminders: pipeline.reminders } : {}),
      ...(pipeline.security ? { security: pipeline.security } : {}),
      ...(pipeline.outbound ? { outbound: pipeline.outbound } : {}),
      ...(pipeline.tracing ? { tracing: pipeline.tracing } : {}),
      ...(pipeline.hmis ? { hmis: pipeline.hmis } : {}),
      capacity: () => capacityReport({ db, dhis2, redisUrl: bridge.redisUrl, dataDir: bridge.dataDir }),
      repos: repositories(db),
      auth: {
        routeSecret: bridge.routeSecret,
        ...(bridge.routeSecretNext ? { routeSecretNext: bridge.routeSecretNext } : {}),
        apiKeys: bridge.apiKeys,
        ledgerSecrets: ledgerSecrets.current,
        directory: new CachedDirectory(dhis2Directory(dhis2)),
        proofs: new RouteProofs(dhis2ProofStore(dhis2), undefined, undefined, undefined, (error) =>
          logger.warn({ err: error }, 'a route proof past its time could not be deleted in DHIS2'),
        ),
      },
      config,
      logger,
      metrics,
      replayCache: new RedisReplayCache(redis),
      health: {
        checks: {
          redis: () => redis.ping(),
          ledger: () => db.query('SELECT 1'),
          // DHIS2 down only degrades readiness: intake must go on while DHIS2 is away.
          dhis2: { check: () => dhis2.ping(), critical: false },
        },
      },
    })
    server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(bridge.port, bridge.host, () => resolve(s))
      s.once('error', reject)
    })
    applyServerTimeouts(server)
    const address = server.address()
    const shown = bridge.host === '0.0.0.0' || bridge.host === '::' ? '127.0.0.1' : bridge.host
    url = `http://${shown.includes(':') ? `[${shown}]` : shown}:${typeof address === 'object' && address ? address.port : bridge.port}`
  }
  await registry.start()
  const mode = values['api-only'] ? 'API only' : values['workers-only'] ? 'workers only' : 'API and workers'
  const ledger = bridge.database.kind === 'postgres' ? 'PostgreSQL' : `PGlite (${bridge.database.dataDir})`
  const message = `relais bridge ready (${mode}) — ${url ? `${url}/api/v1, ` : ''}ledger ${ledger}, ${config.sources.length} source(s)`
  logger.info({ mode, url, sources: config.sources.map((s) => s.name) }, 'bridge ready')
  onReady?.(message)

  return {
    url,
    async stop() {
      ledgerSecrets.stop()
      if (server) {
        server.closeAllConnections()
        await new Promise<void>((resolve) => server?.close(() => resolve()))
      }
      await pipeline.stop()
      await registry.stop()
      redis.disconnect()
      await ledgerSocket?.close()
      await db.close()
    },
  }
}
