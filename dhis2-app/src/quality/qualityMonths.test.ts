import { endedMonths, monthRange, saisieMonths } from './qualityMonths'
import { dataEntryAppUrl, formLink } from './formLink'
import { dateRange } from './qualityData'

describe('months of the data-quality screen', () => {
  it('offers the ended months, the current one excluded', () => {
    expect(endedMonths('2026-12-06', 3)).toEqual(['202609', '202610', '202611'])
    expect(endedMonths('2026-01-31', 2)).toEqual(['202511', '202512'])
  })

  it('takes a chosen range within the offered months, else the last twelve', () => {
    const offered = endedMonths('2026-12-06', 24)
    expect(monthRange(offered, '202603', '202605')).toEqual(['202603', '202604', '202605'])
    const fallback = monthRange(offered, '202605', '202603')
    expect(fallback).toHaveLength(12)
    expect(fallback[0]).toBe('202512')
    expect(fallback.at(-1)).toBe('202611')
    expect(monthRange(offered, 'x', null)).toEqual(fallback)
  })

  it('asks DHIS2 from the first day of the first month to the last of the last', () => {
    expect(dateRange(['202602', '202512'])).toEqual({ startDate: '2025-12-01', endDate: '2026-02-28' })
  })
})

describe('the link to the RC’s form', () => {
  it('opens the app’s own entry screen for a supervisor', () => {
    const offered = saisieMonths('2026-12-06')
    expect(formLink(['superviseur'], '../../..', 'ds1', 'rc1', '202603', offered)).toEqual({
      kind: 'app',
      path: '/saisie?ou=rc1&pe=202603',
    })
    // Saisie offers the current month and the eleven before: an older report opens in DHIS2's app.
    expect([...offered].sort()).toEqual(endedMonths('2026-12-06', 11).concat('202612'))
    expect(formLink(['superviseur'], '../../..', 'ds1', 'rc1', '202512', offered).kind).toBe('dhis2')
  })

  it('opens DHIS2’s Data Entry app for a data manager, beside the app on the server', () => {
    expect(formLink(['gestionnaire'], '../../..', 'ds1', 'rc1', '202603', saisieMonths('2026-12-06'))).toEqual({
      kind: 'dhis2',
      href: '../../../dhis-web-aggregate-data-entry/index.html#/?dataSetId=ds1&orgUnitId=rc1&periodId=202603',
    })
    expect(dataEntryAppUrl('https://dhis2.example.org/', 'ds1', 'rc1', '202603')).toBe(
      'https://dhis2.example.org/dhis-web-aggregate-data-entry/index.html#/?dataSetId=ds1&orgUnitId=rc1&periodId=202603',
    )
  })
})
