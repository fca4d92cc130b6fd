import {
  API_KEY_ROLES,
  BRIDGE_ENV_VARIABLES,
  ConfigError,
  DHIS2_AUTH_MODES,
  loadEnv,
  REQUIRED_BRIDGE_ENV_VARIABLES,
  SECRET_BRIDGE_ENV_VARIABLES,
} from './env'

const TOKEN = 'd2pat_Q0tTx1Yb5fXcGm2W8uR3kNvJpL7sHdEa0123456789'
const ROUTE_SECRET = '5f0c2a7e9b1d4c3a8e6f2b0d9c7a1e3f5b8d0c2e4a6f8b1d3c5e7a9f0b2d4c6e'
const PSEUDONYM_KEY = '9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b'
const PASSWORD = 'Correct-Horse-Battery-Staple-42'
const KEY_A = 'aK3fZ9qL2mN8pR4tV6xB1cD5eG7hJ0kM'
const KEY_B = 'Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa'

/** The smallest environment that starts the bridge (token mode). */
const minimal = {
  DHIS2_URL: 'https://dhis2.example.org',
  DHIS2_TOKEN: TOKEN,
  RELAIS_ROUTE_SECRET: ROUTE_SECRET,
  RELAIS_PSEUDONYM_KEY: PSEUDONYM_KEY,
}

function failure(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadEnv(env)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return error as ConfigError
  }
  throw new Error(`loadEnv accepted ${JSON.stringify(env)}`)
}

describe('the contract', () => {
  it('lists exactly the variables of ARCHITECTURE.md, in its order', () => {
    expect(BRIDGE_ENV_VARIABLES).toEqual([
      'DHIS2_URL',
      'DHIS2_TOKEN',
      'DHIS2_USERNAME',
      'DHIS2_PASSWORD',
      'REDIS_URL',
      'DATABASE_URL',
      'RELAIS_DATA_DIR',
      'PORT',
      'RELAIS_HOST',
      'RELAIS_ROUTE_SECRET',
      'RELAIS_API_KEYS',
      'RELAIS_CONFIG',
      'RELAIS_PSEUDONYM_KEY',
      'LOG_LEVEL',
    ])
  })

  it('derives the required and secret variables from the schema', () => {
    expect(REQUIRED_BRIDGE_ENV_VARIABLES).toEqual(['DHIS2_URL', 'RELAIS_ROUTE_SECRET', 'RELAIS_PSEUDONYM_KEY'])
    expect([...SECRET_BRIDGE_ENV_VARIABLES].sort()).toEqual(
      [
        'DATABASE_URL',
        'DHIS2_PASSWORD',
        'DHIS2_TOKEN',
        'REDIS_URL',
        'RELAIS_API_KEYS',
        'RELAIS_PSEUDONYM_KEY',
        'RELAIS_ROUTE_SECRET',
      ].sort(),
    )
    expect(DHIS2_AUTH_MODES.flat().every((v) => BRIDGE_ENV_VARIABLES.includes(v))).toBe(true)
  })
})

