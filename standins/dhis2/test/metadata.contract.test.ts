/**
 * Metadata reads with DHIS2's list syntax (web-api §6.3): fields (nested, `*`, `:owner`, `::size`),
 * filters (eq, ne, in, like, ilike, level, path, identifiable:token), paging and the pager, order, and
 * the programme's metadata exactly as community-program.md writes it.
 */
import { startStandin, type Client } from './support'

let c: Client
const get = async (path: string, as = 'admin') => {
  const res = await c.call('GET', `/api/41${path}`, { as })
  if (res.status !== 200) throw new Error(`${path} → ${res.status} ${JSON.stringify(res.body)}`)
  return res.body
}
const idOf = (code: string) => c.standin.ctx.state.metadata.organisationUnits.find((o) => o.code === code)!.id

beforeAll(async () => {
  c = await startStandin()
})
afterAll(() => c.close())

test('a default list: id and displayName, with the pager', async () => {
  const body = await get('/organisationUnits?filter=level:eq:2')
  expect(body.pager).toEqual({ page: 1, total: 12, pageSize: 50, pageCount: 1 })
  expect(Object.keys(body.organisationUnits[0]).sort()).toEqual(['displayName', 'id'])
})

test('the twelve départements by ISO 3166-2 code, ordered', async () => {
  const body = await get('/organisationUnits?level=2&fields=code,name&paging=false&order=code:asc')
  expect(body.pager).toBeUndefined()
  expect(body.organisationUnits.map((o: { code: string }) => o.code)).toEqual([
    'BJ-AK',
    'BJ-AL',
    'BJ-AQ',
    'BJ-BO',
    'BJ-CO',
    'BJ-DO',
    'BJ-KO',
    'BJ-LI',
    'BJ-MO',
    'BJ-OU',
    'BJ-PL',
    'BJ-ZO',
  ])
  expect(body.organisationUnits.find((o: { code: string }) => o.code === 'BJ-OU').name).toBe('Ouémé')
})

const filterRows: { filter: string; check: (codes: string[]) => void }[] = [
  { filter: 'code:eq:RC-AQ-00001', check: (codes) => expect(codes).toEqual(['RC-AQ-00001']) },
  { filter: 'code:in:[BJ-AQ,BJ-LI]', check: (codes) => expect(codes.sort()).toEqual(['BJ-AQ', 'BJ-LI']) },
  { filter: 'name:ilike:atlant', check: (codes) => expect(codes).toEqual(['BJ-AQ']) },
  { filter: 'name:like:Atlant', check: (codes) => expect(codes).toEqual(['BJ-AQ']) },
  { filter: 'code:$like:ZS-AQ', check: (codes) => expect(codes.every((x) => x.startsWith('ZS-AQ-'))).toBe(true) },
  { filter: 'identifiable:token:RC-AQ-00001', check: (codes) => expect(codes).toEqual(['RC-AQ-00001']) },
  { filter: 'level:eq:1', check: (codes) => expect(codes).toEqual(['BJ']) },
  { filter: 'level:ne:5', check: (codes) => expect(codes.some((x) => x.startsWith('RC-'))).toBe(false) },
  { filter: 'code:!in:[BJ]&filter=level:le:2', check: (codes) => expect(codes).toHaveLength(12) },
  { filter: 'parent.code:eq:BJ', check: (codes) => expect(codes).toHaveLength(12) },
  {
    filter: 'organisationUnitGroups.code:eq:OUG_RC_ACTIFS&filter=code:$like:RC-AQ',
    check: (codes) => expect(codes.length).toBeGreaterThan(0),
  },
]
test.each(filterRows)('filter=$filter', async ({ filter, check }) => {
  const body = await get(`/organisationUnits?filter=${filter}&fields=code&paging=false`)
  check(body.organisationUnits.map((o: { code: string }) => o.code))
})

test('path:like finds a sub-tree; level:eq:5 keeps its RC', async () => {
  const aq = idOf('BJ-AQ')
  const body = await get(`/organisationUnits?filter=path:like:${aq}&filter=level:eq:5&fields=code&paging=false`)
  const codes = body.organisationUnits.map((o: { code: string }) => o.code)
  expect(codes.length).toBeGreaterThan(0)
  expect(codes.every((x: string) => /^RC-AQ-\d{5}$/.test(x))).toBe(true)
})

test('rootJunction=OR ORs the filters', async () => {
  const body = await get(
    '/organisationUnits?filter=code:eq:BJ-AQ&filter=code:eq:BJ-LI&rootJunction=OR&fields=code&paging=false',
  )
  expect(body.organisationUnits).toHaveLength(2)
})

