/**
 * `relais run <source> [--dry-run] [--file F] [--with-workers] [--worker-timeout S] [--json]`
 *
 * With --file, the file is uploaded to a csv/xlsx source (its rows are in the ledger when the upload
 * returns); otherwise a run is started (a Kobo pull, or a file source's last input read again). Then the
 * command watches the run — a progress bar of records by status — until none of its records is in flight
 * (received or mapped), prints a summary (counts per status, quarantine reasons, the records that need a
 * person, duration) and exits 0 when nothing failed or was quarantined, 1 otherwise.
 *
 * The work itself is done by the queue workers of a running `relais serve` (or `serve --workers-only`): this
 * process only writes the ledger and enqueues (`createPipeline({ workers: false, schedules: false })`). If no
 * record moves and no worker is connected to the queues within --worker-timeout (30 s), it says so and
 * exits 1 — the records stay in the ledger and are processed when a worker starts.
 *
 * `--with-workers` runs the map and push workers in this process instead, for single-process use: a laptop
 * import without a bridge running, and the embedded PGlite ledger, which only one process may open (so a
 * `relais serve` on the same data directory cannot be running at the same time).
 */
import { createReadStream, statSync } from 'node:fs'
import { basename } from 'node:path'
import type { Pipeline } from '../pipeline'
import { QUARANTINE_REASONS, RECORD_STATUSES, type QuarantineReason } from '../ledger/record-status'
import type { StatusCounts } from '../ledger/records'
import type { Run } from '../ledger/runs'
import { expectPositionals, parseCli, seconds, UsageError, type CliIo, LOCALE_OPTION, localeOf } from './args'
import { lazy } from './lazy'
import { loadSettings } from './settings'
import type { CliContext } from './context'
import { workersOn } from './queue-workers'
import { problemOf } from './problems'
import { createProgress, inFlight, type RunProgress } from './progress'
import { formatDuration, keyValues, plural, table, toJson } from './table'

export const RUN_USAGE = `Usage: relais run <source> [--dry-run] [--file F] [--with-workers] [--worker-timeout S] [--json]

  <source>            a source of relais.config.yaml
  --file F            upload F (CSV or XLSX) to a csv/xlsx source; without it, start a run (a Kobo pull,
                      or a file source's last input read again)
  --dry-run           send to DHIS2 with dryRun: nothing is stored there; shows what would happen
  --with-workers      run the map/push workers in this process (no \`relais serve\` needed; the way to go
                      with the embedded PGlite ledger, which one process only may open)
  --worker-timeout S  seconds without progress before saying no worker is running (default 30)
  --json              print the summary as JSON (no progress)
  --locale fr|en      the language of what is printed (French by default; --json is the same in both)

Exit 0 when no record failed or was quarantined, 1 otherwise, 2 on bad usage.`

/** Records listed in the summary as needing a person. */
const MAX_LISTED = 20

export interface RunOptions {
  /** How often the ledger is read while watching (default 250 ms). */
  pollMs?: number
}

interface WatchResult {
  outcome: 'settled' | 'no-worker' | 'interrupted'
  run: Run
  counts: StatusCounts
}

async function workersConnected(ctx: CliContext, pipeline: Pipeline): Promise<number | undefined> {
  const { redisOptions } = lazy<typeof import('../pipeline/queues')>('../pipeline/queues')
  const db = redisOptions(ctx.env.redisUrl).db ?? 0
  const [map, push] = await Promise.all([workersOn(pipeline.queues.map, db), workersOn(pipeline.queues.push, db)])
  return map === undefined || push === undefined ? undefined : map + push
}

