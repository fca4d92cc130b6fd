/**
 * `/api/completeDataSetRegistrations` (web-api §4, analytics §4.5) and the `completeDate` of
 * `/api/dataValueSets` against the real HTTP server. The registration `date` is the only date
 * timeliness looks at: a report of September is on time when registered by 5 October (timelyDays 5).
 * DHIS2 sets `date` (and `lastUpdated`) to the supplied value or now, and a re-POST OVERWRITES it —
 * so re-sending a registration late turns an on-time report into a late one. The stand-in keeps this
 * on purpose (the app and the bridge must cope); these tests pin it.
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
const rc1 = () => c.standin.ctx.index.usersByUsername.get('relais')!.organisationUnits[0]!.id
const rcOther = () => c.standin.ctx.state.metadata.organisationUnits.find((o) => o.code === 'RC-AL-00001')!.id
const postRegs = (items: unknown[] | undefined, { as = 'admin', query = '', prefix = '/api' } = {}) =>
  c.call('POST', `${prefix}/completeDataSetRegistrations${query ? `?${query}` : ''}`, {
    as,
    body: items === undefined ? {} : { completeDataSetRegistrations: items },
  })
const getRegs = async (period: string, ou = rc1(), as = 'admin') => {
  const r = await c.call('GET', `/api/completeDataSetRegistrations?dataSet=${DS}&period=${period}&orgUnit=${ou}`, {
    as,
  })
  return r.body.completeDataSetRegistrations as Record<string, unknown>[]
}
/** analytics §4.5: on time when the registration date is at most timelyDays after the period end. */
const onTime = (date: unknown, periodEnd: string, timelyDays = 5) => {
  const limit = new Date(Date.parse(`${periodEnd}T00:00:00Z`) + timelyDays * 86400000).toISOString().slice(0, 10)
  return String(date).slice(0, 10) <= limit
}

