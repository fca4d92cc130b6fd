/**
 * `GET /api/dataValueSets` (web-api §3) and the single-value `/api/dataValues` endpoint against the
 * real HTTP server: the E2001–E2012 409 errors (access first, then the LAST failing check, as
 * `DefaultDataValueSetService.decideAccess` + `validate` do), the filters (period, start/end dates,
 * children, lastUpdated, lastUpdatedDuration, includeDeleted, dataElement — 2.39+), output id
 * schemes, the single data value set header with `completeDate`, and GET/POST/DELETE of one value.
 */
import { uid } from '../src/seed'
import { startStandin, type Client } from './support'

let c: Client
beforeAll(async () => {
  c = await startStandin({ seed: 'small', now: '2026-10-10T10:00:00Z', testEndpoints: true })
})
afterAll(() => c.close())

const DS = uid('dataSet', 'RC_MENSUEL')
const DE = (code: string) => uid('dataElement', code)
const COC = (code: string) => uid('categoryOptionCombo', code)
const DEFAULT = COC('default')
const unit = (code: string) => c.standin.ctx.state.metadata.organisationUnits.find((o) => o.code === code)!
const rc1 = () => c.standin.ctx.index.usersByUsername.get('relais')!.organisationUnits[0]!.id
const rcUnit = () => c.standin.ctx.index.metadata.objects.organisationUnits.byId.get(rc1())!
const aire = () => rcUnit().parent!.id
const rcOther = () => unit('RC-AL-00001').id
const get = (query: string, as = 'admin', path = '/api/dataValueSets') => c.call('GET', `${path}?${query}`, { as })
const conflict409 = (message: string, errorCode: string) => ({
  httpStatus: 'Conflict',
  httpStatusCode: 409,
  status: 'ERROR',
  message,
  errorCode,
})

describe('GET /api/dataValueSets errors (409 + errorCode)', () => {
  const rows: { name: string; query: () => string; as?: string; code: string; message: () => string }[] = [
    {
      name: 'nothing to export',
      query: () => `period=202609&orgUnit=${rc1()}`,
      code: 'E2001',
      message: () => 'At least one data element, data set or data element group must be specified',
    },
    {
      name: 'an unknown data set is dropped, leaving none',
      query: () => `dataSet=Xnope000000&period=202609&orgUnit=${rc1()}`,
      code: 'E2001',
      message: () => 'At least one data element, data set or data element group must be specified',
    },
    {
      name: 'no period, dates or lastUpdated',
      query: () => `dataSet=${DS}&orgUnit=${rc1()}`,
      code: 'E2002',
      message: () => 'At least one period, start/end dates, last updated or last updated duration must be specified',
    },
    {
      name: 'periods and dates together',
      query: () => `dataSet=${DS}&period=202609&startDate=2026-01-01&endDate=2026-12-31&orgUnit=${rc1()}`,
      code: 'E2003',
      message: () => 'Both periods and start/end date cannot be specified',
    },
    {
      name: 'start after end',
      query: () => `dataSet=${DS}&startDate=2026-12-01&endDate=2026-01-01&orgUnit=${rc1()}`,
      code: 'E2004',
      message: () => 'Start date must be before end date',
    },
    {
      name: 'bad duration',
      query: () => `dataSet=${DS}&lastUpdatedDuration=3weeks&orgUnit=${rc1()}`,
      code: 'E2005',
      message: () => 'Duration is not valid: `3weeks`',
    },
    {
      name: 'no org unit',
      query: () => `dataSet=${DS}&period=202609`,
      code: 'E2006',
      message: () => 'At least one organisation unit or organisation unit group must be specified',
    },
    {
      name: 'children with an org unit group',
      query: () =>
        `dataSet=${DS}&period=202609&orgUnit=${rc1()}&orgUnitGroup=${uid('organisationUnitGroup', 'OUG_RC_ACTIFS')}&children=true`,
      code: 'E2007',
      message: () => 'Organisation unit children cannot be included for organisation unit groups',
    },
    {
      name: 'children without org unit (last check wins over E2006)',
      query: () => `dataSet=${DS}&period=202609&children=true`,
      code: 'E2008',
      message: () => 'At least one organisation unit must be specified when children are included',
    },
    {
      name: 'negative limit',
      query: () => `dataSet=${DS}&period=202609&orgUnit=${rc1()}&limit=-1`,
      code: 'E2009',
      message: () => 'Limit cannot be less than zero: `-1`',
    },
    {
      name: "org unit outside the RC user's data view",
      query: () => `dataSet=${DS}&period=202609&orgUnit=${rcOther()}`,
      as: 'relais',
      code: 'E2012',
      message: () => `User is not allowed to view org unit: \`${rcOther()}\``,
    },
    {
      name: 'access is decided before validation',
      query: () => `dataSet=${DS}&orgUnit=${rcOther()}`,
      as: 'relais',
      code: 'E2012',
      message: () => `User is not allowed to view org unit: \`${rcOther()}\``,
    },
    {
      name: 'the .json path behaves the same',
      query: () => `period=202609&orgUnit=${rc1()}`,
      code: 'E2001',
      message: () => 'At least one data element, data set or data element group must be specified',
    },
  ]
  // E2010/E2011 (data read sharing of data sets / attribute combos) cannot happen: the programme shares everything.
  it.each(rows)('$code: $name', async (row) => {
    const path = row.name.includes('.json') ? '/api/dataValueSets.json' : '/api/dataValueSets'
    const r = await get(row.query(), row.as, path)
    expect(r.status).toBe(409)
    expect(r.body).toEqual(conflict409(row.message(), row.code))
  })
})

