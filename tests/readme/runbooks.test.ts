/**
 * The runbooks (docs/runbooks/, issue 17 §6) name only what exists, and their cheap steps run for real:
 * - each runbook of the index is there, French first then English (split by a `---` line), with the same five parts
 *   (symptoms, first checks, steps, verify, incident log) and the same `relais` commands in both languages;
 * - every `relais <verb> [<sub-verb>…]` of their code (`npx relais …`, `docker compose exec bridge npx relais …`,
 *   `docker compose run … bridge <verb> …`, whose entrypoint is `relais`) is a verb whose `npx relais <verb> --help`
 *   exits 0, and each sub-verb is one that help names (`relais secrets route add`, `relais backup verify`…);
 * - every `docker compose` service, `relais_<volume>` volume and alert they name is in docker/compose.yml or
 *   docker/monitoring/alerts.yml;
 * - inside the stack: a path given to the bridge is inside one of its mounts (compose.yml's or the command's `-v`),
 *   the variables its help lists under "Environment:" that neither compose.yml nor env/bridge.env.example give are
 *   passed with `-e`, and `setup` gets `--bridge-url` of the bridge as DHIS2 reaches it (else the route would
 *   point at 127.0.0.1);
 * - runbook 3's backup → verify → restore into an empty ledger, and runbook 6's API key commands as written, run
 *   against an embedded (PGlite) ledger in a temporary folder.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'

jest.setTimeout(240_000)

const ROOT = join(__dirname, '..', '..')
const DIR = join(ROOT, 'docs', 'runbooks')
const INDEX = readFileSync(join(DIR, 'README.md'), 'utf8')
const runbooks = [...INDEX.matchAll(/\]\(([a-z0-9-]+\.md)\)/g)].map((m) => m[1]!)
const text = (file: string) => readFileSync(join(DIR, file), 'utf8')

// ---- the stack ------------------------------------------------------------------------------------------------

type Mount = string | { target?: string }
interface ComposeService {
  environment?: Record<string, string> | string[]
  volumes?: Mount[]
  tmpfs?: string[] | string
}
const compose = parse(readFileSync(join(ROOT, 'docker', 'compose.yml'), 'utf8')) as {
  name: string
  services: Record<string, ComposeService>
  volumes: Record<string, unknown>
}
const bridgeService = compose.services.bridge!
const envKeys = (env: ComposeService['environment']) =>
  Array.isArray(env) ? env.map((e) => e.split('=')[0]!) : Object.keys(env ?? {})
/** What the bridge's container has without `-e`: compose.yml's environment and the env file's example. */
const givenToBridge = new Set([
  ...envKeys(bridgeService.environment),
  ...[...readFileSync(join(ROOT, 'docker', 'env', 'bridge.env.example'), 'utf8').matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map(
    (m) => m[1]!,
  ),
])
const bridgeMounts = [
  ...(bridgeService.volumes ?? []).map((v) => (typeof v === 'string' ? v.split(':')[1]! : v.target!)),
  ...[bridgeService.tmpfs ?? []].flat().map((t) => t.split(':')[0]!),
]
/** How DHIS2's route reaches the bridge inside the stack: its service name and PORT. */
const BRIDGE_URL = `http://bridge:${(bridgeService.environment as Record<string, string>).PORT}`
const alerts = (
  parse(readFileSync(join(ROOT, 'docker', 'monitoring', 'alerts.yml'), 'utf8')) as {
    groups: Array<{ rules: Array<{ alert?: string }> }>
  }
).groups.flatMap((g) => g.rules.map((r) => r.alert))

// ---- the CLI, asked once per verb -------------------------------------------------------------------------------

const helpCache = new Map<string, { status: number | null; text: string }>()
function help(verb: string) {
  let answer = helpCache.get(verb)
  if (!answer) {
    const r = spawnSync('npx', ['relais', verb, '--help'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, CI: '1' },
    })
    answer = { status: r.status, text: `${r.stdout}${r.stderr}` }
    helpCache.set(verb, answer)
  }
  return answer
}
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
/** The literal words the help writes after `relais <chain…>`: `relais secrets` → route, api-key, list, rotate. */
function subVerbs(helpText: string, chain: string[]): Set<string> {
  const re = new RegExp(`relais ${chain.map(escape).join(' ')} ([a-z][a-z-]*)`, 'g')
  return new Set([...helpText.matchAll(re)].map((m) => m[1]!))
}
/** The variables a verb's help lists under "Environment:", but those it gives a default. */
function environmentOf(helpText: string): string[] {
  const section = /Environment:([\s\S]*?)(?:\n\n|\nExit|$)/.exec(helpText)?.[1] ?? ''
  return [...section.matchAll(/\b([A-Z][A-Z0-9_]{3,})\b(?! \(default)/g)].map((m) => m[1]!)
}

// ---- the runbooks' commands ---------------------------------------------------------------------------------------

/** Fenced blocks (continuation lines joined) and inline code spans, one string per line of code. */
function codeLines(markdown: string): string[] {
  const lines: string[] = []
  const prose = markdown.replace(/^[ \t]*```[a-z]*\n([\s\S]*?)^[ \t]*```/gm, (_, block: string) => {
    lines.push(...block.replace(/\\\n\s*/g, ' ').split('\n'))
    return ''
  })
  for (const [, span] of prose.matchAll(/`([^`]+)`/g)) lines.push(span!.replace(/\s+/g, ' '))
  return lines.map((l) => l.trim()).filter(Boolean)
}

/** A shell line as commands of words: quotes kept together and removed, `$(…)` kept whole, comments dropped. */
function commandsOf(line: string): string[][] {
  const commands: string[][] = [[]]
  let word = ''
  let inWord = false
  let quote = ''
  let depth = 0
  const end = () => {
    if (inWord) commands[commands.length - 1]!.push(word)
    word = ''
    inWord = false
  }
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!
    if (quote) {
      if (c === quote) quote = ''
      else word += c
      continue
    }
    if (depth > 0) {
      word += c
      if (c === '(') depth++
      if (c === ')') depth--
      continue
    }
    if (c === "'" || c === '"') {
      quote = c
      inWord = true
    } else if (c === '$' && line[i + 1] === '(') {
      word += c
      inWord = true
    } else if (c === '(' && word.endsWith('$')) {
      word += c
      depth = 1
    } else if (/\s/.test(c)) end()
    else if (c === '#' && !inWord) break
    else if ('|&;<>'.includes(c)) {
      end()
      commands.push([])
    } else {
      word += c
      inWord = true
    }
  }
  end()
  return commands
    .map((words) => {
      while (['do', 'then', 'else', 'sudo', 'time'].includes(words[0] ?? '')) words.shift()
      return words
    })
    .filter((words) => words.length > 0)
}

const isWord = (s: string | undefined) => s !== undefined && /^[a-z][a-z0-9-]*$/.test(s)

/** compose options that take a value (global, then per command); the others are flags. */
const VALUE_OPTIONS = new Set([
  ...['-f', '--file', '-p', '--project-name', '--profile', '--env-file', '--project-directory'],
  ...['-e', '--env', '-v', '--volume', '-u', '--user', '-w', '--workdir', '--entrypoint', '--name', '-l', '--label'],
  ...['-p', '--publish', '--tail', '--since', '--until', '-s', '--signal', '-t', '--timeout', '--index', '--scale'],
])
const SERVICE_LIST_COMMANDS = new Set(['ps', 'logs', 'restart', 'stop', 'start', 'up', 'pull', 'build', 'rm', 'kill'])

interface RelaisCall {
  verb: string
  args: string[]
  /** How it reaches the stack's bridge, when it does. */
  docker?: { how: 'run' | 'exec'; env: string[]; mounts: string[] }
}

/** The relais calls of a runbook's code, and what is wrong with its docker commands. */
function scan(markdown: string): { calls: RelaisCall[]; problems: string[] } {
  const problems: string[] = []
  const calls: RelaisCall[] = []
  for (const line of codeLines(markdown))
    for (const words of commandsOf(line)) {
      let docker: RelaisCall['docker']
      if (words[0] === 'docker' && words[1] === 'compose') {
        let i = 2
        while (words[i]?.startsWith('-')) i += VALUE_OPTIONS.has(words[i]!) ? 2 : 1
        const command = words[i++]
        const options: Array<[string, string]> = []
        while (words[i]?.startsWith('-')) {
          const option = words[i]!
          if (VALUE_OPTIONS.has(option)) options.push([option, words[i + 1] ?? ''])
          else options.push([option, ''])
          i += VALUE_OPTIONS.has(option) ? 2 : 1
        }
        const positionals = words.slice(i)
        const services =
          command === 'exec' || command === 'run'
            ? positionals.slice(0, 1)
            : command === 'cp'
              ? positionals.filter((p) => p.includes(':')).map((p) => p.split(':')[0]!)
              : SERVICE_LIST_COMMANDS.has(command ?? '')
                ? positionals
                : []
        for (const service of services.filter(isWord))
          if (!(service in compose.services)) problems.push(`docker compose ${command}: no service "${service}"`)
        if ((command === 'exec' || command === 'run') && positionals[0] === 'bridge') {
          docker = {
            how: command,
            env: options.filter(([o]) => o === '-e' || o === '--env').map(([, v]) => v.split('=')[0]!),
            mounts: options.filter(([o]) => o === '-v' || o === '--volume').map(([, v]) => v.split(':')[1] ?? ''),
          }
          // The image's entrypoint is `relais`: `run … bridge <verb>` is a relais call.
          if (command === 'run' && !options.some(([o]) => o === '--entrypoint') && positionals[1] !== undefined)
            calls.push({ verb: positionals[1], args: positionals.slice(2), docker })
        }
      } else if (words[0] === 'docker') {
        // `docker volume rm relais_redis-data`, `docker run -v relais_bridge-data:/data …`
        for (const word of words)
          for (const [, volume] of word.matchAll(new RegExp(`(?:^|[\\s])${compose.name}_([a-z0-9-]+)(?=:|$)`, 'g')))
            if (!(volume! in compose.volumes)) problems.push(`docker: no volume "${volume}" in compose.yml`)
      }
      words.forEach((word, i) => {
        const before = words[i - 1]
        const isRelais =
          (word === 'relais' && (i === 0 || before === 'npx' || /^[A-Z_][A-Z0-9_]*=/.test(before ?? ''))) ||
          word.endsWith('bridge-service/bin/relais.js')
        if (isRelais && words[i + 1] !== undefined)
          calls.push({ verb: words[i + 1]!, args: words.slice(i + 2), docker })
      })
    }

  return { calls, problems }
}

/** Everything a runbook's code asks for, and what is wrong with it. */
function check(markdown: string): string[] {
  const { calls, problems } = scan(markdown)
  for (const call of calls) {
    const { verb, args, docker } = call
    if (!isWord(verb)) continue // a placeholder: `relais <verb> --help`
    const answer = help(verb)
    if (answer.status !== 0) {
      problems.push(`relais ${verb}: \`npx relais ${verb} --help\` exits ${answer.status}`)
      continue
    }
    const chain = [verb]
    for (const arg of args) {
      const known = subVerbs(answer.text, chain)
      if (known.size === 0 || !isWord(arg)) break
      if (!known.has(arg)) {
        problems.push(`relais ${chain.join(' ')}: no sub-verb "${arg}" (its help names ${[...known].join(', ')})`)
        break
      }
      chain.push(arg)
    }
    if (!docker) continue
    const where = `relais ${chain.join(' ')} in the stack`
    for (const path of args.filter((a) => a.startsWith('/')))
      if (![...bridgeMounts, ...docker.mounts].some((m) => m !== '' && (path === m || path.startsWith(`${m}/`))))
        problems.push(`${where}: ${path} is in none of the bridge's mounts`)
    for (const variable of environmentOf(answer.text))
      if (!givenToBridge.has(variable) && !docker.env.includes(variable))
        problems.push(`${where}: needs -e ${variable} (its help lists it; the stack does not give it)`)
    const bridgeUrl = args.indexOf('--bridge-url')
    if (verb === 'setup' && (bridgeUrl < 0 || args[bridgeUrl + 1] !== BRIDGE_URL))
      problems.push(`${where}: needs --bridge-url ${BRIDGE_URL} (the route DHIS2 calls)`)
  }

  for (const [alert] of markdown.matchAll(/\bRelais[A-Z][A-Za-z0-9]+/g))
    if (!alerts.includes(alert)) problems.push(`no alert ${alert} in docker/monitoring/alerts.yml`)
  return problems
}

