import { differingFields, planType } from './compare'

const de = {
  id: 'deVisits001',
  code: 'RC_VISITES',
  name: 'Visites',
  categoryCombo: { id: 'ccSexe00001' },
  translations: [
    { property: 'NAME', locale: 'en', value: 'Visits' },
    { property: 'SHORT_NAME', locale: 'en', value: 'Visits' },
  ],
}

test('DHIS2 extras, reference details and the order of sets do not count as changes', () => {
  const theirs = {
    ...de,
    created: '2026-01-01T00:00:00.000',
    categoryCombo: { id: 'ccSexe00001', name: 'Sexe', displayName: 'Sexe' },
    translations: [...de.translations].reverse(),
    sharing: { public: 'rw------' },
  }
  expect(differingFields(de, theirs)).toEqual([])
  expect(planType([de], [theirs])).toMatchObject({ create: [], update: [], unchanged: 1 })
})

test("a changed field is an update carrying DHIS2's own fields (nothing of theirs is dropped)", () => {
  const dataSet = { id: 'dsMensuel01', code: 'RC_MENSUEL', name: 'Rapport', timelyDays: 5 }
  const theirs = { ...dataSet, timelyDays: 15, organisationUnits: [{ id: 'ouRc0000001' }] }
  const plan = planType([dataSet], [theirs])
  expect(plan.update).toEqual([{ ...theirs, timelyDays: 5 }])
  expect(plan.changes).toEqual([{ code: 'RC_MENSUEL', action: 'update', fields: ['timelyDays'] }])
})

test("a missing object is created; a section's form order and a category's option order do count", () => {
  const section = { id: 'secVih00001', code: 'SEC_VIH', dataElements: [{ id: 'a' }, { id: 'b' }] }
  expect(differingFields(section, { ...section, dataElements: [{ id: 'b' }, { id: 'a' }] })).toEqual(['dataElements'])
  const role = { id: 'roleRc00001', code: 'ROLE_RC', authorities: ['A', 'B'] }
  expect(differingFields(role, { ...role, authorities: ['B', 'A'] })).toEqual([])
  expect(planType([section], [])).toMatchObject({ create: [section], unchanged: 0 })
})
