/**
 * `POST /api/metadata` as DHIS2 2.41 answers it (setup-ops §1–2): modes, strategies, atomicity, identifiers,
 * the ImportReport and its error codes, defaults and derived links — what `relais setup` and the roster rely on.
 */
import { startStandin, type Client } from './support'

let c: Client
beforeAll(async () => {
  c = await startStandin({ seed: 'blank', now: '2026-10-03T09:00:00Z' })
})
afterAll(() => c.close())

const post = (body: unknown, query = '', as = 'admin') => c.call('POST', `/api/metadata${query}`, { as, body })

const de = (id: string, code: string, extra: Record<string, unknown> = {}) => ({
  id,
  code,
  name: `DE ${code}`,
  shortName: `DE ${code}`,
  valueType: 'INTEGER_ZERO_OR_POSITIVE',
  domainType: 'AGGREGATE',
  aggregationType: 'SUM',
  ...extra,
})

test('--seed blank: the root org unit, the admin, the default combo, nothing else', async () => {
  const units = await c.call('GET', '/api/organisationUnits?fields=id,level&paging=false')
  expect(units.body.organisationUnits).toHaveLength(1)
  expect(units.body.organisationUnits[0].level).toBe(1)
  expect((await c.call('GET', '/api/users?fields=username&paging=false')).body.users).toEqual([{ username: 'admin' }])
  expect((await c.call('GET', '/api/dataElements?paging=false')).body.dataElements).toEqual([])
  const combos = await c.call('GET', '/api/categoryCombos?fields=name&paging=false')
  expect(combos.body.categoryCombos).toEqual([{ name: 'default' }])
})

test('VALIDATE checks and commits nothing; COMMIT creates, 200 with the report; again is "updated"', async () => {
  const payload = { dataElements: [de('DeImport001', 'IMP_1')] }
  const validate = await post(payload, '?importMode=VALIDATE')
  expect(validate.status).toBe(200)
  expect(validate.body.response).toMatchObject({ responseType: 'ImportReport', status: 'OK' })
  expect((await c.call('GET', '/api/dataElements/DeImport001')).status).toBe(404)

  const commit = await post(payload)
  expect(commit.status).toBe(200)
  expect(commit.body).toMatchObject({ httpStatus: 'OK', status: 'OK' })
  expect(commit.body.response.stats).toEqual({ created: 1, updated: 0, deleted: 0, ignored: 0, total: 1 })
  expect(commit.body.response.typeReports[0]).toMatchObject({ klass: 'org.hisp.dhis.dataelement.DataElement' })
  // A missing combo reference gets the default one (connectDefaults).
  const stored = await c.call('GET', '/api/dataElements/DeImport001?fields=categoryCombo[name]')
  expect(stored.body.categoryCombo).toEqual({ name: 'default' })
  const again = await post(payload)
  expect(again.body.response.stats).toMatchObject({ created: 0, updated: 1 })
})

test('errors: 409 with envelope WARNING, report ERROR, nothing committed (atomicMode ALL)', async () => {
  const res = await post({
    dataElements: [
      de('DeImport002', 'IMP_2'),
      de('DeImport003', 'IMP_3', { valueType: undefined }),
      de('DeImport004', 'IMP_1'),
      de('bad', 'IMP_5'),
    ],
    sections: [{ id: 'SecImport01', name: 'S', dataSet: { id: 'NoSuchDs001' }, dataElements: [], sortOrder: 1 }],
  })
  expect(res.status).toBe(409)
  expect(res.body).toMatchObject({
    status: 'WARNING',
    message: 'One or more errors occurred, please see full details in import report.',
  })
  expect(res.body.response.status).toBe('ERROR')
  expect(res.body.response.stats.ignored).toBe(5)
  const errors = res.body.response.typeReports.flatMap((t: { objectReports: { errorReports: object[] }[] }) =>
    t.objectReports.flatMap((o) => o.errorReports),
  )
  const byCode = (code: string) => errors.filter((e: { errorCode: string }) => e.errorCode === code)
  expect(byCode('E4000')[0]).toMatchObject({
    message: 'Missing required property `valueType`',
    errorProperty: 'valueType',
  })
  expect(byCode('E5003')[0]).toMatchObject({ errorProperty: 'code', value: 'IMP_1' })
  expect(byCode('E4014')[0].message).toBe('Invalid UID `bad` for property `DataElement`')
  expect(byCode('E5002')[0].message).toBe(
    'Invalid reference [NoSuchDs001] (DataSet) on object S [SecImport01] (Section) for association `dataSet`',
  )
  expect((await c.call('GET', '/api/dataElements/DeImport002')).status).toBe(404)
})

