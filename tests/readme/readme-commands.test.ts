/**
 * The README's commands, run exactly as written, from the repository root, through npm's installed bin —
 * as a new user would. `npx relais …` once printed nothing and exited 0 (issue 12): the CLI ran only when
 * `argv[1]` ended in `relais.js`, and npm's link is `node_modules/.bin/relais`.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

jest.setTimeout(120_000)

const ROOT = join(__dirname, '..', '..')
const README = readFileSync(join(ROOT, 'README.md'), 'utf8')

/** Every `npx relais …` or `npm run …` in a README table cell, without placeholders (`<…>`) or alternatives. */
function runnableCommands(): string[] {
  const commands = [...README.matchAll(/^\| `((?:npx relais|npm run) [^`]+)` \|/gm)].map((m) => m[1]!)
  return commands.filter((c) => !/[<[]|\\\|/.test(c))
}

function sh(command: string) {
  // As typed in a shell at the root: globs expand, npx finds the workspace's bin.
  return spawnSync('bash', ['-c', command], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: '1' } })
}

test('the README lists the CLI commands this test runs', () => {
  expect(runnableCommands()).toEqual(
    expect.arrayContaining([
      'npx relais mappings validate mappings/specs/*.yaml --metadata mappings/test-fixtures/small-seed-metadata.json',
      'npm run standin -- --help',
    ]),
  )
})

test('npx relais mappings validate, as written, validates the shipped specs and says so', () => {
  const command = runnableCommands().find((c) => c.startsWith('npx relais mappings validate'))!
  const result = sh(command)
  expect(result.status).toBe(0)
  expect(`${result.stdout}${result.stderr}`).toMatch(/csv-partenaires|kobo|ok|valid/i)
})

test('npx relais with no command prints its usage and exits 2; --help exits 0', () => {
  const bare = sh('npx relais')
  expect(bare.status).toBe(2)
  expect(bare.stdout + bare.stderr).toMatch(/Usage: relais <command>/)
  const help = execFileSync('bash', ['-c', 'npx relais --help'], { cwd: ROOT, encoding: 'utf8' })
  expect(help).toMatch(/Usage: relais <command>/)
  // From the bridge's own folder too.
  const inside = spawnSync('bash', ['-c', 'npx relais --help'], { cwd: join(ROOT, 'bridge-service'), encoding: 'utf8' })
  expect(inside.stdout).toMatch(/Usage: relais <command>/)
})

test('npm run standin -- --help, as written, shows the stand-in options', () => {
  const result = sh('npm run standin -- --help')
  expect(result.status).toBe(0)
  expect(result.stdout).toMatch(/--seed/)
})
