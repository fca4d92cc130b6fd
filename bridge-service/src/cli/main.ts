/**
 * The `relais` command line: `serve`, `run`, `status`, `records`, `quarantine`, `migrate`, `mappings`.
 * Each verb lives in its own module; this file only dispatches and turns errors into one clear line.
 */
import { ConfigError } from '../config/env'
import { runMappingsCommand } from './mappings'
import { runMigrateCommand } from './migrate'
import { serve } from './serve'

const USAGE = `Usage: relais <command> [options]

Commands:
  serve [--api-only|--workers-only]   the bridge: REST API and queue workers (one process, or scaled out)
  migrate                     apply the ledger's pending migrations (PostgreSQL, or PGlite when DATABASE_URL is unset)
  mappings validate|preview   check mapping specs against DHIS2 metadata; preview a sample file
  (run, status, records and quarantine: next)

Run "relais <command> --help" for a command's options.`

const io = { out: (t: string) => process.stdout.write(`${t}\n`), err: (t: string) => process.stderr.write(`${t}\n`) }

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  try {
    switch (command) {
      case 'mappings':
        return await runMappingsCommand(rest, io)
      case 'migrate':
        return await runMigrateCommand(io)
      case 'serve': {
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
    if (error instanceof ConfigError) io.err(error.message)
    else io.err(`relais ${command}: ${error instanceof Error ? error.message : String(error)}`)
    return 2
  }
}

if (require.main === module || process.argv[1]?.endsWith('relais.js')) {
  // `relais … | head` closes the pipe early: that is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0)
    throw error
  })
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code
  })
}
