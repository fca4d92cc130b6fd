/**
 * Reporting rates through GET /api/analytics (shared/reference/dhis2-analytics.md §4): expected reports
 * from assigned, open org units × period span, actual and on-time reports from completed registrations,
 * the 2.41.8+ timeliness boundary, 0 % rows, and the org-unit group-set filter the dashboards use to
 * count only active RC (OUGS_ACTIVITE_RC : OUG_RC_ACTIFS).
 */
import { uid } from '../src/seed'
import { DS, ind, startWorld, writeCommonData, type World } from './analytics-fixture'

let w: World
const RR = `${DS}.REPORTING_RATE`
const RR_T = `${DS}.REPORTING_RATE_ON_TIME`
const ACT = `${DS}.ACTUAL_REPORTS`
const ACT_T = `${DS}.ACTUAL_REPORTS_ON_TIME`
const EXP = `${DS}.EXPECTED_REPORTS`
const ALL = [RR, RR_T, ACT, ACT_T, EXP].join(';')
const OUGS = uid('organisationUnitGroupSet', 'OUGS_ACTIVITE_RC')
const ACTIVE = uid('organisationUnitGroup', 'OUG_RC_ACTIFS')

/** An inactive RC, its zone, and the zone's RC (the seed makes ~5 % of RC inactive). */
let inactive: { rc: string; zone: string; rcs: string[]; activeSibling: string }

beforeAll(async () => {
  w = await startWorld()
  writeCommonData(w)
  const md = w.c.standin.ctx.state.metadata
  const active = new Set(md.organisationUnitGroups.find((g) => g.id === ACTIVE)!.organisationUnits.map((r) => r.id))
  const zoneOf = (id: string) =>
    md.organisationUnits.find(
      (o) =>
        o.id ===
        md.organisationUnits.find((a) => a.id === md.organisationUnits.find((r) => r.id === id)!.parent!.id)!.parent!
          .id,
    )!.id
  const candidates = md.organisationUnits.filter((o) => o.level === 5 && !active.has(o.id))
  for (const rc of candidates) {
    const zone = zoneOf(rc.id)
    const rcs = md.organisationUnits.filter((o) => o.level === 5 && zoneOf(o.id) === zone).map((o) => o.id)
    const activeSibling = rcs.find((id) => active.has(id))
    if (activeSibling && zone !== w.ZONE_A && zone !== w.ZONE_B) {
      inactive = { rc: rc.id, zone, rcs, activeSibling }
      break
    }
  }
  if (!inactive) throw new Error('the small seed has no inactive RC with an active neighbour in its zone')
  // Both report September on time; only the active one is expected with the group-set filter.
  w.register('202609', inactive.rc, '2026-10-03T09:00:00.000')
  w.register('202609', inactive.activeSibling, '2026-10-03T09:00:00.000')
  // May: RC2, its aire and its zone (both not assigned to the data set) all complete a report.
  for (const ou of [w.RC2, w.AIRE_A, w.ZONE_A]) w.register('202605', ou, '2026-06-02T09:00:00.000')
  w.run()
})
afterAll(() => w.c.close())

test('one month: rate, on-time rate, actual, actual on time, expected — per RC and for the zone', async () => {
  // Zone A: RC1 on time (5 Oct 23:59), RC2 late (6 Oct 00:00:01): 2/2 = 100 %, on time 1/2 = 50 %.
  // Zone B: RC3 at 6 Oct 00:00:00.000, the last on-time instant; RC4 opened on 15 Sep is not expected.
  const rows = await w.rows(
    `dimension=dx:${ALL}&dimension=pe:202609&dimension=ou:${w.ZONE_A};${w.RC1};${w.RC2};${w.RC3};${w.ZONE_B}`,
  )
  const expected: Record<string, [string, string, string, string, string]> = {
    [w.ZONE_A]: ['100', '50', '2', '1', '2'],
    [w.RC1]: ['100', '100', '1', '1', '1'],
    [w.RC2]: ['100', '0', '1', '0', '1'],
    [w.RC3]: ['100', '100', '1', '1', '1'],
    [w.ZONE_B]: ['100', '100', '1', '1', '1'],
  }
  const want: Record<string, string> = {}
  for (const [ou, values] of Object.entries(expected))
    [RR, RR_T, ACT, ACT_T, EXP].forEach((dx, i) => (want[`${dx}|202609|${ou}`] = values[i] as string))
  expect(rows).toEqual(want)
})