test('atomicMode NONE commits the valid objects (report WARNING); CREATE and UPDATE strategies refuse mismatches', async () => {
  const res = await post({ dataElements: [de('DeImport006', 'IMP_6'), de('DeImport007', 'IMP_1')] }, '?atomicMode=NONE')
  expect(res.status).toBe(409)
  expect(res.body.response.status).toBe('WARNING')
  expect((await c.call('GET', '/api/dataElements/DeImport006')).status).toBe(200)
  const create = await post({ dataElements: [de('DeImport006', 'IMP_6')] }, '?importStrategy=CREATE')
  expect(create.body.response.typeReports[0].objectReports[0].errorReports[0].errorCode).toBe('E5000')
  const update = await post({ dataElements: [de('DeImport099', 'IMP_99')] }, '?importStrategy=UPDATE')
  expect(update.body.response.typeReports[0].objectReports[0].errorReports[0].errorCode).toBe('E5001')
})

test('identifier CODE updates the object with that code; an update overwrites the whole object', async () => {
  const res = await post(
    { dataElements: [{ ...de('DeOther0001', 'IMP_6'), id: undefined, name: 'Renamed' }] },
    '?identifier=CODE',
  )
  expect(res.status).toBe(200)
  const stored = await c.call('GET', '/api/dataElements/DeImport006?fields=name')
  expect(stored.body.name).toBe('Renamed')
})

test('org units get their path and level from their parent; users need a role and a good password', async () => {
  const root = (await c.call('GET', '/api/organisationUnits?fields=id&paging=false')).body.organisationUnits[0].id
  const units = await post({
    organisationUnits: [
      {
        id: 'OuDep000001',
        code: 'DEP1',
        name: 'Dep',
        shortName: 'Dep',
        openingDate: '2000-01-01',
        parent: { id: root },
      },
      {
        id: 'OuZone00001',
        code: 'Z1',
        name: 'Zone',
        shortName: 'Zone',
        openingDate: '2000-01-01',
        parent: { id: 'OuDep000001' },
      },
    ],
  })
  expect(units.status).toBe(200)
  const zone = await c.call('GET', '/api/organisationUnits/OuZone00001?fields=level,path')
  expect(zone.body).toEqual({ level: 3, path: `/${root}/OuDep000001/OuZone00001` })

  const users = await post({
    users: [
      {
        id: 'UsrImport01',
        username: 'rc.sans.role',
        password: 'Relais-2026!',
        firstName: 'A',
        surname: 'B',
        userRoles: [],
      },
      {
        id: 'UsrImport02',
        username: 'rc.faible',
        password: 'abc',
        firstName: 'A',
        surname: 'B',
        userRoles: [{ id: 'NoRole00001' }],
      },
    ],
  })
  const codes = users.body.response.typeReports[0].objectReports.flatMap(
    (o: { errorReports: { errorCode: string }[] }) => o.errorReports.map((e) => e.errorCode),
  )
  expect(codes).toEqual(expect.arrayContaining(['E4055', 'E4005', 'E5002']))
})

test('a user without the authority to create a type gets E3000', async () => {
  const role = { id: 'RoleLow0001', name: 'Low', authorities: ['F_DATAVALUE_ADD'] }
  await post({ userRoles: [role] })
  await post({
    users: [
      {
        id: 'UsrLow00001',
        username: 'low.user',
        password: 'Relais-2026!',
        firstName: 'L',
        surname: 'U',
        userRoles: [{ id: role.id }],
      },
    ],
  })
  const res = await c.call('POST', '/api/metadata', {
    as: '',
    headers: { Authorization: `Basic ${Buffer.from('low.user:Relais-2026!').toString('base64')}` },
    body: { dataElements: [de('DeImport010', 'IMP_10')] },
  })
  expect(res.body.response.typeReports[0].objectReports[0].errorReports[0]).toMatchObject({
    errorCode: 'E3000',
    message: 'User `low.user` is not allowed to create objects of type DataElement.',
  })
})

