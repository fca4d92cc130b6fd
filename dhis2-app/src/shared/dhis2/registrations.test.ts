import { findRegistration, importRefusal, registrationPayload, type Registration } from './registrations'

const target = { dataSet: 'dsRcMensuel', period: '202609', organisationUnit: 'ouRcAq00001' }
const first: Registration = { ...target, date: '2026-10-02T08:15:00.000', completed: true }

describe('registrationPayload', () => {
  it('completes a new report without a date, so that DHIS2 stamps it now', () => {
    expect(registrationPayload(target, undefined, true)).toEqual({
      completeDataSetRegistrations: [{ ...target, completed: true }],
    })
  })

  it('un-completes by keeping the registration and its first date (no DELETE, which forgets it)', () => {
    expect(registrationPayload(target, first, false).completeDataSetRegistrations[0]).toEqual({
      ...target,
      completed: false,
      date: '2026-10-02T08:15:00.000',
    })
  })

  it('re-completes with the first date, so an on-time report does not turn late', () => {
    const uncompleted = { ...first, completed: false }
    expect(registrationPayload(target, uncompleted, true).completeDataSetRegistrations[0]).toMatchObject({
      completed: true,
      date: '2026-10-02T08:15:00.000',
    })
  })
})

describe('findRegistration / importRefusal', () => {
  it('finds the registration of the report only', () => {
    const other = { ...first, period: '202608' }
    expect(findRegistration([other, first], target)).toBe(first)
    expect(findRegistration([other], target)).toBeUndefined()
  })

  it('reads an import summary that refused the registration', () => {
    expect(importRefusal({ status: 'OK', response: { status: 'SUCCESS' } })).toBeNull()
    expect(
      importRefusal({
        status: 'ERROR',
        response: { status: 'ERROR', conflicts: [{ value: 'Organisation unit is not in hierarchy of user: relais' }] },
      }),
    ).toBe('Organisation unit is not in hierarchy of user: relais')
  })
})
