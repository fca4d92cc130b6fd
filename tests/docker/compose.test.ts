/**
 * Checks the production stack in docker/ without a Docker engine: docker/compose.yml, the env files' examples,
 * dhis.conf, the nginx configuration and the bridge's Dockerfile, against the bridge's environment contract
 * (bridge-service/src/config/env.ts).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import {
  BRIDGE_ENV_VARIABLES,
  DHIS2_AUTH_MODES,
  REQUIRED_BRIDGE_ENV_VARIABLES,
  SECRET_BRIDGE_ENV_VARIABLES,
} from '../../bridge-service/src/config/env'

const REPO = path.resolve(__dirname, '../..')
const DOCKER = path.join(REPO, 'docker')
const read = (file: string) => readFileSync(file, 'utf8')

// ---- the compose file, as much of it as these checks read ---------------------------------------------------

type EnvironmentSection = Record<string, string | number | boolean | null> | string[]
type EnvFileEntry = string | { path: string; required?: boolean }
type VolumeEntry = string | { type: string; source?: string; target: string; read_only?: boolean }

interface Service {
  image?: string
  build?: string | { context?: string; dockerfile?: string }
  command?: string | string[]
  entrypoint?: string | string[]
  environment?: EnvironmentSection
  env_file?: EnvFileEntry | EnvFileEntry[]
  healthcheck?: { test?: string | string[]; disable?: boolean }
  restart?: string
  deploy?: { restart_policy?: { condition?: string } }
  ports?: unknown[]
  expose?: unknown[]
  networks?: string[] | Record<string, unknown>
  volumes?: VolumeEntry[]
  depends_on?: string[] | Record<string, { condition?: string }>
  user?: string
  tmpfs?: string | string[]
}

interface Compose {
  services: Record<string, Service>
  volumes?: Record<string, unknown>
  networks?: Record<string, { internal?: boolean } | null>
}

const composeText = read(path.join(DOCKER, 'compose.yml'))
const compose = parse(composeText) as Compose
const services = Object.entries(compose.services)
const service = (name: string): Service => {
  const found = compose.services[name]
  if (!found) throw new Error(`docker/compose.yml has no service ${name}`)
  return found
}

/** Every key and string value of a parsed YAML document (comments are gone by then, as for compose). */
function* scalars(node: unknown): Generator<string> {
  if (typeof node === 'string') yield node
  else if (Array.isArray(node)) for (const item of node) yield* scalars(item)
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      yield key
      yield* scalars(value)
    }
  }
}

/** A configuration file without its comment lines (`#`). */
const withoutComments = (text: string) =>
  text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')

