/**
 * `relais quarantine [--reason R] [--source S] [--run ID] [--page N] [--json]` — the records waiting for a
 * person, with what is wrong; `relais quarantine release <id> [--corrected file.json]` — re-validated, then
 * queued for DHIS2 (`relais serve` sends it — now if it runs, else at its next start). `relais quarantine discard <id> --reason "…"`.
 * The actor is the OS user as `cli:<user>`; the pipeline writes the event and the audit row.
 */
import { readFileSync } from 'node:fs'
import { isQuarantineReason, QUARANTINE_REASONS } from '../ledger/record-status'
import { RecordNotFoundError } from '../ledger/records'
import { StateConflictError } from '../pipeline/services'
import { expectPositionals, parseCli, UsageError, pageOptions, type CliIo, LOCALE_OPTION, localeOf } from './args'
import { lazy } from './lazy'
import { loadSettings } from './settings'
import { problemOf } from './problems'
import { formatTime, plural, table, toJson } from './table'

export const QUARANTINE_USAGE = `Usage: relais quarantine [--reason R] [--source S] [--run ID] [--page N] [--page-size N] [--json]
       relais quarantine release <id> [--corrected file.json] [--json]
       relais quarantine discard <id> --reason "why" [--json]

  --reason R          list: ${QUARANTINE_REASONS.join(', ')}; discard: why it is discarded (required)
  --corrected F       release with this corrected raw record (JSON), re-validated before it is queued
  --locale fr|en      the language of what is printed (French by default; --json is the same in both)`

function readCorrected(file: string): unknown {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    throw new UsageError(`--corrected ${file}: cannot read the file`)
  }
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new UsageError(`--corrected ${file}: not JSON (${error instanceof Error ? error.message : String(error)})`)
  }
}