describe('POST /api/completeDataSetRegistrations: date decides timeliness, re-POST overwrites it', () => {
  it('registered on 4 October with an explicit date → on time; date and lastUpdated are that date', async () => {
    const r = await postRegs([{ dataSet: DS, period: '202609', organisationUnit: rc1(), date: '2026-10-04' }], {
      as: 'relais',
    })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({
      httpStatusCode: 200,
      status: 'OK',
      message: 'Import was successful.',
      response: { responseType: 'ImportSummary', status: 'SUCCESS', description: 'Import process complete.' },
    })
    const count = r.body.response.importCount
    expect(count.imported + count.updated).toBe(1)
    const [reg] = await getRegs('202609')
    expect(reg).toEqual({
      period: '202609',
      dataSet: DS,
      organisationUnit: rc1(),
      attributeOptionCombo: uid('categoryOptionCombo', 'default'),
      date: '2026-10-04T00:00:00.000',
      storedBy: 'relais',
      lastUpdatedBy: 'relais',
      lastUpdated: '2026-10-04T00:00:00.000',
      completed: true,
    })
    expect(onTime(reg!.date, '2026-09-30')).toBe(true)
  })

  it('re-POSTed on 10 October without a date → overwritten with now: the report becomes late (DHIS2 behaviour, kept)', async () => {
    const r = await postRegs([{ dataSet: DS, period: '202609', organisationUnit: rc1() }], { as: 'relais' })
    expect(r.status).toBe(200)
    expect(r.body.response.importCount).toEqual({ imported: 0, updated: 1, ignored: 0, deleted: 0 })
    const [reg] = await getRegs('202609')
    expect(reg!.date).toMatch(/^2026-10-10T11:\d{2}:\d{2}\.\d{3}$/) // now, in Porto-Novo time
    expect(reg!.lastUpdated).toBe(reg!.date)
    expect(onTime(reg!.date, '2026-09-30')).toBe(false)
  })

  it('a back-dated date back-dates lastUpdated too; completed=false keeps the row un-completed', async () => {
    await postRegs(
      [{ dataSet: DS, period: '202609', organisationUnit: rc1(), date: '2026-10-02T09:15:00', completed: false }],
      { as: 'relais' },
    )
    const [reg] = await getRegs('202609')
    expect(reg).toMatchObject({
      date: '2026-10-02T09:15:00.000',
      lastUpdated: '2026-10-02T09:15:00.000',
      completed: false,
    })
  })

  it('dryRun counts and stores nothing', async () => {
    const before = await getRegs('202609')
    const r = await postRegs([{ dataSet: DS, period: '202609', organisationUnit: rc1(), date: '2026-10-09' }], {
      query: 'dryRun=true',
    })
    expect(r.body.response.importCount.updated).toBe(1)
    expect(await getRegs('202609')).toEqual(before)
  })

  it.each([
    {
      name: 'empty body → 409 ERROR (every registration ignored, none sent)',
      items: undefined,
      prefix: '/api',
      status: 409,
    },
    {
      name: 'empty body on /api/37/ → bare ImportSummary ERROR with 200',
      items: undefined,
      prefix: '/api/37',
      status: 200,
    },
  ])('$name', async ({ items, prefix, status }) => {
    const r = await postRegs(items, { prefix })
    expect(r.status).toBe(status)
    const summary = prefix === '/api' ? r.body.response : r.body
    if (prefix === '/api')
      expect(r.body).toMatchObject({
        httpStatusCode: 409,
        status: 'ERROR',
        message: 'An error occurred, please check import summary.',
      })
    expect(summary).toEqual({
      responseType: 'ImportSummary',
      status: 'ERROR',
      description: 'Import process complete.',
      importCount: { imported: 0, updated: 0, ignored: 0, deleted: 0 },
    })
  })

  it.each([
    {
      name: 'unknown data set',
      item: () => ({ dataSet: 'Xnope000000', period: '202609', organisationUnit: rc1() }),
      conflict: () => ({ object: 'Xnope000000', value: 'Data set not found or not accessible' }),
    },
    {
      name: 'invalid period',
      item: () => ({ dataSet: DS, period: '2026-13', organisationUnit: rc1() }),
      conflict: () => ({ object: '2026-13', value: 'Period not valid' }),
    },
    {
      name: 'unknown org unit',
      item: () => ({ dataSet: DS, period: '202609', organisationUnit: 'Xnope000000' }),
      conflict: () => ({ object: 'Xnope000000', value: 'Organisation unit not found or not accessible' }),
    },
    {
      name: 'org unit outside the user hierarchy',
      item: () => ({ dataSet: DS, period: '202609', organisationUnit: rcOther() }),
      conflict: () => ({ object: rcOther(), value: 'Organisation unit is not in hierarchy of user: relais' }),
    },
  ])('informal conflict: $name (status ERROR when everything is ignored)', async ({ item, conflict }) => {
    const r = await postRegs([item()], { as: 'relais' })
    expect(r.status).toBe(409)
    expect(r.body.response).toMatchObject({
      status: 'ERROR',
      importCount: { imported: 0, updated: 0, ignored: 1, deleted: 0 },
      conflicts: [conflict()],
    })
  })

  it('one good and one bad registration → SUCCESS (200) with the conflict listed', async () => {
    const r = await postRegs([
      { dataSet: DS, period: '202508', organisationUnit: rc1(), date: '2025-09-03' },
      { dataSet: 'Xnope000000', period: '202508', organisationUnit: rc1() },
    ])
    expect(r.status).toBe(200)
    expect(r.body.response).toMatchObject({
      status: 'SUCCESS',
      importCount: { imported: 1, updated: 0, ignored: 1, deleted: 0 },
      conflicts: [{ object: 'Xnope000000', value: 'Data set not found or not accessible' }],
    })
  })

  it('an empty compulsory box: a conflict; the report is registered unless compulsoryFieldsCompleteOnly', async () => {
    const dataSet = c.standin.ctx.state.metadata.dataSets.find((d) => d.id === DS)!
    const before = { operands: dataSet.compulsoryDataElementOperands, only: dataSet.compulsoryFieldsCompleteOnly }
    dataSet.compulsoryDataElementOperands = [{ dataElement: { id: DE('RC_VAD') } }]
    try {
      const conflict = {
        object: 'dataElementOperand',
        value: expect.stringMatching(/needs to be filled\. It is compulsory\.$/),
      }
      let r = await postRegs([{ dataSet: DS, period: '202501', organisationUnit: rc1(), date: '2025-02-02' }])
      expect(r.body.response).toMatchObject({ importCount: { imported: 1 }, conflicts: [conflict] })
      dataSet.compulsoryFieldsCompleteOnly = true
      r = await postRegs([{ dataSet: DS, period: '202412', organisationUnit: rc1(), date: '2025-01-02' }])
      expect(r.body.response).toMatchObject({ importCount: { imported: 0, ignored: 1 }, conflicts: [conflict] })
      expect(await getRegs('202412')).toEqual([])
    } finally {
      dataSet.compulsoryDataElementOperands = before.operands
      dataSet.compulsoryFieldsCompleteOnly = before.only
    }
  })

  it('importStrategy=DELETE removes; DELETE ?ds&pe&ou removes → 204', async () => {
    let r = await postRegs([{ dataSet: DS, period: '202508', organisationUnit: rc1() }], {
      query: 'importStrategy=DELETE',
    })
    expect(r.body.response.importCount).toEqual({ imported: 0, updated: 0, ignored: 0, deleted: 1 })
    expect(await getRegs('202508')).toEqual([])
    await postRegs([{ dataSet: DS, period: '202507', organisationUnit: rc1(), date: '2025-08-02' }])
    r = await c.call('DELETE', `/api/completeDataSetRegistrations?ds=${DS}&pe=202507&ou=${rc1()}`)
    expect(r.status).toBe(204)
    expect(await getRegs('202507')).toEqual([])
  })

  it('async=true runs a job whose summary is polled', async () => {
    const r = await postRegs([{ dataSet: DS, period: '202506', organisationUnit: rc1(), date: '2025-07-01' }], {
      query: 'async=true',
    })
    expect(r.status).toBe(200)
    const id = r.body.response.id as string
    let summary: Record<string, unknown> = {}
    for (let i = 0; i < 50 && !summary.status; i++) {
      summary = (await c.call('GET', `/api/system/taskSummaries/COMPLETE_DATA_SET_REGISTRATION_IMPORT/${id}`)).body
      if (!summary.status) await new Promise((resolve) => setTimeout(resolve, 20))
    }
    expect(summary).toMatchObject({ status: 'SUCCESS', importCount: { imported: 1 } })
  })
})

