/**
 * The `relais` command line: `serve`, `run`, `status`, `records`, `quarantine`, `migrate`, `mappings`.
 * Each verb lives in its own module; this file only dispatches and turns errors into one clear line.
 */
import { runMappingsCommand } from './mappings'

const USAGE = `Usage: relais <command> [options]

Commands:
  mappings validate|preview   check mapping specs against DHIS2 metadata; preview a sample file
  (serve, run, status, records, quarantine and migrate come with the bridge's pipeline)

Run "relais <command> --help" for a command's options.`

const io = { out: (t: string) => process.stdout.write(`${t}\n`), err: (t: string) => process.stderr.write(`${t}\n`) }

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  try {
    switch (command) {
      case 'mappings':
        return await runMappingsCommand(rest, io)
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
    io.err(`relais ${command}: ${error instanceof Error ? error.message : String(error)}`)
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
