/**
 * The reference app of bench:app's slow-network section: DHIS2's bare header-bar page (bench/reference-app/,
 * the platform's shell and one line of text), built with the same d2-app-scripts as Relais.
 *
 * It is built in a copy under bench/results/ rather than in bench/reference-app/ itself: d2-app-scripts writes
 * build/, .d2/, i18n/ and src/locales/ next to d2.config.js, and bench/results/ is the folder that git, ESLint and
 * Prettier already ignore. Built only when missing or older than its sources, as tests/support/built-app.ts does
 * for Relais; no npm workspace: the shell's dependencies are the monorepo's own.
 */
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'

const ROOT = join(__dirname, '..')
const SOURCE = join(__dirname, 'reference-app')
const WORK = join(__dirname, 'results', 'reference-app')
export const REFERENCE_APP_DIR = join(WORK, 'build', 'app')

/** Newest modification time of the files under `dir`. */
function newest(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
    const path = join(dir, entry.name)
    return Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs)
  }, 0)
}

export function ensureReferenceApp(): string {
  const index = join(REFERENCE_APP_DIR, 'index.html')
  if (existsSync(index) && statSync(index).mtimeMs >= newest(SOURCE)) return REFERENCE_APP_DIR
  console.log('building the reference app (bench/reference-app)…')
  rmSync(WORK, { recursive: true, force: true })
  mkdirSync(WORK, { recursive: true })
  cpSync(SOURCE, WORK, { recursive: true })
  // --no-verify: no package.json to validate (name and version are in d2.config.js); CI: never ask questions.
  execFileSync(join(ROOT, 'node_modules', '.bin', 'd2-app-scripts'), ['build', '--no-verify'], {
    cwd: WORK,
    env: { ...process.env, CI: 'true' },
    stdio: 'pipe',
  })
  if (!existsSync(index)) throw new Error(`the reference app build left no ${index}`)
  return REFERENCE_APP_DIR
}