describe('GET /api/completeDataSetRegistrations errors (409 + errorCode)', () => {
  it.each([
    {
      name: 'no data set',
      query: () => `period=202609&orgUnit=${rc1()}`,
      code: 'E2013',
      message: 'At least one data set must be specified',
    },
    {
      name: 'no period',
      query: () => `dataSet=${DS}&orgUnit=${rc1()}`,
      code: 'E2002',
      message: 'At least one period, start/end dates, last updated or last updated duration must be specified',
    },
    {
      name: 'no org unit',
      query: () => `dataSet=${DS}&period=202609`,
      code: 'E2006',
      message: 'At least one organisation unit or organisation unit group must be specified',
    },
    {
      name: 'outside the hierarchy',
      query: () => `dataSet=${DS}&period=202609&orgUnit=${rcOther()}`,
      as: 'relais',
      code: 'E2012',
      message: `User is not allowed to view org unit: \`{OU}\``,
    },
  ])('$code: $name', async ({ query, as, code, message }) => {
    const r = await c.call('GET', `/api/completeDataSetRegistrations?${query()}`, { as: as ?? 'admin' })
    expect(r.status).toBe(409)
    expect(r.body).toEqual({
      httpStatus: 'Conflict',
      httpStatusCode: 409,
      status: 'ERROR',
      message: message.replace('{OU}', rcOther()),
      errorCode: code,
    })
  })

  it('children=true lists the registrations below a zone', async () => {
    const zone = c.standin.ctx.index.usersByUsername.get('superviseur')!.organisationUnits[0]!.id
    const r = await c.call(
      'GET',
      `/api/completeDataSetRegistrations?dataSet=${DS}&startDate=2026-01-01&endDate=2026-08-31&orgUnit=${zone}&children=true`,
      { as: 'superviseur' },
    )
    expect(r.status).toBe(200)
    expect(r.body.completeDataSetRegistrations.length).toBeGreaterThan(0)
    for (const reg of r.body.completeDataSetRegistrations)
      expect(reg.period >= '202601' && reg.period <= '202608').toBe(true)
  })
})

