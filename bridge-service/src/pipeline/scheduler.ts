/**
 * Time-driven work (croner): each Kobo source's pull (`schedule`) and edit sweep (`sweepSchedule`), and the
 * metadata refresh. A tick never overlaps a run of the same source still running (`protect`, plus the
 * caller's own check), and a failing tick is logged, never thrown into the timer.
 */
import { Cron } from 'croner'
import type { SourceConfig } from '../config/relais-config'
import type { Logger } from '../log/logger'

export interface ScheduledWork {
  pull(source: string): Promise<unknown>
  sweep(source: string): Promise<unknown>
  refreshMetadata(): Promise<unknown>
}

export interface SchedulerOptions {
  readonly sources: readonly SourceConfig[]
  /** Cron of the metadata refresh (default every night at 03:15); null: none. */
  readonly metadataSchedule?: string | null
  /** Time zone the cron expressions are read in (default: the process's). */
  readonly timeZone?: string
  readonly logger: Logger
}

export const DEFAULT_METADATA_SCHEDULE = '15 3 * * *'

export class Scheduler {
  private readonly jobs: { name: string; cron: Cron }[] = []

  constructor(
    private readonly options: SchedulerOptions,
    private readonly work: ScheduledWork,
  ) {}

  start(): void {
    const { sources, logger } = this.options
    for (const source of sources) {
      if (!source.enabled || source.kind !== 'kobo') continue
      this.add(source.schedule, `pull ${source.name}`, () => this.work.pull(source.name))
      this.add(source.sweepSchedule, `sweep ${source.name}`, () => this.work.sweep(source.name))
    }
    const metadata =
      this.options.metadataSchedule === undefined ? DEFAULT_METADATA_SCHEDULE : this.options.metadataSchedule
    if (metadata !== null) this.add(metadata, 'metadata refresh', () => this.work.refreshMetadata())
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
      async () => {
        try {
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