describe('category option combos (2.41.8: the import does not make them; maintenance does)', () => {
  let c: Client
  beforeAll(async () => {
    c = await startStandin({ seed: 'blank' })
  })
  afterAll(() => c.close())

  const cocsOf = async (combo: string) =>
    (
      await c.call(
        'GET',
        `/api/categoryOptionCombos?filter=categoryCombo.id:eq:${combo}&fields=id,name,categoryOptions[id]&paging=false`,
      )
    ).body.categoryOptionCombos as Array<{ id: string; name: string; categoryOptions: Array<{ id: string }> }>

  test('a combo imported without its option combos has none until categoryOptionComboUpdate makes them', async () => {
    const payload = {
      categoryOptions: [
        { id: 'CoSexeMasc1', name: 'Masculin', shortName: 'Masculin' },
        { id: 'CoSexeFemi1', name: 'Féminin', shortName: 'Féminin' },
        { id: 'CoAgeJeune1', name: 'Moins de 15', shortName: 'Moins de 15' },
        { id: 'CoAgeAdult1', name: '15 et plus', shortName: '15 et plus' },
      ],
      categories: [
        {
          id: 'CaSexe00001',
          name: 'Sexe (test)',
          shortName: 'Sexe (test)',
          dataDimensionType: 'DISAGGREGATION',
          categoryOptions: [{ id: 'CoSexeMasc1' }, { id: 'CoSexeFemi1' }],
        },
        {
          id: 'CaAge000001',
          name: 'Âge (test)',
          shortName: 'Âge (test)',
          dataDimensionType: 'DISAGGREGATION',
          categoryOptions: [{ id: 'CoAgeJeune1' }, { id: 'CoAgeAdult1' }],
        },
      ],
      categoryCombos: [
        {
          id: 'CcSexeAge01',
          name: 'Sexe et âge (test)',
          dataDimensionType: 'DISAGGREGATION',
          categories: [{ id: 'CaSexe00001' }, { id: 'CaAge000001' }],
        },
      ],
    }
    const imported = await c.call('POST', '/api/metadata', { body: payload })
    expect(imported.body.status).toBe('OK')
    expect(await cocsOf('CcSexeAge01')).toEqual([])

    const update = await c.call('POST', '/api/maintenance/categoryOptionComboUpdate')
    expect(update.status).toBe(204)
    const made = await cocsOf('CcSexeAge01')
    expect(made.map((coc) => coc.name).sort()).toEqual([
      'Féminin, 15 et plus',
      'Féminin, Moins de 15',
      'Masculin, 15 et plus',
      'Masculin, Moins de 15',
    ])

    // A second run keeps them (same UIDs); the combo lists them.
    await c.call('PUT', '/api/maintenance/categoryOptionComboUpdate/categoryCombo/CcSexeAge01')
    expect((await cocsOf('CcSexeAge01')).map((coc) => coc.id).sort()).toEqual(made.map((coc) => coc.id).sort())
    const combo = await c.call('GET', '/api/categoryCombos/CcSexeAge01?fields=categoryOptionCombos[id]')
    expect(combo.body.categoryOptionCombos).toHaveLength(4)

    // An option removed from its category: its option combos go (they hold no data).
    const category = payload.categories[1]!
    const shrunk = await c.call('POST', '/api/metadata', {
      body: { categories: [{ ...category, categoryOptions: [{ id: 'CoAgeAdult1' }] }] },
    })
    expect(shrunk.body.status).toBe('OK')
    await c.call('POST', '/api/maintenance/categoryOptionComboUpdate')
    expect((await cocsOf('CcSexeAge01')).map((coc) => coc.name).sort()).toEqual([
      'Féminin, 15 et plus',
      'Masculin, 15 et plus',
    ])
  })
})
