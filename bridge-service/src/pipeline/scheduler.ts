/**
 * Time-driven work (croner): each Kobo source's pull (`schedule`) and edit sweep (`sweepSchedule`), the
 * metadata refresh, the reminders, the daily security check and the nightly maintenance (payload retention). A tick never overlaps a run of the same source still running (`protect`,
 * plus the caller's own check); with `claims`, a tick runs in one process only, however many run the schedule
 * (tick-claims.ts); a failing tick is logged, never thrown into the timer.
 */
import { Cron } from 'croner'
import { isPulled, type SourceConfig } from '../config/relais-config'
import type { Logger } from '../log/logger'
import { tickOf, type TickClaims } from './tick-claims'

export interface ScheduledWork {
  pull(source: string): Promise<unknown>
  sweep(source: string): Promise<unknown>
  refreshMetadata(): Promise<unknown>
  /** One reminders tick (reminders/reminder-job.ts); absent: no reminders. */
  remind?(): Promise<unknown>
  /** The daily security check (security/security-check.ts); absent: none. */
  checkSecurity?(): Promise<unknown>
  /** The nightly maintenance: payloads past their retention to the archive (retention/); absent: none. */
  maintain?(): Promise<unknown>
  /** The monthly national HMIS push (hmis/hmis-service.ts); absent: none. */
  pushHmis?(): Promise<unknown>
}

export interface SchedulerOptions {
  readonly sources: readonly SourceConfig[]
  /** Cron of the metadata refresh (default every night at 03:15); null: none. */
  readonly metadataSchedule?: string | null
  /** Cron of the reminders' tick (default every hour at :07: the rules say which days and hours send). */
  readonly reminderSchedule?: string
  /** Cron of the security check (default every day at 05:30, before the working day). */
  readonly securitySchedule?: string
  /** Cron of the national HMIS push (hmis.pushDay at 06:15); needed with `pushHmis`. */
  readonly hmisSchedule?: string
  /** Claims each tick for one process (several bridge processes, one Redis). */
  readonly claims?: TickClaims
  /** Time zone the cron expressions are read in (default: the process's). */
  readonly timeZone?: string
  readonly logger: Logger
}

export const DEFAULT_METADATA_SCHEDULE = '15 3 * * *'
export const DEFAULT_REMINDER_SCHEDULE = '7 * * * *'
export const DEFAULT_SECURITY_SCHEDULE = '30 5 * * *'
/** 04:10: after DHIS2's analytics (02:00) and the metadata refresh (03:15), before the security check. */
export const MAINTENANCE_SCHEDULE = '10 4 * * *'

/**
 * The tick a timer fired for: the schedule's own time at or before the firing (croner never fires early), the
 * same in every process. Not the firing time rounded to the second (tickOf): a process whose event loop was
 * busy at the tick (mapping a chunk, a full GC) fired 500 ms late or more, rounded to the next second, claimed a
 * key no other process had claimed, and ran the tick a second time once the first run had ended (issue 18).
 */
export function scheduledTick(cron: Cron, firedAt: Date): Date {
  return cron.previousRuns(1, new Date(firedAt.getTime() + 1))[0] ?? tickOf(firedAt)
}

export class Scheduler {
  private readonly jobs: { name: string; cron: Cron }[] = []

  constructor(
    private readonly options: SchedulerOptions,
    private readonly work: ScheduledWork,
  ) {}

  start(): void {
    const { sources, logger } = this.options
    for (const source of sources) {
      if (!source.enabled || !isPulled(source)) continue
      this.add(source.schedule, `pull ${source.name}`, () => this.work.pull(source.name))
      this.add(source.sweepSchedule, `sweep ${source.name}`, () => this.work.sweep(source.name))
    }
    const metadata =
      this.options.metadataSchedule === undefined ? DEFAULT_METADATA_SCHEDULE : this.options.metadataSchedule
    if (metadata !== null) this.add(metadata, 'metadata refresh', () => this.work.refreshMetadata())
    const remind = this.work.remind?.bind(this.work)
    if (remind) this.add(this.options.reminderSchedule ?? DEFAULT_REMINDER_SCHEDULE, 'reminders', remind)
    const checkSecurity = this.work.checkSecurity?.bind(this.work)
    if (checkSecurity)
      this.add(this.options.securitySchedule ?? DEFAULT_SECURITY_SCHEDULE, 'security check', checkSecurity)
    const maintain = this.work.maintain?.bind(this.work)
    if (maintain) this.add(MAINTENANCE_SCHEDULE, 'maintenance', maintain)
    const pushHmis = this.work.pushHmis?.bind(this.work)
    if (pushHmis && this.options.hmisSchedule) this.add(this.options.hmisSchedule, 'national HMIS push', pushHmis)
    logger.info({ jobs: this.jobs.length }, 'scheduler started')
  }

  /** When each scheduled job runs next (for /sources and the CLI). */
  next(): { name: string; nextRun: Date | null }[] {
    return this.jobs.map((job) => ({ name: job.name, nextRun: job.cron.nextRun() }))
  }

  stop(): void {
    for (const job of this.jobs.splice(0)) job.cron.stop()
  }

  private add(pattern: string, name: string, run: () => Promise<unknown>): void {
    const { logger, timeZone } = this.options
    // No croner `name`: croner keeps names in a process-wide registry, and two pipelines (tests) would clash.
    const cron = new Cron(
      pattern,
      { protect: true, unref: true, ...(timeZone ? { timezone: timeZone } : {}) },
      async (self: Cron) => {
        try {
          const { claims } = this.options
          if (claims && !(await claims.claim(name, scheduledTick(self, new Date())))) {
            logger.debug({ job: name }, 'tick claimed by another process')
            return
          }
          await run()
        } catch (error) {
          logger.error(
            { job: name, err: { message: error instanceof Error ? error.message : String(error) } },
            'scheduled work failed',
          )
        }
      },
    )
    this.jobs.push({ name, cron })
  }
}
