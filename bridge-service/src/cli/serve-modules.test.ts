/**
 * What `relais serve` loads before it knows what it will receive. Every module loaded stays in the heap of
 * every bridge process (its source, source map and compiled code), and csv-memory's 300 MB target counts
 * them: PGlite (only when DATABASE_URL is unset) and exceljs with its zip, XML and date libraries (only on
 * an XLSX upload) are loaded when first used. Loaded here as in production: a plain node process through
 * tsx's CommonJS hook (bin/relais.js), outside jest's module registry.
 */
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'

const BRIDGE = join(__dirname, '..', '..')

function packagesLoadedBy(entry: string, packages: readonly string[]): string[] {
  const script = `
    require(${JSON.stringify(entry)})
    const files = Object.keys(require.cache)
    const wanted = ${JSON.stringify(packages)}
    console.log(JSON.stringify(wanted.filter((p) => files.some((f) => f.includes('/node_modules/' + p + '/')))))
  `
  const out = execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
    cwd: BRIDGE,
    encoding: 'utf8',
  })
  return JSON.parse(out.trim().split('\n').at(-1) ?? '[]') as string[]
}

describe('relais serve at start', () => {
  it('loads the queue and HTTP libraries it always needs, not PGlite nor exceljs', () => {
    const loaded = packagesLoadedBy('./src/cli/serve.ts', ['bullmq', 'express', '@electric-sql/pglite', 'exceljs'])
    // bullmq and express: the check sees what serve.ts loads (it would pass on anything otherwise).
    expect(loaded).toEqual(['bullmq', 'express'])
  }, 60_000)
})