describe('timeliness: timelyDays 5, 2.41.8+ rule (completed ≤ period end + timelyDays + 1 day)', () => {
  const cases = [
    { who: 'RC1', date: '2026-10-05T23:59:00.000', onTime: '1' },
    { who: 'RC3', date: '2026-10-06T00:00:00.000', onTime: '1' },
    { who: 'RC2', date: '2026-10-06T00:00:01.000', onTime: '0' },
  ] as const
  test.each(cases)('$who completed September at $date → on time $onTime', async ({ who, onTime }) => {
    const rows = await w.rows(`dimension=dx:${ACT_T}&dimension=pe:202609&dimension=ou:${w[who]}`)
    expect(rows).toEqual({ [`${ACT_T}|202609|${w[who]}`]: onTime })
  })
})

test('a quarter expects 3 reports per RC, a year 12 (RC1: Jul and Sep completed, Aug un-completed)', async () => {
  const { body } = await w.analytics(
    `dimension=dx:${RR}&dimension=pe:2026Q3;2026&dimension=ou:${w.RC1}&includeNumDen=true`,
  )
  expect(body.rows).toEqual([
    [RR, '2026Q3', w.RC1, '66.67', '2.0', '3.0', '100', '', ''],
    [RR, '2026', w.RC1, '16.67', '2.0', '12.0', '100', '', ''],
  ])
})

test('a half-year expects 6 (getPeriodSpan: floor(182 / 30)); mixed period types in one pe dimension', async () => {
  // The bulletin asks for the period and its months together (pe:2026S2;202607;202608;202609).
  const { body } = await w.analytics(
    `dimension=dx:${RR}&dimension=pe:2026S2;202607;202608;202609&dimension=ou:${w.RC1}&includeNumDen=true`,
  )
  expect(body.rows).toEqual([
    [RR, '2026S2', w.RC1, '33.33', '2.0', '6.0', '100', '', ''],
    [RR, '202607', w.RC1, '100', '1.0', '1.0', '100', '', ''],
    [RR, '202608', w.RC1, '0', '0.0', '1.0', '100', '', ''],
    [RR, '202609', w.RC1, '100', '1.0', '1.0', '100', '', ''],
  ])
})

test('rates are capped at 100 % (3 completed in zone A for May, 2 expected); actuals are not', async () => {
  const { body } = await w.analytics(
    `dimension=dx:${RR};${ACT}&dimension=pe:202605&dimension=ou:${w.ZONE_A}&includeNumDen=true`,
  )
  expect(body.rows).toEqual([
    [RR, '202605', w.ZONE_A, '100', '3.0', '2.0', '100', '', ''],
    [ACT, '202605', w.ZONE_A, '3', '3.0', '2.0', '100', '', ''],
  ])
})

test('periods as filter: expected × number of filter periods (3), actual over all of them', async () => {
  expect(await w.rows(`dimension=dx:${RR};${EXP}&dimension=ou:${w.RC1}&filter=pe:202607;202608;202609`)).toEqual({
    [`${RR}|${w.RC1}`]: '66.67',
    [`${EXP}|${w.RC1}`]: '3',
  })
})

test('a weekly period on a monthly data set: rows at 0, not an error', async () => {
  expect(await w.rows(`dimension=dx:${RR};${ACT};${EXP}&dimension=pe:2026W39&dimension=ou:${w.ZONE_A}`)).toEqual({
    [`${RR}|2026W39|${w.ZONE_A}`]: '0',
    [`${ACT}|2026W39|${w.ZONE_A}`]: '0',
    [`${EXP}|2026W39|${w.ZONE_A}`]: '0',
  })
})

test('rows at 0 % when nothing was completed; none where nothing is expected', async () => {
  // October: zone B expects RC3 and RC4 (open since 15 Sep), nothing completed. August: RC4 not yet open.
  expect(await w.rows(`dimension=dx:${RR};${EXP}&dimension=pe:202608;202610&dimension=ou:${w.ZONE_B}`)).toEqual({
    [`${RR}|202608|${w.ZONE_B}`]: '0',
    [`${EXP}|202608|${w.ZONE_B}`]: '1',
    [`${RR}|202610|${w.ZONE_B}`]: '0',
    [`${EXP}|202610|${w.ZONE_B}`]: '2',
  })
  // RC4 opened on 15 September: not expected for September, so no row at all.
  expect(await w.rows(`dimension=dx:${RR}&dimension=pe:202609&dimension=ou:${w.RC4}`)).toEqual({})
})

