/**
 * `relais status [--json] [--locale fr|en]`: one screen — DHIS2 reachable or not, the queues (jobs waiting,
 * active, delayed, failed; workers connected), the bridge processes, the records by status, and each source of
 * relais.config.yaml with its last run and that run's counts. Exit 0 when DHIS2 and Redis answer, 1 otherwise
 * (so a script can check it).
 *
 * The processes are those registered in Redis (processes/registry.ts): each `relais serve` beats every 5 s with
 * its role, the jobs its workers completed per stage and its DHIS2 circuit state(s) — the circuit breakers live
 * in each worker process's memory, and this is where they are read. A process silent for 20 s is shown `gone`
 * (killed, frozen, cut off from Redis) until 15 min after its last beat. Each process's share is its part of
 * the jobs completed by the listed processes, per stage. It reads the ledger and Redis, and never needs the API.
 * In French by default, as the other operators' commands; codes (statuses, modes, roles, stages) stay as stored.
 */
import type { RECORD_STATUSES } from '../ledger/record-status'
import type { StatusCounts } from '../ledger/records'
import type { Run } from '../ledger/runs'
import { parseCli, UsageError, type CliIo, LOCALE_OPTION, localeOf } from './args'
import { lazy } from './lazy'
import { loadSettings } from './settings'
import { workersOn } from './queue-workers'
import { countsLine } from './progress'
import { formatDuration, formatTime, keyValues, safeUrl, table, toJson } from './table'
import type { ProcessView } from '../processes/registry'

/** What to do when a service is away: the runbooks of the repository (docs/runbooks/). */
const RUNBOOKS = { dhis2: 'docs/runbooks/dhis2-down.md', redis: 'docs/runbooks/redis-lost.md' }

export const STATUS_USAGE = `Usage: relais status [--json] [--locale fr|en]

Sources with their last run and its counts, queue depths, records by status, DHIS2 reachability, and the
bridge processes (\`relais serve\`, --api-only, --workers-only) registered in Redis: role, age of the last
beat, share of the jobs done in all and per stage (map / push / complete, in %), DHIS2 circuit state per
process. A process silent for 20 s is shown "gone" until 15 min after its last beat; one stopped cleanly is
removed. In French unless --locale en. Exit 0 when DHIS2 and Redis answer, 1 otherwise.`

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
    ...LOCALE_OPTION,
    help: { type: 'boolean', short: 'h', default: false },
  })
  if (values.help) {
    io.out(STATUS_USAGE)
    return 0
  }
  if (positionals.length > 0)
    throw new UsageError(`unexpected argument "${positionals[0]}" — usage: relais status [--json] [--locale fr|en]`)

  const fr = localeOf(values) === 'fr'
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
      ctx.env.database.kind === 'postgres'
        ? 'PostgreSQL (DATABASE_URL)'
        : `PGlite ${fr ? 'dans' : 'in'} ${ctx.env.database.dataDir}`
    const healthy = dhis2.reachable && redis.reachable
    if (values.json) {
      io.out(
        toJson({
          dhis2: { url: ctx.env.dhis2.url, ...dhis2, ...(dhis2.reachable ? {} : { runbook: RUNBOOKS.dhis2 }) },
          redis: { url: safeUrl(ctx.env.redisUrl), ...redis, ...(redis.reachable ? {} : { runbook: RUNBOOKS.redis }) },
          circuit: { state: null, note: 'kept by each worker process: see processes[].circuits' },
          processes: redis.processes,
          ledger,
          records: totals,
          sources,
        }),
      )
      return healthy ? 0 : 1
    }
    // An unreachable service names the runbook that says what to do (docs/runbooks/).
    const reachable = (
      r: { reachable: true; latencyMs?: number } | { reachable: false; error?: string },
      runbook: string,
    ) =>
      r.reachable
        ? `${fr ? 'joignable' : 'reachable'}${r.latencyMs === undefined ? '' : ` (ping ${r.latencyMs} ms)`}`
        : `${fr ? 'INJOIGNABLE' : 'UNREACHABLE'}: ${r.error} — ${fr ? 'voir' : 'see'} ${runbook}`
    io.out(`${fr ? 'État de Relais' : 'Relais status'} — ${formatTime(new Date())}`)
    io.out(
      keyValues([
        ['DHIS2', `${ctx.env.dhis2.url} — ${reachable(dhis2, RUNBOOKS.dhis2)}`],
        [fr ? 'disjoncteur' : 'circuit', circuitLine(redis.processes, fr)],
        ['Redis', `${safeUrl(ctx.env.redisUrl)} — ${reachable(redis, RUNBOOKS.redis)}`],
        [fr ? 'registre' : 'ledger', ledger],
        ['config', `${ctx.env.configPath} (${ctx.config.sources.length} source(s))`],
        [fr ? 'enregistrements' : 'records', `${totals.total} — ${countsLine(totals, fr)}`],
      ]),
    )
    if (redis.reachable) {
      io.out('')
      io.out(
        table(redis.queues, [
          { header: fr ? 'file' : 'queue', value: (q) => q.stage },
          { header: fr ? 'en attente' : 'waiting', value: (q) => q.waiting },
          { header: fr ? 'en cours' : 'active', value: (q) => q.active },
          { header: fr ? 'différées' : 'delayed', value: (q) => q.delayed },
          { header: fr ? 'en échec' : 'failed', value: (q) => q.failed },
          { header: 'workers', value: (q) => (q.workers === null ? '?' : String(q.workers)), align: 'right' },
        ]),
      )
      io.out('')
      io.out(processesTable(redis.processes, fr))
    }
    io.out('')
    const cell = (counts: StatusCounts | null | undefined, key: (typeof RECORD_STATUSES)[number] | 'total') =>
      counts ? String(counts[key]) : ''
    io.out(
      table(sources, [
        { header: 'source', value: (s) => s.name },
        { header: fr ? 'type' : 'kind', value: (s) => s.kind + (s.enabled ? '' : fr ? ' (arrêtée)' : ' (off)') },
        { header: fr ? 'dernier run' : 'last run', value: (s) => s.lastRun?.id ?? (fr ? 'jamais' : 'never') },
        { header: 'mode', value: (s) => s.lastRun?.mode },
        { header: fr ? 'statut' : 'status', value: (s) => s.lastRun?.status },
        {
          header: fr ? 'début' : 'started',
          value: (s) => (s.lastRun ? formatTime(new Date(s.lastRun.startedAt)) : ''),
        },
        {
          header: fr ? 'durée' : 'took',
          value: (s) => (s.lastRun?.durationMs != null ? formatDuration(s.lastRun.durationMs, fr) : ''),
          align: 'right',
        },
        { header: fr ? 'importés' : 'imported', value: (s) => cell(s.lastRun?.counts, 'imported'), align: 'right' },
        { header: fr ? 'inchangés' : 'unchanged', value: (s) => cell(s.lastRun?.counts, 'unchanged'), align: 'right' },
        {
          header: fr ? 'en quarantaine' : 'quarantined',
          value: (s) => cell(s.lastRun?.counts, 'quarantined'),
          align: 'right',
        },
        { header: fr ? 'en échec' : 'failed', value: (s) => cell(s.lastRun?.counts, 'failed'), align: 'right' },
        {
          header: fr ? 'en cours' : 'in flight',
          value: (s) => (s.lastRun?.counts ? String(s.lastRun.counts.received + s.lastRun.counts.mapped) : ''),
          align: 'right',
        },
        { header: 'total', value: (s) => cell(s.lastRun?.counts, 'total'), align: 'right' },
        { header: fr ? 'attendent une personne' : 'waiting for a person', value: (s) => s.quarantined },
      ]),
    )
    if (!healthy) {
      const down = [!dhis2.reachable && 'DHIS2', !redis.reachable && 'Redis'].filter(Boolean)
      io.err(
        fr
          ? `relais status : ${down.join(' et ')} ${down.length > 1 ? 'injoignables' : 'injoignable'}`
          : `relais status: ${down.join(' and ')} unreachable`,
      )
    }
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

