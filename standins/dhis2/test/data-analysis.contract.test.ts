/**
 * Validation rule analysis and follow-up as core@2.41 serves them: `POST /api/dataAnalysis/validationRules`
 * (DataAnalysisController, DataValidationRunner, ValidationResultView), `GET /api/validationResults` after
 * `persist`, `GET /api/dataAnalysis/followup` (DefaultFollowupAnalysisService, FollowupValueManager),
 * `POST /api/dataAnalysis/followup/mark`, `PUT /api/dataValues/followup[s]` (DataValueController, DataValidator).
 *
 * Data (package rules, all `left ≤ right`, left SKIP_IF_ALL_VALUES_MISSING, right NEVER_SKIP):
 * RC1 202609 TDR_POS 12 / TDR 10 → VR_TDR_POS broken (12 > 10); RC2 202609 TDR_POS 3, no TDR → broken (3 > 0);
 * RC3 202609 TDR 5, no TDR_POS → nothing to check; RC1 202608 CTA 7 / TDR_POS 5 / TDR 20 → VR_CTA broken;
 * RC1 202609 AUTOTEST M 5 + F 4 ≤ SENS 4 + 6 + 3 → holds.
 */
import { relaisPackage } from '@relais/metadata'
import { startWorld, de, coc, DEFAULT, DS, type World } from './analytics-fixture'

let w: World
const rule = (code: string) => relaisPackage().validationRules.find((r) => r.code === code)?.id ?? ''
const GROUP = relaisPackage().validationRuleGroups[0]?.id ?? ''

beforeAll(async () => {
  w = await startWorld()
  w.put('RC_PALU_TDR_POS', '202609', w.RC1, '12')
  w.put('RC_PALU_TDR', '202609', w.RC1, '10')
  w.put('RC_PALU_TDR_POS', '202609', w.RC2, '3')
  w.put('RC_PALU_TDR', '202609', w.RC3, '5')
  w.put('RC_PALU_CTA_24H', '202608', w.RC1, '7')
  w.put('RC_PALU_TDR_POS', '202608', w.RC1, '5')
  w.put('RC_PALU_TDR', '202608', w.RC1, '20')
  w.put('RC_VIH_AUTOTEST', '202609', w.RC1, '5', { coc: 'M' })
  w.put('RC_VIH_AUTOTEST', '202609', w.RC1, '4', { coc: 'F' })
  w.put('RC_VIH_SENS', '202609', w.RC1, '4', { coc: 'M_A_15_24' })
  w.put('RC_VIH_SENS', '202609', w.RC1, '6', { coc: 'F_A_15_24' })
  w.put('RC_VIH_SENS', '202609', w.RC1, '3', { coc: 'F_A_25PLUS' })
})
afterAll(() => w.c.close())

const analyse = (body: unknown, as = 'admin') => w.c.call('POST', '/api/dataAnalysis/validationRules', { body, as })
const key = (v: { validationRuleId: string; organisationUnitId: string; periodId: string }) =>
  `${v.validationRuleId} ${v.organisationUnitId} ${v.periodId}`

