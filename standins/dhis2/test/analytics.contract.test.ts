/**
 * GET /api/analytics — values and response shape (shared/reference/dhis2-analytics.md §1–§3), against
 * the real HTTP server and the exact data of analytics-fixture.ts. Every expected figure is computed by
 * hand in the comments.
 */
import { DEFAULT, DS, coc, de, ind, startWorld, writeCommonData, type World } from './analytics-fixture'

let w: World
beforeAll(async () => {
  w = await startWorld()
  writeCommonData(w)
  w.run()
})
afterAll(() => w.c.close())

const TDR = de('RC_PALU_TDR')
const SENS = de('RC_VIH_SENS')

describe('data element values', () => {
  const cases: { name: string; query: () => string; expected: () => Record<string, string> }[] = [
    {
      name: 'a month: the RC, its zone (RC1 30 + RC2 5) and its département (+ RC3 7)',
      query: () => `dimension=dx:${TDR}&dimension=pe:202609&dimension=ou:${w.RC1};${w.ZONE_A};${w.DEP}`,
      expected: () => ({
        [`${TDR}|202609|${w.RC1}`]: '30',
        [`${TDR}|202609|${w.ZONE_A}`]: '35',
        [`${TDR}|202609|${w.DEP}`]: '42',
      }),
    },
    {
      name: 'a quarter, a six-month and a year sum the months (10 + 20 + 30)',
      query: () => `dimension=dx:${TDR}&dimension=pe:2026Q3;2026S2;2026&dimension=ou:${w.RC1}`,
      expected: () => ({
        [`${TDR}|2026Q3|${w.RC1}`]: '60',
        [`${TDR}|2026S2|${w.RC1}`]: '60',
        [`${TDR}|2026|${w.RC1}`]: '60',
      }),
    },
    {
      name: 'no row without data (October), none for monthly data asked by week',
      query: () => `dimension=dx:${TDR}&dimension=pe:202610;2026W38&dimension=ou:${w.RC1}`,
      expected: () => ({}),
    },
    {
      name: 'an org-unit filter sums the union of its sub-trees once (RC1 inside zone A: 35, not 65)',
      query: () => `dimension=dx:${TDR}&dimension=pe:202609&filter=ou:${w.RC1};${w.ZONE_A}`,
      expected: () => ({ [`${TDR}|202609`]: '35' }),
    },
    {
      name: 'several periods as filter are summed (Jul + Aug + Sep)',
      query: () => `dimension=dx:${TDR}&dimension=ou:${w.RC1}&filter=pe:202607;202608;202609`,
      expected: () => ({ [`${TDR}|${w.RC1}`]: '60' }),
    },
    {
      name: 'a total over the COCs and one operand (4 + 6 + 3 = 13; F 15-24 = 6)',
      query: () => `dimension=dx:${SENS};${SENS}.${coc('F_A_15_24')}&dimension=pe:202609&filter=ou:${w.RC1}`,
      expected: () => ({ [`${SENS}|202609`]: '13', [`${SENS}.${coc('F_A_15_24')}|202609`]: '6' }),
    },
    {
      name: 'the co dimension splits a total by COC',
      query: () => `dimension=dx:${SENS}&dimension=co&dimension=pe:202609&filter=ou:${w.RC1}`,
      expected: () => ({
        [`${SENS}|${coc('M_A_15_24')}|202609`]: '4',
        [`${SENS}|${coc('F_A_15_24')}|202609`]: '6',
        [`${SENS}|${coc('F_A_25PLUS')}|202609`]: '3',
      }),
    },
    {
      name: 'booleans: true → 1, false → 0 (a row "0" for RC2)',
      query: () => `dimension=dx:${de('RC_RUPTURE')}&dimension=pe:202609&dimension=ou:${w.RC1};${w.RC2};${w.ZONE_A}`,
      expected: () => ({
        [`${de('RC_RUPTURE')}|202609|${w.RC1}`]: '1',
        [`${de('RC_RUPTURE')}|202609|${w.RC2}`]: '0',
        [`${de('RC_RUPTURE')}|202609|${w.ZONE_A}`]: '1',
      }),
    },
    {
      name: 'a stored "0" of a SUM element is not in the tables (RC2 has no TDR_POS row)',
      query: () => `dimension=dx:${de('RC_PALU_TDR_POS')}&dimension=pe:202609&dimension=ou:${w.RC1};${w.RC2}`,
      expected: () => ({ [`${de('RC_PALU_TDR_POS')}|202609|${w.RC1}`]: '12' }),
    },
    {
      name: 'weeks go wholly to the month of their Thursday (W36 → Sep, W39 → Sep, W40 → Oct)',
      query: () =>
        `dimension=dx:${de('RC_CAUSERIES')}&dimension=pe:202609;202610;2026Q3;2026Q4;2026W40&filter=ou:${w.RC1}`,
      expected: () => {
        const d = de('RC_CAUSERIES')
        return {
          [`${d}|202609`]: '5',
          [`${d}|202610`]: '4',
          [`${d}|2026Q3`]: '5',
          [`${d}|2026Q4`]: '4',
          [`${d}|2026W40`]: '4',
        }
      },
    },
    {
      name: 'coarser data of a SUM element gives no value (yearly RC_VAD asked by month)',
      query: () => `dimension=dx:${de('RC_VAD')}&dimension=pe:202609;2026&filter=ou:${w.RC1}`,
      expected: () => ({ [`${de('RC_VAD')}|2026`]: '100' }),
    },
    {
      name: 'AVERAGE_SUM_ORG_UNIT yearly targets are repeated in each month and quarter, summed over org units',
      query: () =>
        `dimension=dx:${de('RC_CIBLE_TDR')}&dimension=pe:202608;2026Q3;2026&dimension=ou:${w.RC1};${w.ZONE_A}`,
      expected: () => {
        const d = de('RC_CIBLE_TDR')
        return {
          [`${d}|202608|${w.RC1}`]: '120',
          [`${d}|2026Q3|${w.RC1}`]: '120',
          [`${d}|2026|${w.RC1}`]: '120',
          [`${d}|202608|${w.ZONE_A}`]: '360',
          [`${d}|2026Q3|${w.ZONE_A}`]: '360',
          [`${d}|2026|${w.ZONE_A}`]: '360',
        }
      },
    },
    {
      name: 'startDate/endDate instead of pe: the periods inside the range, no period column',
      query: () => `dimension=dx:${TDR}&dimension=ou:${w.RC1}&startDate=2026-07-01&endDate=2026-09-30`,
      expected: () => ({ [`${TDR}|${w.RC1}`]: '60' }),
    },
    {
      name: "aggregationType=COUNT overrides the element's type (3 values in the quarter)",
      query: () => `dimension=dx:${TDR}&dimension=pe:2026Q3&dimension=ou:${w.RC1}&aggregationType=COUNT`,
      expected: () => ({ [`${TDR}|2026Q3|${w.RC1}`]: '3' }),
    },
    {
      name: 'measureCriteria keeps the values that satisfy every criterion (GE:6;LT:30 → RC3 7 only)',
      query: () =>
        `dimension=dx:${TDR}&dimension=pe:202609&dimension=ou:${w.RC1};${w.RC2};${w.RC3}&measureCriteria=GE:6;LT:30`,
      expected: () => ({ [`${TDR}|202609|${w.RC3}`]: '7' }),
    },
    {
      name: 'several data elements as dx filter are summed, without a dx column (30 + 12)',
      query: () => `dimension=pe:202609&filter=dx:${TDR};${de('RC_PALU_TDR_POS')}&filter=ou:${w.RC1}`,
      expected: () => ({ '202609': '42' }),
    },
  ]
  test.each(cases)('$name', async ({ query, expected }) => {
    expect(await w.rows(query())).toEqual(expected())
  })
})