export async function runQuarantineCommand(argv: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env) {
  const { values, positionals } = parseCli(argv, {
    reason: { type: 'string' },
    source: { type: 'string' },
    run: { type: 'string' },
    corrected: { type: 'string' },
    page: { type: 'string' },
    'page-size': { type: 'string' },
    json: { type: 'boolean', default: false },
    ...LOCALE_OPTION,
    help: { type: 'boolean', short: 'h', default: false },
  })
  if (values.help) {
    io.out(QUARANTINE_USAGE)
    return 0
  }
  const fr = localeOf(values) === 'fr'
  const [action, ...rest] = positionals
  if (action === 'release' || action === 'discard') {
    expectPositionals(rest, 1, `relais quarantine ${action} <id>${action === 'discard' ? ' --reason "why"' : ''}`)
    const id = rest[0]!
    for (const option of ['source', 'run', 'page', 'page-size'] as const)
      if (values[option] !== undefined) throw new UsageError(`--${option} is for the list, not for ${action}`)
    if (action === 'release' && values.reason !== undefined)
      throw new UsageError('--reason is for discard; a release is re-validated, give --corrected file.json to fix it')
    if (action === 'discard' && values.corrected !== undefined)
      throw new UsageError('--corrected is for release, not for discard')
    const reason = values.reason?.trim()
    if (action === 'discard' && !reason) throw new UsageError('discard needs --reason "why" (it goes to the audit log)')
    const corrected = values.corrected !== undefined ? readCorrected(values.corrected) : undefined

    const settings = loadSettings(env)

    const { openContext } = lazy<typeof import('./context')>('./context')
    const ctx = await openContext(env, settings)
    try {
      const pipeline = await ctx.pipeline()
      try {
        if (action === 'discard') {
          await pipeline.discard(id, ctx.actor, reason!)
          if (values.json) io.out(toJson({ id, status: 'discarded', reason, actor: ctx.actor.name }))
          else
            io.out(
              fr
                ? `Enregistrement ${id} écarté par ${ctx.actor.name} : ${reason}`
                : `Record ${id} discarded by ${ctx.actor.name}: ${reason}`,
            )
          return 0
        }
        const result = await pipeline.release(id, ctx.actor, corrected)
        if (values.json) {
          io.out(toJson({ id, ...result, actor: ctx.actor.name }))
          return result.status === 'mapped' ? 0 : 1
        }
        if (result.status === 'mapped') {
          io.out(
            fr
              ? `Enregistrement ${id} libéré par ${ctx.actor.name}${corrected !== undefined ? ' avec une charge utile corrigée' : ''} : valide, en file pour DHIS2 (un \`relais serve\` en marche l'envoie).`
              : `Record ${id} released by ${ctx.actor.name}${corrected !== undefined ? ' with a corrected payload' : ''}: valid, queued for DHIS2 (a running \`relais serve\` sends it).`,
          )
          return 0
        }
        const problems = result.errors?.length ?? 0
        io.out(
          fr
            ? `Enregistrement ${id} toujours invalide : il reste en quarantaine (${plural(problems, 'problème', 'problèmes', true)}) :`
            : `Record ${id} is still invalid and stays in quarantine (${plural(problems, 'problem')}):`,
        )
        io.out(
          table(result.errors ?? [], [
            { header: fr ? 'problème' : 'problem', value: (e) => problemOf({ errors: [e] }), maxWidth: 120 },
          ]),
        )
        return 1
      } catch (error) {
        if (error instanceof RecordNotFoundError || error instanceof StateConflictError) {
          io.err(`relais quarantine ${action}${fr ? ' :' : ':'} ${error.message}`)
          return 1
        }
        throw error
      }
    } finally {
      await ctx.close()
    }
  }
  if (action !== undefined)
    throw new UsageError(`unknown action "${action}" — usage: relais quarantine [release|discard <id>]`)
  if (values.corrected !== undefined) throw new UsageError('--corrected is for release')
  if (values.reason !== undefined && !isQuarantineReason(values.reason))
    throw new UsageError(`--reason must be one of ${QUARANTINE_REASONS.join(', ')} (got "${values.reason}")`)
  const { page, pageSize } = pageOptions(values)

  const settings = loadSettings(env)

  const { openContext } = lazy<typeof import('./context')>('./context')
  const ctx = await openContext(env, settings)
  try {
    const { records } = ctx.repos
    const filter = {
      status: 'quarantined' as const,
      ...(values.reason !== undefined ? { reason: values.reason } : {}),
      ...(values.source !== undefined ? { source: values.source } : {}),
      ...(values.run !== undefined ? { runId: values.run } : {}),
    }
    const list = await records.search(filter, { page, pageSize })
    if (values.json) {
      io.out(toJson({ ...list, items: list.items.map((r) => ({ ...r, problem: problemOf(r.lastError, r.reason) })) }))
      return 0
    }
    if (list.pager.total === 0) {
      io.out(
        fr
          ? 'La quarantaine est vide' + (values.reason ? ` pour le motif ${values.reason}.` : '.')
          : 'Quarantine is empty' + (values.reason ? ` for reason ${values.reason}.` : '.'),
      )
      return 0
    }
    io.out(
      table(list.items, [
        { header: 'id', value: (r) => r.id },
        { header: 'source', value: (r) => r.source },
        { header: fr ? 'clé source' : 'source key', value: (r) => r.sourceKey, maxWidth: 28 },
        { header: fr ? 'motif' : 'reason', value: (r) => r.reason },
        { header: fr ? 'période' : 'period', value: (r) => r.period },
        { header: fr ? 'code RC' : 'RC code', value: (r) => r.rcCode },
        { header: fr ? 'depuis' : 'since', value: (r) => formatTime(r.updatedAt) },
        { header: fr ? 'problème' : 'problem', value: (r) => problemOf(r.lastError, r.reason), maxWidth: 80 },
      ]),
    )
    const { pager } = list
    io.out('')
    io.out(
      fr
        ? `${plural(pager.total, 'enregistrement', 'enregistrements', true)} en quarantaine (page ${pager.page} sur ${pager.pageCount}). Libérer : \`relais quarantine release <id> [--corrected fichier.json]\` ; écarter : \`relais quarantine discard <id> --reason "…"\`.`
        : `${plural(pager.total, 'record')} in quarantine (page ${pager.page} of ${pager.pageCount}). Release: \`relais quarantine release <id> [--corrected file.json]\`; discard: \`relais quarantine discard <id> --reason "…"\`.`,
    )
    return 0
  } finally {
    await ctx.close()
  }
}
