/** The pure core of the national push: the spec's narrowing, the mapping, and each kind of report line. */
import { mapToNational, sameValue, valuesFromAnalytics, type ProgrammeValue } from './map-values'
import { NationalSpecError, parseNationalSpec } from './national-spec'
import { hmisSchedule, previousMonth } from './hmis-service'
import { countByStatus, reconcile } from './reconcile'
import { hmisConfig, readSpecText, TIME_ZONE } from './test-support'

const SPEC_TEXT = readSpecText()
const spec = parseNationalSpec(SPEC_TEXT)

const pv = (orgUnit: string, dataElement: string, categoryOptionCombo: string, value: string): ProgrammeValue => ({
  period: '202610',
  orgUnit,
  dataElement,
  categoryOptionCombo,
  value,
})

test('the shipped spec maps cells and zones code to code', () => {
  expect(spec.dataSet).toBe('SNIGS_SC_MENSUEL')
  expect(spec.cells.get('RC_VIH_PRES_F.default')).toEqual({
    dataElement: 'SNIGS_SC_PRESERVATIFS',
    categoryOptionCombo: 'SNIGS_FEMININ',
  })
  expect(spec.orgUnits.get('ZS-AQ-01')).toBe('SNIGS-ZS-AQ01')
})

test('a spec that is not code to code, or maps two cells into one, is refused with each problem', () => {
  const twice = SPEC_TEXT.replace('field: RC_VIH_PRES_F }', 'field: RC_VIH_PRES_M }')
  expect(() => parseNationalSpec(twice)).toThrow(/RC_VIH_PRES_M.default is mapped twice/)
  const sum = SPEC_TEXT.replace('field: RC_VAD }', 'sum: [RC_VAD, RC_CAUSERIES] }')
  expect(() => parseNationalSpec(sum)).toThrow(NationalSpecError)
  expect(() => parseNationalSpec(SPEC_TEXT.replace('kind: dhis2', 'kind: kobo'))).toThrow(/source.kind must be `dhis2`/)
})

test('analytics rows become programme values, option combos turned into codes', () => {
  const values = valuesFromAnalytics(
    {
      headers: [{ name: 'dx' }, { name: 'co' }, { name: 'pe' }, { name: 'ou' }, { name: 'value' }],
      rows: [['RC_VAD', 'uidDefault1', '202610', 'ZS-AQ-01', '12.0']],
    },
    new Map([['uidDefault1', 'default']]),
  )
  expect(values).toEqual([pv('ZS-AQ-01', 'RC_VAD', 'default', '12.0')])
  expect(() => valuesFromAnalytics({ headers: [{ name: 'dx' }], rows: [] }, new Map())).toThrow(/columns/)
  expect(sameValue('12.0', '12')).toBe(true)
  expect(sameValue('', '0')).toBe(false)
})

const values = [
  pv('ZS-AQ-01', 'RC_VAD', 'default', '12'), // match
  pv('ZS-AQ-01', 'RC_PALU_TDR', 'default', '30'), // different (edited there)
  pv('ZS-AQ-01', 'RC_PALU_TDR_POS', 'default', '9'), // missing at national
  pv('ZS-AQ-01', 'RC_CAUSERIES', 'default', '4'), // unmapped cell
  pv('ZS-XX-09', 'RC_VAD', 'default', '5'), // unmapped zone
  pv('ZS-MO-04', 'RC_VAD', 'default', '7'), // refused
]
const mapped = mapToNational(values, spec)
const national = [
  {
    period: '202610',
    orgUnit: 'SNIGS-ZS-AQ01',
    dataElement: 'SNIGS_SC_VAD',
    categoryOptionCombo: 'default',
    value: '12',
  },
  {
    period: '202610',
    orgUnit: 'SNIGS-ZS-AQ01',
    dataElement: 'SNIGS_SC_PALU_TDR',
    categoryOptionCombo: 'default',
    value: '31',
  },
  {
    period: '202610',
    orgUnit: 'SNIGS-ZS-BO01',
    dataElement: 'SNIGS_SC_PALU_TDR',
    categoryOptionCombo: 'default',
    value: '41',
  },
  // Another data set's element at the national instance: not the report's business.
  { period: '202610', orgUnit: 'SNIGS-ZS-BO01', dataElement: 'OTHER', categoryOptionCombo: 'default', value: '1' },
]
const outcomes = mapped.planned.map((p) =>
  p.target.orgUnit === 'SNIGS-ZS-MO04'
    ? {
        outcome: 'rejected' as const,
        conflicts: [{ message: 'Organisation unit not found or not accessible: `SNIGS-ZS-MO04`' }],
      }
    : { outcome: 'accepted' as const, conflicts: [] },
)

