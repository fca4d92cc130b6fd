import type { SecurityFinding } from '../shared/bridge/security'
import { FINDING_CODES } from '@relais/bridge-service/src/security/findings'
import { findingSentence, findingTitle } from './findingText'

const f = (
  code: SecurityFinding['code'],
  detail: SecurityFinding['detail'],
  name = 'Honorine Dossa (superviseur.aire)',
) =>
  ({
    key: `${code}|x`,
    code,
    severity: 'high',
    subject: { kind: 'user', id: 'usrAire0001', name },
    detail,
  }) as SecurityFinding

describe('finding sentences (English, the keys)', () => {
  it('has a title and a sentence for every code of the bridge', () => {
    for (const code of FINDING_CODES) {
      expect(findingTitle(code)).toBeTruthy()
      expect(findingSentence(f(code, {}))).toBeTruthy()
    }
  })

  it('says the detail values', () => {
    expect(findingSentence(f('password-expired', { days: 100 }))).toBe(
      'Honorine Dossa (superviseur.aire) has not changed their password for 100 days; it has expired.',
    )
    expect(findingSentence(f('password-expiring', { days: 80, daysLeft: 10 }))).toBe(
      'The password of Honorine Dossa (superviseur.aire) expires in 10 days (changed 80 days ago).',
    )
    expect(
      findingSentence(f('privileged-without-two-factor', { authorities: ['F_USER_ADD', 'F_SYSTEM_SETTING'] })),
    ).toBe('Honorine Dossa (superviseur.aire) holds F_USER_ADD, F_SYSTEM_SETTING without two-factor authentication.')
    expect(findingSentence(f('role-without-group', { group: 'RELAIS_GESTIONNAIRES', role: 'ROLE_GESTIONNAIRE' }))).toBe(
      'Honorine Dossa (superviseur.aire) has the role ROLE_GESTIONNAIRE without being in the group RELAIS_GESTIONNAIRES.',
    )
    expect(findingSentence(f('setting-weak', { value: null, expected: '≥ 10' }, 'minPasswordLength'))).toBe(
      'The DHIS2 setting minPasswordLength is not set; ≥ 10 is recommended.',
    )
    expect(findingSentence(f('token-expired', { daysLeft: -3 }, 'relais-bridge'))).toBe(
      'The access token relais-bridge expired 3 days ago.',
    )
    expect(findingSentence(f('account-never-used', { createdDaysAgo: null }))).toBe(
      'Honorine Dossa (superviseur.aire) has never signed in.',
    )
  })
})