describe('indicators', () => {
  const POS = ind('IND_TDR_POS')
  const REAL = ind('IND_REAL_TDR')
  const cases: { name: string; query: () => string; expected: () => Record<string, string> }[] = [
    {
      name: 'TDR positivity: 12/30 → "40.0" (decimals 1 keep ".0"), zone 12/35 → "34.3", no row when the numerator is missing',
      query: () => `dimension=dx:${POS}&dimension=pe:202609&dimension=ou:${w.RC1};${w.RC2};${w.RC3};${w.ZONE_A}`,
      expected: () => ({ [`${POS}|202609|${w.RC1}`]: '40.0', [`${POS}|202609|${w.ZONE_A}`]: '34.3' }),
    },
    {
      name: 'target achievement: year to date ÷ (annual target × periodInYear ÷ yearlyPeriodCount)',
      // RC1: Aug 30/(120×8/12) = 37.5; Sep 60/90 = 66.7; Q3 60/(120×3/4) = 66.7; 2026 60/120 = 50.0.
      // Zone A: Aug 30/240 = 12.5; Sep 65/270 = 24.07; Q3 65/270; 2026 65/360 = 18.06.
      query: () => `dimension=dx:${REAL}&dimension=pe:202608;202609;2026Q3;2026&dimension=ou:${w.RC1};${w.ZONE_A}`,
      expected: () => ({
        [`${REAL}|202608|${w.RC1}`]: '37.5',
        [`${REAL}|202609|${w.RC1}`]: '66.7',
        [`${REAL}|2026Q3|${w.RC1}`]: '66.7',
        [`${REAL}|2026|${w.RC1}`]: '50.0',
        [`${REAL}|202608|${w.ZONE_A}`]: '12.5',
        [`${REAL}|202609|${w.ZONE_A}`]: '24.1',
        [`${REAL}|2026Q3|${w.ZONE_A}`]: '24.1',
        [`${REAL}|2026|${w.ZONE_A}`]: '18.1',
      }),
    },
    {
      name: 'no row when the denominator is missing (no target for RC3)',
      query: () => `dimension=dx:${REAL}&dimension=pe:202609&dimension=ou:${w.RC3}`,
      expected: () => ({}),
    },
    {
      name: 'completeness and timeliness indicators from R{ds.METRIC} (zone A: 2/2, 1/2; RC2: 1/1, 0/1)',
      query: () =>
        `dimension=dx:${ind('IND_COMPLETUDE')};${ind('IND_PROMPTITUDE')}&dimension=pe:202609&dimension=ou:${w.ZONE_A};${w.RC2}`,
      expected: () => ({
        [`${ind('IND_COMPLETUDE')}|202609|${w.ZONE_A}`]: '100.0',
        [`${ind('IND_PROMPTITUDE')}|202609|${w.ZONE_A}`]: '50.0',
        [`${ind('IND_COMPLETUDE')}|202609|${w.RC2}`]: '100.0',
        [`${ind('IND_PROMPTITUDE')}|202609|${w.RC2}`]: '0.0',
      }),
    },
    {
      name: 'a single indicator as dx filter: computed, its column dropped',
      query: () => `dimension=ou:${w.RC1};${w.ZONE_A}&filter=dx:${POS}&filter=pe:202609`,
      expected: () => ({ [w.RC1]: '40.0', [w.ZONE_A]: '34.3' }),
    },
  ]
  test.each(cases)('$name', async ({ query, expected }) => {
    expect(await w.rows(query())).toEqual(expected())
  })

  test('includeNumDen: numerator, denominator, factor rounded like the value; multiplier and divisor as integers', async () => {
    const { body } = await w.analytics(
      `dimension=dx:${POS};${TDR}&dimension=pe:202609&filter=ou:${w.ZONE_A}&includeNumDen=true`,
    )
    expect(body.headers.map((h: { name: string }) => h.name)).toEqual([
      'dx',
      'pe',
      'value',
      'numerator',
      'denominator',
      'factor',
      'multiplier',
      'divisor',
    ])
    expect(body.rows).toEqual([
      [POS, '202609', '34.3', '12.0', '35.0', '100.0', '100', '1'],
      [TDR, '202609', '35', '', '', '', '', ''],
    ])
  })

  test('skipRounding: 10 decimals, data elements as doubles', async () => {
    const { body } = await w.analytics(
      `dimension=dx:${POS};${TDR}&dimension=pe:202609&filter=ou:${w.ZONE_A}&skipRounding=true`,
    )
    expect(body.rows).toEqual([
      [POS, '202609', '34.2857142857'],
      [TDR, '202609', '35.0'],
    ])
  })
})

