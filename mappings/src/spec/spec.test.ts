/**
 * The spec format: both committed specs compile against the small seed's metadata; format errors and
 * metadata drift are reported all at once, each at its YAML line and column, saying what to write.
 */
import { index, NOW, readSpec, snapshot } from '../../test-fixtures/seed'
import type { MetadataSnapshot } from '../dhis2/metadata'
import { compileYaml } from '../engine/compile'
import { formatSpecError } from './errors'
import { loadSpec } from './load'

describe('committed specs', () => {
  it.each(['kobo-rapport-rc', 'csv-partenaires'])(
    '%s compiles against the small seed, mapping every operand',
    (name) => {
      const result = compileYaml(readSpec(name), index, { now: NOW })
      expect(result.ok ? [] : result.errors).toEqual([])
      expect(result.warnings).toEqual([])
      if (result.ok) expect(result.mapper.dataSet.code).toBe('RC_MENSUEL')
    },
  )
})

describe('format errors', () => {
  const valid = readSpec('kobo-rapport-rc')
  const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1

  it('points a misspelt key at its line and suggests the right one', () => {
    const text = valid.replace('  absentField: blank', '  absentFeild: blank')
    const result = loadSpec(text)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.errors).toEqual([
      expect.objectContaining({
        code: 'SPEC_FORMAT',
        path: 'source.absentFeild',
        line: lineOf(text, 'absentFeild'),
        column: 3,
        hint: { en: 'did you mean `absentField`?', fr: 'vouliez-vous écrire `absentField` ?' },
      }),
    ])
  })

  it('lists every problem at once: bad enum, missing key, two expressions in one value', () => {
    const text = valid
      .replace('kind: kobo', 'kind: kobotoolbox')
      .replace('  field: identification/mois\n', '  champ: identification/mois\n')
      .replace('field: vih/sens_m_moins15 }', 'field: vih/sens_m_moins15, constant: 3 }')
    const result = loadSpec(text)
    if (result.ok) throw new Error('should fail')
    const byPath = Object.fromEntries(result.errors.map((e) => [e.path, e]))
    expect(byPath['source.kind']).toMatchObject({
      line: lineOf(text, 'kobotoolbox'),
      hint: { en: expect.stringContaining('`kobo`') },
    })
    expect(byPath['period.field']).toMatchObject({
      message: { en: '`field` is missing' },
      hint: { en: 'add `field: vih/sens_m_moins15`' },
    })
    expect(byPath['period.champ']).toMatchObject({ line: lineOf(text, 'champ:') })
    expect(byPath['values[0]']).toMatchObject({
      line: lineOf(text, 'constant: 3'),
      message: { en: expect.stringContaining('only one of `field`, `constant`') },
    })
    expect(
      formatSpecError(result.errors[0] ?? { code: '', path: '', message: { en: '', fr: '' } }, 'fr', 'kobo.yaml'),
    ).toMatch(/^kobo\.yaml:\d+:\d+ /)
  })

  it('reports YAML syntax errors with their position', () => {
    const result = loadSpec('id: x\nvalues: [\n  - a\n')
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.errors[0]).toMatchObject({ code: 'SPEC_SYNTAX', line: expect.any(Number) })
  })
})

describe('metadata drift (compile errors)', () => {
  it('lists every code the metadata no longer knows, each at its line', () => {
    const copy = structuredClone(snapshot) as MetadataSnapshot
    copy.dataElements = copy.dataElements.filter((d) => d.code !== 'RC_PALU_MILDA')
    const coc = copy.categoryOptionCombos.find((c) => c.code === 'F_A_25PLUS')
    if (coc) coc.code = 'F_A_25_PLUS'
    const ds = copy.dataSets.find((d) => d.code === 'RC_MENSUEL')
    if (ds) ds.periodType = 'Weekly'
    copy.validationRules = copy.validationRules.filter((r) => r.code !== 'VR_CTA')
    const text = readSpec('csv-partenaires')
      .replace('validationRules: all', 'validationRules: [VR_TDR_POS, VR_CTA]')
      .replace('RC-AQ-4: RC-AQ-00004', 'RC-AQ-4: RC-AQ-99999')
    const result = compileYaml(text, copy, { now: NOW })
    if (result.ok) throw new Error('should fail')
    const lines = text.split('\n')
    const found = result.errors.map((e) => [e.code, lines[(e.line ?? 0) - 1]?.trim()])
    expect(found).toEqual([
      ['PERIOD_TYPE_MISMATCH', 'periodType: Monthly'],
      ['ORG_UNIT_ALIAS_UNKNOWN', 'RC-AQ-4: RC-AQ-99999'],
      ['CATEGORY_OPTION_COMBO_UNKNOWN', expect.stringContaining('F_A_25PLUS')],
      ['DATA_ELEMENT_UNKNOWN', expect.stringContaining('RC_PALU_MILDA')],
      ['VALIDATION_RULE_UNKNOWN', 'validationRules: [VR_TDR_POS, VR_CTA]'],
    ])
    expect(result.errors[2]?.hint?.en).toBe('did you mean `M_A_25PLUS` or `F_A_25_PLUS`?')
  })

  it('reports an unknown data set and a constant the element type refuses', () => {
    const text = readSpec('kobo-rapport-rc')
      .replace('dataSet: RC_MENSUEL', 'dataSet: RC_MENSUELS')
      .replace('field: general/vad }', 'constant: beaucoup }')
    const result = compileYaml(text, index, { now: NOW })
    if (result.ok) throw new Error('should fail')
    expect(result.errors.map((e) => e.code)).toEqual(['DATA_SET_UNKNOWN', 'VALUE_INVALID_FOR_TYPE'])
    expect(result.errors[0]?.hint?.en).toBe('did you mean `RC_MENSUEL`?')
  })
})
