import { followupFindings, outlierFindings, sortFindings, validationFindings } from './findings'

describe('DHIS2 answers as findings', () => {
  it('turns an outlier value into a finding with its cell, value and expected range', () => {
    const [finding, ...rest] = outlierFindings([
      {
        de: 'deVad000001',
        deName: 'Visites à domicile',
        pe: '202603',
        ou: 'ouRc0000001',
        coc: 'cocDefault1',
        cocName: 'default',
        aoc: 'cocDefault1',
        value: 480,
        lowerBound: -12.5,
        upperBound: 52.4,
      },
      // A yearly target is no monthly report: left out.
      { de: 'deCible0001', pe: '2026', ou: 'ouRc0000001', coc: 'c', aoc: 'a', value: 9 },
    ])
    expect(rest).toEqual([])
    expect(finding).toEqual({
      id: 'outlier.ouRc0000001.202603.deVad000001.cocDefault1.cocDefault1',
      kind: 'outlier',
      orgUnit: 'ouRc0000001',
      period: '202603',
      attributeOptionCombo: 'cocDefault1',
      dataElement: { id: 'deVad000001', name: 'Visites à domicile' },
      categoryOptionCombo: { id: 'cocDefault1', name: 'default' },
      value: '480',
      bounds: { lower: -12.5, upper: 52.4 },
    })
  })

  it('names the broken rule and its sides from the rules’ metadata', () => {
    const [finding] = validationFindings(
      [
        {
          validationRuleId: 'vrTdrPos001',
          organisationUnitId: 'ouRc0000002',
          periodId: '202610',
          attributeOptionComboId: 'aoc',
          leftSideValue: 15,
          operator: '<=',
          rightSideValue: 13,
        },
      ],
      [
        {
          id: 'vrTdrPos001',
          displayName: 'TDR positifs ≤ TDR réalisés',
          leftSide: { description: 'TDR positifs' },
          rightSide: { description: 'TDR réalisés' },
        },
      ],
    )
    expect(finding?.id).toBe('validation.ouRc0000002.202610.vrTdrPos001.aoc')
    expect(finding?.rule).toEqual({
      id: 'vrTdrPos001',
      name: 'TDR positifs ≤ TDR réalisés',
      operator: '<=',
      left: 15,
      right: 13,
      leftSide: 'TDR positifs',
      rightSide: 'TDR réalisés',
    })
  })

  it('keeps the follow-up value as DHIS2 stored it', () => {
    const [finding] = followupFindings([
      {
        de: 'de1',
        deName: 'Fièvre',
        pe: '202607',
        ou: 'ou1',
        coc: 'cocF',
        cocName: 'Féminin',
        aoc: 'aoc',
        value: '75',
      },
    ])
    expect(finding).toMatchObject({ kind: 'followup', value: '75', categoryOptionCombo: { name: 'Féminin' } })
  })

  it('lists the latest month first, then by RC name and kind', () => {
    const base = { attributeOptionCombo: 'a' }
    const sorted = sortFindings(
      [
        { ...base, id: '1', kind: 'validation', orgUnit: 'b', period: '202603' },
        { ...base, id: '2', kind: 'outlier', orgUnit: 'b', period: '202603' },
        { ...base, id: '3', kind: 'outlier', orgUnit: 'a', period: '202603' },
        { ...base, id: '4', kind: 'outlier', orgUnit: 'z', period: '202605' },
      ],
      (id) => ({ a: 'Zoé', b: 'Ablo', z: 'Marc' })[id] ?? id,
    )
    expect(sorted.map((f) => f.id)).toEqual(['4', '2', '1', '3'])
  })
})
