/**
 * The `relais` command line: `serve`, `run`, `status`, `records`, `quarantine`, `migrate`, `mappings`.
 * Each verb lives in its own module, loaded when it is called (`relais records --help` does not load the API
 * or PGlite); this file only dispatches and turns errors into one clear line.
 */
import { ConfigError } from '../config/env'
import { RelaisConfigError } from '../config/relais-config'
import { UnknownSourceError } from '../pipeline/services'
import { UsageError, type CliIo } from './args'
import { lazy } from './lazy'

const USAGE = `Usage: relais <command> [options]

Commands:
  serve [--api-only|--workers-only]   the bridge: REST API and queue workers (one process, or scaled out)
  run <source> [--dry-run] [--file F] [--with-workers]
                              upload a file or start a run, watch it (progress bar), print its summary;
                              exit 0 when nothing failed or was quarantined, 1 otherwise
  status                      sources and their last run, queues, records by status, DHIS2 reachability
  records [filters] | <id>    find records (--source --rc --org-unit --period --status --run --page);
                              one record with its history and DHIS2's messages
  quarantine [--reason R]     records waiting for a person; release <id> [--corrected file.json];
                              discard <id> --reason "why"
  outbound [--status S]       signed webhooks sent to partners (--page --json); retry <id> sends a failed one again
  tracing [status|cases]      LTFU tracing: per care site cases, traced, returned to care; cases by tracing code
  migrate [--dry-run]         apply (or list, with what each changes) the ledger's pending migrations
  mappings validate|preview   check mapping specs against DHIS2 metadata; preview a sample file
  setup [--dry-run] [--no-app]
                              bring DHIS2 to what Relais needs: metadata package, service user and token,
                              route relais-bridge, app (DHIS2_USERNAME/DHIS2_PASSWORD of a superuser)
  doctor [--json]             check a live deployment: ok / warning / error per check, and how to fix it
  roster import <file> [--dry-run] [--users]
                              the RC roster into DHIS2: org units, active-RC group, data sets, users
  backup [--out DIR]          the whole ledger, one consistent snapshot, with a manifest; backup verify <file>
  restore <file>              a backup into an empty ledger, checked table by table
  retention run [--dry-run]   raw payloads past their retention to the monthly archive; retention show <id>
  capacity [--json]           the ledger per table and month, DHIS2's values, Redis, disk, 12/24-month projection
  maintenance [--apply]       the ledger's table and index statistics, slowest statements, VACUUM/ANALYZE advice
  security check [--json]     the daily security check now, kept as today's report
  hmis push|check|report      the month's zone totals to the national HMIS (--period YYYY-MM [--dry-run]),
                              read back, with the reconciliation report of every cell and its reason
  secrets route add|retire, secrets api-key add|revoke <name>, secrets list, secrets rotate
                              rotate the route secret and API keys without restarting the bridge

Every command but serve and migrate takes --json. run, status, records, quarantine and outbound open the ledger and
Redis themselves (no API needed); a running \`relais serve\` does the work. On the embedded PGlite ledger,
which one process holds, they go through the running \`relais serve\` (its socket <data dir>.sock); with no
bridge running, \`relais run --with-workers\` does the work itself.

Run "relais <command> --help" for a command's options.`

const io: CliIo = {
  out: (t: string) => process.stdout.write(`${t}\n`),
  err: (t: string) => process.stderr.write(`${t}\n`),
  stdout: process.stdout,
}

/** The verbs that answer 1 (not 2) when the work itself failed: 2 stays for usage and configuration. */
const OPERATIONS = new Set(['run', 'status', 'records', 'quarantine', 'outbound', 'tracing'])

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  try {
    switch (command) {
      case 'mappings':
        return await lazy<typeof import('./mappings')>('./mappings').runMappingsCommand(rest, io)
      case 'doctor':
        return await lazy<typeof import('./doctor')>('./doctor').runDoctorCommand(rest, io)
      case 'roster':
        return await lazy<typeof import('./roster')>('./roster').runRosterCommand(rest, io)
      case 'setup':
        return await lazy<typeof import('./setup')>('./setup').runSetupCommand(rest, io)
      case 'migrate':
        return await lazy<typeof import('./migrate')>('./migrate').runMigrateCommand(io, process.env, rest)
      case 'backup':
        return await lazy<typeof import('./backup')>('./backup').runBackupCommand(rest, io)
      case 'restore':
        return await lazy<typeof import('./backup')>('./backup').runRestoreCommand(rest, io)
      case 'maintenance':
        return await lazy<typeof import('./maintenance')>('./maintenance').runMaintenanceCommand(rest, io)
      case 'capacity':
        return await lazy<typeof import('./capacity')>('./capacity').runCapacityCommand(rest, io)
      case 'retention':
        return await lazy<typeof import('./retention')>('./retention').runRetentionCommand(rest, io)
      case 'security':
        return await lazy<typeof import('./security')>('./security').runSecurityCommand(rest, io)
      case 'hmis':
        return await lazy<typeof import('./hmis')>('./hmis').runHmisCommand(rest, io)
      case 'secrets':
        return await lazy<typeof import('./secrets')>('./secrets').runSecretsCommand(rest, io)
      case 'run':
        return await lazy<typeof import('./run')>('./run').runRunCommand(rest, io)
      case 'status':
        return await lazy<typeof import('./status')>('./status').runStatusCommand(rest, io)
      case 'records':
        return await lazy<typeof import('./records')>('./records').runRecordsCommand(rest, io)
      case 'quarantine':
        return await lazy<typeof import('./quarantine')>('./quarantine').runQuarantineCommand(rest, io)
      case 'outbound':
        return await lazy<typeof import('./outbound')>('./outbound').runOutboundCommand(rest, io)
      case 'tracing':
        return await lazy<typeof import('./tracing')>('./tracing').runTracingCommand(rest, io)
      case 'serve': {
        const { serve } = lazy<typeof import('./serve')>('./serve')
        const handle = await serve(rest, process.env, (message) => io.out(message))
        const stop = () => {
          handle.stop().then(
            () => process.exit(0),
            () => process.exit(1),
          )
        }
        process.once('SIGTERM', stop)
        process.once('SIGINT', stop)
        return await new Promise<number>(() => undefined) // runs until a signal stops it
      }
      case undefined:
      case '--help':
      case 'help':
        io.out(USAGE)
        return command === undefined ? 2 : 0
      default:
        io.err(`relais: unknown command "${command}"\n\n${USAGE}`)
        return 2
    }
  } catch (error) {
    // A configuration problem is one line naming the variable (ARCHITECTURE.md contract), nothing more.
    if (error instanceof ConfigError) {
      io.err(error.message)
      return 2
    }
    io.err(`relais ${command}: ${error instanceof Error ? error.message : String(error)}`)
    const usage =
      error instanceof UsageError || error instanceof RelaisConfigError || error instanceof UnknownSourceError
    return usage || !OPERATIONS.has(command ?? '') ? 2 : 1
  }
}

/**
 * Runs the command line of this process. Called by `bin/relais.js` (whatever name npm's link gives it: the
 * old check on `argv[1]` ending in `relais.js` missed `node_modules/.bin/relais`, so `npx relais …` did
 * nothing) and when this file is run directly.
 */
export function runFromCommandLine(): void {
  // `relais … | head` closes the pipe early: that is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0)
    throw error
  })
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code
  })
}

if (require.main === module) runFromCommandLine()