describe('GET /api/dataValueSets values', () => {
  it('one data set, period and org unit: header fields with completeDate, then the values', async () => {
    const registration = [...c.standin.ctx.state.registrations.values()].find(
      (r) => r.organisationUnit === rc1() && r.period === '202609',
    )
    const r = await get(`dataSet=${DS}&period=202609&orgUnit=${rc1()}`)
    expect(r.status).toBe(200)
    expect(r.body.dataSet).toBe(DS)
    expect(r.body.period).toBe('202609')
    expect(r.body.orgUnit).toBe(rc1())
    if (registration) expect(r.body.completeDate).toBe(registration.date.slice(0, 10))
    else expect(r.body).not.toHaveProperty('completeDate')
    expect(r.body.dataValues.length).toBeGreaterThan(5)
    for (const v of r.body.dataValues) {
      expect(Object.keys(v)).toEqual(
        expect.arrayContaining([
          'dataElement',
          'period',
          'orgUnit',
          'categoryOptionCombo',
          'attributeOptionCombo',
          'storedBy',
          'created',
          'lastUpdated',
          'followup',
        ]),
      )
      expect(v).not.toHaveProperty('deleted')
      expect(v.created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$/) // server-local, no offset
    }
  })

  it('children=true from the aire returns every RC below it; several org units drop the header', async () => {
    const r = await get(`dataSet=${DS}&period=202609&orgUnit=${aire()}&children=true`)
    expect(r.status).toBe(200)
    expect(r.body).not.toHaveProperty('dataSet')
    const units = new Set(r.body.dataValues.map((v: { orgUnit: string }) => v.orgUnit))
    const children = c.standin.ctx.state.metadata.organisationUnits
      .filter((o) => o.parent?.id === aire())
      .map((o) => o.id)
    for (const u of units) expect(children).toContain(u)
  })

  it('startDate/endDate select whole periods inside the range', async () => {
    const r = await get(`dataSet=${DS}&startDate=2026-07-01&endDate=2026-08-31&orgUnit=${rc1()}`)
    expect(r.status).toBe(200)
    const periods = new Set(r.body.dataValues.map((v: { period: string }) => v.period))
    for (const p of periods) expect(['202607', '202608']).toContain(p)
  })

  it('dataElement filter (2.39+) and output CODE id schemes', async () => {
    const r = await get(`dataElement=${DE('RC_VIH_SENS')}&period=202609&orgUnit=${rc1()}&idScheme=CODE`)
    expect(r.status).toBe(200)
    expect(r.body.dataValues.length).toBeGreaterThan(0)
    for (const v of r.body.dataValues) {
      expect(v.dataElement).toBe('RC_VIH_SENS')
      expect(v.orgUnit).toBe(rcUnit().code)
      expect(v.categoryOptionCombo).toMatch(/^[MF]_A_/)
      expect(v.attributeOptionCombo).toBe('default')
    }
  })

  it('lastUpdated / lastUpdatedDuration select recent writes; includeDeleted shows soft deletes', async () => {
    await c.call('POST', '/api/testing/clock', { as: '', body: { now: '2026-10-10T12:00:00Z' } })
    await c.call('POST', '/api/dataValueSets', {
      body: {
        dataValues: [
          { dataElement: DE('RC_VAD'), period: '202501', orgUnit: rc1(), value: '11' },
          { dataElement: DE('RC_CAUSERIES'), period: '202501', orgUnit: rc1(), value: '2' },
        ],
      },
    })
    await c.call('POST', '/api/dataValueSets?importStrategy=DELETE', {
      body: { dataValues: [{ dataElement: DE('RC_CAUSERIES'), period: '202501', orgUnit: rc1(), value: '2' }] },
    })
    let r = await get(`dataSet=${DS}&lastUpdated=2026-10-10T12:59:00&orgUnit=${rc1()}`)
    expect(r.body.dataValues.map((v: { dataElement: string; value: string }) => [v.dataElement, v.value])).toEqual([
      [DE('RC_VAD'), '11'],
    ])
    r = await get(`dataSet=${DS}&lastUpdatedDuration=1h&orgUnit=${rc1()}&includeDeleted=true`)
    const rows = r.body.dataValues.map((v: { dataElement: string; deleted: boolean }) => [v.dataElement, v.deleted])
    expect(rows).toEqual(
      expect.arrayContaining([
        [DE('RC_VAD'), false],
        [DE('RC_CAUSERIES'), true],
      ]),
    )
    expect(rows).toHaveLength(2)
    r = await get(`dataSet=${DS}&period=202501&orgUnit=${rc1()}`)
    expect(r.body.dataValues.map((v: { dataElement: string }) => v.dataElement)).toEqual([DE('RC_VAD')])
    await c.call('POST', '/api/testing/clock', { as: '', body: { now: '2026-10-10T10:00:00Z' } })
  })

  it('limit caps the values', async () => {
    const r = await get(`dataSet=${DS}&period=202609&orgUnit=${aire()}&children=true&limit=3`)
    expect(r.body.dataValues).toHaveLength(3)
  })

  it('the superviseur sees the RC of the zone', async () => {
    const r = await get(`dataSet=${DS}&period=202609&orgUnit=${rc1()}`, 'superviseur')
    expect(r.status).toBe(200)
  })
})

