/**
 * The built Relais app (`dhis2-app/build/app`, and its installable zip in `dhis2-app/build/bundle`), built once
 * when a test needs it and it is missing. Test files run in parallel workers: one builds while the others wait
 * on a lock directory (mkdir is atomic), so two builds never write the same folder.
 * RELAIS_APP_BUILD=<folder of a built app> uses that folder instead and never builds: a bench can run on a
 * stable copy while someone rebuilds dhis2-app/build.
 */
import { execSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'

const ROOT = join(__dirname, '..', '..')
export const APP_DIR = join(ROOT, 'dhis2-app', 'build', 'app')
const BUNDLE_DIR = join(ROOT, 'dhis2-app', 'build', 'bundle')
const LOCK = join(ROOT, 'dhis2-app', '.build-lock')

const built = () =>
  existsSync(join(APP_DIR, 'index.html')) &&
  existsSync(BUNDLE_DIR) &&
  readdirSync(BUNDLE_DIR).some((f) => /^relais-.*\.zip$/.test(f))

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

export function ensureBuiltApp(): string {
  const override = process.env.RELAIS_APP_BUILD
  if (override) {
    if (!existsSync(join(override, 'index.html'))) throw new Error(`RELAIS_APP_BUILD=${override} has no index.html`)
    return override
  }
  for (let waited = 0; !built(); waited += 500) {
    try {
      mkdirSync(LOCK)
    } catch {
      // Another worker is building; a lock older than 5 minutes is a dead worker's.
      if (Date.now() - statSync(LOCK, { throwIfNoEntry: false })!.mtimeMs > 300_000) rmSync(LOCK, { recursive: true })
      if (waited > 300_000) throw new Error('the app build did not finish in 5 minutes')
      sleep(500)
      continue
    }
    try {
      if (!built()) execSync('npm run build -w @relais/dhis2-app', { cwd: ROOT, stdio: 'pipe' })
    } finally {
      rmSync(LOCK, { recursive: true, force: true })
    }
  }
  return APP_DIR
}
