/**
 * The bridge's environment contract (shared/ARCHITECTURE.md, "Contracts"), checked with zod at start.
 *
 * `loadEnv(process.env)` either returns a typed `BridgeEnv` or throws a `ConfigError` whose message is one
 * line: it names the variable and says what to write instead. Secret values are never echoed, not even
 * when they were put in the wrong variable (see `scrubSecrets`).
 *
 * Rules that apply to every variable:
 * - a value is trimmed; an empty value counts as unset (`VAR=` in an env file, `${VAR:-}` in compose);
 * - only the variables listed in `BRIDGE_ENV_VARIABLES` are read; everything else is ignored.
 *
 * RELAIS_API_KEYS format: comma-separated entries `name:role:key[:expires]`, e.g.
 *   RELAIS_API_KEYS=ops-script:gestionnaire:<openssl rand -hex 32>:2027-03-31,grafana:lecteur:<openssl rand -hex 32>
 * - name: 1–31 letters, digits, ".", "_" or "-", starting with a letter or digit; unique (the key's label);
 * - role: gestionnaire | administrateur | superviseur | lecteur;
 * - key: at least 32 characters from A–Z a–z 0–9 and . _ ~ + / = - (hex or base64 from openssl); unique;
 * - expires (optional): the last day the key is accepted, YYYY-MM-DD (UTC); the daily security check warns
 *   30 days before, and about a key without one.
 * Rotating a key without downtime: add the new key under a new name, move the client to it, then remove the old
 * entry (issue 16 §4; docker/README.md).
 *
 * RELAIS_ROUTE_SECRET is one secret, or during a rotation two separated by a comma, `current,next`: both are
 * accepted while DHIS2's route is switched to the next one; then the next one alone stays.
 * Clients send the key as `Authorization: Bearer <key>`.
 */
import { isIP } from 'node:net'
import path from 'node:path'
import { z } from 'zod'
import { redisOptions } from './redis-url'

export const API_KEY_ROLES = ['gestionnaire', 'administrateur', 'superviseur', 'lecteur'] as const
export type ApiKeyRole = (typeof API_KEY_ROLES)[number]

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

export interface ApiKey {
  readonly name: string
  readonly role: ApiKeyRole
  readonly key: string
  /** The last day the key is accepted (YYYY-MM-DD, UTC); undefined: no expiry. */
  readonly expires?: string
}

export type Dhis2Auth =
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }

/** Where the ledger lives: an external PostgreSQL, or the embedded PGlite database under RELAIS_DATA_DIR. */
export type LedgerDatabase =
  { readonly kind: 'postgres'; readonly url: string } | { readonly kind: 'pglite'; readonly dataDir: string }

export interface BridgeEnv {
  readonly dhis2: { readonly url: string; readonly auth: Dhis2Auth }
  readonly redisUrl: string
  readonly database: LedgerDatabase
  readonly dataDir: string
  readonly port: number
  /** The address the API listens on (RELAIS_HOST). */
  readonly host: string
  readonly routeSecret: string
  /** During a rotation, the route secret DHIS2's route is being switched to: both are accepted. */
  readonly routeSecretNext?: string
  readonly apiKeys: readonly ApiKey[]
  readonly configPath: string
  readonly pseudonymKey: string
  readonly logLevel: LogLevel
}

export interface ConfigProblem {
  readonly variable: string
  readonly message: string
}

/** A bad or missing environment value. `message` is one line that names the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  /** Every problem found, in the order of BRIDGE_ENV_VARIABLES; the message leads with the first. */
  readonly problems: readonly ConfigProblem[]

  constructor(problems: readonly [ConfigProblem, ...ConfigProblem[]]) {
    const [first, ...rest] = problems
    const more = rest.length === 0 ? '' : ` (and ${rest.length} more: ${rest.map((p) => p.variable).join(', ')})`
    super(first.message + more)
    this.problems = problems
  }

  /** The variable the message is about. */
  get variable(): string {
    return this.problems[0]!.variable
  }
}

// ---------------------------------------------------------------------------------------------------------
// Checks: each takes the trimmed raw value and answers the parsed value or the one-line message.

type Checked<T> = { ok: true; value: T } | { ok: false; message: string }
const ok = <T>(value: T): Checked<T> => ({ ok: true, value })
const bad = (message: string): Checked<never> => ({ ok: false, message })

const GENERATE = 'generate one with `openssl rand -hex 32`'
const MIN_SECRET_LENGTH = 32
const PLACEHOLDER = /change-?me/i