describe('loadEnv with good values', () => {
  it('fills in the defaults', () => {
    expect(loadEnv(minimal)).toEqual({
      dhis2: { url: 'https://dhis2.example.org', auth: { kind: 'token', token: TOKEN } },
      redisUrl: 'redis://127.0.0.1:6379',
      database: { kind: 'pglite', dataDir: '.relais/pglite' },
      dataDir: './.relais',
      port: 3000,
      host: '127.0.0.1',
      routeSecret: ROUTE_SECRET,
      apiKeys: [],
      configPath: './relais.config.yaml',
      pseudonymKey: PSEUDONYM_KEY,
      logLevel: 'info',
    })
  })

  it('listens on 127.0.0.1 unless RELAIS_HOST says otherwise (issue 11 §6)', () => {
    expect(loadEnv(minimal).host).toBe('127.0.0.1')
    expect(loadEnv({ ...minimal, RELAIS_HOST: '0.0.0.0' }).host).toBe('0.0.0.0')
    expect(loadEnv({ ...minimal, RELAIS_HOST: '::1' }).host).toBe('::1')
    expect(() => loadEnv({ ...minimal, RELAIS_HOST: 'http://0.0.0.0' })).toThrow(/RELAIS_HOST must be/)
  })

  it('reads every variable when all are set', () => {
    const env = loadEnv({
      ...minimal,
      DHIS2_URL: 'http://dhis2:8080/dhis/',
      REDIS_URL: 'redis://redis:6379/0',
      DATABASE_URL: 'postgres://relais:pw@ledger-db:5432/relais',
      RELAIS_DATA_DIR: '/var/lib/relais',
      PORT: '8080',
      RELAIS_API_KEYS: `ops-script:gestionnaire:${KEY_A}, grafana:LECTEUR:${KEY_B},`,
      RELAIS_CONFIG: '/etc/relais/relais.config.yaml',
      LOG_LEVEL: 'DEBUG',
    })
    expect(env.dhis2.url).toBe('http://dhis2:8080/dhis')
    expect(env.redisUrl).toBe('redis://redis:6379/0')
    expect(env.database).toEqual({ kind: 'postgres', url: 'postgres://relais:pw@ledger-db:5432/relais' })
    expect(env.dataDir).toBe('/var/lib/relais')
    expect(env.port).toBe(8080)
    expect(env.apiKeys).toEqual([
      { name: 'ops-script', role: 'gestionnaire', key: KEY_A },
      { name: 'grafana', role: 'lecteur', key: KEY_B },
    ])
    expect(env.configPath).toBe('/etc/relais/relais.config.yaml')
    expect(env.logLevel).toBe('debug')
  })

  it('puts the embedded PGlite database under RELAIS_DATA_DIR when DATABASE_URL is unset', () => {
    expect(loadEnv({ ...minimal, RELAIS_DATA_DIR: '/data' }).database).toEqual({
      kind: 'pglite',
      dataDir: '/data/pglite',
    })
  })

  it('logs in with a personal access token', () => {
    expect(loadEnv(minimal).dhis2.auth).toEqual({ kind: 'token', token: TOKEN })
  })

  it('logs in with a user name and password', () => {
    const { DHIS2_TOKEN: _token, ...rest } = minimal
    expect(loadEnv({ ...rest, DHIS2_USERNAME: 'relais-bridge', DHIS2_PASSWORD: PASSWORD }).dhis2.auth).toEqual({
      kind: 'basic',
      username: 'relais-bridge',
      password: PASSWORD,
    })
  })

  it('treats empty and blank values as unset and trims the others', () => {
    const env = loadEnv({ ...minimal, DHIS2_TOKEN: `  ${TOKEN}\t`, PORT: '', LOG_LEVEL: '   ', DATABASE_URL: '' })
    expect(env.dhis2.auth).toEqual({ kind: 'token', token: TOKEN })
    expect(env.port).toBe(3000)
    expect(env.logLevel).toBe('info')
    expect(env.database.kind).toBe('pglite')
  })

  it('ignores variables that are not its own and does not change its input', () => {
    const input = { ...minimal, HOME: '/root', NODE_ENV: 'production' }
    const copy = { ...input }
    loadEnv(input)
    expect(input).toEqual(copy)
  })

  it('takes an API key with its last day, and the next route secret during a rotation', () => {
    const env = loadEnv({
      ...minimal,
      RELAIS_API_KEYS: `ops:lecteur:${KEY_A}:2027-03-31,grafana:lecteur:${KEY_B}`,
      RELAIS_ROUTE_SECRET: `${minimal.RELAIS_ROUTE_SECRET},${'n'.repeat(40)}`,
    })
    expect(env.apiKeys.map((k) => [k.name, k.expires])).toEqual([
      ['ops', '2027-03-31'],
      ['grafana', undefined],
    ])
    expect(env.routeSecret).toBe(minimal.RELAIS_ROUTE_SECRET)
    expect(env.routeSecretNext).toBe('n'.repeat(40))
  })

  it('accepts every documented API-key role', () => {
    const keys = API_KEY_ROLES.map((role, i) => `client-${i}:${role}:${KEY_A}${i}`).join(',')
    expect(loadEnv({ ...minimal, RELAIS_API_KEYS: keys }).apiKeys.map((k) => k.role)).toEqual([...API_KEY_ROLES])
  })
})

