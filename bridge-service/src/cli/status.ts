/**
 * `relais status [--json]`: one screen — DHIS2 reachable or not, the queues (jobs waiting, active, delayed,
 * failed; workers connected), the bridge processes, the records by status, and each source of
 * relais.config.yaml with its last run and that run's counts. Exit 0 when DHIS2 and Redis answer, 1 otherwise
 * (so a script can check it).
 *
 * The processes are those registered in Redis (processes/registry.ts): each `relais serve` beats every 5 s with
 * its role, the jobs its workers completed per stage and its DHIS2 circuit state(s) — the circuit breakers live
 * in each worker process's memory, and this is where they are read. A process silent for 20 s is shown `gone`
 * (killed, frozen, cut off from Redis) until 15 min after its last beat. Each process's share is its part of
 * the jobs completed by the listed processes, per stage. It reads the ledger and Redis, and never needs the API.
 */
import type { RECORD_STATUSES } from '../ledger/record-status'
import type { StatusCounts } from '../ledger/records'
import type { Run } from '../ledger/runs'
import { parseCli, UsageError, type CliIo } from './args'
import { lazy } from './lazy'
import { loadSettings } from './settings'
import { workersOn } from './queue-workers'
import { countsLine } from './progress'
import { formatDuration, formatTime, keyValues, safeUrl, table, toJson } from './table'
import type { ProcessView } from '../processes/registry'

export const STATUS_USAGE = `Usage: relais status [--json]

Sources with their last run and its counts, queue depths, records by status, DHIS2 reachability, and the
bridge processes (\`relais serve\`, --api-only, --workers-only) registered in Redis: role, age of the last
beat, share of the jobs done in all and per stage (map / push / complete, in %), DHIS2 circuit state per
process. A process silent for 20 s is shown "gone" until 15 min after its last beat; one stopped cleanly is
removed. Exit 0 when DHIS2 and Redis answer, 1 otherwise.`

const PROBE_MS = 3000