/** A short, quoted, one-line echo of a value that is not secret. */
function quote(raw: string): string {
  const oneLine = raw.replace(/\s+/g, ' ')
  return JSON.stringify(oneLine.length > 80 ? `${oneLine.slice(0, 77)}...` : oneLine)
}

/** Echo of a URL without its user, password, query or fragment; nothing at all if it cannot be parsed safely. */
function describeUrl(raw: string): string {
  const url = parseUrl(raw)
  if (!url) return raw.includes('@') ? 'a value that is not a URL' : quote(raw)
  const credentials = url.username || url.password ? '***@' : ''
  // An "@" that the parser did not take as credentials (e.g. "user:pass@host" without a scheme) may hide one.
  if (!credentials && raw.includes('@')) return 'a value that is not a URL'
  return quote(`${url.protocol}//${credentials}${url.host}${url.pathname === '/' ? '' : url.pathname}`)
}

function parseUrl(raw: string): URL | undefined {
  try {
    return new URL(raw)
  } catch {
    return undefined
  }
}

const checkDhis2Url = (raw: string): Checked<string> => {
  const example = 'e.g. https://dhis2.example.org'
  const url = parseUrl(raw)
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
    return bad(`DHIS2_URL must be an http(s) URL, ${example} (got ${describeUrl(raw)})`)
  }
  if (url.username || url.password) {
    return bad(
      `DHIS2_URL must not hold a user name or password: write the URL alone, ${example}, and log in with DHIS2_TOKEN (or DHIS2_USERNAME + DHIS2_PASSWORD) (got ${describeUrl(raw)})`,
    )
  }
  if (url.search || url.hash) {
    return bad(`DHIS2_URL must be the server's base URL without ? or #, ${example} (got ${describeUrl(raw)})`)
  }
  const pathname = url.pathname.replace(/\/+$/, '')
  if (/\/api(\/\d+)?$/.test(pathname)) {
    return bad(
      `DHIS2_URL must be the server's base URL without /api, ${example} or https://example.org/dhis (got ${describeUrl(raw)})`,
    )
  }
  return ok(`${url.origin}${pathname}`)
}

const urlWithProtocols =
  (variable: string, protocols: readonly string[], expected: string) =>
  (raw: string): Checked<string> => {
    const url = parseUrl(raw)
    if (!url || !protocols.includes(url.protocol))
      return bad(`${variable} must be ${expected} (got ${describeUrl(raw)})`)
    if (PLACEHOLDER.test(safeDecode(url.password))) {
      return bad(`${variable} still holds the example placeholder as its password: ${GENERATE} and write it in the URL`)
    }
    return ok(raw)
  }

const checkRedisUrlForm = urlWithProtocols(
  'REDIS_URL',
  ['redis:', 'rediss:'],
  'a redis://, rediss:// or redis-sentinel:// URL, e.g. redis://127.0.0.1:6379, redis://:<password>@redis:6379/0 or redis-sentinel://:<password>@sentinel1:26379,sentinel2:26379/mymaster/0',
)
/** One parser for REDIS_URL (config/redis-url.ts): what it refuses, the start refuses, with its reason. */
const checkRedisUrl = (raw: string): Checked<string> => {
  if (!raw.startsWith('redis-sentinel://')) {
    const form = checkRedisUrlForm(raw)
    if (!form.ok) return form
  }
  try {
    redisOptions(raw)
    return ok(raw)
  } catch (error) {
    return bad(error instanceof Error ? error.message : String(error))
  }
}

const checkDatabaseUrl = urlWithProtocols(
  'DATABASE_URL',
  ['postgres:', 'postgresql:'],
  'a postgres:// URL, e.g. postgres://relais:<password>@ledger-db:5432/relais, or unset to use the embedded PGlite database under RELAIS_DATA_DIR',
)

const checkPort = (raw: string): Checked<number> => {
  const port = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN
  if (!(port >= 1 && port <= 65535))
    return bad(`PORT must be a whole number from 1 to 65535, e.g. 3000 (got ${quote(raw)})`)
  return ok(port)
}

/**
 * Where the API listens (issue 11 §6). 127.0.0.1 by default: outside Docker only DHIS2's route (a proxy on the
 * same host) and local operators reach the bridge; the compose file sets 0.0.0.0 inside its private network.
 */