/** Lines `NAME=value` of an env file; comments and blank lines skipped, surrounding quotes removed. */
function parseEnvFile(text: string): Map<string, string> {
  const values = new Map<string, string>()
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line)
    if (!match || line.trimStart().startsWith('#')) continue
    values.set(match[1]!, match[2]!.replace(/^(['"])(.*)\1$/, '$2'))
  }
  return values
}

/** The committed `.example` of every env file a service reads (the real files are git-ignored). */
const envFilePaths = (s: Service): string[] =>
  (s.env_file === undefined ? [] : Array.isArray(s.env_file) ? s.env_file : [s.env_file]).map((entry) =>
    typeof entry === 'string' ? entry : entry.path,
  )
const exampleOf = (envFile: string) => path.join(DOCKER, `${envFile}.example`)

function environmentOf(s: Service): Map<string, string> {
  const values = new Map<string, string>()
  if (Array.isArray(s.environment)) {
    for (const entry of s.environment) {
      const [name = '', ...rest] = entry.split('=')
      values.set(name, rest.join('='))
    }
  } else {
    for (const [name, value] of Object.entries(s.environment ?? {}))
      values.set(name, value === null ? '' : String(value))
  }
  return values
}

/** Everything a service's container gets: its env files (their examples) first, then `environment`, which wins. */
function containerEnv(s: Service): Map<string, string> {
  const values = new Map<string, string>()
  for (const envFile of envFilePaths(s)) {
    if (existsSync(exampleOf(envFile))) for (const [k, v] of parseEnvFile(read(exampleOf(envFile)))) values.set(k, v)
  }
  for (const [k, v] of environmentOf(s)) values.set(k, v)
  return values
}

interface Interpolation {
  name: string
  /** `${VAR:-x}` / `${VAR-x}`: compose has a value even when VAR is unset. */
  hasDefault: boolean
}

/** `${VAR}`, `${VAR:-default}`, `${VAR:?error}`, `$VAR` that compose fills in; `$$` is a literal `$` for the container. */
function interpolations(text: string): Interpolation[] {
  const found: Interpolation[] = []
  for (const match of text.matchAll(/\$(\$|\{([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g)) {
    if (match[1] === '$') continue
    if (match[3]) {
      found.push({ name: match[3], hasDefault: false })
      continue
    }
    const braced = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])(.*))?$/.exec(match[2] ?? '')
    if (!braced) throw new Error(`cannot read the interpolation ${match[0]}`)
    found.push({ name: braced[1]!, hasDefault: braced[2] === '-' || braced[2] === ':-' })
  }
  return found
}

/** Variables a container's shell expands at run time: `$${VAR}` / `$$VAR` in compose. */
const runtimeVariables = (text: string): string[] =>
  [...text.matchAll(/\$\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g)].map((m) => m[1]!)

const asText = (value: unknown): string => (value === undefined ? '' : JSON.stringify(value))
const networksOf = (s: Service): string[] =>
  Array.isArray(s.networks) ? s.networks : Object.keys(s.networks ?? { default: null })
const volumeOf = (s: Service, target: string) =>
  (s.volumes ?? [])
    .map((v) => {
      if (typeof v !== 'string') return v
      const [source = '', to = '', mode] = v.split(':')
      return { type: /^[./~]/.test(source) ? 'bind' : 'volume', source, target: to, read_only: mode === 'ro' }
    })
    .find((v) => v.target === target)
const dependsOn = (s: Service, other: string): string | undefined =>
  Array.isArray(s.depends_on)
    ? s.depends_on.includes(other)
      ? 'service_started'
      : undefined
    : s.depends_on?.[other]?.condition

// ---- Dockerfiles ---------------------------------------------------------------------------------------------

interface Instruction {
  keyword: string
  args: string
}

/** Instructions of a Dockerfile, continuation lines joined, comments dropped, grouped by stage. */
function dockerfileStages(text: string): Instruction[][] {
  const lines = text
    .split(/\r?\n/)
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
  const stages: Instruction[][] = [[]]
  for (const line of lines) {
    const [keyword = '', ...rest] = line.split(/\s+/)
    const instruction = { keyword: keyword.toUpperCase(), args: rest.join(' ') }
    if (instruction.keyword === 'FROM') stages.push([])
    stages[stages.length - 1]!.push(instruction)
  }
  return stages.filter((stage) => stage.some((i) => i.keyword === 'FROM'))
}

function dockerfileOf(s: Service): string | undefined {
  if (!s.build) return undefined
  const build = typeof s.build === 'string' ? { context: s.build } : s.build
  return path.resolve(DOCKER, build.context ?? '.', build.dockerfile ?? 'Dockerfile')
}

const BRIDGE_DOCKERFILE = path.join(REPO, 'bridge-service', 'Dockerfile')
const bridgeStages = dockerfileStages(read(BRIDGE_DOCKERFILE))
const finalStage = bridgeStages[bridgeStages.length - 1]!
const last = (stage: Instruction[], keyword: string) => stage.filter((i) => i.keyword === keyword).at(-1)

function imageHasHealthcheck(dockerfile: string): boolean {
  const healthcheck = last(dockerfileStages(read(dockerfile)).at(-1) ?? [], 'HEALTHCHECK')
  return healthcheck !== undefined && !/^NONE\b/i.test(healthcheck.args)
}

// ---------------------------------------------------------------------------------------------------------------

describe('docker/compose.yml: every service', () => {
  it('has the services of the stack', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'bridge',
      'dhis2',
      'dhis2-backup',
      'dhis2-db',
      'grafana',
      'ledger-db',
      'prometheus',
      'proxy',
      'redis',
    ])
  })

  it.each(services)('%s has a restart policy', (_name, s) => {
    const policy = s.restart ?? s.deploy?.restart_policy?.condition
    expect(['always', 'unless-stopped', 'on-failure', 'any']).toContain(policy)
  })

  it.each(services)('%s has a healthcheck (in compose.yml or in the image it builds)', (name, s) => {
    const test = s.healthcheck?.test
    const inCompose =
      s.healthcheck?.disable !== true && test !== undefined && asText(test) !== '["NONE"]' && test.length > 0
    const dockerfile = dockerfileOf(s)
    const inImage = dockerfile !== undefined && imageHasHealthcheck(dockerfile)
    if (!inCompose && !inImage) throw new Error(`service ${name} has no healthcheck`)
  })

  it.each(services)('%s uses a pinned image or builds one', (_name, s) => {
    if (s.build) return
    expect(s.image).toMatch(/^[a-z0-9./-]+:[A-Za-z0-9._-]+$/)
    expect(s.image).not.toMatch(/:latest$/)
  })

  it.each(services)('%s keeps its data in named volumes declared at the top level', (_name, s) => {
    for (const volume of s.volumes ?? []) {
      const entry = typeof volume === 'string' ? { source: volume.split(':')[0] ?? '' } : volume
      const source = entry.source ?? ''
      if (/^[./~]/.test(source)) continue // a bind mount of a file of docker/
      expect(Object.keys(compose.volumes ?? {})).toContain(source)
    }
  })

  it('keep their data in named volumes', () => {
    const expected: [string, string][] = [
      ['dhis2', '/opt/dhis2'],
      ['dhis2-db', '/var/lib/postgresql/data'],
      ['ledger-db', '/var/lib/postgresql/data'],
      ['redis', '/data'],
      ['bridge', '/var/lib/relais'],
    ]
    for (const [name, target] of expected) expect(volumeOf(service(name), target)).toMatchObject({ type: 'volume' })
  })
})