describe('loadEnv with bad or missing values', () => {
  const { DHIS2_TOKEN: _token, ...withoutToken } = minimal

  // [what, variable named, environment, a part of the message that says what to write]
  const cases: [string, string, NodeJS.ProcessEnv, RegExp][] = [
    ['DHIS2_URL missing', 'DHIS2_URL', { ...minimal, DHIS2_URL: undefined }, /DHIS2_URL=https:\/\/dhis2\.example\.org/],
    [
      'DHIS2_URL not a URL',
      'DHIS2_URL',
      { ...minimal, DHIS2_URL: 'foo' },
      /http\(s\) URL, e\.g\. https:\/\/dhis2\.example\.org \(got "foo"\)$/,
    ],
    ['DHIS2_URL not http', 'DHIS2_URL', { ...minimal, DHIS2_URL: 'ftp://dhis2.example.org' }, /http\(s\) URL/],
    [
      'DHIS2_URL ending in /api',
      'DHIS2_URL',
      { ...minimal, DHIS2_URL: 'https://dhis2.example.org/api/41' },
      /without \/api/,
    ],
    [
      'DHIS2_URL with a query',
      'DHIS2_URL',
      { ...minimal, DHIS2_URL: 'https://dhis2.example.org/?x=1' },
      /without \? or #/,
    ],
    ['no DHIS2 credentials', 'DHIS2_TOKEN', withoutToken, /personal access token.*DHIS2_USERNAME and DHIS2_PASSWORD/],
    [
      'both ways to log in',
      'DHIS2_TOKEN',
      { ...minimal, DHIS2_USERNAME: 'admin', DHIS2_PASSWORD: PASSWORD },
      /keep one way/,
    ],
    [
      'user name without password',
      'DHIS2_PASSWORD',
      { ...withoutToken, DHIS2_USERNAME: 'admin' },
      /set both, or use DHIS2_TOKEN/,
    ],
    [
      'password without user name',
      'DHIS2_USERNAME',
      { ...withoutToken, DHIS2_PASSWORD: PASSWORD },
      /set both, or use DHIS2_TOKEN/,
    ],
    ['token with a space', 'DHIS2_TOKEN', { ...minimal, DHIS2_TOKEN: 'd2pat_abc def' }, /copy it again from DHIS2/],
    [
      'token placeholder',
      'DHIS2_TOKEN',
      { ...minimal, DHIS2_TOKEN: 'change-me' },
      /placeholder: create a personal access token/,
    ],
    [
      'password placeholder',
      'DHIS2_PASSWORD',
      { ...withoutToken, DHIS2_USERNAME: 'a', DHIS2_PASSWORD: 'change-me' },
      /placeholder/,
    ],
    [
      'REDIS_URL not redis',
      'REDIS_URL',
      { ...minimal, REDIS_URL: 'http://redis:6379' },
      /redis:\/\/, rediss:\/\/ or redis-sentinel:\/\/ URL.*\(got "http:\/\/redis:6379"\)/,
    ],
    [
      'DATABASE_URL not postgres',
      'DATABASE_URL',
      { ...minimal, DATABASE_URL: 'mysql://db/relais' },
      /postgres:\/\/ URL.*or unset to use the embedded PGlite/,
    ],
    [
      'DATABASE_URL placeholder password',
      'DATABASE_URL',
      { ...minimal, DATABASE_URL: 'postgres://relais:change-me-openssl-rand-hex-32@ledger-db/relais' },
      /placeholder as its password/,
    ],
    [
      'PORT not a number',
      'PORT',
      { ...minimal, PORT: 'abc' },
      /whole number from 1 to 65535, e\.g\. 3000 \(got "abc"\)/,
    ],
    ['PORT zero', 'PORT', { ...minimal, PORT: '0' }, /from 1 to 65535/],
    ['PORT too big', 'PORT', { ...minimal, PORT: '65536' }, /from 1 to 65535/],
    ['PORT with a fraction', 'PORT', { ...minimal, PORT: '3000.5' }, /whole number/],
    [
      'RELAIS_ROUTE_SECRET missing',
      'RELAIS_ROUTE_SECRET',
      { ...minimal, RELAIS_ROUTE_SECRET: undefined },
      /openssl rand -hex 32.*X-Relais-Route-Secret/,
    ],
    [
      'RELAIS_ROUTE_SECRET short',
      'RELAIS_ROUTE_SECRET',
      { ...minimal, RELAIS_ROUTE_SECRET: 'short-but-secret' },
      /too short \(16 characters, at least 32 needed\)/,
    ],
    [
      'RELAIS_ROUTE_SECRET placeholder',
      'RELAIS_ROUTE_SECRET',
      { ...minimal, RELAIS_ROUTE_SECRET: 'change-me-with-openssl-rand-hex-32-xxxxxxxx' },
      /example placeholder/,
    ],
    [
      'RELAIS_PSEUDONYM_KEY missing',
      'RELAIS_PSEUDONYM_KEY',
      { ...minimal, RELAIS_PSEUDONYM_KEY: undefined },
      /openssl rand -hex 32/,
    ],
    ['RELAIS_PSEUDONYM_KEY short', 'RELAIS_PSEUDONYM_KEY', { ...minimal, RELAIS_PSEUDONYM_KEY: 'abc' }, /at least 32/],
    [
      'pseudonym key equal to route secret',
      'RELAIS_PSEUDONYM_KEY',
      { ...minimal, RELAIS_PSEUDONYM_KEY: ROUTE_SECRET },
      /must differ from RELAIS_ROUTE_SECRET/,
    ],
    [
      'RELAIS_CONFIG not YAML',
      'RELAIS_CONFIG',
      { ...minimal, RELAIS_CONFIG: 'relais.json' },
      /path of a YAML file, e\.g\. \.\/relais\.config\.yaml \(got "relais\.json"\)/,
    ],
    [
      'LOG_LEVEL unknown',
      'LOG_LEVEL',
      { ...minimal, LOG_LEVEL: 'verbose' },
      /one of fatal, error, warn, info, debug, trace, e\.g\. info \(got "verbose"\)/,
    ],
    [
      'API key entry without role',
      'RELAIS_API_KEYS',
      { ...minimal, RELAIS_API_KEYS: `ops:${KEY_A}` },
      /entry 1 must be written name:role:key/,
    ],
    [
      'API key with a bad name',
      'RELAIS_API_KEYS',
      { ...minimal, RELAIS_API_KEYS: `ops script:lecteur:${KEY_A}` },
      /entry 1 needs a name of 1 to 31/,
    ],
    [
      'API key with an unknown role',
      'RELAIS_API_KEYS',
      { ...minimal, RELAIS_API_KEYS: `ops:admin:${KEY_A}` },
      /entry 1 \("ops"\) has the unknown role "admin": write one of gestionnaire, administrateur, superviseur, lecteur/,
    ],
    [
      'API key too short',
      'RELAIS_API_KEYS',
      { ...minimal, RELAIS_API_KEYS: `ops:lecteur:${KEY_A},bot:lecteur:tooshortkey1` },
      /entry 2 \("bot"\) has a key of 12 characters, at least 32 needed/,
    ],
    [
      'API key with odd characters',
      'RELAIS_API_KEYS',
      { ...minimal, RELAIS_API_KEYS: `ops:lecteur:${KEY_A}!` },
      /characters other than/,
    ],
    [
      'API key placeholder',
      'RELAIS_API_KEYS',
      { ...minimal, RELAIS_API_KEYS: 'ops:lecteur:change-me-openssl-rand-hex-32-xxxxxxxxxx' },
      /placeholder/,
    ],
    [
      'API key names repeated',
      'RELAIS_API_KEYS',
      { ...minimal, RELAIS_API_KEYS: `ops:lecteur:${KEY_A},ops:lecteur:${KEY_B}` },
      /entry 2 \("ops"\) repeats the name of entry 1/,
    ],
    [
      'API keys repeated',
      'RELAIS_API_KEYS',
      { ...minimal, RELAIS_API_KEYS: `ops:lecteur:${KEY_A},bot:lecteur:${KEY_A}` },
      /entry 2 \("bot"\) repeats the key of entry 1/,
    ],
    [
      'API key with an expiry that is not a date',
      'RELAIS_API_KEYS',
      { ...minimal, RELAIS_API_KEYS: `ops:lecteur:${KEY_A}:2027-02-30` },
      /entry 1 \("ops"\) has an expiry that is not a date YYYY-MM-DD/,
    ],
    [
      'the next route secret equal to the current one',
      'RELAIS_ROUTE_SECRET',
      { ...minimal, RELAIS_ROUTE_SECRET: `${minimal.RELAIS_ROUTE_SECRET},${minimal.RELAIS_ROUTE_SECRET}` },
      /next secret must differ from the current one/,
    ],
    [
      'the next route secret too short',
      'RELAIS_ROUTE_SECRET',
      { ...minimal, RELAIS_ROUTE_SECRET: `${minimal.RELAIS_ROUTE_SECRET},short` },
      /too short/,
    ],
    [
      'three route secrets',
      'RELAIS_ROUTE_SECRET',
      { ...minimal, RELAIS_ROUTE_SECRET: `${'a'.repeat(40)},${'b'.repeat(40)},${'c'.repeat(40)}` },
      /two separated by a comma during a rotation/,
    ],
  ]

  it.each(cases)('%s: one line naming %s', (_what, variable, env, hint) => {
    const error = failure(env)
    expect(error.variable).toBe(variable)
    expect(error.message.startsWith(variable) || error.message.startsWith('RELAIS_API_KEYS entry')).toBe(true)
    expect(error.message).toContain(variable)
    expect(error.message).toMatch(hint)
    expect(error.message).not.toMatch(/[\r\n]/)
  })

  it('reports every problem, the first in full and the others by name, still on one line', () => {
    const error = failure({ PORT: 'abc', LOG_LEVEL: 'loud' })
    expect(error.problems.map((p) => p.variable)).toEqual([
      'DHIS2_URL',
      'DHIS2_TOKEN',
      'PORT',
      'RELAIS_ROUTE_SECRET',
      'RELAIS_PSEUDONYM_KEY',
      'LOG_LEVEL',
    ])
    expect(error.message).toMatch(
      /^DHIS2_URL is not set: .* \(and 5 more: DHIS2_TOKEN, PORT, RELAIS_ROUTE_SECRET, RELAIS_PSEUDONYM_KEY, LOG_LEVEL\)$/,
    )
    expect(error.message).not.toMatch(/\n/)
    expect(error.name).toBe('ConfigError')
  })
})

