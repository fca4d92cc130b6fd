/**
 * Metadata sharing as DHIS2 2.41 keeps and enforces it (core@2.41 `DefaultMetadataImportService.
 * preCreateBundleObject` → `AclService.resetSharing`; `DataValueSetImportValidator` E7601/E7614;
 * `DataValidator.checkCategoryOptionComboAccess` E2031), over real HTTP on the small seed:
 * - objects render their `sharing` (the package's, plus the bridge account's access that setup grants);
 * - re-importing an object without its sharing resets it to public `rw------` with no group: from then on
 *   nobody but a superuser may write its data — the trap `relais setup` avoids by sending the package's sharing;
 * - importing the sharing back restores the access.
 */
import { uid } from '../src/seed'
import { startStandin, type Client } from './support'

let c: Client
beforeAll(async () => {
  c = await startStandin({ seed: 'small', now: '2026-10-10T10:00:00Z', testEndpoints: true, months: 0 })
})
afterAll(() => c.close())

const DS = uid('dataSet', 'RC_MENSUEL')
const OPTION_M = uid('categoryOption', 'M')
const COC_M = uid('categoryOptionCombo', 'M')
const RC_GROUP = 'FvCP3U7Qp41'
const userId = (username: string) => c.standin.ctx.index.usersByUsername.get(username)!.id
const rc1 = () => c.standin.ctx.index.usersByUsername.get('relais')!.organisationUnits[0]!.id

const report = (as: string) =>
  c.call('POST', '/api/dataValueSets', {
    as,
    body: {
      dataSet: DS,
      dataValues: [{ dataElement: uid('dataElement', 'RC_VAD'), period: '202609', orgUnit: rc1(), value: '7' }],
    },
  })
const singleValue = (as: string) =>
  c.call('POST', `/api/dataValues?de=${uid('dataElement', 'RC_VIH_SENS')}&pe=202609&ou=${rc1()}&co=${COC_M}&value=3`, {
    as,
  })

/** The object as `:owner` gives it, without its sharing: what a careless re-import sends. */
async function withoutSharing(collection: string, id: string): Promise<Record<string, unknown>> {
  const { body } = await c.call('GET', `/api/${collection}/${id}?fields=:owner`)
  const {
    sharing: _sharing,
    created: _c,
    lastUpdated: _l,
    lastUpdatedBy: _b,
    ...rest
  } = body as Record<string, unknown>
  return rest
}

test("the seed's data set renders the package's sharing and the bridge account's data access", async () => {
  const { body } = await c.call('GET', `/api/dataSets/${DS}?fields=sharing`)
  expect(body.sharing.public).toBe('r-------')
  expect(body.sharing.userGroups[RC_GROUP]).toEqual({ id: RC_GROUP, access: 'r-rw----' })
  expect(body.sharing.users[userId('passerelle')]).toEqual({ id: userId('passerelle'), access: 'r-rw----' })
})

test('with the package sharing, an RC and the bridge write the report and a disaggregated value', async () => {
  expect((await report('relais')).body.response.status).toBe('SUCCESS')
  expect((await report('passerelle')).body.response.status).toBe('SUCCESS')
  expect((await singleValue('relais')).status).toBe(201)
})

test('a data set re-imported without its sharing refuses the data of everyone but a superuser (E7601)', async () => {
  const object = await withoutSharing('dataSets', DS)
  const imported = await c.call('POST', '/api/metadata', { body: { dataSets: [object] } })
  expect(imported.status).toBe(200)
  const { body } = await c.call('GET', `/api/dataSets/${DS}?fields=sharing`)
  expect(body.sharing).toEqual({
    owner: userId('admin'),
    external: false,
    public: 'rw------',
    users: {},
    userGroups: {},
  })

  for (const who of ['relais', 'passerelle']) {
    const refused = await report(who)
    expect(refused.status).toBe(409)
    expect(refused.body.response.status).toBe('ERROR')
    expect(refused.body.response.conflicts).toEqual([
      {
        object: DS,
        objects: { dataSet: DS },
        value: `User does not have write access for DataSet: \`${DS}\``,
        errorCode: 'E7601',
        property: 'dataSet',
      },
    ])
  }
  expect((await report('admin')).body.response.status).toBe('SUCCESS')
})

test('a category option without data sharing refuses a single value with E2031', async () => {
  const object = await withoutSharing('categoryOptions', OPTION_M)
  expect((await c.call('POST', '/api/metadata', { body: { categoryOptions: [object] } })).status).toBe(200)
  const refused = await singleValue('relais')
  expect(refused.status).toBe(409)
  expect(refused.body).toMatchObject({
    httpStatusCode: 409,
    errorCode: 'E2031',
    message: `User does not have write access to category option combo: \`${COC_M} [User has no data write access for CategoryOption: ${OPTION_M}]\``,
  })
})

test('importing the sharing back restores the access', async () => {
  for (const [collection, id] of [
    ['dataSets', DS],
    ['categoryOptions', OPTION_M],
  ] as const) {
    const object = await withoutSharing(collection, id)
    const sharing = { public: 'r-------', userGroups: { [RC_GROUP]: { id: RC_GROUP, access: 'r-rw----' } } }
    expect((await c.call('POST', '/api/metadata', { body: { [collection]: [{ ...object, sharing }] } })).status).toBe(
      200,
    )
  }
  expect((await report('relais')).body.response.status).toBe('SUCCESS')
  expect((await singleValue('relais')).status).toBe(201)
})
