/**
 * Installing an app zip (`POST /api/apps`, setup-ops §10) and personal access tokens (`/api/apiToken`,
 * setup-ops §11) as DHIS2 2.41 answers them — what `relais setup` relies on.
 */
import JSZip from 'jszip'
import { basic, startStandin, type Client } from './support'

let c: Client
beforeAll(async () => {
  c = await startStandin({ now: '2026-10-03T09:00:00Z' })
})
afterAll(() => c.close())

async function appZip(manifest: Record<string, unknown> | undefined, files: Record<string, string> = {}) {
  const zip = new JSZip()
  if (manifest) zip.file('manifest.webapp', JSON.stringify(manifest))
  for (const [name, text] of Object.entries(files)) zip.file(name, text)
  return zip.generateAsync({ type: 'nodebuffer' })
}

function install(bytes: Buffer, as = 'admin') {
  const form = new FormData()
  form.append('file', new Blob([bytes]), 'app.zip')
  return fetch(`${c.url}/api/apps`, { method: 'POST', headers: { Authorization: basic(as) }, body: form })
}

test('POST /api/apps installs a zip under its short name (204), serves it, and a new version replaces it', async () => {
  const v1 = await appZip({ name: 'Relais Test', short_name: 'relais-test', version: '1.0.0' }, { 'index.html': 'v1' })
  expect((await install(v1)).status).toBe(204)
  let apps = (await c.call('GET', '/api/apps')).body as Array<{ key: string; version: string }>
  expect(apps.find((a) => a.key === 'relais-test')?.version).toBe('1.0.0')
  const page = await fetch(`${c.url}/api/apps/relais-test/index.html`, { headers: { Authorization: basic('admin') } })
  expect(await page.text()).toBe('v1')

  const v2 = await appZip({ name: 'Relais Test', short_name: 'relais-test', version: '1.1.0' }, { 'index.html': 'v2' })
  expect((await install(v2)).status).toBe(204)
  apps = (await c.call('GET', '/api/apps')).body as Array<{ key: string; version: string }>
  expect(apps.filter((a) => a.key === 'relais-test').map((a) => a.version)).toEqual(['1.1.0'])
})

test('a zip without manifest is 409; a user without app management is 403', async () => {
  expect((await install(await appZip(undefined, { 'index.html': 'x' }))).status).toBe(409)
  expect((await install(Buffer.from('not a zip'))).status).toBe(409)
  const ok = await appZip({ short_name: 'other', version: '1' })
  expect((await install(ok, 'relais')).status).toBe(403)
})

test('POST /api/apiToken: 201 with the key once, usable at once, listed without its key, revocable', async () => {
  const expire = Date.parse('2027-10-03T09:00:00Z')
  const created = await c.call('POST', '/api/apiToken', { as: 'passerelle', body: { expire } })
  expect(created.status).toBe(201)
  expect(created.body.response).toMatchObject({ responseType: 'ApiTokenCreationResponse' })
  const key = created.body.response.key as string
  expect(key).toMatch(/^d2p_[A-Za-z0-9]{50}$/)
  const me = await fetch(`${c.url}/api/me`, { headers: { Authorization: `ApiToken ${key}` } })
  expect(((await me.json()) as { username: string }).username).toBe('passerelle')

  const list = await c.call('GET', '/api/apiToken', { as: 'passerelle' })
  const mine = (list.body.apiToken as Array<{ id: string; expire: number }>).find(
    (t) => t.id === created.body.response.uid,
  )
  expect(mine?.expire).toBe(expire)
  expect(JSON.stringify(list.body)).not.toContain(key)

  expect((await c.call('DELETE', `/api/apiToken/${created.body.response.uid}`, { as: 'passerelle' })).status).toBe(200)
  const after = await fetch(`${c.url}/api/me`, { headers: { Authorization: `ApiToken ${key}` } })
  expect(after.status).toBe(401)
})

test('an expired token is refused', async () => {
  const created = await c.call('POST', '/api/apiToken', {
    as: 'passerelle',
    body: { expire: Date.parse('2026-10-01T00:00:00Z') },
  })
  const me = await fetch(`${c.url}/api/me`, { headers: { Authorization: `ApiToken ${created.body.response.key}` } })
  expect(me.status).toBe(401)
})