const checkHost = (raw: string): Checked<string> => {
  const host = raw.trim()
  if (isIP(host) !== 0 || /^[A-Za-z0-9]([A-Za-z0-9.-]{0,252}[A-Za-z0-9])?$/.test(host)) return ok(host)
  return bad(`RELAIS_HOST must be an IP address or a host name, e.g. 127.0.0.1 or 0.0.0.0 (got ${quote(raw)})`)
}

/** A secret of at least 32 characters that is not the placeholder of an example file. Never echoed. */
const secretOfLength =
  (variable: string, purpose: string) =>
  (raw: string): Checked<string> => {
    if (PLACEHOLDER.test(raw)) return bad(`${variable} still holds the example placeholder: ${GENERATE} (${purpose})`)
    if (raw.length < MIN_SECRET_LENGTH) {
      return bad(
        `${variable} is too short (${raw.length} characters, at least ${MIN_SECRET_LENGTH} needed): ${GENERATE} (${purpose})`,
      )
    }
    return ok(raw)
  }

const ROUTE_SECRET_PURPOSE =
  'and put the same value in the X-Relais-Route-Secret header of the DHIS2 route relais-bridge'
const PSEUDONYM_KEY_PURPOSE = 'and keep it: a new key gives every person a new pseudonym'

const checkOneRouteSecret = secretOfLength('RELAIS_ROUTE_SECRET', ROUTE_SECRET_PURPOSE)

/** One secret, or `current,next` during a rotation. */
const checkRouteSecret = (raw: string): Checked<{ current: string; next?: string }> => {
  const parts = raw.split(',').map((part) => part.trim())
  if (parts.length > 2)
    return bad('RELAIS_ROUTE_SECRET holds one secret, or two separated by a comma during a rotation (current,next)')
  const [current = '', next] = parts
  for (const part of parts) {
    const checked = checkOneRouteSecret(part)
    if (!checked.ok) return checked
  }
  if (next !== undefined && next === current)
    return bad(`RELAIS_ROUTE_SECRET's next secret must differ from the current one: ${GENERATE}`)
  return ok(next === undefined ? { current } : { current, next })
}
const checkPseudonymKey = secretOfLength('RELAIS_PSEUDONYM_KEY', PSEUDONYM_KEY_PURPOSE)

/** The characters DHIS2 accepts in `Authorization: ApiToken <token>` (core@2.41). */
const DHIS2_TOKEN_CHARS = /^[A-Za-z0-9\-._~+/]+=*$/

const checkDhis2Token = (raw: string): Checked<string> => {
  if (PLACEHOLDER.test(raw)) {
    return bad(
      'DHIS2_TOKEN still holds the example placeholder: create a personal access token in DHIS2 (Profile → Personal access tokens) and write it here',
    )
  }
  if (!DHIS2_TOKEN_CHARS.test(raw)) {
    return bad(
      'DHIS2_TOKEN must be a DHIS2 personal access token such as d2pat_…, without spaces or quotes: copy it again from DHIS2',
    )
  }
  return ok(raw)
}

const checkDhis2Password = (raw: string): Checked<string> =>
  PLACEHOLDER.test(raw)
    ? bad(
        "DHIS2_PASSWORD still holds the example placeholder: write the DHIS2 user's password, or use DHIS2_TOKEN instead",
      )
    : ok(raw)

const checkConfigPath = (raw: string): Checked<string> =>
  /\.ya?ml$/i.test(raw)
    ? ok(raw)
    : bad(`RELAIS_CONFIG must be the path of a YAML file, e.g. ./relais.config.yaml (got ${quote(raw)})`)

