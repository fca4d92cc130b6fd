/**
 * Every endpoint an App Platform app calls at start (toolchain.md §3.1), under /api/ and /api/41/,
 * and the installed-app endpoints that serve the built Relais app.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startStandin, type Client } from './support'

let c: Client
const appDir = mkdtempSync(join(tmpdir(), 'relais-app-'))
writeFileSync(
  join(appDir, 'index.html'),
  '<html><head><meta name="dhis2-base-url" content="__DHIS2_BASE_URL__"></head><body>app</body></html>',
)
writeFileSync(
  join(appDir, 'manifest.webapp'),
  JSON.stringify({ name: 'Relais', version: '0.1.0', description: 'test' }),
)
writeFileSync(join(appDir, 'main.js'), 'console.log(1)')

beforeAll(async () => {
  c = await startStandin({ apps: { relais: appDir } })
})
afterAll(() => c.close())

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
const startup: { path: string; check: (body: any) => void }[] = [
  {
    path: '/system/info',
    check: (b) => {
      expect(b.version).toMatch(/^2\.41\./)
      expect(b.serverTimeZoneId).toBe('Africa/Porto-Novo')
      expect(b.serverDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/)
    },
  },
  {
    path: '/me',
    check: (b) => {
      expect(b.username).toBe('superviseur')
      expect(b.settings.keyUiLocale).toBe('fr')
      expect(b.authorities).toContain('F_DATAVALUE_ADD')
    },
  },
  { path: '/userSettings', check: (b) => expect(b.keyUiLocale).toBe('fr') },
  { path: '/me?fields=id', check: (b) => expect(Object.keys(b)).toEqual(['id']) },
  { path: '/systemSettings/applicationTitle', check: (b) => expect(typeof b.applicationTitle).toBe('string') },
  { path: '/systemSettings/helpPageLink', check: (b) => expect(b.helpPageLink).toMatch(/^https?:/) },
  {
    path: '/me?fields=authorities,avatar,email,name,settings',
    check: (b) => expect(Object.keys(b).sort()).toEqual(['authorities', 'email', 'name', 'settings']),
  },
  {
    path: '/me/dashboard',
    check: (b) => expect(b).toEqual({ unreadInterpretations: 0, unreadMessageConversations: 0 }),
  },
  {
    path: '/me?fields=id,name,username,authorities,userGroups[id,code,name],organisationUnits[id,name,level]',
    check: (b) => {
      expect(b.userGroups[0].code).toBe('RELAIS_SUPERVISEURS')
      expect(b.organisationUnits[0].level).toBe(3)
    },
  },
]

describe.each(['/api', '/api/41'])('start-up endpoints under %s', (prefix) => {
  test.each(startup)('GET $path', async ({ path, check }) => {
    const res = await c.call('GET', `${prefix}${path}`, { as: 'superviseur' })
    expect(res.status).toBe(200)
    check(res.body)
  })
  test('GET staticContent/logo_banner → 404 WebMessage (the header bar then shows its default logo)', async () => {
    const res = await c.call('GET', `${prefix}/staticContent/logo_banner`, { as: 'superviseur' })
    expect(res.status).toBe(404)
    expect(res.body).toMatchObject({ httpStatus: 'Not Found', httpStatusCode: 404, status: 'ERROR' })
  })
})

test('the header bar module menu lists the installed app', async () => {
  const res = await c.call('GET', '/dhis-web-commons/menu/getModules.action', { as: 'superviseur' })
  expect(res.status).toBe(200)
  expect(res.body.modules).toEqual([
    expect.objectContaining({ name: 'relais', displayName: 'Relais', defaultAction: '../api/apps/relais/index.html' }),
  ])
})

test('GET /api/apps lists the installed app with its launch URL', async () => {
  const res = await c.call('GET', '/api/apps')
  expect(res.body).toEqual([
    expect.objectContaining({
      key: 'relais',
      name: 'Relais',
      version: '0.1.0',
      launchUrl: `${c.url}/api/apps/relais/index.html`,
    }),
  ])
})

test('the app is served at /api/apps/relais/ with the base-URL placeholder replaced', async () => {
  const index = await c.call('GET', '/api/apps/relais/', { as: 'relais' })
  expect(index.status).toBe(200)
  expect(index.body).toContain(`content="${c.url}"`)
  const asset = await c.call('GET', '/api/apps/relais/main.js', { as: 'relais' })
  expect(asset.body).toBe('console.log(1)')
  const traversal = await c.call('GET', '/api/apps/relais/..%2F..%2Fetc%2Fpasswd', { as: 'relais' })
  expect(traversal.status).toBe(404)
})

test('text assets and API JSON go gzip-compressed to a browser that accepts it, as nginx sends them', async () => {
  const basicRelais = `Basic ${Buffer.from('relais:Relais-2026').toString('base64')}`
  const raw = async (path: string, encoding: string) => {
    const res = await fetch(`${c.url}${path}`, { headers: { Authorization: basicRelais, 'Accept-Encoding': encoding } })
    return { res, bytes: Buffer.from(await res.arrayBuffer()) }
  }
  // fetch takes the encoding off by itself: the header says what travelled.
  const gz = await raw('/api/apps/relais/main.js', 'gzip, deflate')
  expect(gz.res.headers.get('content-encoding')).toBe('gzip')
  expect(gz.res.headers.get('vary')).toMatch(/Accept-Encoding/)
  expect(gz.bytes.toString()).toBe('console.log(1)')
  const index = await raw('/api/apps/relais/index.html', 'gzip')
  expect(index.res.headers.get('content-encoding')).toBe('gzip')
  expect(index.bytes.toString()).toContain(`content="${c.url}"`)
  const plain = await raw('/api/apps/relais/main.js', 'identity')
  expect(plain.res.headers.get('content-encoding')).toBeNull()
  expect(plain.bytes.toString()).toBe('console.log(1)')
  // The API's JSON too (gzip_types application/json), not a tiny answer (gzip_min_length 20).
  const me = await raw('/api/me', 'gzip')
  expect(me.res.headers.get('content-encoding')).toBe('gzip')
  expect(JSON.parse(me.bytes.toString()).username).toBe('relais')
  const meAsIs = await raw('/api/me', 'identity')
  expect(meAsIs.res.headers.get('content-encoding')).toBeNull()
  expect(JSON.parse(meAsIs.bytes.toString()).username).toBe('relais')
})

test('an unknown API path answers a 404 WebMessage', async () => {
  const res = await c.call('GET', '/api/41/nothingHere')
  expect(res.status).toBe(404)
  expect(res.body.httpStatusCode).toBe(404)
})

test('CORS: a loopback dev-server origin is echoed with credentials; a foreign origin is not', async () => {
  const preflight = await fetch(`${c.url}/api/41/me`, {
    method: 'OPTIONS',
    headers: {
      Origin: 'http://localhost:3000',
      'Access-Control-Request-Method': 'GET',
      'Access-Control-Request-Headers': 'x-requested-with',
    },
  })
  expect(preflight.status).toBe(204)
  expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:3000')
  expect(preflight.headers.get('access-control-allow-credentials')).toBe('true')
  const foreign = await c.call('GET', '/api/41/me', { headers: { Origin: 'https://evil.example' } })
  expect(foreign.headers.get('access-control-allow-origin')).toBeNull()
})

describe('/api/userSettings (core UserSettingsController)', () => {
  test('reads every key with its default, one key as plain text, an unknown key as a 404', async () => {
    const all = await c.call('GET', '/api/userSettings', { as: 'relais' })
    expect(all.body).toMatchObject({
      keyUiLocale: 'fr',
      keyStyle: 'light_blue/light_blue.css',
      keyAnalysisDisplayProperty: 'name',
    })
    const one = await c.call('GET', '/api/41/userSettings/keyUiLocale', { as: 'relais' })
    expect(one).toMatchObject({ status: 200, body: 'fr' })
    expect(one.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(await c.call('GET', '/api/userSettings?key=keyUiLocale&key=keyDbLocale', { as: 'relais' })).toMatchObject({
      body: { keyUiLocale: 'fr', keyDbLocale: 'fr' },
    })
    expect(await c.call('GET', '/api/userSettings/keyNope', { as: 'relais' })).toMatchObject({
      status: 404,
      body: { message: 'Setting does not exist: keyNope' },
    })
  })

  test('saves a value given as ?value= or as a text body, for the caller only; refuses an empty one', async () => {
    expect(await c.call('POST', '/api/userSettings/keyUiLocale?value=en', { as: 'relais' })).toMatchObject({
      status: 200,
      body: { httpStatus: 'OK', status: 'OK', message: 'User setting saved' },
    })
    expect((await c.call('GET', '/api/userSettings/keyUiLocale', { as: 'relais' })).body).toBe('en')
    expect((await c.call('GET', '/api/me?fields=settings', { as: 'relais' })).body).toMatchObject({
      settings: { keyUiLocale: 'en' },
    })
    // Someone else's setting is theirs.
    expect((await c.call('GET', '/api/userSettings/keyUiLocale', { as: 'superviseur' })).body).toBe('fr')
    await c.call('POST', '/api/userSettings/keyUiLocale', {
      as: 'relais',
      body: 'fr',
      headers: { 'Content-Type': 'text/plain' },
    })
    expect((await c.call('GET', '/api/userSettings/keyUiLocale', { as: 'relais' })).body).toBe('fr')
    expect(await c.call('POST', '/api/userSettings/keyUiLocale', { as: 'relais' })).toMatchObject({
      status: 409,
      body: { message: 'You need to specify a new value' },
    })
  })

  test('DELETE puts the default back', async () => {
    await c.call('POST', '/api/userSettings/keyAnalysisDisplayProperty?value=shortName', { as: 'relais' })
    expect((await c.call('GET', '/api/userSettings/keyAnalysisDisplayProperty', { as: 'relais' })).body).toBe(
      'shortName',
    )
    expect((await c.call('DELETE', '/api/userSettings/keyAnalysisDisplayProperty', { as: 'relais' })).status).toBe(200)
    expect((await c.call('GET', '/api/userSettings/keyAnalysisDisplayProperty', { as: 'relais' })).body).toBe('name')
  })
})
