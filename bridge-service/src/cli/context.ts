/**
 * How a CLI verb reaches the bridge's state without the API: the same wiring as `relais serve` (loadEnv,
 * relais.config.yaml, the ledger, DHIS2, Redis), opened for one command and closed after it.
 *
 * The pipeline is created with `workers: false, schedules: false` unless the verb runs the workers itself
 * (`relais run --with-workers`): writes go through PipelineServices (validated, audited, enqueued), and the
 * running `relais serve` (or `--workers-only`) processes do the work.
 *
 * Verbs import this module lazily, after their arguments are checked: bad usage answers in a fraction of a
 * second, without loading PGlite, BullMQ or the pipeline.
 */
import { userInfo } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { parseLocalTimestamp } from '@relais/mappings'
import type { BridgeEnv } from '../config/env'
import type { RelaisConfig } from '../config/relais-config'
import { createDhis2Client, type Dhis2Client } from '../dhis2/client'
import { openLedger, repositories, type Db, type LedgerRepositories } from '../ledger'
import { createLogger, type Logger } from '../log/logger'
import { createPipeline, type Pipeline } from '../pipeline'
import type { Actor } from '../pipeline/services'
import { loadSettings, type CliSettings } from './settings'

export interface CliContext {
  readonly env: BridgeEnv
  readonly config: RelaisConfig & { readonly baseDir: string }
  readonly db: Db
  readonly repos: LedgerRepositories
  readonly dhis2: Dhis2Client
  readonly logger: Logger
  /** Who the audit log names: the OS user, as `cli:<user>`. */
  readonly actor: Actor
  /** Creates the pipeline over this context (once); `stop` of the context stops it. */
  pipeline(options?: { workers?: boolean }): Promise<Pipeline>
  close(): Promise<void>
}

/** The OS user running the command, as the audit log names it. */
export function cliActor(env: NodeJS.ProcessEnv = process.env): Actor {
  let user: string | undefined
  try {
    user = userInfo().username
  } catch {
    user = env.USER ?? env.USERNAME
  }
  return { name: `cli:${user || 'unknown'}`, role: 'cli' }
}

/** DHIS2's time zone and clock offset, as `serve` takes them (period locks are decided on DHIS2's clock). */
async function dhis2Clock(dhis2: Dhis2Client, logger: Logger): Promise<{ timeZone: string; offsetMs: number }> {
  try {
    const info = await dhis2.getSystemInfo()
    const serverNow = info.serverDate ? parseLocalTimestamp(info.serverDate, info.serverTimeZoneId) : undefined
    return { timeZone: info.serverTimeZoneId, offsetMs: serverNow ? serverNow.getTime() - Date.now() : 0 }
  } catch (error) {
    logger.warn({ err: error }, 'DHIS2 unreachable: assuming its time zone is Africa/Porto-Novo and its clock is ours')
    return { timeZone: 'Africa/Porto-Novo', offsetMs: 0 }
  }
}

/**
 * Opens what a verb needs. Logs go to stderr (stdout is the command's answer, `--json` included), at
 * `warn` unless LOG_LEVEL is set.
 */
export async function openContext(
  env: NodeJS.ProcessEnv = process.env,
  settings: CliSettings = loadSettings(env),
): Promise<CliContext> {
  const { env: bridge, config } = settings
  const logger = createLogger(env.LOG_LEVEL?.trim() ? bridge.logLevel : 'warn', pino.destination({ fd: 2, sync: true }))
  const db = await openLedger({ database: bridge.database, throughRunningBridge: true })
  const dhis2 = createDhis2Client(bridge)
  let pipeline: Pipeline | undefined
  return {
    env: bridge,
    config,
    db,
    repos: repositories(db),
    dhis2,
    logger,
    actor: cliActor(env),
    async pipeline(options = {}) {
      if (pipeline) return pipeline
      const workers = options.workers ?? false
      const clock = await dhis2Clock(dhis2, logger)
      pipeline = createPipeline({
        db,
        redis: bridge.redisUrl,
        dhis2,
        config,
        logger,
        timeZone: clock.timeZone,
        now: () => new Date(Date.now() + clock.offsetMs),
        workers,
        schedules: false,
        env,
        // The same spool as `relais serve`, so that a serve process reads again what a killed command left;
        // a short-lived command never takes over another process's upload itself.
        spoolDir: join(bridge.dataDir, 'uploads'),
        pseudonymKey: bridge.pseudonymKey,
        takesUploads: false,
      })
      // With workers this process does the work: start = snapshot, reconciliation, workers.
      if (workers) await pipeline.start()
      return pipeline
    },
    async close() {
      try {
        if (pipeline) await pipeline.stop()
      } finally {
        await db.close()
      }
    },
  }
}