interface QueueState {
  stage: string
  waiting: number
  active: number
  delayed: number
  failed: number
  workers: number | null
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer in ${formatDuration(ms)}`)), ms)
    }),
  ]).finally(() => clearTimeout(timer))
}

async function redisState(
  url: string,
): Promise<{ reachable: boolean; error?: string; queues: QueueState[]; processes: ProcessView[] }> {
  const { Redis } = lazy<typeof import('ioredis')>('ioredis')
  const { DEFAULT_RETRY, openQueues, redisOptions } = lazy<typeof import('../pipeline/queues')>('../pipeline/queues')
  const probe = new Redis({
    ...redisOptions(url),
    maxRetriesPerRequest: 1,
    lazyConnect: true,
    connectTimeout: PROBE_MS,
    retryStrategy: () => null,
  })
  probe.on('error', () => undefined)
  try {
    await withTimeout(
      probe.connect().then(() => probe.ping()),
      PROBE_MS,
      'Redis',
    )
  } catch (error) {
    return {
      reachable: false,
      error: error instanceof Error ? error.message : String(error),
      queues: [],
      processes: [],
    }
  }
  let processes: ProcessView[]
  try {
    const { listProcesses } = lazy<typeof import('../processes/registry')>('../processes/registry')
    processes = await withTimeout(listProcesses(probe), PROBE_MS, 'Redis (processes)')
  } finally {
    probe.disconnect()
  }
  const queues = openQueues({ url }, DEFAULT_RETRY)
  try {
    const states = await Promise.all(
      (['map', 'push'] as const).map(async (stage): Promise<QueueState> => {
        const queue = queues[stage]
        const c = await queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed')
        const workers = (await workersOn(queue, redisOptions(url).db ?? 0)) ?? null
        return {
          stage,
          waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
          active: c.active ?? 0,
          delayed: c.delayed ?? 0,
          failed: c.failed ?? 0,
          workers,
        }
      }),
    )
    return { reachable: true, queues: states, processes }
  } finally {
    await queues.close()
  }
}

export async function runStatusCommand(argv: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env) {
  const { values, positionals } = parseCli(argv, {
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  })
  if (values.help) {
    io.out(STATUS_USAGE)
    return 0
  }
  if (positionals.length > 0)
    throw new UsageError(`unexpected argument "${positionals[0]}" — usage: relais status [--json]`)

  const settings = loadSettings(env)

  const { openContext } = lazy<typeof import('./context')>('./context')
  const ctx = await openContext(env, settings)
  try {
    const repos = ctx.repos
    const [dhis2, redis, totals] = await Promise.all([
      ctx.dhis2.ping({ timeoutMs: PROBE_MS }).then(
        (r) => ({ reachable: true as const, latencyMs: r.latencyMs }),
        (error: unknown) => ({
          reachable: false as const,
          error: error instanceof Error ? error.message : String(error),
        }),
      ),
      redisState(ctx.env.redisUrl),
      repos.records.countByStatus(),
    ])
    const sources = await Promise.all(
      ctx.config.sources.map(async (source) => {
        const [last] = (await repos.runs.list({ source: source.name }, { page: 1, pageSize: 1 })).items
        const counts: StatusCounts | null = last ? (last.finalCounts ?? (await repos.runs.counts(last.id))) : null
        const quarantined = (await repos.records.countByStatus({ source: source.name, status: 'quarantined' })).total
        return {
          name: source.name,
          kind: source.kind,
          enabled: source.enabled,
          schedule: source.kind === 'kobo' || source.kind === 'odk' ? source.schedule : null,
          quarantined,
          lastRun: last ? { ...runSummary(last), counts } : null,
        }
      }),
    )
    const ledger =
      ctx.env.database.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${ctx.env.database.dataDir}`
    const healthy = dhis2.reachable && redis.reachable
    if (values.json) {
      io.out(
        toJson({
          dhis2: { url: ctx.env.dhis2.url, ...dhis2 },
          redis: { url: safeUrl(ctx.env.redisUrl), ...redis },
          circuit: { state: null, note: 'kept by each worker process: see processes[].circuits' },
          processes: redis.processes,
          ledger,
          records: totals,
          sources,
        }),
      )
      return healthy ? 0 : 1
    }
    io.out(`Relais status — ${formatTime(new Date())}`)
    io.out(
      keyValues([
        [
          'DHIS2',
          `${ctx.env.dhis2.url} — ${dhis2.reachable ? `reachable (ping ${dhis2.latencyMs} ms)` : `UNREACHABLE: ${dhis2.error}`}`,
        ],
        ['circuit', circuitLine(redis.processes)],
        ['Redis', `${safeUrl(ctx.env.redisUrl)} — ${redis.reachable ? 'reachable' : `UNREACHABLE: ${redis.error}`}`],
        ['ledger', ledger],
        ['config', `${ctx.env.configPath} (${ctx.config.sources.length} source(s))`],
        ['records', `${totals.total} — ${countsLine(totals)}`],
      ]),
    )
    if (redis.reachable) {
      io.out('')
      io.out(
        table(redis.queues, [
          { header: 'queue', value: (q) => q.stage },
          { header: 'waiting', value: (q) => q.waiting },
          { header: 'active', value: (q) => q.active },
          { header: 'delayed', value: (q) => q.delayed },
          { header: 'failed', value: (q) => q.failed },
          { header: 'workers', value: (q) => (q.workers === null ? '?' : String(q.workers)), align: 'right' },
        ]),
      )
    }
    if (redis.reachable) {
      io.out('')
      io.out(processesTable(redis.processes))
    }
    io.out('')
    const cell = (counts: StatusCounts | null | undefined, key: (typeof RECORD_STATUSES)[number] | 'total') =>
      counts ? String(counts[key]) : ''
    io.out(
      table(sources, [
        { header: 'source', value: (s) => s.name },
        { header: 'kind', value: (s) => s.kind + (s.enabled ? '' : ' (off)') },
        { header: 'last run', value: (s) => s.lastRun?.id ?? 'never' },
        { header: 'mode', value: (s) => s.lastRun?.mode },
        { header: 'status', value: (s) => s.lastRun?.status },
        { header: 'started', value: (s) => (s.lastRun ? formatTime(new Date(s.lastRun.startedAt)) : '') },
        {
          header: 'took',
          value: (s) => (s.lastRun?.durationMs != null ? formatDuration(s.lastRun.durationMs) : ''),
          align: 'right',
        },
        { header: 'imported', value: (s) => cell(s.lastRun?.counts, 'imported'), align: 'right' },
        { header: 'unchanged', value: (s) => cell(s.lastRun?.counts, 'unchanged'), align: 'right' },
        { header: 'quarantined', value: (s) => cell(s.lastRun?.counts, 'quarantined'), align: 'right' },
        { header: 'failed', value: (s) => cell(s.lastRun?.counts, 'failed'), align: 'right' },
        {
          header: 'in flight',
          value: (s) => (s.lastRun?.counts ? String(s.lastRun.counts.received + s.lastRun.counts.mapped) : ''),
          align: 'right',
        },
        { header: 'total', value: (s) => cell(s.lastRun?.counts, 'total'), align: 'right' },
        { header: 'waiting for a person', value: (s) => s.quarantined },
      ]),
    )
    if (!healthy)
      io.err(
        `relais status: ${[!dhis2.reachable && 'DHIS2', !redis.reachable && 'Redis'].filter(Boolean).join(' and ')} unreachable`,
      )
    return healthy ? 0 : 1
  } finally {
    await ctx.close()
  }
}