describe('docker/compose.yml: tmpfs mounts', () => {
  // A tmpfs is RAM: one without a size lets a process fill the host's memory (issue 11: 3 GB of XLSX temp files).
  const mounts = services.flatMap(([name, s]) =>
    (typeof s.tmpfs === 'string' ? [s.tmpfs] : (s.tmpfs ?? [])).map((mount) => ({ name, mount })),
  )

  it("finds the bridge's /tmp", () => {
    expect(mounts.some(({ name, mount }) => name === 'bridge' && mount.split(':')[0] === '/tmp')).toBe(true)
  })

  it('gives every tmpfs a size', () => {
    for (const { name, mount } of mounts)
      expect({ name, mount, size: /(^|[:,])size=\d+[kmg]?(,|$)/.test(mount) }).toEqual({ name, mount, size: true })
  })
})

describe('docker/compose.yml: variables', () => {
  const dotenvExample = path.join(DOCKER, '.env.example')
  const dotenv = parseEnvFile(read(dotenvExample))

  it('finds the interpolations it checks', () => {
    expect(interpolations('a ${A} $B ${C:-x} ${D:?why} $${E} $$F').map((i) => [i.name, i.hasDefault])).toEqual([
      ['A', false],
      ['B', false],
      ['C', true],
      ['D', false],
    ])
    expect(runtimeVariables('x $${E} $$F ${G}')).toEqual(['E', 'F'])
  })

  it('has a value in docker/.env.example, or a default, for every ${VAR} compose fills in', () => {
    const missing = [...scalars(compose)].flatMap(interpolations).filter((i) => !i.hasDefault && !dotenv.get(i.name))
    expect(missing.map((i) => i.name)).toEqual([])
  })

  it('gives each container every variable its commands and healthchecks read at run time', () => {
    for (const [name, s] of services) {
      const env = containerEnv(s)
      const read = runtimeVariables(asText([s.command, s.entrypoint, s.healthcheck]))
      expect({ service: name, missing: read.filter((v) => !env.has(v)) }).toEqual({ service: name, missing: [] })
    }
  })

  it('gives DHIS2 every variable its dhis.conf reads', () => {
    const dhis2 = service('dhis2')
    expect(volumeOf(dhis2, '/opt/dhis2/dhis.conf')).toMatchObject({ source: './dhis2/dhis.conf', read_only: true })
    const dhisConf = withoutComments(read(path.join(DOCKER, 'dhis2', 'dhis.conf')))
    const wanted = interpolations(dhisConf).map((i) => i.name)
    expect(wanted.length).toBeGreaterThan(0)
    const env = containerEnv(dhis2)
    expect(wanted.filter((v) => !env.has(v))).toEqual([])
  })

  it('commits an example of every env file, and a placeholder for every variable an example names', () => {
    const envFiles = new Set(services.flatMap(([, s]) => envFilePaths(s)))
    expect(envFiles.size).toBeGreaterThan(0)
    for (const envFile of envFiles) expect(existsSync(exampleOf(envFile))).toBe(true)
    for (const example of [dotenvExample, ...[...envFiles].map(exampleOf)]) {
      const values = parseEnvFile(read(example))
      expect(values.size).toBeGreaterThan(0)
      const empty = [...values].filter(([, value]) => value.trim() === '').map(([name]) => name)
      expect({ example: path.relative(DOCKER, example), empty }).toEqual({
        example: path.relative(DOCKER, example),
        empty: [],
      })
    }
  })

  const gitWorks = spawnSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: REPO }).status === 0
  ;(gitWorks ? it : it.skip)('git-ignores the real env files and certificates, not their examples', () => {
    const ignored = (file: string) =>
      spawnSync('git', ['check-ignore', '-q', '--no-index', file], { cwd: REPO }).status === 0
    const envFiles = [...new Set(services.flatMap(([, s]) => envFilePaths(s)))]
    for (const real of ['.env', ...envFiles, 'proxy/certs/privkey.pem', 'proxy/certs/fullchain.pem']) {
      expect({ file: real, ignored: ignored(`docker/${real}`) }).toEqual({ file: real, ignored: true })
    }
    for (const example of ['.env.example', ...envFiles.map((f) => `${f}.example`), 'compose.yml', 'dhis2/dhis.conf']) {
      expect({ file: example, ignored: ignored(`docker/${example}`) }).toEqual({ file: example, ignored: false })
    }
  })
})

