/**
 * `relais security check [--json] [--locale fr|en]` (issue 16 §2): the daily security check, now — as the bridge's schedule runs
 * it at 05:30 —, kept as today's report in the ledger; prints the counts, what changed since the report before,
 * and each finding.
 */
import { bridgeFacts } from '../security/bridge-facts'
import { SecurityCheck } from '../security/security-check'
import { parseCli, UsageError, type CliIo, LOCALE_OPTION, localeOf } from './args'
import { openContext } from './context'

export const SECURITY_USAGE = `Usage: relais security check [--json] [--locale fr|en]
  runs the daily security check now and keeps it as today's report (the bridge runs it every day at 05:30)`

const SEVERITY_FR: Record<string, string> = { critical: 'critique', high: 'élevé', medium: 'moyen', low: 'faible' }

export async function runSecurityCommand(
  argv: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values, positionals } = parseCli(argv, {
    json: { type: 'boolean' },
    ...LOCALE_OPTION,
    help: { type: 'boolean' },
  })
  if (values.help) {
    io.out(SECURITY_USAGE)
    return 0
  }
  if (positionals[0] !== 'check') throw new UsageError(SECURITY_USAGE)
  const ctx = await openContext(env)
  try {
    const check = new SecurityCheck({
      db: ctx.db,
      dhis2: ctx.dhis2,
      logger: ctx.logger,
      ...(ctx.env.dhis2.auth.kind === 'token' ? { bridgeToken: ctx.env.dhis2.auth.token } : {}),
      bridge: () => bridgeFacts(ctx.env, ctx.db),
    })
    const report = await check.run(ctx.actor.name)
    if (values.json) {
      io.out(JSON.stringify(report))
      return 0
    }
    const count = (severity: string) => report.findings.filter((f) => f.severity === severity).length
    const fr = localeOf(values) === 'fr'
    io.out(
      fr
        ? `Contrôle de sécurité du ${report.day} (DHIS2 ${report.dhis2Version}) : ${report.findings.length} constat(s) — ` +
            `critique ${count('critical')}, élevé ${count('high')}, moyen ${count('medium')}, faible ${count('low')} ; ` +
            `${report.added.length} nouveau(x), ${report.resolved.length} résolu(s) depuis le précédent.`
        : `Security check of ${report.day} (DHIS2 ${report.dhis2Version}): ${report.findings.length} finding(s) — ` +
            `critical ${count('critical')}, high ${count('high')}, medium ${count('medium')}, low ${count('low')}; ` +
            `${report.added.length} new, ${report.resolved.length} resolved since the report before.`,
    )
    for (const problem of report.problems) io.out(`  ${fr ? 'problème' : 'problem'}: ${problem}`)
    const isNew = fr ? 'nouveau ' : 'new     '
    for (const f of report.findings)
      io.out(
        `  ${report.added.includes(f.key) ? isNew : ' '.repeat(isNew.length)}${(fr ? (SEVERITY_FR[f.severity] ?? f.severity) : f.severity).padEnd(9)} ${f.code.padEnd(30)} ${f.subject.name}`,
      )
    return 0
  } finally {
    await ctx.close()
  }
}
