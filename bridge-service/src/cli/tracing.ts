/**
 * `relais tracing [status] [--json]` — per care site: cases by status, cases traced (an outcome recorded) and
 * returned to care (issue 19 §3). `relais tracing cases [--status S] [--site CODE] [--page N] [--page-size N]
 * [--json]` — the cases, newest first, by tracing code: never a site's identifier, never the full pseudonym.
 * Reads the ledger only.
 */
import { TRACING_STATUSES, tracingLedger, type TracingStatus } from '../ledger/tracing'
import { expectPositionals, parseCli, UsageError, pageOptions, type CliIo } from './args'
import { lazy } from './lazy'
import { loadSettings } from './settings'
import { formatTime, plural, table, toJson } from './table'
import { tracingCaseDto } from '../api/routes/tracing'

export const TRACING_USAGE = `Usage: relais tracing [status] [--json]
       relais tracing cases [--status S] [--site CODE] [--page N] [--page-size N] [--json]

  status        per care site: cases by status, traced, returned to care
  cases         the cases, newest first, by tracing code (no identifier)
  --status S    ${TRACING_STATUSES.join(', ')}`

const isStatus = (text: string): text is TracingStatus => (TRACING_STATUSES as readonly string[]).includes(text)

export async function runTracingCommand(argv: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env) {
  const { values, positionals } = parseCli(argv, {
    status: { type: 'string' },
    site: { type: 'string' },
    page: { type: 'string' },
    'page-size': { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  })
  if (values.help) {
    io.out(TRACING_USAGE)
    return 0
  }
  const [action = 'status', ...rest] = positionals
  if (action !== 'status' && action !== 'cases')
    throw new UsageError(`unknown action "${action}" — usage: relais tracing [status|cases]`)
  expectPositionals(rest, 0, `relais tracing ${action}`)
  if (values.status !== undefined && !isStatus(values.status))
    throw new UsageError(`--status must be one of ${TRACING_STATUSES.join(', ')} (got "${values.status}")`)
  const { page, pageSize } = pageOptions(values)

  const settings = loadSettings(env)
  const { openContext } = lazy<typeof import('./context')>('./context')
  const ctx = await openContext(env, settings)
  try {
    const ledger = tracingLedger(ctx.db)
    if (action === 'status') {
      const rows = await ledger.counts()
      const sites = new Map<
        string,
        { site: string; cases: number; traced: number; returned: number; byStatus: Record<string, number> }
      >()
      for (const r of rows) {
        const s = sites.get(r.site) ?? { site: r.site, cases: 0, traced: 0, returned: 0, byStatus: {} }
        s.cases += r.cases
        s.byStatus[r.status] = (s.byStatus[r.status] ?? 0) + r.cases
        if (r.outcome) s.traced += r.cases
        if (r.outcome === 'RETROUVE_REVENU') s.returned += r.cases
        sites.set(r.site, s)
      }
      const list = [...sites.values()]
      if (values.json) {
        io.out(toJson({ sites: list }))
        return 0
      }
      if (list.length === 0) {
        io.out(
          ctx.config.tracing
            ? 'No tracing case yet: no care site has sent a list.'
            : 'No tracing: no care site in relais.config.yaml (`tracing:`).',
        )
        return 0
      }
      io.out(
        table(list, [
          { header: 'site', value: (s) => s.site },
          { header: 'cases', value: (s) => String(s.cases), align: 'right' },
          { header: 'traced', value: (s) => String(s.traced), align: 'right' },
          { header: 'returned to care', value: (s) => String(s.returned), align: 'right' },
          {
            header: 'by status',
            value: (s) =>
              Object.entries(s.byStatus)
                .map(([k, v]) => `${k} ${v}`)
                .join(', '),
            maxWidth: 80,
          },
        ]),
      )
      return 0
    }
    const filter = {
      ...(values.status !== undefined ? { status: values.status as TracingStatus } : {}),
      ...(values.site !== undefined ? { site: values.site } : {}),
    }
    const list = await ledger.search(filter, { page, pageSize })
    if (values.json) {
      io.out(toJson({ items: list.items.map(tracingCaseDto), pager: list.pager }))
      return 0
    }
    if (list.pager.total === 0) {
      io.out(`No tracing case${values.status ? ` ${values.status}` : ''}.`)
      return 0
    }
    io.out(
      table(list.items, [
        { header: 'tracing code', value: (c) => c.tracingCode },
        { header: 'site', value: (c) => c.site },
        { header: 'status', value: (c) => c.status },
        { header: 'RC', value: (c) => c.rcCode ?? '' },
        { header: 'outcome', value: (c) => (c.outcome ? `${c.outcome} ${c.outcomeDate}` : '') },
        { header: 'reason', value: (c) => c.reason ?? '', maxWidth: 60 },
        { header: 'received', value: (c) => formatTime(c.receivedAt) },
      ]),
    )
    io.out('')
    io.out(`${plural(list.pager.total, 'case', 'cases')} (page ${list.pager.page} of ${list.pager.pageCount}).`)
    return 0
  } finally {
    await ctx.close()
  }
}