test('nested fields expand references; ::size counts', async () => {
  const body = await get(
    '/organisationUnits?filter=code:eq:RC-AQ-00001&fields=code,level,path,parent[code,parent[code]],children::size,ancestors[code]',
  )
  const rc = body.organisationUnits[0]
  expect(rc.level).toBe(5)
  expect(rc.parent.code).toMatch(/^AS-AQ-\d\d-\d\d$/)
  expect(rc.parent.parent.code).toMatch(/^ZS-AQ-\d\d$/)
  expect(rc.children).toBe(0)
  expect(rc.ancestors.map((a: { code: string }) => a.code)).toEqual([
    'BJ',
    'BJ-AQ',
    rc.parent.parent.code,
    rc.parent.code,
  ])
  expect(rc.path.split('/')).toHaveLength(6)
})

test('a reference without sub-fields renders as {id}', async () => {
  const body = await get('/organisationUnits?filter=code:eq:BJ-AQ&fields=parent')
  expect(body.organisationUnits[0].parent).toEqual({ id: idOf('BJ') })
})

test(':owner leaves out non-owner properties (children) but keeps parent', async () => {
  const body = await get(`/organisationUnits/${idOf('BJ-AQ')}?fields=:owner`)
  expect(body.parent).toEqual({ id: idOf('BJ') })
  expect(body.children).toBeUndefined()
  expect(body.code).toBe('BJ-AQ')
})

test('paging: page 2 of 5 with prev and next links', async () => {
  const body = await get('/organisationUnits?filter=level:eq:2&pageSize=5&page=2&fields=code&order=code:asc')
  expect(body.pager).toMatchObject({ page: 2, total: 12, pageSize: 5, pageCount: 3 })
  expect(body.pager.nextPage).toContain('page=3')
  expect(body.pager.prevPage).toContain('page=1')
  expect(body.organisationUnits.map((o: { code: string }) => o.code)).toEqual([
    'BJ-DO',
    'BJ-KO',
    'BJ-LI',
    'BJ-MO',
    'BJ-OU',
  ])
})

test('organisationUnits/{id}?includeAncestors, includeChildren, includeDescendants', async () => {
  const aq = idOf('BJ-AQ')
  const ancestors = await get(`/organisationUnits/${aq}?includeAncestors=true&fields=code`)
  expect(ancestors.organisationUnits.map((o: { code: string }) => o.code)).toEqual(['BJ', 'BJ-AQ'])
  const children = await get(`/organisationUnits/${aq}?includeChildren=true&fields=code`)
  expect(children.organisationUnits[0].code).toBe('BJ-AQ')
  expect(children.organisationUnits.slice(1).every((o: { code: string }) => o.code.startsWith('ZS-AQ-'))).toBe(true)
  const all = await get(`/organisationUnits/${aq}?includeDescendants=true&fields=level`)
  expect(new Set(all.organisationUnits.map((o: { level: number }) => o.level))).toEqual(new Set([2, 3, 4, 5]))
})

test('an unknown id → 404 WebMessage', async () => {
  const res = await c.call('GET', '/api/organisationUnits/abcdefghijk')
  expect(res.status).toBe(404)
  expect(res.body).toMatchObject({ httpStatusCode: 404, status: 'ERROR' })
})