test('a push report: each line with its status, and a reason for every difference', () => {
  expect(mapped.unmapped.map((u) => u.missing)).toEqual(['cell', 'orgUnit'])
  const lines = reconcile({ mode: 'push', spec, mapped, outcomes, national })
  const byCell = (zone: string, cell: string) =>
    lines.find((l) => (l.orgUnit ?? l.nationalOrgUnit) === zone && (l.dataElement ?? l.nationalDataElement) === cell)
  expect(byCell('ZS-AQ-01', 'RC_VAD.default')).toMatchObject({ status: 'match' })
  expect(byCell('ZS-AQ-01', 'RC_VAD.default')?.reason).toBeUndefined()
  expect(byCell('ZS-AQ-01', 'RC_PALU_TDR.default')).toMatchObject({
    status: 'different',
    programmeValue: '30',
    nationalValue: '31',
  })
  expect(byCell('ZS-AQ-01', 'RC_PALU_TDR.default')?.reason?.en).toMatch(/holds 31 when read back/)
  expect(byCell('ZS-AQ-01', 'RC_PALU_TDR_POS.default')).toMatchObject({ status: 'missing-at-national' })
  expect(byCell('ZS-AQ-01', 'RC_CAUSERIES.default')?.reason?.en).toMatch(/no national element for RC_CAUSERIES/)
  expect(byCell('ZS-XX-09', 'RC_VAD.default')?.reason?.fr).toMatch(/aucune unité nationale à la zone ZS-XX-09/)
  expect(byCell('ZS-MO-04', 'RC_VAD.default')).toMatchObject({
    status: 'refused',
    conflict: expect.stringMatching(/not found/),
  })
  expect(byCell('SNIGS-ZS-BO01', 'SNIGS_SC_PALU_TDR.default')).toMatchObject({
    status: 'national-only',
    nationalValue: '41',
  })
  expect(lines.some((l) => l.nationalDataElement === 'OTHER.default')).toBe(false)
  expect(lines.filter((l) => l.status !== 'match').every((l) => l.reason)).toBe(true)
  expect(countByStatus(lines)).toEqual({
    match: 1,
    different: 1,
    'missing-at-national': 1,
    unmapped: 2,
    refused: 1,
    'national-only': 1,
  })
})

test('a dry run says what the push would do; a check compares with what the last push sent', () => {
  const dry = reconcile({ mode: 'dry-run', spec, mapped, outcomes, national })
  expect(dry.find((l) => l.dataElement === 'RC_PALU_TDR.default')?.reason?.en).toBe(
    'the push would replace the national 31 by 30',
  )
  expect(dry.find((l) => l.dataElement === 'RC_PALU_TDR_POS.default')?.reason?.en).toBe('the push would create it (9)')

  const key = (cell: string) => `202610|SNIGS-ZS-AQ01|${cell}`
  const lastSent = new Map([
    [key('SNIGS_SC_PALU_TDR.default'), { value: '30', pushId: 'p1', at: '2026-11-16T06:15' }],
    [key('SNIGS_SC_PALU_TDR_POSITIFS.default'), { value: '8', pushId: 'p1', at: '2026-11-16T06:15' }],
  ])
  const check = reconcile({ mode: 'check', spec, mapped, national, lastSent })
  expect(check.find((l) => l.dataElement === 'RC_PALU_TDR.default')?.reason?.en).toMatch(
    /edited at the national instance since the push of 2026-11-16T06:15: Relais sent 30, it now holds 31/,
  )
  expect(check.find((l) => l.dataElement === 'RC_PALU_TDR_POS.default')?.reason?.en).toMatch(
    /programme's value changed since the push .* \(sent 8\): push again/,
  )
  // Nothing sent by a check: a cell no push sent is « never pushed »; one the last push had refused says so.
  expect(check.find((l) => l.orgUnit === 'ZS-MO-04')?.reason?.en).toMatch(/never pushed/)
  const refusedThen = new Map([
    [
      '202610|SNIGS-ZS-MO04|SNIGS_SC_VAD.default',
      { value: '7', pushId: 'p1', at: '2026-11-16T06:15', refused: 'Organisation unit not found' },
    ],
  ])
  const again = reconcile({ mode: 'check', spec, mapped, national, lastSent: refusedThen })
  expect(again.find((l) => l.orgUnit === 'ZS-MO-04')).toMatchObject({
    status: 'refused',
    reason: { en: 'refused by the national DHIS2 at the push of 2026-11-16T06:15: Organisation unit not found' },
  })
})

test('the monthly push takes the month that ended, in DHIS2’s time zone', () => {
  expect(previousMonth(new Date('2026-11-16T05:15:00Z'), TIME_ZONE)).toBe('202610')
  expect(previousMonth(new Date('2027-01-16T05:15:00Z'), TIME_ZONE)).toBe('202612')
  // 23:30 UTC on 31 October is already 1 November in Porto-Novo (UTC+1).
  expect(previousMonth(new Date('2026-10-31T23:30:00Z'), TIME_ZONE)).toBe('202610')
})

test('the monthly push is scheduled on pushDay at 06:15, and not at all when turned off', () => {
  const hmis = hmisConfig()
  expect(hmisSchedule(hmis)).toBe('15 6 16 * *')
  expect(hmisSchedule({ ...hmis, pushDay: 0 })).toBeUndefined()
  expect(hmisSchedule({ ...hmis, enabled: false })).toBeUndefined()
  expect(hmisSchedule(undefined)).toBeUndefined()
})
