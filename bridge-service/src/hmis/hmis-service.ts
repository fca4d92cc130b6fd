/**
 * The national push as the bridge's processes use it: on demand (API), and once a month after the reporting
 * deadline (the scheduler, `hmis.pushDay` at 06:15 in DHIS2's time zone: the month before is pushed). The
 * push is built again from the configuration at each use, so that a spec edited on disk is read at the next
 * push, and a missing credential is an error of that push, never of the bridge's start.
 */
import type { HmisConfig } from '../config/hmis-config'
import type { Dhis2Client } from '../dhis2/client'
import type { Db } from '../ledger'
import { hmisPushesRepository, type HmisPush, type HmisTrigger } from '../ledger/hmis-pushes'
import type { Logger } from '../log/logger'
import { nationalPushFromConfig } from './from-config'
import type { NationalPushResult } from './national-push'
import type { ReportLine, ReportMode } from './reconcile'

export interface HmisServiceOptions {
  hmis: HmisConfig | undefined
  baseDir: string
  env: NodeJS.ProcessEnv
  programme: Dhis2Client
  db: Db
  logger: Logger
  timeZone: string
  now: () => Date
}

/** The monthly push's cron: the configured day at 06:15 (after DHIS2's nightly analytics). */
export function hmisSchedule(hmis: HmisConfig | undefined): string | undefined {
  if (!hmis || !hmis.enabled || hmis.pushDay === 0) return undefined
  return `15 6 ${hmis.pushDay} * *`
}

/** The month before the one `now` falls in, in `timeZone` (DHIS2's): `202610` on any day of November 2026. */
export function previousMonth(now: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(now)
  const year = Number(parts.find((p) => p.type === 'year')?.value)
  const month = Number(parts.find((p) => p.type === 'month')?.value)
  return month === 1 ? `${year - 1}12` : `${year}${String(month - 1).padStart(2, '0')}`
}

export class HmisService {
  constructor(private readonly options: HmisServiceOptions) {}

  get configured(): boolean {
    return this.options.hmis?.enabled === true
  }

  run(mode: ReportMode, period: string, actor: string, trigger: HmisTrigger): Promise<NationalPushResult> {
    return nationalPushFromConfig(this.options).run({ mode, period, actor, trigger })
  }

  /** Starts a push (the API answers with its id at once); its failure is logged and kept on the push. */
  async begin(mode: ReportMode, period: string, actor: string, trigger: HmisTrigger): Promise<string> {
    const { id, done } = await nationalPushFromConfig(this.options).begin({ mode, period, actor, trigger })
    done.catch((error: unknown) =>
      this.options.logger.warn(
        { push: id, err: { message: error instanceof Error ? error.message : String(error) } },
        'national HMIS push failed',
      ),
    )
    return id
  }

  /** The scheduler's tick: the month that ended, pushed. */
  async monthly(): Promise<void> {
    const period = previousMonth(this.options.now(), this.options.timeZone)
    const result = await this.run('push', period, 'schedule', 'schedule')
    this.options.logger.info({ period, push: result.id, counts: result.counts }, 'national HMIS push done')
  }

  list(options: { period?: string; limit?: number }): Promise<HmisPush[]> {
    return hmisPushesRepository(this.options.db).list(options)
  }

  async get(id: string): Promise<{ push: HmisPush; lines: ReportLine[] } | undefined> {
    const repo = hmisPushesRepository(this.options.db)
    const push = await repo.get(id)
    return push ? { push, lines: await repo.lines(id) } : undefined
  }
}
