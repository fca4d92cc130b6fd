/** `npx relais …` as an operator types it at the repository's root, with only the environment given (and PATH). */
import { execFile } from 'node:child_process'
import { join } from 'node:path'

const ROOT = join(__dirname, '..', '..')

export interface CliResult {
  status: number
  /** stdout then stderr, as a terminal shows them. */
  stdout: string
  /** How long the command took. */
  ms: number
}

export function runRelais(args: readonly string[], env: Record<string, string>): Promise<CliResult> {
  const started = Date.now()
  return new Promise((resolve) =>
    execFile(
      'npx',
      ['relais', ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({
          status: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
          stdout: stdout + stderr,
          ms: Date.now() - started,
        }),
    ),
  )
}
