import {
  compareFindings,
  countBySeverity,
  securityFindings,
  type SecuritySnapshot,
  type SnapshotUser,
} from './findings'
import { DEFAULT_POLICY, policyOf, type SecurityPolicy } from './policy'

const NOW = new Date('2026-12-06T10:00:00Z')
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString().slice(0, 23)

const ROLES = [
  { id: 'roleSuper01', code: 'SUPERUSER', name: 'Superuser', authorities: ['ALL'] },
  { id: 'roleAdmRel1', code: 'ROLE_ADMIN_RELAIS', name: 'Administrateur Relais', authorities: ['F_USER_ADD'] },
  { id: 'roleSuperv1', code: 'ROLE_SUPERVISEUR', name: 'Superviseur RC', authorities: ['F_DATAVALUE_ADD'] },
  { id: 'roleGestio1', code: 'ROLE_GESTIONNAIRE', name: 'Gestionnaire', authorities: ['F_DATAVALUE_ADD'] },
  { id: 'rolePasser1', code: 'ROLE_PASSERELLE', name: 'Passerelle', authorities: ['F_USER_VIEW'] },
]

/** A supervisor in good standing: nothing to report. */
function user(overrides: Partial<SnapshotUser> = {}): SnapshotUser {
  return {
    id: 'usrSuperv01',
    username: 'superviseur',
    name: 'Codjo Agossou',
    disabled: false,
    created: daysAgo(400),
    lastLogin: daysAgo(1),
    passwordLastUpdated: daysAgo(10),
    twoFactorEnabled: false,
    roleIds: ['roleSuperv1'],
    groupCodes: ['RELAIS_SUPERVISEURS'],
    ...overrides,
  }
}

function snapshot(overrides: Partial<SecuritySnapshot> = {}): SecuritySnapshot {
  return {
    now: NOW,
    dhis2Version: '2.41.8',
    users: [user()],
    roles: ROLES,
    settings: {
      credentialsExpires: 3,
      credentialsExpiryAlert: true,
      keyLockMultipleFailedLogins: true,
      minPasswordLength: 10,
    },
    sharing: [],
    tokens: [{ id: 'tokBridge01', expire: NOW.getTime() + 200 * 86_400_000, ours: true }],
    ...overrides,
  }
}

const codes = (s: SecuritySnapshot, policy: SecurityPolicy = DEFAULT_POLICY) =>
  securityFindings(s, policy).map((f) => `${f.severity} ${f.code} ${f.subject.id}`)

test('a programme in order has no finding', () => {
  expect(codes(snapshot())).toEqual([])
})

test.each([
  ['a password 90 days old has expired', { passwordLastUpdated: daysAgo(90) }, 'high password-expired usrSuperv01'],
  [
    'a password 80 days old expires within 14 days',
    { passwordLastUpdated: daysAgo(80) },
    'medium password-expiring usrSuperv01',
  ],
  ['an account last used 95 days ago is dormant', { lastLogin: daysAgo(95) }, 'medium account-dormant usrSuperv01'],
  [
    'an account made 30 days ago and never used',
    { lastLogin: undefined, created: daysAgo(30) },
    'medium account-never-used usrSuperv01',
  ],
  [
    'a supervisor outside the supervisors group',
    { groupCodes: [] },
    'medium role-without-group usrSuperv01:ROLE_SUPERVISEUR',
  ],
  [
    'a member of the supervisors group without the role',
    { roleIds: [] },
    'medium group-without-role usrSuperv01:RELAIS_SUPERVISEURS',
  ],
])('%s', (_name, overrides, expected) => {
  expect(codes(snapshot({ users: [user(overrides)] }))).toEqual([expected])
})

test('a new account is given 14 days before "never used" is reported; a disabled one is not judged', () => {
  expect(codes(snapshot({ users: [user({ lastLogin: undefined, created: daysAgo(3) })] }))).toEqual([])
  expect(
    codes(snapshot({ users: [user({ disabled: true, passwordLastUpdated: daysAgo(300), lastLogin: undefined })] })),
  ).toEqual([])
})

test('privileged accounts need two-factor; a superuser must be on the agreed list', () => {
  const admin = user({
    id: 'usrAdmin001',
    username: 'admin',
    roleIds: ['roleSuper01'],
    groupCodes: ['RELAIS_ADMINS'],
  })
  expect(codes(snapshot({ users: [admin] }))).toEqual([
    'critical superuser-not-agreed usrAdmin001',
    'high privileged-without-two-factor usrAdmin001',
  ])
  const agreed = policyOf({ superusers: ['admin'] }).policy
  expect(codes(snapshot({ users: [{ ...admin, twoFactorEnabled: true }] }), agreed)).toEqual([])
  // DHIS2 2.42 does not say: one finding for the whole check, not one per person.
  expect(
    codes(snapshot({ dhis2Version: '2.42.2', users: [{ ...admin, twoFactorEnabled: undefined }, admin] }), agreed),
  ).toEqual(['high privileged-without-two-factor usrAdmin001', 'low two-factor-unknown twoFactor'])
})

