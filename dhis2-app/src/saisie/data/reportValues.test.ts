import { parsePeriod, type Period } from '../../shared/mappings'
import { reportValuesParams, splitReportValues } from './reportValues'

const september = parsePeriod('202609') as Period

describe('report values', () => {
  it('asks for the month and the 12 before it in one request', () => {
    expect(reportValuesParams('dsRcMensuel', 'ouRc', september)).toEqual({
      dataSet: 'dsRcMensuel',
      orgUnit: 'ouRc',
      startDate: '2025-09-01',
      endDate: '2026-09-30',
    })
  })

  it("splits the month's values from the numeric history, oldest first", () => {
    const dv = (period: string, value: string, deleted = false) => ({
      dataElement: 'de',
      categoryOptionCombo: 'coc',
      orgUnit: 'ou',
      period,
      value,
      deleted,
    })
    const { values, history } = splitReportValues(
      [dv('202608', '4'), dv('202609', '7'), dv('202607', '3'), dv('202606', 'texte'), dv('202605', '9', true)],
      '202609',
    )
    expect([...values]).toEqual([['de.coc', '7']])
    expect([...history]).toEqual([['de.coc', [3, 4]]])
  })
})