/** The circuit states of the live processes that run workers, e.g. "closed in every worker process (3)". */
function circuitLine(processes: readonly ProcessView[], fr: boolean): string {
  const states = processes
    .filter((p) => p.state === 'alive' && p.role !== 'api')
    .flatMap((p) => Object.values(p.circuits))
  if (states.length === 0)
    return fr
      ? 'aucun processus de travail inscrit (par processus ci-dessous)'
      : 'no worker process registered (per process below)'
  const notClosed = states.filter((s) => s !== 'closed').length
  if (notClosed === 0)
    return fr
      ? `fermé dans chaque processus de travail (${states.length})`
      : `closed in every worker process (${states.length})`
  return fr
    ? `PAS FERMÉ dans ${notClosed} processus de travail sur ${states.length} (voir ci-dessous)`
    : `NOT CLOSED in ${notClosed} of ${states.length} worker process(es) (see below)`
}

function processesTable(processes: readonly ProcessView[], fr: boolean): string {
  if (processes.length === 0)
    return fr
      ? 'processus : aucun inscrit dans Redis (pas de `relais serve` en marche ?)'
      : 'processes: none registered in Redis (no `relais serve` running?)'
  return table(processes, [
    { header: fr ? 'processus' : 'process', value: (p) => p.id },
    { header: fr ? 'rôle' : 'role', value: (p) => p.role },
    {
      header: fr ? 'état' : 'state',
      value: (p) => (p.state === 'alive' ? (fr ? 'vivant' : 'alive') : fr ? 'DISPARU' : 'GONE'),
    },
    {
      header: fr ? 'dernier signe' : 'last beat',
      value: (p) => (fr ? `il y a ${formatDuration(p.beatAgeMs, true)}` : `${formatDuration(p.beatAgeMs)} ago`),
      align: 'right',
    },
    { header: fr ? 'depuis' : 'up since', value: (p) => formatTime(new Date(p.startedAt)) },
    { header: 'version', value: (p) => p.version },
    {
      header: fr ? 'tâches (part)' : 'jobs (share)',
      value: (p) => `${p.jobs.map + p.jobs.push + p.jobs.complete} (${share(p.share.all)})`,
      align: 'right',
    },
    { header: 'map', value: (p) => `${p.jobs.map} (${share(p.share.map)})`, align: 'right' },
    { header: 'push', value: (p) => `${p.jobs.push} (${share(p.share.push)})`, align: 'right' },
    { header: 'complete', value: (p) => `${p.jobs.complete} (${share(p.share.complete)})`, align: 'right' },
    {
      header: fr ? 'disjoncteur' : 'circuit',
      value: (p) =>
        Object.keys(p.circuits).length === 0
          ? '-'
          : Object.entries(p.circuits)
              .map(([target, state]) => (Object.keys(p.circuits).length === 1 ? state : `${target}: ${state}`))
              .join(', '),
    },
  ])
}