test("the bridge's own DHIS2 user is not judged as a person", () => {
  const bridge = user({
    id: 'usrBridge01',
    username: 'passerelle',
    lastLogin: undefined,
    passwordLastUpdated: daysAgo(400),
    roleIds: ['rolePasser1'],
    groupCodes: [],
  })
  expect(codes(snapshot({ users: [bridge], serviceUserId: 'usrBridge01' }))).toEqual([])
  expect(codes(snapshot({ users: [bridge] }))).toEqual([
    'high password-expired usrBridge01',
    'medium account-never-used usrBridge01',
  ])
})

test('sharing: metadata or data writable by all, data write beyond the policy', () => {
  const sharing = [
    { type: 'dataElement', id: 'deOpen00001', name: 'RC_VIH_SENS', public: 'rw------', userGroups: [] },
    {
      type: 'dataSet',
      id: 'dsCibles001',
      code: 'RC_CIBLES',
      name: 'Cibles',
      public: 'r-rw----',
      userGroups: [
        { code: 'RELAIS_GESTIONNAIRES', name: 'Gestionnaires', access: 'r-rw----' },
        { code: 'RELAIS_RC', name: 'RC', access: 'r-rw----' },
      ],
    },
    { type: 'dataSet', id: 'dsMensuel01', code: 'RC_MENSUEL', name: 'Mensuel', public: 'r-r-----', userGroups: [] },
  ]
  expect(codes(snapshot({ sharing }))).toEqual([
    'high public-data-write dsCibles001',
    'high public-metadata-write deOpen00001',
    'medium data-write-beyond-policy dsCibles001',
  ])
  const [beyond] = securityFindings(snapshot({ sharing }), DEFAULT_POLICY).filter(
    (f) => f.code === 'data-write-beyond-policy',
  )
  expect(beyond!.detail.groups).toEqual(['RELAIS_RC'])
})

test('tokens: without expiry, expiring within 30 days, expired', () => {
  const day = 86_400_000
  expect(codes(snapshot({ tokens: [{ id: 't1', expire: null, ours: true }] }))).toEqual([
    'high token-without-expiry t1',
  ])
  expect(codes(snapshot({ tokens: [{ id: 't2', expire: NOW.getTime() + 20 * day, ours: true }] }))).toEqual([
    'high token-expiring t2',
  ])
  expect(codes(snapshot({ tokens: [{ id: 't3', expire: NOW.getTime() - day, ours: true }] }))).toEqual([
    'critical token-expired t3',
  ])
})

test('settings weaker than relais setup applies, whether DHIS2 gives them as numbers or text', () => {
  expect(
    codes(
      snapshot({
        settings: { credentialsExpires: '0', credentialsExpiryAlert: 'true', minPasswordLength: '8' },
      }),
    ),
  ).toEqual([
    'medium setting-weak credentialsExpires',
    'medium setting-weak keyLockMultipleFailedLogins',
    'medium setting-weak minPasswordLength',
  ])
})

test('a route to the bridge over plain HTTP off this machine', () => {
  const route = (url: string) => ({ route: { id: 'rtBridge001', code: 'relais-bridge', url } })
  expect(codes(snapshot(route('http://bridge.example.org:3000/api/v1/**')))).toEqual([
    'high route-unencrypted rtBridge001',
  ])
  expect(codes(snapshot(route('https://bridge.example.org/api/v1/**')))).toEqual([])
  expect(codes(snapshot(route('http://127.0.0.1:3000/api/v1/**')))).toEqual([])
})

test('what changed since yesterday: new keys first, and the findings gone', () => {
  const yesterday = securityFindings(snapshot({ users: [user({ lastLogin: daysAgo(95) })] }), DEFAULT_POLICY)
  const today = securityFindings(snapshot({ users: [user({ passwordLastUpdated: daysAgo(90) })] }), DEFAULT_POLICY)
  const diff = compareFindings(yesterday, today)
  expect(diff.added).toEqual(['password-expired|user:usrSuperv01'])
  expect(diff.resolved.map((f) => f.code)).toEqual(['account-dormant'])
  expect(compareFindings(undefined, today).added).toHaveLength(1)
  expect(countBySeverity(today)).toEqual({ critical: 0, high: 1, medium: 0, low: 0 })
})

test('a stored policy that does not parse is reported, and the defaults apply', () => {
  const { policy, problem } = policyOf({ superusers: 'admin', passwordMaxAgeDays: 5 })
  expect(policy).toBe(DEFAULT_POLICY)
  expect(problem).toMatch(/superusers/)
  expect(problem).toMatch(/passwordMaxAgeDays/)
})

test("the bridge's API keys by their last day, and a route-secret rotation left open", () => {
  const bridge = {
    apiKeys: [
      { name: 'grafana' },
      { name: 'ops-old', expires: '2026-12-05' },
      { name: 'ops-soon', expires: '2026-12-20' },
      { name: 'ops-today', expires: '2026-12-06' },
      { name: 'ops-far', expires: '2027-06-30' },
    ],
    routeSecretRotating: true,
  }
  expect(codes(snapshot({ bridge }))).toEqual([
    'high api-key-expiring ops-soon',
    'high api-key-expiring ops-today',
    'medium api-key-expired ops-old',
    'low api-key-without-expiry grafana',
    'low route-secret-rotation-open RELAIS_ROUTE_SECRET',
  ])
})