describe('POST /api/dataAnalysis/validationRules', () => {
  it('lists the violations under ou with ValidationResultView’s fields, by period', async () => {
    const res = await analyse({ ou: w.BJ, startDate: '2026-01-01', endDate: '2026-12-31' })
    expect(res.status).toBe(200)
    expect(res.body.map(key).sort()).toEqual(
      [
        `${rule('VR_CTA')} ${w.RC1} 202608`,
        `${rule('VR_TDR_POS')} ${w.RC1} 202609`,
        `${rule('VR_TDR_POS')} ${w.RC2} 202609`,
      ].sort(),
    )
    expect(res.body[0].periodId).toBe('202608')
    const rc1 = w.ou('RC-AQ-00001')
    const names = rc1.path
      .split('/')
      .filter(Boolean)
      .slice(0, -1)
      .map((id) => w.c.standin.ctx.state.metadata.organisationUnits.find((o) => o.id === id)?.name)
    const tdr = res.body.find(
      (v: { periodId: string; organisationUnitId: string }) =>
        v.periodId === '202609' && v.organisationUnitId === w.RC1,
    )
    expect(tdr).toEqual({
      validationRuleId: rule('VR_TDR_POS'),
      organisationUnitId: w.RC1,
      organisationUnitDisplayName: rc1.name,
      organisationUnitPath: rc1.path,
      organisationUnitAncestorNames: names.map((n) => `${n} / `).join(''),
      periodId: '202609',
      periodDisplayName: 'September 2026',
      attributeOptionComboId: DEFAULT,
      attributeOptionComboDisplayName: 'default',
      importance: 'HIGH',
      leftSideValue: 12,
      operator: '<=',
      rightSideValue: 10,
    })
    // A missing right side (NEVER_SKIP) counts 0.
    const rc2 = res.body.find((v: { organisationUnitId: string }) => v.organisationUnitId === w.RC2)
    expect([rc2.leftSideValue, rc2.rightSideValue]).toEqual([3, 0])
  })

  it('keeps to the sub-tree, the dates, the group and maxResults', async () => {
    const zoneB = await analyse({ ou: w.ZONE_B, startDate: '2026-01-01', endDate: '2026-12-31' })
    expect(zoneB.body).toEqual([])
    const september = await analyse({ ou: w.BJ, startDate: '2026-09-01', endDate: '2026-09-30' })
    expect(september.body.map((v: { periodId: string }) => v.periodId)).toEqual(['202609', '202609'])
    // A period must lie inside the dates: September does not end by the 29th.
    expect((await analyse({ ou: w.BJ, startDate: '2026-09-01', endDate: '2026-09-29' })).body).toEqual([])
    expect((await analyse({ ou: w.BJ, vrg: GROUP, startDate: '2026-01-01', endDate: '2026-12-31' })).body).toHaveLength(
      3,
    )
    // A group that does not exist is no group: every rule runs.
    expect(
      (await analyse({ ou: w.BJ, vrg: 'noSuchGroup', startDate: '2026-01-01', endDate: '2026-12-31' })).body,
    ).toHaveLength(3)
    const one = await analyse({ ou: w.BJ, startDate: '2026-01-01', endDate: '2026-12-31', maxResults: 1 })
    expect(one.body.map((v: { periodId: string }) => v.periodId)).toEqual(['202608'])
  })

  it('refuses as DHIS2 does; unparsable dates find nothing', async () => {
    const noOu = await analyse({ ou: 'nowhere', startDate: '2026-01-01', endDate: '2026-12-31' })
    expect([noOu.status, noOu.body.message]).toEqual([400, 'No organisation unit defined'])
    const missing = await analyse({ startDate: '2026-01-01', endDate: '2026-12-31' })
    expect(missing.status).toBe(400)
    for (const maxResults of [0, 501]) {
      const res = await analyse({ ou: w.BJ, startDate: '2026-01-01', endDate: '2026-12-31', maxResults })
      expect([res.status, res.body.message]).toEqual([
        400,
        'Max results must be greater than 0 and less than or equal to 500',
      ])
    }
    const bad = await analyse({ ou: w.BJ, startDate: '01/01/2026', endDate: '2026-12-31' })
    expect([bad.status, bad.body]).toEqual([200, []])
    const wrongType = await analyse({ ou: w.BJ, startDate: '2026-01-01', endDate: '2026-12-31', maxResults: 'many' })
    expect(wrongType.status).toBe(400)
    const notJson = await w.c.call('POST', '/api/dataAnalysis/validationRules', {
      body: '{"ou":',
      headers: { 'Content-Type': 'application/json' },
    })
    expect(notJson.status).toBe(400)
    expect((await analyse({ ou: w.BJ, startDate: '2026-01-01', endDate: '2026-12-31' }, 'relais')).status).toBe(403)
  })

  it('persist keeps the results for GET /api/validationResults, once each', async () => {
    expect((await w.c.call('GET', '/api/validationResults')).body.validationResults).toEqual([])
    for (let i = 0; i < 2; i++)
      await analyse({ ou: w.BJ, startDate: '2026-01-01', endDate: '2026-12-31', persist: true, notification: true })
    const all = await w.c.call('GET', '/api/validationResults')
    expect(all.body.pager).toEqual({ page: 1, pageCount: 1, total: 3, pageSize: 50 })
    const one = await w.c.call('GET', `/api/validationResults?ou=${w.RC2}`)
    expect(one.body.validationResults).toEqual([
      {
        id: expect.any(Number),
        created: expect.any(String),
        validationRule: { id: rule('VR_TDR_POS') },
        period: { id: '202609' },
        organisationUnit: { id: w.RC2 },
        attributeOptionCombo: { id: DEFAULT },
        leftsideValue: 3,
        rightsideValue: 0,
        dayInPeriod: 30,
        notificationSent: false,
      },
    ])
  })
})