describe('docker/compose.yml: the bridge', () => {
  const bridge = service('bridge')
  const env = containerEnv(bridge)

  it('is built from bridge-service/Dockerfile with the monorepo as context and runs `relais serve`', () => {
    expect(bridge.build).toEqual({ context: '..', dockerfile: 'bridge-service/Dockerfile' })
    expect(dockerfileOf(bridge)).toBe(BRIDGE_DOCKERFILE)
    expect([bridge.command].flat()).toEqual(['serve'])
  })

  it('gets every required variable of its contract', () => {
    expect(REQUIRED_BRIDGE_ENV_VARIABLES.length).toBeGreaterThan(0)
    expect(REQUIRED_BRIDGE_ENV_VARIABLES.filter((v) => !env.get(v))).toEqual([])
  })

  it('gets exactly one way to log in to DHIS2', () => {
    const complete = DHIS2_AUTH_MODES.filter((mode) => mode.every((v) => env.get(v)))
    const partial = DHIS2_AUTH_MODES.filter((mode) => mode.some((v) => env.get(v)))
    expect(complete).toHaveLength(1)
    expect(partial).toEqual(complete)
  })

  it('uses the ledger database of the stack, not the embedded PGlite', () => {
    expect(env.get('DATABASE_URL')).toMatch(/^postgres(ql)?:\/\/[^@]+@ledger-db:5432\//)
    expect(env.get('REDIS_URL')).toMatch(/^redis:\/\/([^@]*@)?redis:6379/)
    expect(env.get('DHIS2_URL')).toBe('http://dhis2:8080')
    expect(dependsOn(bridge, 'ledger-db')).toBe('service_healthy')
    expect(dependsOn(bridge, 'redis')).toBe('service_healthy')
  })

  it('names no RELAIS_ variable that the bridge does not read (a typo would be silently ignored)', () => {
    const known = new Set<string>(BRIDGE_ENV_VARIABLES)
    expect([...env.keys()].filter((name) => name.startsWith('RELAIS_') && !known.has(name))).toEqual([])
  })

  it('mounts its configuration file where RELAIS_CONFIG says', () => {
    const config = env.get('RELAIS_CONFIG') ?? ''
    const mount = volumeOf(bridge, config)
    expect(mount).toMatchObject({ type: 'bind', read_only: true })
    expect(existsSync(path.resolve(DOCKER, mount?.source ?? ''))).toBe(true)
  })

  it('is not exposed: no published port, and no network shared with the proxy', () => {
    expect(bridge.ports ?? []).toEqual([])
    const proxyNetworks = networksOf(service('proxy'))
    expect(networksOf(bridge).filter((n) => proxyNetworks.includes(n))).toEqual([])
    const published = services.filter(([, s]) => (s.ports ?? []).length > 0).map(([name]) => name)
    expect(published).toEqual(['proxy'])
  })

  it('shares a network with DHIS2, whose route calls it', () => {
    const dhis2Networks = networksOf(service('dhis2'))
    expect(networksOf(bridge).some((n) => dhis2Networks.includes(n))).toBe(true)
  })
})

describe('docker/compose.yml: the other services', () => {
  it('runs Redis 7 with AOF persistence on a volume', () => {
    const redis = service('redis')
    expect(redis.image).toMatch(/^redis:7\./)
    expect(asText([redis.command].flat())).toMatch(/"--appendonly","yes"|--appendonly yes/)
    expect(volumeOf(redis, '/data')).toMatchObject({ type: 'volume' })
  })

  it('runs DHIS2 2.41 on its PostGIS database, with dhis.conf from docker/dhis2', () => {
    const dhis2 = service('dhis2')
    expect(dhis2.image).toMatch(/^dhis2\/core:2\.41\.\d+/)
    expect(service('dhis2-db').image).toMatch(/^postgis\/postgis:/)
    expect(dependsOn(dhis2, 'dhis2-db')).toBe('service_healthy')
    const dhisConf = read(path.join(DOCKER, 'dhis2', 'dhis.conf'))
    expect(dhisConf).toMatch(/^connection\.url\s*=\s*jdbc:postgresql:\/\/dhis2-db:5432\/dhis2\s*$/m)
    expect(dhisConf).toMatch(/^route\.remote_servers_allowed\s*=\s*(.*,)?http:\/\/bridge:3000\/(,.*)?$/m)
  })

  it('runs the ledger on PostgreSQL 16', () => {
    expect(service('ledger-db').image).toMatch(/^postgres:16/)
  })

  it('keeps the databases and Redis on internal networks', () => {
    for (const name of ['dhis2-db', 'ledger-db', 'redis']) {
      for (const network of networksOf(service(name)))
        expect({ name, network, internal: compose.networks?.[network]?.internal }).toEqual({
          name,
          network,
          internal: true,
        })
    }
  })

  it('puts an nginx proxy in front of DHIS2 only, TLS-ready, with the body limit of the DHIS2 reference config', () => {
    const proxy = service('proxy')
    expect(proxy.image).toMatch(/^nginx:/)
    const mount = volumeOf(proxy, '/etc/nginx/conf.d/default.conf')
    expect(mount).toMatchObject({ type: 'bind', read_only: true })
    const conf = withoutComments(read(path.resolve(DOCKER, mount?.source ?? '')))
    expect(conf).toMatch(/^\s*client_max_body_size\s+10M;/m)
    expect(conf).toMatch(/^\s*listen\s+443\s+ssl/m)
    expect(conf).toMatch(/^\s*ssl_certificate\s+\S+;/m)
    expect(conf).toMatch(/http:\/\/dhis2:8080/)
    expect(conf).toMatch(/location \/ \{\s*set \$dhis2 http:\/\/dhis2:8080;\s*proxy_pass\s+\$dhis2;/)
    expect(conf).not.toMatch(/bridge:3000/)
  })
})

describe('docker/compose.yml: no secret written in it', () => {
  const SECRET_NAME = /PASSWORD|SECRET|TOKEN|(^|_)KEYS?$|PRIVATE/i
  const secretNames = new Set<string>(SECRET_BRIDGE_ENV_VARIABLES)
  /** The password of a URL `scheme://user:password@host`, interpolations included. */
  const URL_PASSWORD = /:\/\/[^/@\s:]*:((?:\$\{[^}]*\}|[^@\s])*)@/g
  /** Made only of ${...} interpolations (and nothing else), or empty. */
  const onlyInterpolated = (value: string) => value.replace(/\$\{[^}]*\}/g, '') === ''

  /** A long run of base64/hex characters with letters, digits and high entropy: what generated secrets look like. */
  function looksGenerated(text: string): boolean {
    for (const [run] of text.matchAll(/[A-Za-z0-9+/=_-]{20,}/g)) {
      if (!/[0-9]/.test(run) || !/[A-Za-z]/.test(run)) continue
      const counts = new Map<string, number>()
      for (const c of run) counts.set(c, (counts.get(c) ?? 0) + 1)
      const entropy = [...counts.values()].reduce((h, n) => h - (n / run.length) * Math.log2(n / run.length), 0)
      if (entropy >= 3.5) return true
    }
    return false
  }

  it('spots the secrets it looks for', () => {
    expect(looksGenerated('5f0c2a7e9b1d4c3a8e6f2b0d9c7a1e3f')).toBe(true)
    expect(looksGenerated('d2pat_Q0tTx1Yb5fXcGm2W8uR3kNvJpL7s')).toBe(true)
    expect(looksGenerated('bridge-service/Dockerfile')).toBe(false)
    expect(looksGenerated('postgis/postgis:16-3.4')).toBe(false)
    expect(onlyInterpolated('${LEDGER_DB_PASSWORD:?see README}')).toBe(true)
    expect(onlyInterpolated('hunter2')).toBe(false)
  })

  it.each(services)('%s sets no secret-named variable to a literal value', (_name, s) => {
    for (const [name, value] of environmentOf(s)) {
      if (SECRET_NAME.test(name) || secretNames.has(name)) {
        // A URL may be literal as long as it carries no password, or an interpolated one (checked below).
        const url = /^[a-z]+:\/\/(?:[^/@:]*(?::([^@]*))?@)?[^@]*$/.exec(value)
        const literal = !onlyInterpolated(value) && !(url && onlyInterpolated(url[1] ?? ''))
        expect({ name, literal }).toEqual({ name, literal: false })
      }
    }
  })

  it('writes every password inside a URL as an interpolation', () => {
    const passwords = [...scalars(compose)].flatMap((text) => [...text.matchAll(URL_PASSWORD)].map((m) => m[1]))
    expect(passwords).toContain('${LEDGER_DB_PASSWORD:?see docker/README.md}') // the check sees the one URL with a password
    for (const text of scalars(compose)) {
      for (const match of text.matchAll(URL_PASSWORD)) {
        expect({ url: text, password: match[1], interpolated: onlyInterpolated(match[1] ?? '') }).toMatchObject({
          interpolated: true,
        })
      }
    }
  })

  it('holds no generated-looking secret anywhere', () => {
    expect([...scalars(compose)].filter(looksGenerated)).toEqual([])
    expect(looksGenerated(composeText.replace(/\$\{[^}]*\}/g, ''))).toBe(false)
  })
})