describe('dataValueSets completeDate registers completion (web-api §2.2)', () => {
  const payload = (completeDate: unknown, extra: Record<string, unknown> = {}) => ({
    dataSet: DS,
    period: '202509',
    orgUnit: rc1(),
    completeDate,
    dataValues: [{ dataElement: DE('RC_VAD'), value: '20' }],
    ...extra,
  })

  it.each([
    { name: 'a date', completeDate: '2025-10-03', expected: '2025-10-03' },
    { name: '"true" → today', completeDate: 'true', expected: '2026-10-10' },
    { name: 'a future date → today', completeDate: '2027-01-01', expected: '2026-10-10' },
  ])('$name', async ({ completeDate, expected }) => {
    const r = await c.call('POST', '/api/dataValueSets', { body: payload(completeDate) })
    expect(r.status).toBe(200)
    expect(r.body.response.dataSetComplete).toBe(expected)
    const [reg] = await getRegs('202509')
    expect(reg).toMatchObject({ date: `${expected}T00:00:00.000`, storedBy: 'admin', completed: true })
    // Here lastUpdated is the time of the import, not the completion date (handleComplete).
    expect(reg!.lastUpdated).toMatch(/^2026-10-10T11:/)
  })

  it('"false", or no data set → dataSetComplete "false" and nothing registered', async () => {
    let r = await c.call('POST', '/api/dataValueSets', { body: payload('false', { period: '202505' }) })
    expect(r.body.response.dataSetComplete).toBe('false')
    r = await c.call('POST', '/api/dataValueSets', {
      body: payload('2025-06-02', { dataSet: undefined, period: '202505' }),
    })
    expect(r.body.response.dataSetComplete).toBe('false')
    expect(await getRegs('202505')).toEqual([])
  })

  it('without a payload org unit: informal conflict, WARNING, values still imported', async () => {
    const r = await c.call('POST', '/api/dataValueSets', {
      body: {
        dataSet: DS,
        period: '202504',
        completeDate: '2025-05-02',
        dataValues: [{ dataElement: DE('RC_VAD'), orgUnit: rc1(), value: '3' }],
      },
    })
    expect(r.status).toBe(409)
    expect(r.body.response).toMatchObject({
      status: 'WARNING',
      importCount: { imported: 1 },
      conflicts: [{ object: 'OrganisationUnit', value: 'Must be provided to complete data set' }],
      dataSetComplete: 'false',
    })
  })

  it('dryRun reports the completion and registers nothing', async () => {
    const r = await c.call('POST', '/api/dataValueSets?dryRun=true', {
      body: payload('2025-04-04', { period: '202503' }),
    })
    expect(r.body.response.dataSetComplete).toBe('2025-04-04')
    expect(await getRegs('202503')).toEqual([])
  })
})