describe('follow-up', () => {
  const value = { dataElement: de('RC_PALU_TDR'), period: '202609', orgUnit: '' }
  beforeAll(() => {
    value.orgUnit = w.RC1
  })
  const followup = (query: string, as = 'admin') => w.c.call('GET', `/api/dataAnalysis/followup?${query}`, { as })

  it('PUT /api/dataValues/followup marks a value; the follow-up analysis lists it; unmarking removes it', async () => {
    const before = w.c.standin.ctx.state.dataValues.get({
      dataElement: value.dataElement,
      period: '202609',
      orgUnit: w.RC1,
      categoryOptionCombo: DEFAULT,
      attributeOptionCombo: DEFAULT,
    })
    const marked = await w.c.call('PUT', '/api/dataValues/followup', { body: { ...value, followup: true } })
    expect([marked.status, marked.body]).toEqual([200, undefined])
    const res = await followup(`ou=${w.BJ}&ds=${DS}&startDate=2026-01-01&endDate=2026-12-31`)
    expect(res.status).toBe(200)
    expect(res.body.metadata).toMatchObject({
      ou: [w.BJ],
      startDate: '2026-01-01T00:00:00.000',
      endDate: '2026-12-31T00:00:00.000',
      maxResults: 50,
    })
    expect(res.body.metadata.de).toContain(de('RC_PALU_TDR'))
    expect(res.body.metadata.de).not.toContain(de('RC_DIFFICULTES'))
    expect(res.body.metadata.coc).toContain(DEFAULT)
    expect(res.body.followupValues).toEqual([
      {
        de: de('RC_PALU_TDR'),
        deName: expect.any(String),
        peType: 'Monthly',
        peStartDate: '2026-09-01T00:00:00.000',
        peEndDate: '2026-09-30T00:00:00.000',
        peName: 'September 2026',
        ou: w.RC1,
        ouName: w.ou('RC-AQ-00001').name,
        ouPath: w.ou('RC-AQ-00001').path,
        coc: DEFAULT,
        cocName: 'default',
        aoc: DEFAULT,
        aocName: 'default',
        value: '10',
        storedBy: 'test',
        lastUpdated: expect.any(String),
        created: before?.created,
        pe: '202609',
      },
    ])
    expect(res.body.followupValues[0].lastUpdated > (before?.lastUpdated ?? '')).toBe(true)
    // By period, by data element, by option combo, and outside the sub-tree.
    expect((await followup(`ou=${w.RC1}&de=${de('RC_PALU_TDR')}&pe=202609`)).body.followupValues).toHaveLength(1)
    expect((await followup(`ou=${w.RC1}&de=${de('RC_PALU_TDR')}&pe=202608`)).body.followupValues).toHaveLength(0)
    expect(
      (await followup(`ou=${w.RC1}&de=${de('RC_PALU_TDR')}&coc=${coc('M')}&pe=202609`)).body.followupValues,
    ).toEqual([])
    expect((await followup(`ou=${w.ZONE_B}&ds=${DS}&pe=2026`)).body.followupValues).toEqual([])

    const unmarked = await w.c.call('PUT', '/api/dataValues/followup', { body: { ...value, followup: false } })
    expect(unmarked.status).toBe(200)
    expect((await followup(`ou=${w.BJ}&ds=${DS}&pe=2026`)).body.followupValues).toEqual([])
  })

  it('PUT /api/dataValues/followups marks several; maxResults caps the list', async () => {
    const values = [
      { ...value, followup: true },
      { dataElement: de('RC_PALU_TDR_POS'), period: '202609', orgUnit: w.RC2, followup: true },
    ]
    expect((await w.c.call('PUT', '/api/dataValues/followups', { body: { values } })).status).toBe(200)
    expect((await followup(`ou=${w.BJ}&ds=${DS}&pe=2026`)).body.followupValues).toHaveLength(2)
    const capped = await followup(`ou=${w.BJ}&ds=${DS}&pe=2026&maxResults=1`)
    expect(capped.body.followupValues).toHaveLength(1)
    await w.c.call('PUT', '/api/dataValues/followups', {
      body: { values: values.map((v) => ({ ...v, followup: false })) },
    })
  })

  it('refuses the follow-up analysis as DefaultFollowupAnalysisService.validate does', async () => {
    const conflict = async (query: string, code: string, message: string) => {
      const res = await followup(query)
      expect([res.status, res.body.errorCode, res.body.message]).toEqual([409, code, message])
    }
    await conflict(`ou=${w.BJ}&pe=2026`, 'E2300', 'At least one data element or data set must be specified')
    await conflict(`ds=${DS}&pe=2026`, 'E2203', 'At least one organisation unit must be specified')
    await conflict(
      `ds=${DS}&ou=${w.BJ}&startDate=2026-01-01`,
      'E2301',
      'Start date and end date must be specified directly or indirectly by specifying a period',
    )
    // Equal dates: the start is not *before* the end.
    await conflict(
      `ds=${DS}&ou=${w.BJ}&startDate=2026-01-01&endDate=2026-01-01`,
      'E2202',
      'Start date must be before end date',
    )
    await conflict(`ds=${DS}&ou=${w.BJ}&pe=2026&maxResults=0`, 'E2205', 'Max results must be a positive number')
    await conflict(
      `ds=${DS}&ou=${w.BJ}&pe=2026&maxResults=10001`,
      'E2206',
      'Max results exceeds the allowed max limit: `10,000`',
    )
    const notInt = await followup(`ds=${DS}&ou=${w.BJ}&pe=2026&maxResults=ten`)
    expect([notInt.status, notInt.body.message]).toEqual([
      400,
      "Value 'ten' is not valid for parameter maxResults. It should be of type int",
    ])
    expect((await followup(`ds=${DS}&ou=${w.BJ}&pe=2026`, 'relais')).status).toBe(403)
  })

  it('refuses a follow-up change as DataValidator does', async () => {
    const put = async (body: unknown, as = 'admin') => w.c.call('PUT', '/api/dataValues/followup', { body, as })
    const expectConflict = async (body: unknown, code: string, as?: string) => {
      const res = await put(body, as)
      expect([res.status, res.body.errorCode]).toEqual([409, code])
    }
    await expectConflict(value, 'E2033')
    await expectConflict({ ...value, dataElement: 'noSuchElem1', followup: true }, 'E1100')
    await expectConflict({ ...value, orgUnit: 'noSuchUnit1', followup: true }, 'E1102')
    await expectConflict({ ...value, categoryOptionCombo: 'noSuchCoc11', followup: true }, 'E1103')
    await expectConflict({ ...value, period: '202607', followup: true }, 'E2032')
    await expectConflict({ ...value, period: 'notAPeriod', followup: true }, 'E2032')
    // The RC `relais` may mark their own values, not another RC's.
    const own = w.ou('RC-AQ-00001')
    const relais = w.c.standin.ctx.state.users.find((u) => u.username === 'relais')
    expect(relais?.organisationUnits[0]?.id).toBe(own.id)
    await expectConflict(
      { dataElement: de('RC_PALU_TDR_POS'), period: '202609', orgUnit: w.RC2, followup: true },
      'E2020',
      'relais',
    )
    expect((await put({ ...value, followup: true }, 'relais')).status).toBe(200)
    await put({ ...value, followup: false }, 'relais')
    const bulkEmpty = await w.c.call('PUT', '/api/dataValues/followups', { body: { values: [] } })
    expect([bulkEmpty.status, bulkEmpty.body.errorCode]).toEqual([409, 'E2033'])
    const wrongType = await put({ ...value, followup: 'perhaps' })
    expect(wrongType.status).toBe(400)
  })

  it('POST /api/dataAnalysis/followup/mark takes internal ids: accepted, nothing the stand-in can match', async () => {
    const body = {
      followups: [
        {
          dataElementId: 1,
          periodId: 2,
          organisationUnitId: 3,
          categoryOptionComboId: 4,
          attributeOptionComboId: 5,
          followup: true,
        },
      ],
    }
    expect((await w.c.call('POST', '/api/dataAnalysis/followup/mark', { body })).status).toBe(204)
    const uids = { followups: [{ dataElementId: de('RC_PALU_TDR'), followup: true }] }
    expect((await w.c.call('POST', '/api/dataAnalysis/followup/mark', { body: uids })).status).toBe(400)
  })
})
