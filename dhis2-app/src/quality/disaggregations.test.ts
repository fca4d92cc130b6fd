import { missingDisaggregations, reportingRcs, type DataValueRow } from './disaggregations'

const SENS = {
  id: 'deSens',
  name: 'Personnes sensibilisées',
  combos: [
    { id: 'cM', name: 'Masculin' },
    { id: 'cF', name: 'Féminin' },
  ],
}
const MONTHS = ['202601', '202602', '202603', '202604']

const row = (orgUnit: string, period: string, categoryOptionCombo: string, value: string): DataValueRow => ({
  dataElement: 'deSens',
  period,
  orgUnit,
  categoryOptionCombo,
  attributeOptionCombo: 'aoc',
  value,
})

describe('missing disaggregations', () => {
  it('flags a cell left empty that the RC always filled with 5 or more', () => {
    const rows = MONTHS.flatMap((pe) => [
      row('rc1', pe, 'cM', '12'),
      ...(pe === '202603' ? [] : [row('rc1', pe, 'cF', String(6 + Number(pe.slice(5))))]),
    ])
    const findings = missingDisaggregations(rows, [SENS])
    expect(findings).toEqual([
      {
        id: 'disaggregation.rc1.202603.deSens',
        kind: 'disaggregation',
        orgUnit: 'rc1',
        period: '202603',
        attributeOptionCombo: 'aoc',
        dataElement: { id: 'deSens', name: 'Personnes sensibilisées' },
        value: '12',
        missing: [{ id: 'cF', name: 'Féminin' }],
      },
    ])
  })

  it('does not flag an ordinary zero: the RC once declared less than 5 (or left it empty) in another month', () => {
    const low = MONTHS.flatMap((pe) => [
      row('rc1', pe, 'cM', '12'),
      ...(pe === '202603' ? [] : [row('rc1', pe, 'cF', pe === '202601' ? '4' : '9')]),
    ])
    expect(missingDisaggregations(low, [SENS])).toEqual([])
    const emptyBefore = MONTHS.flatMap((pe) => [
      row('rc1', pe, 'cM', '12'),
      ...(pe === '202603' || pe === '202601' ? [] : [row('rc1', pe, 'cF', '9')]),
    ])
    expect(missingDisaggregations(emptyBefore, [SENS])).toEqual([])
  })

  it('needs three other months of history, and a line with nothing filled is not a disaggregation gap', () => {
    const short = ['202601', '202602', '202603'].flatMap((pe) => [
      row('rc1', pe, 'cM', '12'),
      ...(pe === '202603' ? [] : [row('rc1', pe, 'cF', '9')]),
    ])
    expect(missingDisaggregations(short, [SENS])).toEqual([])
    const wholeLineEmpty = MONTHS.flatMap((pe) =>
      pe === '202603'
        ? [{ ...row('rc1', pe, 'cM', '3'), dataElement: 'deOther' }]
        : [row('rc1', pe, 'cM', '12'), row('rc1', pe, 'cF', '9')],
    )
    expect(missingDisaggregations(wholeLineEmpty, [SENS])).toEqual([])
  })

  it('counts the RC that reported each month, deleted values aside', () => {
    const reporting = reportingRcs([
      row('rc1', '202601', 'cM', '1'),
      row('rc2', '202601', 'cF', '2'),
      { ...row('rc3', '202601', 'cF', '2'), deleted: true },
      row('rc1', '202602', 'cM', '1'),
    ])
    expect([...reporting].map(([pe, rcs]) => [pe, [...rcs]])).toEqual([
      ['202601', ['rc1', 'rc2']],
      ['202602', ['rc1']],
    ])
  })
})
