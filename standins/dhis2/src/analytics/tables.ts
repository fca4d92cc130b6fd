/**
 * Analytics table runs (analytics §5): `runAnalyticsTables(ctx)` snapshots the state into a new table,
 * then records `lastAnalyticsTableSuccess` (the run's start) and `lastAnalyticsTableRuntime`
 * (`HH:mm:ss.SSS`). Tables belong to a state object: replacing the state (reset, load) drops them; a
 * loaded state that says tables were generated gets them rebuilt on first use, as of that instant.
 */
import type { StandinContext } from '../context'
import type { StandinState } from '../store/state'
import { buildAnalyticsTable, type AnalyticsTable } from './table'

/** null: a run happened with skipAggregate before any aggregate tables existed. */
const tables = new WeakMap<StandinState, AnalyticsTable | null>()

export interface AnalyticsRunOptions {
  /** `skipAggregate`: keep the data value and completeness tables as they are. */
  skipAggregate?: boolean
  /** `lastYears`: only rebuild the partitions of the last n years. */
  lastYears?: number
}

export interface AnalyticsRunSummary {
  startedAt: string
  runtime: string
  runtimeMs: number
  dataValues: number
  registrations: number
}

/** commons-lang3 `DurationFormatUtils.formatDurationHMS`: `HH:mm:ss.SSS`. */
export function formatRuntime(ms: number): string {
  const pad = (n: number, w = 2) => String(Math.floor(n)).padStart(w, '0')
  return `${pad(ms / 3600000)}:${pad((ms % 3600000) / 60000)}:${pad((ms % 60000) / 1000)}.${pad(ms % 1000, 3)}`
}

/**
 * Generates the analytics tables now (synchronously: nothing can change the state while it runs) and
 * returns what the job summary shows. Call it at start and on an interval for a demo (see
 * `scheduleAnalyticsTables`), or through `POST /api/resourceTables/analytics`.
 */
export function runAnalyticsTables(ctx: StandinContext, options: AnalyticsRunOptions = {}): AnalyticsRunSummary {
  const state = ctx.state
  const startedAt = ctx.clock.timestamp()
  const t0 = performance.now()
  const previous = tables.get(state) ?? undefined
  let table = previous
  if (!options.skipAggregate) {
    table = buildAnalyticsTable(state, ctx.index.metadata, {
      startedAt,
      timeZone: ctx.options.timeZone,
      includeZeroValues: state.systemSettings.keyIncludeZeroValuesInAnalytics === true,
      lastYears: options.lastYears,
      previous,
    })
  }
  tables.set(state, table ?? null)
  const runtimeMs = Math.round(performance.now() - t0)
  state.lastAnalyticsTableSuccess = startedAt
  state.lastAnalyticsTableRuntime = formatRuntime(runtimeMs)
  return {
    startedAt,
    runtime: state.lastAnalyticsTableRuntime,
    runtimeMs,
    dataValues: table?.valueCount ?? 0,
    registrations: table?.registrationCount ?? 0,
  }
}

/** The current tables, or undefined when analytics was never run for this state (→ E7144). */
export function getAnalyticsTable(ctx: StandinContext): AnalyticsTable | undefined {
  const state = ctx.state
  if (tables.has(state)) return tables.get(state) ?? undefined
  if (!state.lastAnalyticsTableSuccess) return undefined
  // A state loaded from a file: rebuild the tables as they were at the recorded run.
  const table = buildAnalyticsTable(state, ctx.index.metadata, {
    startedAt: state.lastAnalyticsTableSuccess,
    timeZone: ctx.options.timeZone,
    includeZeroValues: state.systemSettings.keyIncludeZeroValuesInAnalytics === true,
  })
  tables.set(state, table)
  return table
}

/** Runs the tables now and then every `intervalMs`; returns a stop function. The timer does not keep the process alive. */
export function scheduleAnalyticsTables(
  ctx: StandinContext,
  intervalMs: number,
  onRun?: (summary: AnalyticsRunSummary) => void,
): () => void {
  const run = () => {
    try {
      onRun?.(runAnalyticsTables(ctx))
    } catch (error) {
      console.error('[dhis2-standin] analytics table run failed', error)
    }
  }
  run()
  const timer = setInterval(run, intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}