describe('bridge-service/Dockerfile', () => {
  it('is multi-stage, from node:20-bookworm-slim', () => {
    expect(bridgeStages.length).toBeGreaterThanOrEqual(2)
    const args = new Map(
      read(BRIDGE_DOCKERFILE)
        .split('\n')
        .map((line) => /^ARG\s+([A-Za-z_]+)=(\S+)/.exec(line.trim()))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => [m[1]!, m[2]!]),
    )
    for (const stage of bridgeStages) {
      const from = (stage[0]?.args ?? '').split(/\s+/)[0] ?? ''
      expect(from.replace(/^\$\{?([A-Za-z_]+)\}?$/, (_m, name: string) => args.get(name) ?? name)).toBe(
        'node:20-bookworm-slim',
      )
    }
  })

  it('installs with npm ci restricted to bridge-service and mappings', () => {
    const runs = bridgeStages.flat().filter((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args))
    expect(runs).toHaveLength(1)
    expect(runs[0]!.args).toMatch(/--workspace[= ]bridge-service/)
    expect(runs[0]!.args).toMatch(/--workspace[= ]mappings/)
  })

  it("copies every workspace's package.json before npm ci, and the build context lets each in", () => {
    // npm ci checks every workspace of the lock file, even those it does not install: a workspace added to the
    // repository and forgotten here breaks the image build.
    const workspaces = (JSON.parse(read(path.join(REPO, 'package.json'))) as { workspaces: string[] }).workspaces
    const copies = (bridgeStages[0] ?? []).filter((i) => i.keyword === 'COPY').map((i) => i.args)
    const ignore = read(path.join(REPO, 'bridge-service', 'Dockerfile.dockerignore')).split('\n')
    for (const workspace of workspaces) {
      expect({ workspace, copied: copies.some((c) => c.startsWith(`${workspace}/package.json `)) }).toEqual({
        workspace,
        copied: true,
      })
      expect({
        workspace,
        allowed: ignore.some((l) => l === `!${workspace}/package.json` || l === `!${workspace}/`),
      }).toEqual({ workspace, allowed: true })
    }
  })

  it('runs as a user other than root', () => {
    const user = last(finalStage, 'USER')?.args.split(':')[0]
    expect(user).toBeDefined()
    expect(['root', '0']).not.toContain(user)
  })

  it('checks its health with node on /healthz at $PORT', () => {
    const healthcheck = last(finalStage, 'HEALTHCHECK')?.args ?? ''
    expect(healthcheck).toMatch(/CMD \["node"/)
    expect(healthcheck).toContain('/healthz')
    expect(healthcheck).toContain('process.env.PORT')
  })

  it('starts the relais CLI with `serve`', () => {
    expect(JSON.parse(last(finalStage, 'ENTRYPOINT')?.args ?? 'null')).toEqual(['node', 'bridge-service/bin/relais.js'])
    expect(JSON.parse(last(finalStage, 'CMD')?.args ?? 'null')).toEqual(['serve'])
  })

  it('has an ignore file that Docker reads for it, keeping node_modules out of the context', () => {
    const ignoreFile = `${BRIDGE_DOCKERFILE}.dockerignore`
    expect(existsSync(ignoreFile)).toBe(true)
    expect(read(ignoreFile)).toMatch(/^\*\*\/node_modules$/m)
  })
})