describe('org units', () => {
  test('LEVEL-n with a boundary: only the units at that level inside it', async () => {
    expect(await w.rows(`dimension=dx:${TDR}&dimension=pe:202609&dimension=ou:${w.ZONE_A};LEVEL-5`)).toEqual({
      [`${TDR}|202609|${w.RC1}`]: '30',
      [`${TDR}|202609|${w.RC2}`]: '5',
    })
  })

  test('LEVEL-3 without boundary: every zone with data; the level is a keyword item', async () => {
    const { body } = await w.analytics(`dimension=dx:${TDR}&dimension=pe:202609&dimension=ou:LEVEL-3`)
    const rows = Object.fromEntries(body.rows.map((r: string[]) => [r[2], r[3]]))
    expect(rows).toEqual({ [w.ZONE_A]: '35', [w.ZONE_B]: '7' })
    const level = w.c.standin.ctx.state.metadata.organisationUnitLevels.find((l) => l.level === 3)!
    expect(body.metaData.items[level.id]).toEqual({ uid: level.id, code: 'NIV_ZONE', name: 'Zone sanitaire' })
    expect(body.metaData.dimensions.ou.length).toBe(
      w.c.standin.ctx.state.metadata.organisationUnits.filter((o) => o.level === 3).length,
    )
  })

  test('OU_GROUP-x inside a boundary lists the active RC as rows', async () => {
    const group = w.c.standin.ctx.state.metadata.organisationUnitGroups[0]!.id
    expect(await w.rows(`dimension=dx:${TDR}&dimension=pe:202609&dimension=ou:OU_GROUP-${group};${w.ZONE_A}`)).toEqual({
      [`${TDR}|202609|${w.RC1}`]: '30',
      [`${TDR}|202609|${w.RC2}`]: '5',
    })
  })

  test('USER_ORGUNIT, _CHILDREN, _GRANDCHILDREN of a zone supervisor, with the 2.41 metaData items', async () => {
    const { body } = await w.analytics(
      `dimension=dx:${TDR}&dimension=pe:202609&dimension=ou:USER_ORGUNIT;USER_ORGUNIT_CHILDREN;USER_ORGUNIT_GRANDCHILDREN`,
      'superviseur',
    )
    const rows = Object.fromEntries(body.rows.map((r: string[]) => [r[2], r[3]]))
    expect(rows).toEqual({ [w.ZONE_A]: '35', [w.AIRE_A]: '35', [w.RC1]: '30', [w.RC2]: '5' })
    expect(body.metaData.items.USER_ORGUNIT).toEqual({ organisationUnits: [w.ZONE_A] })
    expect(body.metaData.items.USER_ORGUNIT_CHILDREN).toEqual({ organisationUnits: [w.AIRE_A] })
    expect(body.metaData.items.USER_ORGUNIT_GRANDCHILDREN.organisationUnits.sort()).toEqual([w.RC1, w.RC2].sort())
  })

  test("without ou, the user's data-view org units are the filter", async () => {
    const { body } = await w.analytics(`dimension=dx:${TDR}&dimension=pe:202609`, 'superviseur')
    expect(body.rows).toEqual([[TDR, '202609', '35']])
    expect(body.metaData.dimensions.ou).toEqual([w.ZONE_A])
  })
})

