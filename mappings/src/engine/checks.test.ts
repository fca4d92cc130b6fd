/**
 * Unit tests of the record-level pieces on their own: validation-rule expressions and missing-value
 * strategies, outlier scores, and the preview's table and JSON.
 */
import { index, mapperFor, snapshot, uidOf } from '../../test-fixtures/seed'
import type { ValidationRule } from '../dhis2/metadata'
import { MetadataIndex } from '../dhis2/metadata-index'
import { outlierScore } from './outliers'
import { formatPreview } from './preview'
import { compileValidationRules, type SlotValues } from './validation-rules'

const OPTIONS = { modifiedZ: 3.5, z: 3, minMonths: 6, months: 12 }

describe('outlierScore', () => {
  it('uses the modified z-score over the last 12 months from 6 months on', () => {
    const history = [10, 12, 11, 9, 10, 13, 12, 11, 10, 12, 11, 10]
    expect(outlierScore(40, history, OPTIONS)).toMatchObject({ method: 'modified-z' })
    expect(outlierScore(14, history, OPTIONS)).toBeUndefined()
    // Only the last 12 months count: an old spike does not hide a new one.
    expect(outlierScore(40, [400, 400, 400, ...history], OPTIONS)).toMatchObject({ method: 'modified-z' })
  })
  it('flags only values above the history', () => {
    expect(outlierScore(0, [10, 12, 11, 9, 10, 13], OPTIONS)).toBeUndefined()
  })
  it('falls back on 3 standard deviations with fewer than 6 months, and needs 2', () => {
    expect(outlierScore(30, [10, 11, 12], OPTIONS)).toMatchObject({ method: 'z' })
    expect(outlierScore(13, [10, 11, 12], OPTIONS)).toBeUndefined()
    expect(outlierScore(1000, [10], OPTIONS)).toBeUndefined()
  })
  it('copes with a flat history (MAD 0) without dividing by zero', () => {
    expect(outlierScore(50, [10, 10, 10, 10, 10, 10, 10, 12], OPTIONS)).toMatchObject({ method: 'modified-z' })
    expect(outlierScore(50, [10, 10, 10, 10, 10, 10], OPTIONS)).toBeUndefined()
  })
})

describe('validation rule expressions', () => {
  const de = (code: string) => uidOf.dataElement(code)
  const slots = [
    { dataElementId: de('RC_VIH_SENS'), categoryOptionComboId: uidOf.coc('M_A_15_24'), field: 's1' },
    { dataElementId: de('RC_VIH_SENS'), categoryOptionComboId: uidOf.coc('F_A_15_24'), field: 's2' },
    { dataElementId: de('RC_VAD'), categoryOptionComboId: uidOf.coc('default'), field: 'vad' },
  ]
  function rule(
    left: string,
    right: string,
    operator: ValidationRule['operator'],
    strategy: ValidationRule['leftSide']['missingValueStrategy'] = 'NEVER_SKIP',
  ) {
    const base = snapshot.validationRules[0] as ValidationRule
    const custom: ValidationRule = {
      ...base,
      code: 'VR_TEST',
      operator,
      leftSide: { ...base.leftSide, expression: left, missingValueStrategy: strategy },
      rightSide: { ...base.rightSide, expression: right, missingValueStrategy: 'NEVER_SKIP' },
    }
    const idx = new MetadataIndex({ ...snapshot, validationRules: [custom] })
    const compiled = compileValidationRules({
      index: idx,
      dataSetId: uidOf.dataSet,
      periodType: 'Monthly',
      selection: 'all',
      slots,
    })
    return compiled
  }
  const values = (...v: (number | undefined)[]): SlotValues => ({
    numbers: Float64Array.from(v.map((x) => x ?? 0)),
    present: Uint8Array.from(v.map((x) => (x === undefined ? 0 : 1))),
    failed: new Uint8Array(v.length),
  })

  it('evaluates totals, single option combos and arithmetic', () => {
    const sens = `#{${de('RC_VIH_SENS')}}`
    const sensF = `#{${de('RC_VIH_SENS')}.${uidOf.coc('F_A_15_24')}}`
    const vad = `#{${de('RC_VAD')}}`
    const [total] = rule(sens, `${vad} * 2 - (1 + 1) / 2`, 'less_than_or_equal_to').rules
    expect(total?.check(values(3, 4, 4))).toBeUndefined() // 7 ≤ 7
    expect(total?.check(values(3, 5, 4))?.raw).toBe('8 ≤ 7')
    const [single] = rule(sensF, vad, 'equal_to').rules
    expect(single?.check(values(100, 4, 4))).toBeUndefined()
  })

  it('skips by missing-value strategy, and on division by zero', () => {
    const sens = `#{${de('RC_VIH_SENS')}}`
    const vad = `#{${de('RC_VAD')}}`
    const [any] = rule(`${sens} + ${vad}`, '1', 'less_than', 'SKIP_IF_ANY_VALUE_MISSING').rules
    expect(any?.check(values(5, undefined, undefined))).toBeUndefined()
    expect(any?.check(values(5, undefined, 1))?.code).toBe('VALIDATION_RULE')
    const [all] = rule(`${sens} + ${vad}`, '1', 'less_than', 'SKIP_IF_ALL_VALUES_MISSING').rules
    expect(all?.check(values(undefined, undefined, undefined))).toBeUndefined()
    expect(all?.check(values(5, undefined, undefined))?.code).toBe('VALIDATION_RULE')
    const [division] = rule(`${sens} / ${vad}`, '1', 'less_than').rules
    expect(division?.check(values(5, 0, 0))).toBeUndefined()
  })

  it('refuses expressions it cannot evaluate, and unknown items, as compile problems', () => {
    expect(rule('#{abc}', '1', 'equal_to').problems[0]?.reason).toBe('unsupported')
    expect(rule('#{Abcdefghijk}', '1', 'equal_to').problems[0]?.reason).toBe('unknown-item')
    expect(rule(`if(#{${de('RC_VAD')}} > 1, 1, 0)`, '1', 'equal_to').problems[0]?.reason).toBe('unsupported')
  })
})

describe('formatPreview', () => {
  const mapper = mapperFor('csv-partenaires')
  const result = mapper.mapBatch([
    { code_rc: 'RC-XX-1', mois: '2026-09' },
    Object.fromEntries(['code_rc', 'mois'].map((k) => [k, ''])),
  ])

  it('prints a readable table in French or English', () => {
    const fr = formatPreview(result, { json: false })
    expect(fr).toContain('csv-partenaires v1 → RC_MENSUEL')
    expect(fr).toContain('2 enregistrement(s) : 0 ok, 1 invalide(s), 1 vide(s)')
    expect(fr).toMatch(/#1 {2}invalide .*\n {4}✗ {2}ORG_UNIT_UNKNOWN {2}code_rc {2}"RC-XX-1"/)
    const en = formatPreview(result, { json: false, locale: 'en' })
    expect(en).toContain('#2  empty')
    expect(en).toContain('Empty row: nothing to import.')
  })

  it('prints the batch as JSON', () => {
    expect(JSON.parse(formatPreview(result, { json: true }))).toEqual(JSON.parse(JSON.stringify(result)))
  })
})

test('the index of the test snapshot is the seed’s', () => {
  expect(index.objects.dataSets.byCode.get('RC_MENSUEL')?.id).toBe(uidOf.dataSet)
})