describe('/api/dataValues (one value)', () => {
  const q = (extra: Record<string, string>) =>
    new URLSearchParams({ de: DE('RC_VAD'), pe: '202609', ou: rc1(), co: DEFAULT, ...extra }).toString()

  it('POST with query parameters → 201, GET returns ["value"], the store has the username', async () => {
    let r = await c.call('POST', `/api/dataValues?${q({ value: '25' })}`, { as: 'relais' })
    expect(r.status).toBe(201)
    r = await c.call('GET', `/api/dataValues?${q({})}`, { as: 'relais' })
    expect(r.status).toBe(200)
    expect(r.body).toEqual(['25'])
  })

  it('POST as a form → 201; a comment alone keeps the value', async () => {
    const form = new URLSearchParams({ de: DE('RC_VAD'), pe: '202609', ou: rc1(), comment: 'mauvais temps' })
    const r = await c.call('POST', '/api/dataValues', {
      as: 'relais',
      body: form.toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    })
    expect(r.status).toBe(201)
    const v = c.standin.ctx.state.dataValues.get({
      dataElement: DE('RC_VAD'),
      period: '202609',
      orgUnit: rc1(),
      categoryOptionCombo: DEFAULT,
      attributeOptionCombo: DEFAULT,
    })
    expect(v).toMatchObject({ value: '25', comment: 'mauvais temps', storedBy: 'relais' })
  })

  it('POST a JSON body → 201', async () => {
    const r = await c.call('POST', '/api/dataValues', {
      as: 'relais',
      body: {
        dataElement: DE('RC_VIH_AUTOTEST'),
        categoryOptionCombo: COC('F'),
        period: '202609',
        orgUnit: rc1(),
        value: '3',
        followUp: true,
      },
    })
    expect(r.status).toBe(201)
    const v = c.standin.ctx.state.dataValues.get({
      dataElement: DE('RC_VIH_AUTOTEST'),
      period: '202609',
      orgUnit: rc1(),
      categoryOptionCombo: COC('F'),
      attributeOptionCombo: DEFAULT,
    })
    expect(v).toMatchObject({ value: '3', followup: true })
  })

  it.each([
    {
      name: 'unknown data element',
      params: () => q({ de: 'Xnope000000', value: '1' }),
      as: 'relais',
      code: 'E1100',
      message: () => 'Data element not found or not accessible: `Xnope000000`',
    },
    {
      name: 'invalid period',
      params: () => q({ pe: '2026-13', value: '1' }),
      as: 'relais',
      code: 'E1101',
      message: () => 'Period is invalid: `2026-13`',
    },
    {
      name: 'unknown org unit',
      params: () => q({ ou: 'Xnope000000', value: '1' }),
      as: 'relais',
      code: 'E1102',
      message: () => 'Organisation unit not found or not accessible: `Xnope000000`',
    },
    {
      name: 'outside the hierarchy',
      params: () => q({ ou: rcOther(), value: '1' }),
      as: 'relais',
      code: 'E2020',
      message: () => `Organisation unit is not in the hierarchy of the current user: \`${rcOther()}\``,
    },
    {
      name: 'value type',
      params: () => q({ value: 'douze' }),
      as: 'relais',
      code: 'E2030',
      message: () => 'Data value must match data element value type: `value_not_zero_or_positive_integer`',
    },
    {
      name: 'locked period',
      params: () => q({ pe: '202608', value: '1' }),
      as: 'relais',
      code: 'E2017',
      message: () => 'Data set is locked',
    },
    {
      name: 'future period',
      params: () => q({ pe: '202610', value: '1' }),
      as: 'passerelle',
      code: 'E2022',
      message: () =>
        `Period: \`202610\` is after latest open future period: \`202609\` for data element: \`${DE('RC_VAD')}\``,
    },
    {
      name: 'cc without cp',
      params: () => q({ cc: uid('categoryCombo', 'default'), value: '1' }),
      as: 'relais',
      code: 'E2040',
      message: () => 'Both category combination and category options must be specified',
    },
  ])('POST refused: $name → 409 $code', async ({ params, as, code, message }) => {
    const r = await c.call('POST', `/api/dataValues?${params()}`, { as })
    expect(r.status).toBe(409)
    expect(r.body).toEqual(conflict409(message(), code))
  })

  it('cc/cp address the attribute option combo', async () => {
    const r = await c.call(
      'POST',
      `/api/dataValues?${q({ de: DE('RC_CAUSERIES'), cc: uid('categoryCombo', 'default'), cp: uid('categoryOption', 'default'), value: '4' })}`,
      { as: 'relais' },
    )
    expect(r.status).toBe(201)
  })

  it('blank value with no comment soft-deletes; GET then answers 409 E2032; DELETE of a live value → 204', async () => {
    const key = { de: DE('RC_PALU_TDR'), pe: '202609', ou: rc1(), co: DEFAULT }
    await c.call('POST', `/api/dataValues?${new URLSearchParams({ ...key, value: '9' })}`, { as: 'relais' })
    let r = await c.call('POST', `/api/dataValues?${new URLSearchParams({ ...key, value: '', comment: '' })}`, {
      as: 'relais',
    })
    expect(r.status).toBe(201)
    r = await c.call('GET', `/api/dataValues?${new URLSearchParams(key)}`, { as: 'relais' })
    expect(r.status).toBe(409)
    expect(r.body).toEqual(conflict409('Data value not found or not accessible', 'E2032'))
    await c.call('POST', `/api/dataValues?${new URLSearchParams({ ...key, value: '10' })}`, { as: 'relais' })
    r = await c.call('DELETE', `/api/dataValues?${new URLSearchParams(key)}`, { as: 'relais' })
    expect(r.status).toBe(204)
    expect(
      c.standin.ctx.state.dataValues.get({
        dataElement: key.de,
        period: '202609',
        orgUnit: rc1(),
        categoryOptionCombo: DEFAULT,
        attributeOptionCombo: DEFAULT,
      })?.deleted,
    ).toBe(true)
    r = await c.call('DELETE', `/api/dataValues?${new URLSearchParams(key)}`, { as: 'relais' })
    expect(r.status).toBe(409)
    expect(r.body.errorCode).toBe('E2032')
  })

  it('DELETE needs F_DATAVALUE_DELETE and POST needs F_DATAVALUE_ADD (403)', async () => {
    const r1 = await c.call('DELETE', `/api/dataValues?${q({})}`, { as: 'administrateur' })
    expect(r1.status).toBe(403)
    const r2 = await c.call('POST', `/api/dataValues?${q({ value: '1' })}`, { as: 'administrateur' })
    expect(r2.status).toBe(403)
  })
})
