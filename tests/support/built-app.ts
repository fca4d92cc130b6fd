/** The built Relais app (`dhis2-app/build/app`), built once when a test needs it and it is missing. */
import { execSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

export const APP_DIR = join(__dirname, '..', '..', 'dhis2-app', 'build', 'app')

export function ensureBuiltApp(): string {
  if (!existsSync(join(APP_DIR, 'index.html'))) {
    execSync('npm run build -w @relais/dhis2-app', { cwd: join(__dirname, '..', '..'), stdio: 'pipe' })
  }
  return APP_DIR
}
