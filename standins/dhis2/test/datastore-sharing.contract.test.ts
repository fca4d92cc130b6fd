/**
 * dataStore entry sharing as DHIS2 2.41 enforces it (core@2.41 `DefaultDatastoreService.readProtectedIn`,
 * `HibernateDatastoreStore` sharing filter, `SharingController`): the metaData names its author the way
 * `UserPropertyTransformer` does, `/api/sharing?type=dataStore` sets who may read, and a user left out can
 * neither read, list, query, overwrite, delete nor re-share the entry.
 */
import { startStandin, type Client } from './support'

let c: Client
beforeAll(async () => {
  c = await startStandin()
})
afterAll(() => c.close())

const groupId = (code: string) => c.standin.ctx.state.userGroups.find((g) => g.code === code)!.id

test('metaData: created by the session that wrote it, with its username; new entries are public rw', async () => {
  expect((await c.call('POST', '/api/dataStore/partage/libre', { as: 'relais', body: { a: 1 } })).status).toBe(201)
  const meta = await c.call('GET', '/api/dataStore/partage/libre/metaData', { as: 'superviseur' })
  expect(meta.status).toBe(200)
  const rc = c.standin.ctx.index.usersByUsername.get('relais')!
  expect(meta.body.createdBy).toMatchObject({ id: rc.id, username: 'relais' })
  expect(meta.body.lastUpdatedBy).toMatchObject({ id: rc.id, username: 'relais' })
  expect(meta.body.sharing).toMatchObject({ owner: rc.id, public: 'rw------' })
  expect(meta.body.created).toMatch(/^\d{4}-\d{2}-\d{2}T/)
})

describe('an entry shared with the supervisors only', () => {
  let id: string
  beforeAll(async () => {
    await c.call('POST', '/api/dataStore/partage/gap-1', { as: 'superviseur', body: { cause: 'maladie' } })
    id = (await c.call('GET', '/api/dataStore/partage/gap-1/metaData', { as: 'superviseur' })).body.id
    const shared = await c.call('POST', `/api/sharing?type=dataStore&id=${id}`, {
      as: 'superviseur',
      body: {
        object: {
          publicAccess: '--------',
          userGroupAccesses: [{ id: groupId('RELAIS_SUPERVISEURS'), access: 'r-------' }],
        },
      },
    })
    expect(shared).toMatchObject({ status: 200, body: { message: 'Access control set' } })
  })

  test('GET /api/sharing gives it back', async () => {
    const got = await c.call('GET', `/api/sharing?type=dataStore&id=${id}`, { as: 'superviseur' })
    expect(got.body.object).toMatchObject({
      publicAccess: '--------',
      userGroupAccesses: [{ id: groupId('RELAIS_SUPERVISEURS'), access: 'r-------' }],
    })
  })

  test('the owner, another supervisor and a superuser read it', async () => {
    for (const user of ['superviseur', 'superviseur.aire', 'admin'])
      expect((await c.call('GET', '/api/dataStore/partage/gap-1', { as: user })).body).toEqual({ cause: 'maladie' })
  })

  test('an RC cannot read, list, query, overwrite, delete or re-share it', async () => {
    const denied = { status: 403, body: { message: "Access denied for key 'gap-1' in namespace 'partage'" } }
    expect(await c.call('GET', '/api/dataStore/partage/gap-1', { as: 'relais' })).toMatchObject(denied)
    expect(await c.call('GET', '/api/dataStore/partage/gap-1/metaData', { as: 'relais' })).toMatchObject(denied)
    expect(await c.call('PUT', '/api/dataStore/partage/gap-1', { as: 'relais', body: { cause: 'x' } })).toMatchObject(
      denied,
    )
    expect(await c.call('DELETE', '/api/dataStore/partage/gap-1', { as: 'relais' })).toMatchObject(denied)
    expect(await c.call('POST', '/api/dataStore/partage/gap-1', { as: 'relais', body: {} })).toMatchObject(denied)
    expect((await c.call('GET', '/api/dataStore/partage', { as: 'relais' })).body).not.toContain('gap-1')
    const query = await c.call('GET', '/api/dataStore/partage?fields=.&paging=false', { as: 'relais' })
    expect(JSON.stringify(query.body)).not.toContain('maladie')
    const reshare = await c.call('POST', `/api/sharing?type=dataStore&id=${id}`, {
      as: 'relais',
      body: { object: { publicAccess: 'rw------' } },
    })
    expect(reshare.status).toBe(403)
    // Nothing changed.
    expect((await c.call('GET', '/api/dataStore/partage/gap-1', { as: 'superviseur' })).body).toEqual({
      cause: 'maladie',
    })
  })

  test('a reader without write access cannot re-share it; bad access strings are refused', async () => {
    const reshare = await c.call('POST', `/api/sharing?type=dataStore&id=${id}`, {
      as: 'superviseur.aire',
      body: { object: { publicAccess: 'rw------' } },
    })
    expect(reshare.status).toBe(403)
    const bad = await c.call('POST', `/api/sharing?type=dataStore&id=${id}`, {
      as: 'superviseur',
      body: { object: { publicAccess: 'everyone' } },
    })
    expect(bad.status).toBe(409)
    expect((await c.call('GET', `/api/sharing?type=dataSet&id=${id}`)).status).toBe(409)
  })
})