describe('the programme metadata', () => {
  test('RC_MENSUEL: monthly, expiryDays 15, openFuturePeriods 0, timelyDays 5, 19 elements in 4 sections, every RC', async () => {
    const body = await get(
      '/dataSets?filter=code:eq:RC_MENSUEL&fields=*,dataSetElements[dataElement[code,valueType,categoryCombo[code]]],sections[code,sortOrder,dataElements[code]]',
    )
    const ds = body.dataSets[0]
    expect(ds).toMatchObject({
      periodType: 'Monthly',
      expiryDays: 15,
      openFuturePeriods: 0,
      timelyDays: 5,
      name: "RC - Rapport mensuel d'activités",
    })
    expect(ds.dataSetElements).toHaveLength(19)
    expect(ds.sections.map((s: { code: string }) => s.code)).toEqual(['SEC_VIH', 'SEC_TB', 'SEC_PALU', 'SEC_ACTIVITES'])
    const sens = ds.dataSetElements.find((e: { dataElement: { code: string } }) => e.dataElement.code === 'RC_VIH_SENS')
    expect(sens.dataElement).toEqual({
      code: 'RC_VIH_SENS',
      valueType: 'INTEGER_ZERO_OR_POSITIVE',
      categoryCombo: { code: 'SEXE_AGE' },
    })
    const rcCount = c.standin.ctx.state.metadata.organisationUnits.filter((o) => o.level === 5).length
    expect(ds.organisationUnits).toHaveLength(rcCount)
  })

  test('COC codes join option codes; SEXE_AGE has 6', async () => {
    const body = await get('/categoryCombos?filter=code:eq:SEXE_AGE&fields=categoryOptionCombos[code]')
    expect(body.categoryCombos[0].categoryOptionCombos.map((x: { code: string }) => x.code).sort()).toEqual([
      'F_A_15_24',
      'F_A_25PLUS',
      'F_A_MOINS15',
      'M_A_15_24',
      'M_A_25PLUS',
      'M_A_MOINS15',
    ])
  })

  test('indicators, validation rules, targets, group and levels by their codes', async () => {
    const codes = async (collection: string) =>
      (await get(`/${collection}?fields=code&paging=false`))[collection].map((o: { code: string }) => o.code).sort()
    expect(await codes('indicators')).toEqual([
      'IND_COMPLETUDE',
      'IND_CTA_24H',
      'IND_PDV_RETR',
      'IND_PROMPTITUDE',
      'IND_REAL_SENS',
      'IND_REAL_TDR',
      'IND_REAL_VAD',
      'IND_TDR_POS',
    ])
    expect(await codes('validationRules')).toEqual(['VR_AUTOTEST_SENS', 'VR_CTA', 'VR_PDV', 'VR_TDR_POS'])
    expect(await codes('organisationUnitGroups')).toEqual(['OUG_RC_ACTIFS'])
    expect(await codes('userGroups')).toEqual([
      'RELAIS_ADMINS',
      'RELAIS_GESTIONNAIRES',
      'RELAIS_RC',
      'RELAIS_SUPERVISEURS',
    ])
    const targets = await get(
      '/dataSets?filter=code:eq:RC_CIBLES&fields=periodType,dataSetElements[dataElement[code,valueType]]',
    )
    expect(targets.dataSets[0].periodType).toBe('Yearly')
    expect(
      targets.dataSets[0].dataSetElements.map((e: { dataElement: { valueType: string } }) => e.dataElement.valueType),
    ).toEqual(Array(4).fill('INTEGER_POSITIVE'))
  })

  test('displayName follows the user database locale: French for superviseur, English for admin', async () => {
    const fr = await get('/dataSets?filter=code:eq:RC_MENSUEL&fields=displayName', 'superviseur')
    const en = await get('/dataSets?filter=code:eq:RC_MENSUEL&fields=displayName', 'admin')
    expect(fr.dataSets[0].displayName).toBe("RC - Rapport mensuel d'activités")
    expect(en.dataSets[0].displayName).toBe('CHV - Monthly activity report')
  })
})

describe('users (2.41 fields)', () => {
  test('password age, last login, disabled, 2FA and the userCredentials compatibility object', async () => {
    const body = await get(
      '/users?filter=username:eq:controleur&fields=username,lastLogin,passwordLastUpdated,disabled,twoFactorEnabled,userCredentials[username,twoFactorEnabled],userGroups[code],organisationUnits[code]',
    )
    const u = body.users[0]
    expect(u).toMatchObject({
      username: 'controleur',
      disabled: false,
      twoFactorEnabled: true,
      userCredentials: { username: 'controleur', twoFactorEnabled: true },
    })
    expect(u.passwordLastUpdated).toMatch(/^\d{4}-\d\d-\d\dT/)
    expect(u.lastLogin).toMatch(/^\d{4}-\d\d-\d\dT/)
  })
  test('reading users needs F_USER_VIEW: an RC gets 403', async () => {
    const res = await c.call('GET', '/api/users', { as: 'relais' })
    expect(res.status).toBe(403)
    expect(res.body).toMatchObject({ httpStatus: 'Forbidden', httpStatusCode: 403, status: 'ERROR' })
  })
})

test('GET /api/metadata returns the asked types, one array each', async () => {
  const body = await get('/metadata?dataSets=true&categoryCombos=true&fields=code')
  expect(Object.keys(body).sort()).toEqual(['categoryCombos', 'dataSets', 'system'])
  expect(body.dataSets.map((d: { code: string }) => d.code).sort()).toEqual(['RC_CIBLES', 'RC_MENSUEL'])
})