test('reporting rate of 1/3 with includeNumDen: "33.33", numerator "1.0", denominator "3.0", factor "100"', async () => {
  // RC3 in 2026Q3: September completed, July and August not.
  const { body } = await w.analytics(`dimension=dx:${RR}&dimension=pe:2026Q3&dimension=ou:${w.RC3}&includeNumDen=true`)
  expect(body.rows).toEqual([[RR, '2026Q3', w.RC3, '33.33', '1.0', '3.0', '100', '', '']])
})

describe('org-unit group set: only active RC are expected', () => {
  test('without the filter the inactive RC counts on both sides; with it, on neither', async () => {
    const n = inactive.rcs.length
    const all = await w.rows(`dimension=dx:${ACT};${EXP};${RR}&dimension=pe:202609&dimension=ou:${inactive.zone}`)
    expect(all).toEqual({
      [`${ACT}|202609|${inactive.zone}`]: '2',
      [`${EXP}|202609|${inactive.zone}`]: String(n),
      [`${RR}|202609|${inactive.zone}`]: String(Math.round((2 / n) * 10000) / 100),
    })
    const active = await w.rows(
      `dimension=dx:${ACT};${EXP};${RR}&dimension=pe:202609&dimension=ou:${inactive.zone}&filter=${OUGS}:${ACTIVE}`,
    )
    expect(active).toEqual({
      [`${ACT}|202609|${inactive.zone}`]: '1',
      [`${EXP}|202609|${inactive.zone}`]: String(n - 1),
      [`${RR}|202609|${inactive.zone}`]: String(Math.round((1 / (n - 1)) * 10000) / 100),
    })
  })

  test('as a dimension: a column with the group, and the completeness indicator follows it', async () => {
    const n = inactive.rcs.length
    const { body } = await w.analytics(
      `dimension=dx:${EXP};${ind('IND_COMPLETUDE')}&dimension=pe:202609&dimension=ou:${inactive.zone}&dimension=${OUGS}:${ACTIVE}`,
    )
    expect(body.headers.map((h: { name: string }) => h.name)).toEqual(['dx', 'pe', 'ou', OUGS, 'value'])
    expect(body.headers[3].column).toBe('CHV activity')
    expect(body.rows).toEqual([
      [ind('IND_COMPLETUDE'), '202609', inactive.zone, ACTIVE, (Math.round((1 / (n - 1)) * 1000) / 10).toFixed(1)],
      [EXP, '202609', inactive.zone, ACTIVE, String(n - 1)],
    ])
    expect(body.metaData.items[ACTIVE]).toEqual({ name: 'CHVs active this year' })
    expect(body.metaData.dimensions[OUGS]).toEqual([ACTIVE])
  })

  test('the filter applies to data elements too (values of inactive RC disappear)', async () => {
    w.put('RC_PALU_TDR', '202609', inactive.rc, '9')
    w.put('RC_PALU_TDR', '202609', inactive.activeSibling, '4')
    w.run()
    const TDR = uid('dataElement', 'RC_PALU_TDR')
    expect(await w.rows(`dimension=dx:${TDR}&dimension=pe:202609&dimension=ou:${inactive.zone}`)).toEqual({
      [`${TDR}|202609|${inactive.zone}`]: '13',
    })
    expect(
      await w.rows(`dimension=dx:${TDR}&dimension=pe:202609&dimension=ou:${inactive.zone}&filter=${OUGS}:${ACTIVE}`),
    ).toEqual({ [`${TDR}|202609|${inactive.zone}`]: '4' })
  })
})

test('a reporting rate as the only dx filter: computed, its column dropped', async () => {
  expect(await w.rows(`dimension=ou:${w.ZONE_A};${w.ZONE_B}&filter=dx:${RR_T}&filter=pe:202609`)).toEqual({
    [w.ZONE_A]: '50',
    [w.ZONE_B]: '100',
  })
})

test('metaData names of reporting-rate items', async () => {
  const { body } = await w.analytics(`dimension=dx:${ALL}&dimension=pe:202609&filter=ou:${w.ZONE_A}&skipData=true`)
  const name = "RC - Rapport mensuel d'activités"
  expect(body.metaData.items[RR]).toEqual({ name: `${name} - Reporting rate` })
  expect(body.metaData.items[RR_T]).toEqual({ name: `${name} - Reporting rate on time` })
  expect(body.metaData.items[ACT]).toEqual({ name: `${name} - Actual reports` })
  expect(body.metaData.items[ACT_T]).toEqual({ name: `${name} - Actual reports on time` })
  expect(body.metaData.items[EXP]).toEqual({ name: `${name} - Expected reports` })
  expect(body.metaData.dimensions.co).toEqual([])
})
