import { planServiceDataAccess, SERVICE_DATA_ACCESS } from './service-data-access'

const bridge = 'Ubridge0001'

test("the bridge account's data access is added where missing or weaker, with everything else kept", () => {
  const groups = { FvCP3U7Qp41: { id: 'FvCP3U7Qp41', access: 'r-rw----' } }
  const granted = {
    id: 'dsCibles001',
    code: 'RC_CIBLES',
    sharing: { users: { [bridge]: { id: bridge, access: 'r-rw----' } } },
  }
  const none = {
    id: 'dsMensuel01',
    code: 'RC_MENSUEL',
    organisationUnits: [{ id: 'ouRc0000001' }],
    sharing: { public: 'r-------', userGroups: groups },
  }
  const readOnly = {
    id: 'coMale00001',
    code: 'M',
    sharing: { users: { [bridge]: { id: bridge, access: 'r-r-----' } } },
  }
  const bare = { id: 'coFemale001', code: 'F' }
  const updates = planServiceDataAccess([granted, none, readOnly, bare], bridge)
  expect(updates.map((u) => u.code)).toEqual(['RC_MENSUEL', 'M', 'F'])
  expect(updates[0]).toEqual({
    ...none,
    sharing: {
      public: 'r-------',
      userGroups: groups,
      users: { [bridge]: { id: bridge, access: SERVICE_DATA_ACCESS } },
    },
  })
  expect(updates[1]!.sharing).toEqual({ users: { [bridge]: { id: bridge, access: 'r-rw----' } } })
})
