/**
 * The « national » seed (seed/national.ts): a second DHIS2 playing the national HMIS, with its own codes. What the
 * national push relies on, checked against DHIS2's documented behaviour (dhis2-web-api.md §dataValueSets,
 * dhis2-analytics.md): an import by code (`idScheme=CODE`), DHIS2's dry run, E7612 for an org unit it does not
 * hold, the read back with `inputIdScheme`/`idScheme=CODE` and comma-separated org units; and, on the programme's
 * stand-in, analytics' `outputIdScheme=CODE` naming dx and ou items by code while the `co` dimension keeps UIDs.
 */
import { NATIONAL_MISSING_ZONE } from '../src/seed/national'
import { runAnalyticsTables } from '../src/analytics/tables'
import { startStandin, type Client } from './support'

const NOW = '2026-11-20T10:00:00Z'
let national: Client

beforeAll(async () => {
  national = await startStandin({ seed: 'national', now: NOW })
})
afterAll(() => national?.close())

const value = (orgUnit: string, dataElement: string, categoryOptionCombo: string, v: string) => ({
  dataElement,
  period: '202610',
  orgUnit,
  categoryOptionCombo,
  value: v,
})

test('its own metadata: the national data set, elements and zones by code; no programme object', async () => {
  const sets = await national.call('GET', '/api/dataSets?fields=code,periodType,dataSetElements&paging=false')
  expect(sets.body.dataSets).toEqual([expect.objectContaining({ code: 'SNIGS_SC_MENSUEL', periodType: 'Monthly' })])
  const zones = await national.call('GET', '/api/organisationUnits?filter=level:eq:3&fields=code&paging=false')
  const codes = zones.body.organisationUnits.map((o: { code: string }) => o.code)
  expect(codes).toContain('SNIGS-ZS-AQ01')
  expect(codes).not.toContain(NATIONAL_MISSING_ZONE)
  const programme = await national.call('GET', '/api/dataElements?filter=code:eq:RC_VAD&fields=id')
  expect(programme.body.dataElements).toEqual([])
})

test('an import by code, its dry run, E7612 for a zone it does not hold, and the read back by code', async () => {
  const body = {
    dataSet: 'SNIGS_SC_MENSUEL',
    dataValues: [
      value('SNIGS-ZS-AQ01', 'SNIGS_SC_VAD', 'default', '12'),
      value('SNIGS-ZS-AQ02', 'SNIGS_SC_AUTOTEST_VIH', 'SNIGS_FEMININ', '4'),
      value(NATIONAL_MISSING_ZONE, 'SNIGS_SC_VAD', 'default', '3'),
    ],
  }
  const dry = await national.call('POST', '/api/dataValueSets?idScheme=CODE&dryRun=true', { body })
  expect(dry.status).toBe(409)
  expect(dry.body.response).toMatchObject({ status: 'WARNING', importCount: { imported: 2, ignored: 1 } })
  expect(national.standin.ctx.state.dataValues.size).toBe(0)

  const real = await national.call('POST', '/api/dataValueSets?idScheme=CODE', { body })
  expect(real.body.response.conflicts).toEqual([
    expect.objectContaining({
      errorCode: 'E7612',
      indexes: [2],
      value: `Organisation unit not found or not accessible: \`${NATIONAL_MISSING_ZONE}\``,
    }),
  ])
  const back = await national.call(
    'GET',
    `/api/dataValueSets.json?dataSet=SNIGS_SC_MENSUEL&period=202610&orgUnit=SNIGS-ZS-AQ01,SNIGS-ZS-AQ02,${NATIONAL_MISSING_ZONE}&inputIdScheme=CODE&idScheme=CODE`,
  )
  expect(back.status).toBe(200)
  expect(
    back.body.dataValues.map((v: Record<string, string>) => [v.orgUnit, v.dataElement, v.categoryOptionCombo, v.value]),
  ).toEqual(
    expect.arrayContaining([
      ['SNIGS-ZS-AQ01', 'SNIGS_SC_VAD', 'default', '12'],
      ['SNIGS-ZS-AQ02', 'SNIGS_SC_AUTOTEST_VIH', 'SNIGS_FEMININ', '4'],
    ]),
  )
  expect(back.body.dataValues).toHaveLength(2)
})

test("the programme's analytics by zone: dx and ou as codes with outputIdScheme=CODE, co kept as UIDs", async () => {
  const programme = await startStandin({ seed: 'small', now: NOW, months: 2 })
  try {
    await runAnalyticsTables(programme.standin.ctx, {})
    const de = await programme.call('GET', '/api/dataElements?filter=code:eq:RC_VIH_AUTOTEST&fields=id')
    const res = await programme.call(
      'GET',
      `/api/analytics?dimension=dx:${de.body.dataElements[0].id}&dimension=co&dimension=pe:202610&dimension=ou:LEVEL-3&outputIdScheme=CODE`,
    )
    expect(res.status).toBe(200)
    const row = res.body.rows[0] as string[]
    expect(row[0]).toBe('RC_VIH_AUTOTEST')
    expect(row[1]).toMatch(/^[A-Za-z][A-Za-z0-9]{10}$/)
    expect(row[3]).toMatch(/^ZS-[A-Z]{2}-\d{2}$/)
  } finally {
    await programme.close()
  }
})
