/**
 * Aggregate analytics (shared/reference/dhis2-analytics.md): `GET /api/analytics[.json]` answered from
 * the in-memory analytics tables (engine in ../analytics/), and `POST|PUT /api/resourceTables/analytics`
 * which generates them as an ANALYTICS_TABLE job (authority ALL or F_PERFORM_MAINTENANCE).
 */
import type { Request, Response, Router } from 'express'
import type { StandinContext } from '../context'
import { forbidden } from '../http/web-message'
import { runAnalyticsQuery } from '../analytics/engine'
import { getAnalyticsTable, runAnalyticsTables, type AnalyticsRunOptions } from '../analytics/tables'

export { runAnalyticsTables, scheduleAnalyticsTables, getAnalyticsTable } from '../analytics/tables'

/** `keyCacheStrategy` → Cache-Control, as ContextUtils.configureAnalyticsResponse (default CACHE_1_MINUTE). */
const CACHE_SECONDS: Record<string, number> = {
  NO_CACHE: 0,
  CACHE_1_MINUTE: 60,
  CACHE_5_MINUTES: 300,
  CACHE_10_MINUTES: 600,
  CACHE_15_MINUTES: 900,
  CACHE_30_MINUTES: 1800,
  CACHE_1_HOUR: 3600,
  CACHE_6AM_TOMORROW: 3600,
  CACHE_TWO_WEEKS: 1209600,
}

function cacheControl(ctx: StandinContext): string {
  const strategy = String(ctx.state.systemSettings.keyCacheStrategy ?? 'CACHE_1_MINUTE')
  const seconds = CACHE_SECONDS[strategy] ?? 60
  if (seconds === 0) return 'no-cache, private'
  const cacheability =
    String(ctx.state.systemSettings.keyCacheability ?? 'PUBLIC').toLowerCase() === 'private' ? 'private' : 'public'
  return `max-age=${seconds}, ${cacheability}`
}

function intParam(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return undefined
  return Number(value)
}

export function registerAnalytics(router: Router, ctx: StandinContext): void {
  router.get(['/analytics', '/analytics.json'], (req: Request, res: Response) => {
    const user = ctx.userOf(req)
    const body = runAnalyticsQuery(ctx, user, req.query as Record<string, unknown>, {
      table: () => getAnalyticsTable(ctx),
      ignoreLimit: req.query.ignoreLimit === 'true',
    })
    res.set('Cache-Control', cacheControl(ctx)).json(body)
  })

  const generate = (req: Request, res: Response) => {
    const user = ctx.userOf(req)
    if (!ctx.hasAuthority(user, 'F_PERFORM_MAINTENANCE'))
      throw forbidden('Access is denied, requires one Authority from [F_PERFORM_MAINTENANCE]')
    const options: AnalyticsRunOptions = {
      skipAggregate: req.query.skipAggregate === 'true',
      lastYears: intParam(req.query.lastYears),
    }
    res.json(
      ctx.tasks.start('ANALYTICS_TABLE', 'inMemoryAnalyticsJob', user.user.id, () => runAnalyticsTables(ctx, options)),
    )
  }
  router.post('/resourceTables/analytics', generate)
  router.put('/resourceTables/analytics', generate)
}