/** Watches a run until none of its records is in flight (and its input is read), or no worker is there. */
async function watch(
  ctx: CliContext,
  pipeline: Pipeline,
  runId: string,
  options: {
    withWorkers: boolean
    timeoutMs: number
    pollMs: number
    progress: RunProgress
    signal: AbortSignal
    fr: boolean
  },
): Promise<WatchResult> {
  const { runs } = ctx.repos
  const startedAt = Date.now()
  let lastChange = Date.now()
  let lastKey = ''
  for (;;) {
    const run = await runs.get(runId)
    if (!run) throw new Error(`run ${runId} is not in the ledger`)
    const counts = await runs.counts(runId)
    options.progress.update(counts, Date.now() - startedAt)
    const key = RECORD_STATUSES.map((s) => counts[s]).join(',')
    if (key !== lastKey) {
      lastKey = key
      lastChange = Date.now()
    }
    const settled = inFlight(counts) === 0 && (run.status !== 'running' || run.detail.intake === 'complete')
    if (settled || (run.status !== 'running' && inFlight(counts) === 0)) return { outcome: 'settled', run, counts }
    if (options.signal.aborted) return { outcome: 'interrupted', run, counts }
    if (!options.withWorkers && inFlight(counts) > 0 && Date.now() - lastChange >= options.timeoutMs) {
      const workers = await workersConnected(ctx, pipeline)
      if (!workers) return { outcome: 'no-worker', run, counts }
      const still = formatDuration(Date.now() - lastChange, options.fr)
      options.progress.note(
        options.fr
          ? `${plural(workers, 'worker', 'workers', true)} ${workers > 1 ? 'connectés' : 'connecté'}, mais aucun enregistrement du run n'a bougé depuis ${still} : DHIS2 est peut-être absent et les envois attendent d'être réessayés (voir \`relais status\`). Le suivi continue ; Ctrl-C arrête le suivi, pas le run.`
          : `${plural(workers, 'worker')} connected, but no record of the run moved in ${still}: DHIS2 may be away and the pushes waiting to be retried (see \`relais status\`). Still watching; Ctrl-C stops watching, not the run.`,
      )
      lastChange = Date.now()
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs))
  }
}

async function quarantineReasons(ctx: CliContext, runId: string): Promise<Partial<Record<QuarantineReason, number>>> {
  const { records } = ctx.repos
  const out: Partial<Record<QuarantineReason, number>> = {}
  for (const reason of QUARANTINE_REASONS) {
    const n = (await records.countByStatus({ runId, status: 'quarantined', reason })).total
    if (n > 0) out[reason] = n
  }
  return out
}

