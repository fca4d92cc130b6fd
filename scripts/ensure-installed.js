// Makes `npm test` and `npm run demo` work on a fresh clone: installs the locked dependencies when
// node_modules is missing or older than package-lock.json, and does nothing otherwise.
const { execSync } = require('node:child_process')
const { existsSync, statSync } = require('node:fs')
const { join } = require('node:path')

const root = join(__dirname, '..')
const marker = join(root, 'node_modules', '.package-lock.json')
const lock = join(root, 'package-lock.json')

const stale = !existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs
if (stale) {
  console.log('[relais] installing dependencies (npm ci)…')
  execSync('npm ci --no-audit --no-fund', { cwd: root, stdio: 'inherit' })
}