describe('response', () => {
  test('headers: dx, co, ao first, then request order; then value', async () => {
    const { body } = await w.analytics(`dimension=ou:${w.RC1}&dimension=pe:202609&dimension=co&dimension=dx:${SENS}`)
    expect(body.headers).toEqual([
      { name: 'dx', column: 'Data', valueType: 'TEXT', type: 'java.lang.String', hidden: false, meta: true },
      {
        name: 'co',
        column: 'Category option combo',
        valueType: 'TEXT',
        type: 'java.lang.String',
        hidden: false,
        meta: true,
      },
      {
        name: 'ou',
        column: 'Organisation unit',
        valueType: 'TEXT',
        type: 'java.lang.String',
        hidden: false,
        meta: true,
      },
      { name: 'pe', column: 'Period', valueType: 'TEXT', type: 'java.lang.String', hidden: false, meta: true },
      { name: 'value', column: 'Value', valueType: 'NUMBER', type: 'java.lang.Double', hidden: false, meta: false },
    ])
    expect(body.rows).toContainEqual([SENS, coc('F_A_15_24'), w.RC1, '202609', '6'])
  })

  test('the envelope: rowContext {}, height, width, headerWidth; no rows → width 0, headers kept', async () => {
    const some = await w.analytics(`dimension=dx:${TDR}&dimension=pe:202609&dimension=ou:${w.RC1}`)
    expect(Object.keys(some.body)).toEqual([
      'headers',
      'metaData',
      'rowContext',
      'rows',
      'height',
      'width',
      'headerWidth',
    ])
    expect(some.body).toMatchObject({
      rowContext: {},
      rows: [[TDR, '202609', w.RC1, '30']],
      height: 1,
      width: 4,
      headerWidth: 4,
    })
    const none = await w.analytics(`dimension=dx:${TDR}&dimension=pe:202512&dimension=ou:${w.RC1}`)
    expect(none.body).toMatchObject({ rows: [], height: 0, width: 0, headerWidth: 4 })
  })

  test('metaData: names in the user locale, period and relative-period names, dimensions with filters and co', async () => {
    const { body } = await w.analytics(
      `dimension=dx:${TDR};${ind('IND_TDR_POS')};${DS}.REPORTING_RATE&dimension=pe:LAST_3_MONTHS&filter=ou:${w.ZONE_A}&relativePeriodDate=2026-10-15`,
    )
    const zone = w.ou('ZS-AQ-01')
    expect(body.metaData.items).toEqual({
      [TDR]: { name: 'Malaria RDTs performed' },
      [ind('IND_TDR_POS')]: { name: 'RDT positivity rate' },
      [`${DS}.REPORTING_RATE`]: { name: "RC - Rapport mensuel d'activités - Reporting rate" },
      [DEFAULT]: { name: 'default' },
      '202607': { name: 'July 2026' },
      '202608': { name: 'August 2026' },
      '202609': { name: 'September 2026' },
      LAST_3_MONTHS: { name: 'Last 3 months' },
      [w.ZONE_A]: {
        name: zone.translations?.find((t) => t.property === 'NAME' && t.locale === 'en')?.value ?? zone.name,
      },
      dx: { name: 'Data' },
      pe: { name: 'Period' },
      ou: { name: 'Organisation unit' },
    })
    expect(body.metaData.dimensions).toEqual({
      dx: [TDR, ind('IND_TDR_POS'), `${DS}.REPORTING_RATE`],
      pe: ['202607', '202608', '202609'],
      ou: [w.ZONE_A],
      co: [DEFAULT],
    })
  })

  test('period names: quarter, six-month, year, week; French for a French-speaking user', async () => {
    const en = await w.analytics(
      `dimension=dx:${TDR}&dimension=pe:2026Q3;2026S2;2026;2026W40&filter=ou:${w.RC1}&skipData=true`,
    )
    expect(en.body.metaData.items['2026Q3']).toEqual({ name: 'July - September 2026' })
    expect(en.body.metaData.items['2026S2']).toEqual({ name: 'July - December 2026' })
    expect(en.body.metaData.items['2026']).toEqual({ name: '2026' })
    expect(en.body.metaData.items['2026W40']).toEqual({ name: 'Week 40 2026-09-28 - 2026-10-04' })
    const fr = await w.analytics(`dimension=dx:${TDR}&dimension=pe:202609&skipData=true`, 'superviseur')
    expect(fr.body.metaData.items['202609']).toEqual({ name: 'septembre 2026' })
    expect(fr.body.metaData.items[TDR]).toEqual({ name: 'TDR paludisme réalisés' })
  })

  test('relative periods from relativePeriodDate, else from the server date (2026-11-10)', async () => {
    const given = await w.analytics(
      `dimension=dx:${TDR}&dimension=pe:LAST_3_MONTHS;THIS_YEAR&filter=ou:${w.RC1}&relativePeriodDate=2026-10-15&skipData=true`,
    )
    expect(given.body.metaData.dimensions.pe).toEqual(['202607', '202608', '202609', '2026'])
    const now = await w.analytics(`dimension=dx:${TDR}&dimension=pe:LAST_3_MONTHS&filter=ou:${w.RC1}&skipData=true`)
    expect(now.body.metaData.dimensions.pe).toEqual(['202608', '202609', '202610'])
  })

  test('skipMeta → metaData {}; skipData → no headers, no rows', async () => {
    const meta = await w.analytics(`dimension=dx:${TDR}&dimension=pe:202609&dimension=ou:${w.RC1}&skipMeta=true`)
    expect(meta.body).toEqual({
      headers: meta.body.headers,
      metaData: {},
      rowContext: {},
      rows: [[TDR, '202609', w.RC1, '30']],
      height: 1,
      width: 4,
      headerWidth: 4,
    })
    const data = await w.analytics(`dimension=dx:${TDR}&dimension=pe:202609&dimension=ou:${w.RC1}&skipData=true`)
    expect(data.body).toMatchObject({ headers: [], rows: [], height: 0, width: 0, headerWidth: 0 })
    expect(data.body.metaData.dimensions.ou).toEqual([w.RC1])
  })

  test('outputIdScheme CODE and NAME change the row cells, not the metaData keys', async () => {
    const code = await w.analytics(`dimension=dx:${TDR}&dimension=ou:${w.RC1}&dimension=pe:202609&outputIdScheme=CODE`)
    expect(code.body.rows).toEqual([['RC_PALU_TDR', 'RC-AQ-00001', '202609', '30']])
    expect(code.body.metaData.items[TDR]).toEqual({ name: 'Malaria RDTs performed' })
    const name = await w.analytics(`dimension=dx:${TDR}&dimension=ou:${w.RC1}&dimension=pe:202609&outputIdScheme=NAME`)
    expect(name.body.rows).toEqual([['TDR paludisme réalisés', w.ou('RC-AQ-00001').name, 'September 2026', '30']])
    const ouOnly = await w.analytics(
      `dimension=dx:${TDR}&dimension=ou:${w.RC1}&dimension=pe:202609&outputOrgUnitIdScheme=CODE`,
    )
    expect(ouOnly.body.rows).toEqual([[TDR, 'RC-AQ-00001', '202609', '30']])
  })

  test('the ao dimension: a column with the attribute option combo (default here)', async () => {
    const { body } = await w.analytics(`dimension=pe:202609&dimension=ao&dimension=dx:${TDR}&filter=ou:${w.RC1}`)
    expect(body.headers.map((h: { name: string }) => h.name)).toEqual(['dx', 'ao', 'pe', 'value'])
    expect(body.rows).toEqual([[TDR, DEFAULT, '202609', '30']])
  })

  test('displayProperty=SHORTNAME names items by their (translated) short names', async () => {
    const zone = w.ou('ZS-AQ-01')
    const query = `dimension=dx:${TDR}&dimension=pe:202609&dimension=ou:${w.ZONE_A}&skipData=true`
    const name = await w.analytics(query)
    const short = await w.analytics(`${query}&displayProperty=SHORTNAME`)
    expect(name.body.metaData.items[w.ZONE_A].name).toBe(zone.translations?.find((t) => t.property === 'NAME')?.value)
    expect(short.body.metaData.items[w.ZONE_A].name).toBe(zone.shortName)
    expect(short.body.metaData.items[w.ZONE_A].name).not.toBe(name.body.metaData.items[w.ZONE_A].name)
  })

  test('order=ASC / DESC sorts rows by value', async () => {
    const asc = await w.analytics(
      `dimension=dx:${TDR}&dimension=pe:202609&dimension=ou:${w.RC1};${w.RC2};${w.RC3}&order=ASC`,
    )
    expect(asc.body.rows.map((r: string[]) => r[3])).toEqual(['5', '7', '30'])
    const desc = await w.analytics(
      `dimension=dx:${TDR}&dimension=pe:202609&dimension=ou:${w.RC1};${w.RC2};${w.RC3}&order=DESC`,
    )
    expect(desc.body.rows.map((r: string[]) => r[3])).toEqual(['30', '7', '5'])
  })

  test('comma-joined dimensions, /api/analytics.json and /api/41/analytics are the same query', async () => {
    const separate = await w.analytics(`dimension=dx:${TDR}&dimension=pe:202609&dimension=ou:${w.RC1}`)
    const joined = await w.c.call('GET', `/api/41/analytics.json?dimension=dx:${TDR},pe:202609,ou:${w.RC1}`)
    expect(joined.status).toBe(200)
    expect(joined.body).toEqual(separate.body)
  })
})