describe('secrets never appear in a message', () => {
  const secrets = [TOKEN, ROUTE_SECRET, PSEUDONYM_KEY, PASSWORD, KEY_A, 'l3dg3r-Pa55word']

  const leaky: [string, NodeJS.ProcessEnv][] = [
    ['a short route secret', { ...minimal, RELAIS_ROUTE_SECRET: 'l3dg3r-Pa55word' }],
    ['a short pseudonym key', { ...minimal, RELAIS_PSEUDONYM_KEY: 'l3dg3r-Pa55word' }],
    ['a bad token', { ...minimal, DHIS2_TOKEN: `${TOKEN} x` }],
    ['a password with a token', { ...minimal, DHIS2_USERNAME: 'admin', DHIS2_PASSWORD: PASSWORD }],
    ['a URL with a password in DHIS2_URL', { ...minimal, DHIS2_URL: `https://admin:${PASSWORD}@dhis2.example.org` }],
    ['a bad DATABASE_URL with a password', { ...minimal, DATABASE_URL: 'mysql://relais:l3dg3r-Pa55word@db/relais' }],
    ['a bad REDIS_URL with a password', { ...minimal, REDIS_URL: `http://:${PASSWORD}@redis:6379` }],
    ['a credentials string that is not a URL', { ...minimal, DATABASE_URL: 'relais:l3dg3r-Pa55word@ledger-db' }],
    ['an API key in the wrong order', { ...minimal, RELAIS_API_KEYS: `${KEY_A}:lecteur:ops` }],
    ['an API key with its role missing', { ...minimal, RELAIS_API_KEYS: `ops:${KEY_A}` }],
    ['an API key in the role', { ...minimal, RELAIS_API_KEYS: `ops:${KEY_A}:lecteur` }],
    ['a token pasted into PORT', { ...minimal, PORT: TOKEN }],
    ['a key pasted into LOG_LEVEL', { ...minimal, LOG_LEVEL: PSEUDONYM_KEY }],
    [
      'an API key pasted into RELAIS_CONFIG',
      { ...minimal, RELAIS_CONFIG: KEY_A, RELAIS_API_KEYS: `x:lecteur:${KEY_A}` },
    ],
  ]

  it.each(leaky)('with %s', (_what, env) => {
    const error = failure(env)
    for (const secret of secrets) expect(error.message).not.toContain(secret)
    for (const problem of error.problems) for (const secret of secrets) expect(problem.message).not.toContain(secret)
  })

  it('still shows the harmless parts of a URL', () => {
    expect(failure({ ...minimal, DATABASE_URL: 'mysql://relais:l3dg3r-Pa55word@db/relais' }).message).toContain(
      '(got "mysql://***@db/relais")',
    )
  })
})