function runSummary(run: Run) {
  return {
    id: run.id,
    mode: run.mode,
    trigger: run.trigger,
    status: run.status,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    durationMs: run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : null,
  }
}

const share = (value: number | null) => (value === null ? '-' : `${value} %`)

/** The circuit states of the live processes that run workers, e.g. "closed (3 processes)" or "open in 1 of 3". */
function circuitLine(processes: readonly ProcessView[]): string {
  const states = processes
    .filter((p) => p.state === 'alive' && p.role !== 'api')
    .flatMap((p) => Object.values(p.circuits))
  if (states.length === 0) return 'no worker process registered (per process below)'
  const notClosed = states.filter((s) => s !== 'closed').length
  return notClosed === 0
    ? `closed in every worker process (${states.length})`
    : `NOT CLOSED in ${notClosed} of ${states.length} worker process(es) (see below)`
}

function processesTable(processes: readonly ProcessView[]): string {
  if (processes.length === 0) return 'processes: none registered in Redis (no `relais serve` running?)'
  return table(processes, [
    { header: 'process', value: (p) => p.id },
    { header: 'role', value: (p) => p.role },
    { header: 'state', value: (p) => (p.state === 'alive' ? 'alive' : 'GONE') },
    { header: 'last beat', value: (p) => `${formatDuration(p.beatAgeMs)} ago`, align: 'right' },
    { header: 'up since', value: (p) => formatTime(new Date(p.startedAt)) },
    { header: 'version', value: (p) => p.version },
    {
      header: 'jobs (share)',
      value: (p) => `${p.jobs.map + p.jobs.push + p.jobs.complete} (${share(p.share.all)})`,
      align: 'right',
    },
    { header: 'map', value: (p) => `${p.jobs.map} (${share(p.share.map)})`, align: 'right' },
    { header: 'push', value: (p) => `${p.jobs.push} (${share(p.share.push)})`, align: 'right' },
    { header: 'complete', value: (p) => `${p.jobs.complete} (${share(p.share.complete)})`, align: 'right' },
    {
      header: 'circuit',
      value: (p) =>
        Object.keys(p.circuits).length === 0
          ? '-'
          : Object.entries(p.circuits)
              .map(([target, state]) => (Object.keys(p.circuits).length === 1 ? state : `${target}: ${state}`))
              .join(', '),
    },
  ])
}