/** The `relais <verb> <sub-verb>` of a text's code, as a set: the same in both languages. */
function relaisVerbs(markdown: string): string[] {
  const found = new Set<string>()
  for (const { verb, args } of scan(markdown).calls)
    if (isWord(verb)) found.add([verb, ...(isWord(args[0]) ? [args[0]] : [])].join(' '))
  return [...found].sort()
}

// ---- the tests ---------------------------------------------------------------------------------------------------

const PARTS: Array<[string, string, string]> = [
  ['symptoms', '**Symptômes**', '**Symptoms**'],
  ['first checks', '**Premiers contrôles**', '**First checks**'],
  ['steps', '**Étapes**', '**Steps**'],
  ['verify', '**Vérifier**', '**Verify**'],
  ['incident log', '**Journal**', '**Incident log**'],
]

test('the index lists the eight runbooks of issue 17 §6, and each file exists', () => {
  expect(runbooks).toEqual([
    'dhis2-down.md',
    'redis-lost.md',
    'ledger-restore.md',
    'disk-full.md',
    'partner-garbage.md',
    'rotating-secrets.md',
    'upgrading-dhis2.md',
    'new-zone.md',
  ])
  expect(runbooks.filter((file) => !existsSync(join(DIR, file)))).toEqual([])
  expect(readdirSync(DIR).filter((f) => f !== 'README.md' && !runbooks.includes(f))).toEqual([])
})

