/**
 * `relais hmis push|check|report` (issue 19 §2): the programme's zone totals to the national HMIS, on demand, and
 * the reconciliation report of a push (per period, zone and cell: the two values and why they differ).
 */
import { hmisPushDto } from '../api/routes/hmis'
import { nationalPushFromConfig } from '../hmis/from-config'
import { HmisError, monthlyPeriod } from '../hmis/national-push'
import type { ReportLine } from '../hmis/reconcile'
import { hmisPushesRepository } from '../ledger/hmis-pushes'
import { parseCli, UsageError, type CliIo, LOCALE_OPTION, localeOf } from './args'
import { openContext } from './context'
import { table, toJson } from './table'

export const HMIS_USAGE = `Usage: relais hmis <push|check|report|validate> [options]
  push --period YYYY-MM [--dry-run]   the month's zone totals to the national HMIS, read back, with its report
                                      (--dry-run: DHIS2's dry run, nothing written; what would change)
  check --period YYYY-MM              read both sides and compare, without pushing (edits made there since)
  report [<push id>] [--period YYYY-MM] [--all]
                                      a push's reconciliation report (the newest, or of a period); --all lists
                                      the cells that match too
  validate                            the national spec against the national DHIS2's metadata (codes, option
                                      combos, zones): each problem at its line; exit 1 when there is one
  Options: --json, --locale fr|en (default fr). Configured by the hmis: section of relais.config.yaml.`

const STATUS_FR: Record<string, string> = {
  match: 'identique',
  different: 'différente',
  'missing-at-national': 'absente au national',
  unmapped: 'non envoyée (sans correspondance)',
  refused: 'refusée',
  'national-only': 'seulement au national',
}

export async function runHmisCommand(argv: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseCli(argv, {
    period: { type: 'string' },
    'dry-run': { type: 'boolean' },
    all: { type: 'boolean' },
    json: { type: 'boolean' },
    ...LOCALE_OPTION,
    help: { type: 'boolean' },
  })
  if (values.help) {
    io.out(HMIS_USAGE)
    return 0
  }
  const verb = positionals[0]
  if (verb !== 'push' && verb !== 'check' && verb !== 'report' && verb !== 'validate') throw new UsageError(HMIS_USAGE)
  if ((verb === 'push' || verb === 'check') && !values.period)
    throw new UsageError(`relais hmis ${verb} needs --period YYYY-MM\n${HMIS_USAGE}`)
  if (values['dry-run'] && verb !== 'push') throw new UsageError(`--dry-run goes with push\n${HMIS_USAGE}`)
  const fr = localeOf(values) === 'fr'

  const period = values.period === undefined ? undefined : monthlyPeriod(values.period)
  if (values.period !== undefined && !period)
    throw new UsageError(`--period "${values.period.slice(0, 40)}" is not a month: write YYYY-MM, e.g. 2026-10`)

  const ctx = await openContext(env)
  try {
    const pushes = hmisPushesRepository(ctx.db)
    if (verb === 'report') {
      const id = positionals[1] ?? (await pushes.list({ ...(period ? { period } : {}), limit: 1 }))[0]?.id ?? undefined
      const push = id === undefined ? undefined : await pushes.get(id)
      if (!push) {
        io.err(fr ? 'relais hmis report : aucun envoi trouvé' : 'relais hmis report: no push found')
        return 1
      }
      const lines = await pushes.lines(push.id)
      if (values.json) io.out(toJson({ ...hmisPushDto(push), lines }))
      else print(io, { ...push, lines }, fr, values.all ?? false)
      return 0
    }
    try {
      const push = nationalPushFromConfig({
        hmis: ctx.config.hmis,
        baseDir: ctx.config.baseDir,
        env,
        programme: ctx.dhis2,
        db: ctx.db,
      })
      if (verb === 'validate') {
        const result = await push.validate(fr ? 'fr' : 'en')
        if (values.json) io.out(toJson(result))
        else {
          if (result.errors.length === 0)
            io.out(
              fr
                ? '✓ spécification nationale conforme au DHIS2 national'
                : '✓ national spec matches the national DHIS2',
            )
          for (const e of result.errors) io.out(`✗ ${e}`)
          for (const w of result.warnings) io.out(`! ${w}`)
        }
        return result.errors.length === 0 ? 0 : 1
      }
      const mode = verb === 'check' ? 'check' : values['dry-run'] ? 'dry-run' : 'push'
      const result = await push.run({ mode, period: period!, actor: ctx.actor.name, trigger: 'cli' })
      const stored = (await pushes.get(result.id))!
      if (values.json) io.out(toJson({ ...hmisPushDto(stored), lines: result.lines }))
      else print(io, { ...stored, lines: result.lines }, fr, values.all ?? false)
      return 0
    } catch (error) {
      if (error instanceof HmisError) {
        io.err(`relais hmis ${verb}: ${fr ? error.fr : error.en}`)
        return 2
      }
      throw error
    }
  } finally {
    await ctx.close()
  }
}

function print(
  io: CliIo,
  push: {
    id: string
    mode: string
    period: string
    status: string
    counts: Partial<Record<string, number>>
    importCounts: Record<string, number> | null
    error: string | null
    lines: ReportLine[]
  },
  fr: boolean,
  all: boolean,
): void {
  const mode = fr ? { push: 'envoi', 'dry-run': 'essai à blanc', check: 'vérification' }[push.mode] : push.mode
  io.out(`${fr ? 'SNIS national' : 'National HMIS'} — ${mode} ${push.period} (${push.id}) : ${push.status}`)
  if (push.error) io.out(`  ${fr ? 'erreur' : 'error'}: ${push.error}`)
  const counts = Object.entries(push.counts)
    .map(([s, n]) => `${fr ? (STATUS_FR[s] ?? s) : s} ${n}`)
    .join(', ')
  io.out(`  ${counts}`)
  if (push.importCounts)
    io.out(
      `  DHIS2 : ${Object.entries(push.importCounts)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
    )
  const shown = all ? push.lines : push.lines.filter((l) => l.status !== 'match')
  if (shown.length === 0) return
  io.out(
    table(shown, [
      { header: fr ? 'période' : 'period', value: (l) => l.period },
      { header: 'zone', value: (l) => l.orgUnit ?? '' },
      { header: fr ? 'case' : 'cell', value: (l) => l.dataElement ?? '' },
      {
        header: fr ? 'national' : 'national',
        value: (l) => [l.nationalOrgUnit, l.nationalDataElement].filter(Boolean).join(' '),
      },
      { header: fr ? 'programme' : 'programme', value: (l) => l.programmeValue ?? '', align: 'right' },
      { header: fr ? 'valeur nationale' : 'national value', value: (l) => l.nationalValue ?? '', align: 'right' },
      { header: fr ? 'état' : 'status', value: (l) => (fr ? (STATUS_FR[l.status] ?? l.status) : l.status) },
      {
        header: fr ? 'raison' : 'reason',
        value: (l) => (l.reason ? (fr ? l.reason.fr : l.reason.en) : ''),
        maxWidth: 120,
      },
    ]),
  )
}