const checkLogLevel = (raw: string): Checked<LogLevel> => {
  const level = LOG_LEVELS.find((l) => l === raw.toLowerCase())
  return level ? ok(level) : bad(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, e.g. info (got ${quote(raw)})`)
}

const API_KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,30}$/
const API_KEY_CHARS = /^[A-Za-z0-9._~+/=-]+$/
const API_KEY_FORMAT =
  'name:role:key or name:role:key:YYYY-MM-DD (its last day), e.g. ops-script:gestionnaire:<openssl rand -hex 32>:2027-03-31, entries separated by commas'
const API_KEY_EXPIRY = /^\d{4}-\d{2}-\d{2}$/

const checkApiKeys = (raw: string): Checked<ApiKey[]> => {
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
  const keys: ApiKey[] = []
  for (const [index, entry] of entries.entries()) {
    const at = `RELAIS_API_KEYS entry ${index + 1}`
    const parts = entry.split(':').map((part) => part.trim())
    if (parts.length !== 3 && parts.length !== 4) return bad(`${at} must be written ${API_KEY_FORMAT}`)
    const [name = '', role = '', key = '', expires] = parts
    // The name is echoed only once it is known to be a name: at most 31 characters, so never a whole key.
    if (!API_KEY_NAME.test(name)) {
      return bad(`${at} needs a name of 1 to 31 letters, digits, ".", "_" or "-" before the first ":", e.g. ops-script`)
    }
    const label = `${at} (${quote(name)})`
    const apiRole = API_KEY_ROLES.find((r) => r === role.toLowerCase())
    if (!apiRole) {
      const shown = role.length > 0 && role.length < 20 ? ` ${quote(role)}` : ''
      return bad(`${label} has the unknown role${shown}: write one of ${API_KEY_ROLES.join(', ')}`)
    }
    if (PLACEHOLDER.test(key)) return bad(`${label} still holds the example placeholder as its key: ${GENERATE}`)
    if (key.length < MIN_SECRET_LENGTH) {
      return bad(`${label} has a key of ${key.length} characters, at least ${MIN_SECRET_LENGTH} needed: ${GENERATE}`)
    }
    if (!API_KEY_CHARS.test(key)) {
      return bad(`${label} has a key with characters other than A-Z a-z 0-9 . _ ~ + / = -: ${GENERATE}`)
    }
    const earlier = keys.findIndex((k) => k.name === name || k.key === key)
    if (earlier >= 0) {
      const what = keys[earlier]!.name === name ? 'name' : 'key'
      return bad(`${label} repeats the ${what} of entry ${earlier + 1}: give each client its own name and key`)
    }
    if (
      expires !== undefined &&
      !(API_KEY_EXPIRY.test(expires) && new Date(`${expires}T00:00:00Z`).toISOString().startsWith(expires))
    )
      return bad(`${label} has an expiry that is not a date YYYY-MM-DD after its key, e.g. :2027-03-31`)
    keys.push({ name, role: apiRole, key, ...(expires ? { expires } : {}) })
  }
  return ok(keys)
}

// ---------------------------------------------------------------------------------------------------------
// The schema: one zod field per variable. Its keys are the contract's variable names.

// A type alias, not an interface: zod's meta() wants an object type with an index signature.
type FieldMeta = {
  /** The value (or a part of it) must never be printed. */
  secret?: boolean
}

function toZod<T>(check: (raw: string) => Checked<T>) {
  return (raw: string, ctx: z.RefinementCtx) => {
    const result = check(raw)
    if (result.ok) return result.value
    ctx.addIssue({ code: 'custom', message: result.message })
    return z.NEVER
  }
}

/** Must be set; `unset` is the whole message shown when it is not. */
const required = <T>(unset: string, check: (raw: string) => Checked<T>, meta: FieldMeta = {}) =>
  z.string({ error: unset }).transform(toZod(check)).meta(meta)

/** Falls back to `fallback`, which goes through the same check. */
const withDefault = <T>(fallback: string, check: (raw: string) => Checked<T>, meta: FieldMeta = {}) =>
  z.string().default(fallback).transform(toZod(check)).meta(meta)

/** May stay unset (undefined). */
const optional = <T>(check: (raw: string) => Checked<T>, meta: FieldMeta = {}) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => (raw === undefined ? undefined : toZod(check)(raw, ctx)))
    .meta(meta)

const fields = {
  DHIS2_URL: required(
    'DHIS2_URL is not set: write the base URL of the DHIS2 server, e.g. DHIS2_URL=https://dhis2.example.org',
    checkDhis2Url,
  ),
  DHIS2_TOKEN: optional(checkDhis2Token, { secret: true }),
  DHIS2_USERNAME: optional((raw) => ok(raw)),
  DHIS2_PASSWORD: optional(checkDhis2Password, { secret: true }),
  REDIS_URL: withDefault('redis://127.0.0.1:6379', checkRedisUrl, { secret: true }),
  DATABASE_URL: optional(checkDatabaseUrl, { secret: true }),
  RELAIS_DATA_DIR: withDefault('./.relais', (raw) => ok(raw)),
  PORT: withDefault('3000', checkPort),
  RELAIS_HOST: withDefault('127.0.0.1', checkHost),
  RELAIS_ROUTE_SECRET: required(
    `RELAIS_ROUTE_SECRET is not set: ${GENERATE} ${ROUTE_SECRET_PURPOSE}`,
    checkRouteSecret,
    { secret: true },
  ),
  RELAIS_API_KEYS: optional(checkApiKeys, { secret: true }),
  RELAIS_CONFIG: withDefault('./relais.config.yaml', checkConfigPath),
  RELAIS_PSEUDONYM_KEY: required(
    `RELAIS_PSEUDONYM_KEY is not set: ${GENERATE} ${PSEUDONYM_KEY_PURPOSE}`,
    checkPseudonymKey,
    { secret: true },
  ),
  LOG_LEVEL: withDefault('info', checkLogLevel),
}

export type BridgeEnvVariable = keyof typeof fields

/** The two ways to give the bridge its DHIS2 credentials: exactly one of them must be set. */
export const DHIS2_AUTH_MODES: readonly (readonly BridgeEnvVariable[])[] = [
  ['DHIS2_TOKEN'],
  ['DHIS2_USERNAME', 'DHIS2_PASSWORD'],
]

const DHIS2_AUTH_VARIABLES = DHIS2_AUTH_MODES.flat()

/** Cross-variable rules run only once the variables they read are individually valid. */
const onlyIfValid =
  (...variables: BridgeEnvVariable[]) =>
  (payload: { issues: readonly { path?: readonly PropertyKey[] }[] }) =>
    !payload.issues.some((issue) => variables.includes(issue.path?.[0] as BridgeEnvVariable))

const variablesSchema = z
  .object(fields)
  .superRefine(
    (env, ctx) => {
      const token = env.DHIS2_TOKEN !== undefined
      const username = env.DHIS2_USERNAME !== undefined
      const password = env.DHIS2_PASSWORD !== undefined
      const add = (variable: BridgeEnvVariable, message: string) =>
        ctx.addIssue({ code: 'custom', path: [variable], message })
      if (token && (username || password)) {
        add(
          'DHIS2_TOKEN',
          'DHIS2_TOKEN and DHIS2_USERNAME/DHIS2_PASSWORD are both set: keep one way to log in to DHIS2 (DHIS2_TOKEN is recommended) and remove the other',
        )
      } else if (!token && !username && !password) {
        add(
          'DHIS2_TOKEN',
          "DHIS2_TOKEN is not set: write a DHIS2 personal access token of the bridge's DHIS2 user (or set both DHIS2_USERNAME and DHIS2_PASSWORD instead)",
        )
      } else if (username && !password) {
        add('DHIS2_PASSWORD', 'DHIS2_PASSWORD is not set but DHIS2_USERNAME is: set both, or use DHIS2_TOKEN instead')
      } else if (password && !username) {
        add('DHIS2_USERNAME', 'DHIS2_USERNAME is not set but DHIS2_PASSWORD is: set both, or use DHIS2_TOKEN instead')
      }
    },
    { when: onlyIfValid(...DHIS2_AUTH_VARIABLES) },
  )
  .superRefine(
    (env, ctx) => {
      const route = env.RELAIS_ROUTE_SECRET
      if (env.RELAIS_PSEUDONYM_KEY === route.current || env.RELAIS_PSEUDONYM_KEY === route.next) {
        ctx.addIssue({
          code: 'custom',
          path: ['RELAIS_PSEUDONYM_KEY'],
          message: `RELAIS_PSEUDONYM_KEY must differ from RELAIS_ROUTE_SECRET (DHIS2 holds the route secret; the pseudonym key stays in the bridge): ${GENERATE}`,
        })
      }
    },
    { when: onlyIfValid('RELAIS_ROUTE_SECRET', 'RELAIS_PSEUDONYM_KEY') },
  )

/** Every environment variable the bridge reads, in the order of the contract. */
export const BRIDGE_ENV_VARIABLES: readonly BridgeEnvVariable[] = Object.keys(
  variablesSchema.shape,
) as BridgeEnvVariable[]

/** The variables without a default that must always be set (DHIS2 credentials aside: one of two ways). */
export const REQUIRED_BRIDGE_ENV_VARIABLES: readonly BridgeEnvVariable[] = BRIDGE_ENV_VARIABLES.filter(
  (name) => !variablesSchema.shape[name].safeParse(undefined).success,
)

/** Variables whose value, or a part of it, is secret: never log them whole. */
export const SECRET_BRIDGE_ENV_VARIABLES: readonly BridgeEnvVariable[] = BRIDGE_ENV_VARIABLES.filter(
  (name) => (variablesSchema.shape[name].meta() as FieldMeta | undefined)?.secret === true,
)

// ---------------------------------------------------------------------------------------------------------

const URL_VARIABLES: readonly BridgeEnvVariable[] = ['DHIS2_URL', 'REDIS_URL', 'DATABASE_URL']

/** Trimmed values of the bridge's variables only; empty counts as unset. */
function readVariables(env: NodeJS.ProcessEnv): Partial<Record<BridgeEnvVariable, string>> {
  const values: Partial<Record<BridgeEnvVariable, string>> = {}
  for (const name of BRIDGE_ENV_VARIABLES) {
    const value = env[name]?.trim()
    if (value) values[name] = value
  }
  return values
}

/** The secret values and secret parts (URL passwords, API keys) present in the environment. */
function secretFragments(values: Partial<Record<BridgeEnvVariable, string>>): string[] {
  const fragments: string[] = []
  for (const [name, value = ''] of Object.entries(values) as [BridgeEnvVariable, string | undefined][]) {
    if (URL_VARIABLES.includes(name)) {
      // Only the password of a URL is secret; the rest is echoed in a redacted form (describeUrl).
      const password = parseUrl(value)?.password
      if (password) fragments.push(password, safeDecode(password))
    } else if (SECRET_BRIDGE_ENV_VARIABLES.includes(name)) {
      fragments.push(value)
      if (name === 'RELAIS_API_KEYS') {
        for (const entry of value.split(',')) fragments.push(entry, entry.split(':').at(-1) ?? '')
      }
    }
  }
  return fragments
    .map((f) => f.trim())
    .filter((f) => f.length >= 8 && !PLACEHOLDER.test(f) && !(API_KEY_ROLES as readonly string[]).includes(f))
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** Last guard: a secret that ended up in another variable (say, a token pasted into PORT) is never echoed. */
function scrubSecrets(message: string, fragments: readonly string[]): string {
  return [...fragments]
    .sort((a, b) => b.length - a.length)
    .reduce((text, fragment) => text.split(fragment).join('***'), message)
}

/**
 * Reads and checks the bridge's environment. Throws a ConfigError (one line naming the variable) when a
 * value is missing or bad. Pure: reads only `env`, changes nothing.
 */
export function loadEnv(env: NodeJS.ProcessEnv): BridgeEnv {
  const values = readVariables(env)
  const result = variablesSchema.safeParse(values)
  if (!result.success) {
    const fragments = secretFragments(values)
    const order = (variable: string) => BRIDGE_ENV_VARIABLES.indexOf(variable as BridgeEnvVariable)
    const problems = result.error.issues
      .map((issue) => {
        const variable = String(issue.path[0] ?? 'environment')
        const message =
          issue.code === 'custom' || issue.message.startsWith(variable)
            ? issue.message
            : `${variable}: ${issue.message}`
        return { variable, message: scrubSecrets(message.replace(/\s+/g, ' '), fragments) }
      })
      .sort((a, b) => order(a.variable) - order(b.variable))
    throw new ConfigError(problems as [ConfigProblem, ...ConfigProblem[]])
  }

  const v = result.data
  const auth: Dhis2Auth =
    v.DHIS2_TOKEN !== undefined
      ? { kind: 'token', token: v.DHIS2_TOKEN }
      : { kind: 'basic', username: v.DHIS2_USERNAME!, password: v.DHIS2_PASSWORD! }
  return {
    dhis2: { url: v.DHIS2_URL, auth },
    redisUrl: v.REDIS_URL,
    database:
      v.DATABASE_URL !== undefined
        ? { kind: 'postgres', url: v.DATABASE_URL }
        : { kind: 'pglite', dataDir: path.join(v.RELAIS_DATA_DIR, 'pglite') },
    dataDir: v.RELAIS_DATA_DIR,
    port: v.PORT,
    host: v.RELAIS_HOST,
    routeSecret: v.RELAIS_ROUTE_SECRET.current,
    ...(v.RELAIS_ROUTE_SECRET.next ? { routeSecretNext: v.RELAIS_ROUTE_SECRET.next } : {}),
    apiKeys: v.RELAIS_API_KEYS ?? [],
    configPath: v.RELAIS_CONFIG,
    pseudonymKey: v.RELAIS_PSEUDONYM_KEY,
    logLevel: v.LOG_LEVEL,
  }
}