test.each(runbooks)('%s is in French, then in English, with the same parts and commands', (file) => {
  const halves = text(file).split(/\n---\n/)
  expect(halves).toHaveLength(2)
  const [fr, en] = halves as [string, string]
  for (const [part, french, english] of PARTS)
    expect({ part, fr: fr.includes(french), en: en.includes(english) }).toEqual({ part, fr: true, en: true })
  expect({
    fr: /\*\*(Steps|Verify|Symptoms)\*\*/.test(fr),
    en: /\*\*(Étapes|Vérifier|Symptômes)\*\*/.test(en),
  }).toEqual({
    fr: false,
    en: false,
  })
  expect(relaisVerbs(en)).toEqual(relaisVerbs(fr))
})

test.each(['README.md', ...runbooks])(
  '%s names only verbs, sub-verbs, services, volumes, mounts and alerts that exist',
  (file) => {
    expect(check(text(file))).toEqual([])
  },
)

test('the runbooks use the verbs they are about', () => {
  const used = (file: string) => relaisVerbs(text(file)).join(', ')
  expect(used('ledger-restore.md')).toMatch(/backup verify/)
  expect(text('ledger-restore.md')).toMatch(/bridge restore \/var\/lib\/relais\/backups\//)
  for (const sub of ['discard', 'release']) expect(used('partner-garbage.md')).toContain(`quarantine ${sub}`)
  for (const sub of ['route', 'api-key', 'list', 'rotate'])
    expect(used('rotating-secrets.md')).toContain(`secrets ${sub}`)
  for (const file of ['upgrading-dhis2.md', 'new-zone.md', 'rotating-secrets.md'])
    expect({ file, setup: /bridge setup .*--bridge-url/.test(text(file)) }).toEqual({ file, setup: true })
  expect(text('new-zone.md')).toMatch(/bridge roster hierarchy/)
  expect(text('new-zone.md')).toMatch(/bridge roster import .*--users --passwords/)
  expect(text('upgrading-dhis2.md').match(/relais doctor/g)!.length).toBeGreaterThanOrEqual(2)
})

test('the checker fails on what does not exist', () => {
  expect(help('frobnicate').status).not.toBe(0)
  const bad = [
    '```sh',
    'docker compose exec bridge npx relais frobnicate',
    'docker compose exec bridge npx relais backup explode /var/lib/relais/x',
    'docker compose exec bridge npx relais secrets route rotate',
    'docker compose restart dhis2-backupz',
    'docker volume rm relais_redis-datas',
    'docker compose exec bridge npx relais roster import /etc/relais/rc.csv',
    'docker compose run --rm -e DHIS2_USERNAME=admin -e DHIS2_PASSWORD bridge setup --no-app',
    '```',
    'Alert `RelaisEverythingFine`.',
  ].join('\n')
  const problems = check(bad).join('\n')
  expect(problems).toMatch(/relais frobnicate: .*exits 2/)
  expect(problems).toMatch(/relais backup: no sub-verb "explode"/)
  expect(problems).toMatch(/relais secrets route: no sub-verb "rotate"/)
  expect(problems).toMatch(/no service "dhis2-backupz"/)
  expect(problems).toMatch(/no volume "redis-datas"/)
  expect(problems).toMatch(/\/etc\/relais\/rc.csv is in none of the bridge's mounts/)
  expect(problems).toMatch(/relais roster import in the stack: needs -e DHIS2_USERNAME/)
  expect(problems).toMatch(/relais roster import in the stack: needs -e DHIS2_PASSWORD/)
  expect(problems).toMatch(/relais setup in the stack: needs --bridge-url http:\/\/bridge:3000/)
  expect(problems).toMatch(/no alert RelaisEverythingFine/)
  // and passes the same commands written right
  const good = [
    '```sh',
    'docker compose run --rm --user "$(id -u)" -e DHIS2_USERNAME=admin -e DHIS2_PASSWORD -v "$PWD/r:/roster" bridge roster import /roster/rc.csv --dry-run',
    'docker compose run --rm -e DHIS2_USERNAME=admin -e DHIS2_PASSWORD bridge setup --no-app --bridge-url http://bridge:3000',
    'for id in $(cat x.txt); do docker compose exec -T bridge npx relais quarantine discard "$id" --reason "<why>"; done',
    'docker compose exec -T ledger-db dropdb -U relais relais',
    '```',
  ].join('\n')
  expect(check(good)).toEqual([])
})

describe('the cheap steps, run for real on an embedded ledger', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'relais-runbooks-'))
  afterAll(() => rmSync(tmp, { recursive: true, force: true }))
  const env = (dataDir: string): NodeJS.ProcessEnv => {
    const e: NodeJS.ProcessEnv = {
      ...process.env,
      CI: '1',
      DHIS2_URL: 'http://127.0.0.1:9',
      DHIS2_TOKEN: 'd2p_runbooks-test-token',
      RELAIS_ROUTE_SECRET: 'r'.repeat(40),
      RELAIS_PSEUDONYM_KEY: 'p'.repeat(40),
      RELAIS_DATA_DIR: dataDir,
      RELAIS_CONFIG: join(tmp, 'no-config.yaml'),
      REDIS_URL: 'redis://127.0.0.1:1',
    }
    // Never a real database: the embedded ledger of this temporary folder only.
    delete e.DATABASE_URL
    delete e.RELAIS_API_KEYS
    return e
  }
  const relais = (args: string[], dataDir: string) => {
    const r = spawnSync('npx', ['relais', ...args], { cwd: ROOT, encoding: 'utf8', env: env(dataDir) })
    return { status: r.status, out: `${r.stdout}${r.stderr}` }
  }
  /** The arguments after `npx relais` of the runbook's first code line that runs `relais <prefix>`. */
  const asWritten = (file: string, prefix: string) => {
    for (const line of codeLines(text(file)))
      for (const words of commandsOf(line)) {
        const i = words.findIndex((w, j) => w === 'relais' && words[j - 1] === 'npx')
        if (
          i >= 0 &&
          words
            .slice(i + 1)
            .join(' ')
            .startsWith(prefix)
        )
          return words.slice(i + 1)
      }
    throw new Error(`${file} has no \`relais ${prefix}\``)
  }
  const live = join(tmp, 'live')
  const restored = join(tmp, 'restored')

  test('runbook 6: the API key commands as written', () => {
    const add = relais(asWritten('rotating-secrets.md', 'secrets api-key add'), live)
    expect(add).toMatchObject({ status: 0 })
    expect(add.out).toMatch(/New API key ops-2027 \(gestionnaire, until 2027-12-31\)/)
    const revoke = relais(asWritten('rotating-secrets.md', 'secrets api-key revoke'), live)
    expect(revoke).toMatchObject({ status: 0 })
    const list = relais(asWritten('rotating-secrets.md', 'secrets list'), live)
    expect(list.out).toMatch(/accept +api-key +ops-2027/)
    expect(list.out).toMatch(/revoke +api-key +ops\b/)
    expect(relais(asWritten('rotating-secrets.md', 'secrets rotate'), live).status).toBe(0)
  })

  test('runbook 3: backup, backup verify, restore into an empty ledger (and not into a full one)', () => {
    const out = join(tmp, 'backups')
    expect(relais(['backup', '--out', out], live)).toMatchObject({ status: 0 })
    const file = join(
      out,
      readdirSync(out).find((f) => f.endsWith('.jsonl.gz'))!,
    )
    expect(existsSync(file.replace(/\.jsonl\.gz$/, '.manifest.json'))).toBe(true)
    const verify = relais(['backup', 'verify', file], live)
    expect(verify).toMatchObject({ status: 0 })
    expect(verify.out).toMatch(/Sauvegarde intacte/)
    const restore = relais(['restore', file, '--locale', 'en'], restored)
    expect(restore).toMatchObject({ status: 0 })
    expect(restore.out).toMatch(/Restored and checked/)
    expect(relais(['secrets', 'list'], restored).out).toMatch(/ops-2027/)
    const again = relais(['restore', file], restored)
    expect(again.status).toBe(1)
    expect(again.out).toMatch(/base vide/)
  })
})
