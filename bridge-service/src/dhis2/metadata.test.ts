import { MetadataIndex, type MetadataSnapshot } from '@relais/mappings'
import { buildMetadata } from '@relais/dhis2-standin'
import { inFilter, pruneToDataSets, SNAPSHOT_COLLECTIONS, SNAPSHOT_FIELDS } from './metadata'

const full = (): MetadataSnapshot => structuredClone(buildMetadata('small', 1).snapshot)
const byCode = <T extends { code?: string }>(items: T[], code: string): T => {
  const item = items.find((i) => i.code === code)
  if (!item) throw new Error(`no ${code}`)
  return item
}

describe('inFilter', () => {
  test.each([
    [['RC_MENSUEL'], '[RC_MENSUEL]'],
    [['A', 'B-2', 'c.d'], '[A,B-2,c.d]'],
  ])('%j → %s', (codes, expected) => expect(inFilter(codes)).toBe(expected))
  test.each([[['a,b']], [['x[1]']], [['']], [[' ']]])('refuses %j', (codes) => {
    expect(() => inFilter(codes)).toThrow(RangeError)
  })
})

test('every snapshot collection has its fields', () => {
  expect(SNAPSHOT_COLLECTIONS).toHaveLength(14)
  for (const collection of SNAPSHOT_COLLECTIONS) expect(SNAPSHOT_FIELDS[collection]).toMatch(/^id,code,name,/)
})

describe('pruneToDataSets', () => {
  test('keeps what one data set references, and the whole hierarchy', () => {
    const snapshot = full()
    const monthly = byCode(snapshot.dataSets, 'RC_MENSUEL')
    const pruned = pruneToDataSets({ ...snapshot, dataSets: [monthly] })

    expect(pruned.dataSets).toEqual([monthly])
    expect(pruned.dataElements.map((d) => d.id).sort()).toEqual(
      monthly.dataSetElements.map((e) => e.dataElement.id).sort(),
    )
    expect(pruned.dataElements.some((d) => d.code === 'RC_CIBLE_VAD')).toBe(false)
    expect(pruned.categoryCombos.map((c) => c.code ?? c.name).sort()).toEqual(
      expect.arrayContaining(['SEXE', 'SEXE_AGE']),
    )
    expect(pruned.categoryCombos.some((c) => c.isDefault)).toBe(true)
    expect(pruned.categories.map((c) => c.code).sort()).toEqual(expect.arrayContaining(['SEXE', 'TRANCHE_AGE']))
    const comboIds = new Set(pruned.categoryCombos.map((c) => c.id))
    expect(pruned.categoryOptionCombos.every((c) => comboIds.has(c.categoryCombo.id))).toBe(true)
    expect(pruned.categoryOptionCombos.length).toBeGreaterThanOrEqual(1 + 2 + 6)
    expect(pruned.sections.every((s) => s.dataSet.id === monthly.id)).toBe(true)
    expect(pruned.sections.length).toBe(snapshot.sections.filter((s) => s.dataSet.id === monthly.id).length)
    // Kept whole.
    expect(pruned.organisationUnits).toBe(snapshot.organisationUnits)
    expect(pruned.organisationUnitLevels).toBe(snapshot.organisationUnitLevels)
    expect(pruned.validationRules).toBe(snapshot.validationRules)
    // The mappings engine can index it.
    const index = new MetadataIndex(pruned)
    expect(index.dataSetsOf(pruned.dataElements[0]!.id).map((d) => d.code)).toEqual(['RC_MENSUEL'])
  })

  test('a data set element combo override and the data set attribute combo are kept', () => {
    const snapshot = full()
    const targets = byCode(snapshot.dataSets, 'RC_CIBLES')
    const sexe = byCode(snapshot.categoryCombos, 'SEXE_AGE')
    const attributeCombo = byCode(snapshot.categoryCombos, 'SEXE')
    const first = targets.dataSetElements[0]!
    const changed = {
      ...targets,
      categoryCombo: { id: attributeCombo.id },
      dataSetElements: [{ ...first, categoryCombo: { id: sexe.id } }],
    }
    const pruned = pruneToDataSets({ ...snapshot, dataSets: [changed] })
    expect(pruned.dataElements.map((d) => d.id)).toEqual([first.dataElement.id])
    expect(pruned.categoryCombos.map((c) => c.id).sort()).toEqual(
      [sexe.id, attributeCombo.id, ...snapshot.categoryCombos.filter((c) => c.isDefault).map((c) => c.id)].sort(),
    )
    expect(pruned.sections).toEqual([])
  })

  test('no data sets: only the default combo survives of the combos', () => {
    const pruned = pruneToDataSets({ ...full(), dataSets: [] })
    expect(pruned.dataElements).toEqual([])
    expect(pruned.categoryCombos.every((c) => c.isDefault)).toBe(true)
    expect(pruned.categoryOptionCombos).toHaveLength(1)
  })
})
