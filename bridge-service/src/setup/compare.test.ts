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

test("sharing: the package's groups and public access count; DHIS2's other entries are kept on update", () => {
  const rc = { id: 'FvCP3U7Qp41', access: 'r-rw----' }
  const ours = { id: 'dsMensuel01', code: 'RC_MENSUEL', sharing: { public: 'r-------', userGroups: { [rc.id]: rc } } }
  const bridge = { id: 'Ubridge0001', access: 'r-rw----' }
  const partner = { id: 'Gpartner001', access: 'r-r-----' }
  const shared = {
    id: 'dsMensuel01',
    code: 'RC_MENSUEL',
    sharing: {
      owner: 'Uadmin00001',
      public: 'r-------',
      users: { [bridge.id]: bridge },
      userGroups: { [rc.id]: { ...rc, displayName: 'Relais' }, [partner.id]: partner },
    },
  }
  expect(planType([ours], [shared]).unchanged).toBe(1)
  // What DHIS2 makes of an object imported without its sharing: public rw------, no group — an update puts ours
  // back and keeps the bridge's access and the partner group.
  const reset = { ...shared, sharing: { ...shared.sharing, public: 'rw------', userGroups: { [partner.id]: partner } } }
  const plan = planType([ours], [reset])
  expect(plan.changes).toEqual([{ code: 'RC_MENSUEL', action: 'update', fields: ['sharing'] }])
  expect(plan.update[0]!.sharing).toEqual({
    owner: 'Uadmin00001',
    public: 'r-------',
    users: { [bridge.id]: bridge },
    userGroups: { [partner.id]: partner, [rc.id]: rc },
  })
})