export async function runRunCommand(
  argv: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
  options: RunOptions = {},
): Promise<number> {
  const { values, positionals } = parseCli(argv, {
    'dry-run': { type: 'boolean', default: false },
    file: { type: 'string' },
    'with-workers': { type: 'boolean', default: false },
    'worker-timeout': { type: 'string' },
    json: { type: 'boolean', default: false },
    ...LOCALE_OPTION,
    help: { type: 'boolean', short: 'h', default: false },
  })
  if (values.help) {
    io.out(RUN_USAGE)
    return 0
  }
  const fr = localeOf(values) === 'fr'
  expectPositionals(positionals, 1, 'relais run <source> [--dry-run] [--file F]')
  const sourceName = positionals[0]!
  const timeoutMs = seconds('--worker-timeout', values['worker-timeout'], 30) * 1000
  const file = values.file
  if (file !== undefined) {
    let isFile = false
    try {
      isFile = statSync(file).isFile()
    } catch {
      isFile = false
    }
    if (!isFile) throw new UsageError(`--file ${file}: no such file`)
  }
  const mode = values['dry-run'] ? 'dry-run' : 'import'
  const json = values.json
  const withWorkers = values['with-workers']

  const settings = loadSettings(env)
  const source = settings.config.sources.find((s) => s.name === sourceName)
  if (!source) {
    const known = settings.config.sources.map((s) => s.name).join(', ') || 'none'
    throw new UsageError(`unknown source "${sourceName}": relais.config.yaml has ${known}`)
  }
  if (file !== undefined && source.kind !== 'csv' && source.kind !== 'xlsx')
    throw new UsageError(`--file: source "${sourceName}" is a ${source.kind} source, it does not take files`)

  const { openContext } = lazy<typeof import('./context')>('./context')
  const ctx = await openContext(env, settings)
  const controller = new AbortController()
  const onSignal = () => controller.abort()
  process.once('SIGINT', onSignal)
  try {
    const pipeline = await ctx.pipeline({ workers: withWorkers })
    const began = Date.now()
    let runId: string
    let rows: number | undefined
    if (file !== undefined) {
      const started = await pipeline.upload(
        { source: sourceName, filename: basename(file), body: createReadStream(file), mode },
        ctx.actor,
      )
      runId = started.id
      rows = started.rows ?? undefined
      if (!json)
        io.out(
          fr
            ? rows === undefined
              ? `Run ${runId} : ${basename(file)} reçu, ses lignes sont en cours de lecture (${mode}).`
              : `Run ${runId} : ${plural(rows, 'ligne', 'lignes', true)} de ${basename(file)} dans le registre (${mode}).`
            : rows === undefined
              ? `Run ${runId}: ${basename(file)} received, its rows are being read (${mode}).`
              : `Run ${runId}: ${plural(rows, 'row')} of ${basename(file)} in the ledger (${mode}).`,
        )
    } else {
      runId = (await pipeline.startRun(sourceName, mode, ctx.actor)).id
      if (!json)
        io.out(
          fr
            ? `Run ${runId} lancé : ${source.kind === 'kobo' ? 'lecture de KoboToolbox' : source.kind === 'odk' ? 'lecture d’ODK Central' : 'relecture de la dernière entrée'} (${mode}).`
            : `Run ${runId} started: ${source.kind === 'kobo' ? 'pulling from KoboToolbox' : source.kind === 'odk' ? 'pulling from ODK Central' : 'reading the last input again'} (${mode}).`,
        )
    }

    const progress = createProgress(io, { quiet: json, fr })
    const watched = await watch(ctx, pipeline, runId, {
      withWorkers,
      timeoutMs,
      pollMs: options.pollMs ?? 250,
      progress,
      signal: controller.signal,
      fr,
    })
    progress.stop()
    const durationMs = Date.now() - began
    const { run, counts } = watched
    // A large file is answered before all its rows are read: the run's detail has the final count.
    if (rows === undefined && typeof run.detail.rows === 'number') rows = run.detail.rows
    const reasons = await quarantineReasons(ctx, runId)
    const needPerson = await ctx.repos.records.search(
      { runId, status: ['quarantined', 'failed'] },
      { page: 1, pageSize: MAX_LISTED },
    )
    const problems = needPerson.items.map((r) => ({
      id: r.id,
      sourceKey: r.sourceKey,
      status: r.status,
      reason: r.reason,
      problem: problemOf(r.lastError, r.reason),
    }))
    const dryRunRefused = mode === 'dry-run' ? counts.discarded : 0
    const ok =
      watched.outcome === 'settled' &&
      counts.failed === 0 &&
      counts.quarantined === 0 &&
      dryRunRefused === 0 &&
      run.status !== 'failed' &&
      run.status !== 'cancelled'
    const exitCode = ok ? 0 : 1

    if (json) {
      io.out(
        toJson({
          run,
          outcome: watched.outcome,
          ...(rows !== undefined ? { rows } : {}),
          counts,
          quarantineReasons: reasons,
          needAttention: { total: needPerson.pager.total, items: problems },
          durationMs,
          exitCode,
        }),
      )
      return exitCode
    }

    io.out('')
    const label = [
      `source ${run.source}`,
      mode,
      file !== undefined
        ? `${fr ? 'fichier' : 'file'} ${basename(file)}${rows !== undefined ? `, ${fr ? plural(rows, 'ligne', 'lignes', true) : plural(rows, 'row')}` : ''}`
        : run.trigger,
    ].join(', ')
    io.out(`Run ${run.id} — ${label}`)
    io.out(
      keyValues([
        [
          fr ? 'statut du run' : 'run status',
          run.status === 'running'
            ? fr
              ? 'running (des enregistrements sont encore en cours)'
              : 'running (records still in flight)'
            : run.status,
        ],
        [fr ? 'durée' : 'duration', formatDuration(durationMs, fr)],
        ...(typeof run.detail.error === 'string'
          ? ([[fr ? 'erreur' : 'error', run.detail.error]] as [string, string][])
          : []),
      ]),
    )
    io.out('')
    io.out(
      table(
        [...RECORD_STATUSES.map((s) => ({ status: s, n: counts[s] })), { status: 'total', n: counts.total }],
        [
          { header: fr ? 'statut' : 'status', value: (r) => r.status },
          { header: fr ? 'enregistrements' : 'records', value: (r) => r.n },
        ],
      ),
    )
    const reasonRows = Object.entries(reasons)
    if (reasonRows.length > 0) {
      io.out('')
      io.out(
        table(reasonRows, [
          { header: fr ? 'motif de quarantaine' : 'quarantine reason', value: ([r]) => r },
          { header: fr ? 'enregistrements' : 'records', value: ([, n]) => n },
        ]),
      )
    }
    if (problems.length > 0) {
      io.out('')
      const more = needPerson.pager.total > problems.length
      io.out(
        fr
          ? `Enregistrements qui attendent une personne (${needPerson.pager.total}${more ? `, les ${problems.length} premiers` : ''}) :`
          : `Records that need a person (${needPerson.pager.total}${more ? `, first ${problems.length}` : ''}):`,
      )
      io.out(
        table(problems, [
          { header: fr ? 'enregistrement' : 'record', value: (p) => p.id },
          { header: fr ? 'clé source' : 'source key', value: (p) => p.sourceKey, maxWidth: 28 },
          { header: fr ? 'statut' : 'status', value: (p) => p.status },
          { header: fr ? 'motif' : 'reason', value: (p) => p.reason },
          { header: fr ? 'problème' : 'problem', value: (p) => p.problem, maxWidth: 90 },
        ]),
      )
      io.out('')
      io.out(
        fr
          ? 'Messages complets : `relais records <id>`. Libérer un enregistrement corrigé : `relais quarantine release <id> --corrected fichier.json` ; l’écarter : `relais quarantine discard <id> --reason "…"`.'
          : 'Full messages: `relais records <id>`. Release a corrected record with `relais quarantine release <id> --corrected file.json`, or discard it with `relais quarantine discard <id> --reason "…"`.',
      )
    }
    io.out('')
    if (watched.outcome === 'no-worker') {
      const pglite = ctx.env.database.kind !== 'pglite'
      const waiting = inFlight(counts)
      io.err(
        fr
          ? `relais run : aucun worker n'a pris les tâches en ${formatDuration(timeoutMs, true)} : \`relais serve\` tourne-t-il ? ${plural(waiting, 'enregistrement', 'enregistrements', true)} du run ${run.id} ${waiting > 1 ? 'attendent' : 'attend'} dans le registre et ${waiting > 1 ? 'seront traités' : 'sera traité'} au démarrage d'un worker.${pglite ? '' : ' Avec le registre PGlite intégré, aucun autre processus ne peut y travailler : relancez avec --with-workers, ou définissez DATABASE_URL.'}`
          : `relais run: no worker picked up the jobs in ${formatDuration(timeoutMs)}: is \`relais serve\` running? ${plural(waiting, 'record')} of run ${run.id} wait in the ledger and will be processed when a worker starts.${pglite ? '' : ' With the embedded PGlite ledger no other process can work on it: run again with --with-workers, or set DATABASE_URL.'}`,
      )
    } else if (watched.outcome === 'interrupted') {
      const waiting = inFlight(counts)
      io.err(
        fr
          ? `relais run : suivi arrêté ; ${plural(waiting, 'enregistrement', 'enregistrements', true)} du run ${run.id} encore en cours${withWorkers ? ' (traités au prochain démarrage des workers)' : ' (les workers continuent)'}.`
          : `relais run: stopped watching; ${plural(waiting, 'record')} of run ${run.id} still in flight${withWorkers ? ' (they are processed at the next start of the workers)' : ' (the workers go on)'}.`,
      )
    } else if (fr) {
      const done = `${counts.imported} importés, ${counts.unchanged} inchangés, ${counts.quarantined} en quarantaine, ${counts.failed} en échec, ${counts.discarded} écartés`
      io.out(`${ok ? 'Terminé' : 'Terminé avec des problèmes'} : ${done} en ${formatDuration(durationMs, true)}.`)
    } else {
      const done = `${counts.imported} imported, ${counts.unchanged} unchanged, ${counts.quarantined} quarantined, ${counts.failed} failed, ${counts.discarded} discarded`
      io.out(`${ok ? 'Done' : 'Done with problems'}: ${done} in ${formatDuration(durationMs)}.`)
    }
    return exitCode
  } finally {
    process.removeListener('SIGINT', onSignal)
    await ctx.close()
  }
}
