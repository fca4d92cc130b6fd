import { expiredPasswordChange, expiryMonthsAfter, planSecuritySettings } from './security-settings'
import { planServicePassword, renewBy } from './service-password'
import { servicePassword } from './setup'

describe('planSecuritySettings (issue 16 §1)', () => {
  it('sets every control on a DHIS2 left at its defaults (keys unset or at DHIS2’s default)', () => {
    const { changes } = planSecuritySettings({}, '2.41.10')
    expect(changes.map((c) => [c.key, c.outcome, c.current, c.value])).toEqual([
      ['credentialsExpires', 'set', 0, 3],
      ['credentialsExpiryAlert', 'set', false, true],
      ['credentialsExpiresReminderInDays', 'set', 28, 14],
      ['minPasswordLength', 'set', 8, 10],
      ['keyLockMultipleFailedLogins', 'set', false, true],
    ])
    expect(expiryMonthsAfter(changes)).toBe(3)
  })

  it('keeps what is already as strict, read as DHIS2 may answer it (numbers or text)', () => {
    const { changes } = planSecuritySettings(
      {
        credentialsExpires: '2',
        credentialsExpiryAlert: 'true',
        credentialsExpiresReminderInDays: 14,
        minPasswordLength: 12,
        keyLockMultipleFailedLogins: true,
      },
      '2.42.6',
    )
    expect(changes.every((c) => c.outcome === 'unchanged')).toBe(true)
    expect(expiryMonthsAfter(changes)).toBe(2)
  })

  it('shortens a longer expiry and raises a shorter minimum', () => {
    const { changes } = planSecuritySettings({ credentialsExpires: 6, minPasswordLength: 8 }, '2.40.12')
    expect(changes.find((c) => c.key === 'credentialsExpires')).toMatchObject({ outcome: 'set', current: 6, value: 3 })
    expect(changes.find((c) => c.key === 'minPasswordLength')).toMatchObject({ outcome: 'set', value: 10 })
  })

  it('withholds the expiry where an expired user could not choose a new password (DHIS2-21120)', () => {
    const { changes, expiryWithheld } = planSecuritySettings({}, '2.41.8')
    expect(expiryWithheld).toBe(true)
    expect(changes.find((c) => c.key === 'credentialsExpires')).toMatchObject({ outcome: 'withheld', value: 0 })
    expect(changes.filter((c) => c.outcome === 'set').map((c) => c.key)).toEqual([
      'credentialsExpiryAlert',
      'credentialsExpiresReminderInDays',
      'minPasswordLength',
      'keyLockMultipleFailedLogins',
    ])
    expect(expiryMonthsAfter(changes)).toBe(0)
  })
})

describe('expiredPasswordChange (core sources, DHIS2-21120)', () => {
  it.each([
    ['2.40.10', 'account-password'],
    ['2.40.12', 'account-password'],
    ['2.41.7', 'none'],
    ['2.41.9.1', 'none'],
    ['2.41.10.0', 'auth-update-password'],
    ['2.41.10-SNAPSHOT', 'auth-update-password'],
    ['2.42.5.2', 'none'],
    ['2.42.6', 'auth-update-password'],
    ['2.43.0', 'auth-update-password'],
  ])('%s → %s', (version, expected) => {
    expect(expiredPasswordChange(version)).toBe(expected)
  })
})

describe('planServicePassword', () => {
  const now = '2026-12-06T10:00:00.000'
  it('needs nothing without an expiry or without a password date', () => {
    expect(planServicePassword('2026-01-01T00:00:00.000', 0, now)).toEqual({ rotate: false })
    expect(planServicePassword(undefined, 3, now)).toEqual({ rotate: false })
  })
  it('keeps a password in its first two months and says when it expires', () => {
    expect(planServicePassword('2026-10-07T00:00:00.000', 3, now)).toEqual({
      rotate: false,
      expires: '2027-01-07T00:00:00.000',
    })
  })
  it('renews it in its last month, or once expired', () => {
    expect(planServicePassword('2026-10-06T09:00:00.000', 3, now)).toEqual({
      rotate: true,
      expires: '2027-03-06T10:00:00.000',
    })
    expect(planServicePassword('2025-01-01T00:00:00.000', 3, now).rotate).toBe(true)
  })
  it('asks for the next run a month before the expiry', () => {
    expect(renewBy('2027-03-31T10:00:00.000')).toBe('2027-02-28')
  })
})

describe('servicePassword', () => {
  it('passes DHIS2’s rules, the generic words included', () => {
    for (let i = 0; i < 200; i++) {
      const password = servicePassword()
      expect(password).toMatch(/^(?=.*[A-Z])(?=.*[a-z])(?=.*\d)(?=.*[^A-Za-z0-9]).{32}$/)
      expect(password).not.toMatch(/user|admin|system|password|login|manager/i)
    }
  })
})
