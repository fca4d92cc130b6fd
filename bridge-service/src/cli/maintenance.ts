/**
 * `relais maintenance [--apply] [--json] [--locale fr|en]` (issue 17 §4): the ledger's maintenance report — tables
 * (live and dead rows, last vacuum and analyse), indexes (use, size), the slowest statements when
 * pg_stat_statements is there, and advice; `--apply` runs the VACUUM / ANALYZE advice. Each run is in the audit log.
 */
import { userInfo } from 'node:os'
import { loadEnv } from '../config/env'
import { openLedger, repositories } from '../ledger'
import { applyMaintenance, readLedgerHealth, SLOW_STATEMENTS_HELP } from '../maintenance/ledger-health'
import { formatBytes } from '../capacity/projection'
import { parseCli, type CliIo, LOCALE_OPTION, localeOf } from './args'

export const MAINTENANCE_USAGE = `Usage: relais maintenance [--apply] [--json] [--locale fr|en]
  the ledger's tables, indexes, slowest statements and advice; --apply runs the VACUUM / ANALYZE advice`

export async function runMaintenanceCommand(
  argv: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values } = parseCli(argv, {
    apply: { type: 'boolean' },
    json: { type: 'boolean' },
    ...LOCALE_OPTION,
    help: { type: 'boolean' },
  })
  if (values.help) {
    io.out(MAINTENANCE_USAGE)
    return 0
  }
  const fr = localeOf(values) === 'fr'
  const bridge = loadEnv(env)
  const db = await openLedger({ database: bridge.database, throughRunningBridge: true })
  try {
    const report = await readLedgerHealth(db)
    const applied = values.apply ? await applyMaintenance(db, report) : []
    await repositories(db).audit.append({
      actor: `cli:${userInfo().username}`,
      role: 'system',
      action: 'ledger.maintenance',
      target: 'ledger',
      detail: { advice: report.advice.map((a) => `${a.kind} ${a.target}`), applied: applied.map((a) => a.sql) },
    })
    if (values.json) {
      io.out(JSON.stringify({ ...report, applied }))
      return 0
    }
    io.out(fr ? 'Tables du registre :' : 'Ledger tables:')
    for (const t of report.tables)
      io.out(
        `  ${t.name.padEnd(24)} ${String(t.liveRows).padStart(9)} ${fr ? 'vivantes' : 'live'} ${String(t.deadRows).padStart(7)} ${fr ? 'mortes' : 'dead'}  ${formatBytes(t.bytes).padStart(9)}  ` +
          `${fr ? 'vacuum' : 'vacuum'} ${t.lastVacuum?.slice(0, 10) ?? '—'}  ${fr ? 'analyse' : 'analyse'} ${t.lastAnalyze?.slice(0, 10) ?? '—'}`,
      )
    const unused = report.indexes.filter((i) => i.scans === 0).length
    io.out(
      fr
        ? `Index : ${report.indexes.length}, dont ${unused} jamais utilisé(s) depuis la remise à zéro des statistiques`
        : `Indexes: ${report.indexes.length}, ${unused} never used since the statistics were reset`,
    )
    if (!report.slowStatements) io.out(fr ? SLOW_STATEMENTS_HELP.fr : SLOW_STATEMENTS_HELP.en)
    else {
      io.out(fr ? 'Requêtes les plus coûteuses :' : 'Costliest statements:')
      for (const s of report.slowStatements)
        io.out(`  ${String(s.totalMs).padStart(8)} ms  ${String(s.calls).padStart(7)} × ${s.meanMs} ms  ${s.query}`)
    }
    if (report.advice.length === 0)
      io.out(fr ? 'Conseils : aucun, le registre est en ordre.' : 'Advice: none, the ledger is in order.')
    else {
      io.out(fr ? 'Conseils :' : 'Advice:')
      for (const a of report.advice)
        io.out(`  ${applied.includes(a) ? (fr ? 'fait  ' : 'done  ') : '      '}${a.sql} — ${fr ? a.why.fr : a.why.en}`)
    }
    return 0
  } finally {
    await db.close()
  }
}
