import { allowedScreens, relaisRoles, type RelaisRole, type RelaisScreen } from './roles'

const groups = (...codes: Array<string | undefined>) => ({ userGroups: codes.map((code) => ({ code })) })

describe('relaisRoles', () => {
  it.each<[string, RelaisRole]>([
    ['RELAIS_RC', 'relais'],
    ['RELAIS_SUPERVISEURS', 'superviseur'],
    ['RELAIS_GESTIONNAIRES', 'gestionnaire'],
    ['RELAIS_ADMINS', 'administrateur'],
  ])('maps the user group code %s to %s', (code, role) => {
    expect(relaisRoles(groups(code))).toEqual([role])
  })

  it('makes a superuser (authority ALL) an administrator without any Relais group', () => {
    expect(relaisRoles({ userGroups: [], authorities: ['ALL'] })).toEqual(['administrateur'])
  })

  it('ignores other authorities, other groups, groups without a code and near-miss codes', () => {
    expect(
      relaisRoles({
        userGroups: [{ code: 'HIV_PROGRAMME' }, { code: null }, {}, { code: 'relais_rc' }, { code: 'RELAIS_RC ' }],
        authorities: ['F_DATAVALUE_ADD', 'M_dhis-web-dashboard'],
      }),
    ).toEqual([])
  })

  it('returns no role when the user has no groups or authorities at all', () => {
    expect(relaisRoles({})).toEqual([])
    expect(relaisRoles({ userGroups: null, authorities: null })).toEqual([])
  })

  it('lists several roles highest first, once each', () => {
    expect(relaisRoles({ ...groups('RELAIS_RC', 'RELAIS_ADMINS', 'RELAIS_RC'), authorities: ['ALL'] })).toEqual([
      'administrateur',
      'relais',
    ])
  })
})

describe('allowedScreens', () => {
  it.each<[RelaisRole, RelaisScreen[]]>([
    ['relais', ['saisie', 'resultats', 'recherche-pdv', 'aide']],
    [
      'superviseur',
      ['saisie', 'resultats', 'recherche-pdv', 'tableau-de-bord', 'rappels', 'aide', 'qualite', 'bulletin'],
    ],
    ['gestionnaire', ['tableau-de-bord', 'synchronisation', 'rappels', 'aide', 'qualite', 'bulletin']],
    [
      'administrateur',
      ['tableau-de-bord', 'synchronisation', 'rappels', 'aide', 'qualite', 'bulletin', 'securite', 'exploitation'],
    ],
  ])('lets %s open %j', (role, screens) => {
    expect(allowedScreens([role])).toEqual(screens)
  })

  it('gives nothing without a role', () => {
    expect(allowedScreens([])).toEqual([])
  })

  it('unites the screens of several roles, in navigation order', () => {
    expect(allowedScreens(['administrateur', 'relais'])).toEqual([
      'saisie',
      'resultats',
      'recherche-pdv',
      'tableau-de-bord',
      'synchronisation',
      'rappels',
      'aide',
      'qualite',
      'bulletin',
      'securite',
      'exploitation',
    ])
  })
})
