/**
 * `relais setup` applies DHIS2's own account controls (issue 16 §1) on a blank DHIS2 stand-in: the settings as
 * DHIS2 stores them, a dry run that shows them and writes nothing, a second run that changes nothing, the
 * expiry withheld on a version where an expired user has no way out (DHIS2-21120), and the bridge's service
 * account renewed before DHIS2 would refuse its token.
 */
import { createStandin, type Standin } from '@relais/dhis2-standin'
import { addMonths } from '@relais/mappings'
import { basicAuthorization, Dhis2Admin } from './admin-client'
import { runSetup, type SetupOptions } from './setup'

jest.setTimeout(60_000)

const SERVICE = 'relais-passerelle'
const options = (dryRun: boolean): SetupOptions => ({
  dryRun,
  bridgeUrl: 'http://127.0.0.1:3999',
  routeSecret: 'route-secret-security-0123456789abcdef0123',
  serviceUsername: SERVICE,
})

const SECURITY_KEYS = [
  'credentialsExpires',
  'credentialsExpiryAlert',
  'credentialsExpiresReminderInDays',
  'minPasswordLength',
  'keyLockMultipleFailedLogins',
]

async function start(version: string): Promise<{ standin: Standin; dhis2: Dhis2Admin; url: string }> {
  const standin = createStandin({ seed: 'blank', version, now: '2026-12-06T09:00:00Z' })
  const url = await standin.listen(0)
  return { standin, url, dhis2: new Dhis2Admin({ url, authorization: basicAuthorization('admin', 'district') }) }
}

const settingsOf = (standin: Standin) =>
  Object.fromEntries(SECURITY_KEYS.map((k) => [k, standin.ctx.state.systemSettings[k]]))

describe('on DHIS2 2.41.10 (an expired password can be changed: POST /api/auth/updatePassword)', () => {
  let standin: Standin
  let dhis2: Dhis2Admin
  let url: string
  let token: string
  beforeAll(async () => {
    ;({ standin, dhis2, url } = await start('2.41.10'))
  })
  afterAll(() => standin.close())

  it('shows every change in a dry run and writes none', async () => {
    const dry = await runSetup(dhis2, options(true))
    expect(dry.security.settings.map((s) => `${s.key} ${s.outcome} ${String(s.current)}→${String(s.value)}`)).toEqual([
      'credentialsExpires set 0→3',
      'credentialsExpiryAlert set false→true',
      'credentialsExpiresReminderInDays set 28→14',
      'minPasswordLength set 8→10',
      'keyLockMultipleFailedLogins set false→true',
    ])
    expect(settingsOf(standin)).toEqual(Object.fromEntries(SECURITY_KEYS.map((k) => [k, undefined])))
  })

  it('applies them as DHIS2 stores them, then changes nothing on a second run', async () => {
    const first = await runSetup(dhis2, options(false))
    token = first.token!.key
    expect(settingsOf(standin)).toEqual({
      credentialsExpires: 3,
      credentialsExpiryAlert: true,
      credentialsExpiresReminderInDays: 14,
      minPasswordLength: 10,
      keyLockMultipleFailedLogins: true,
    })
    expect(first.security.expiredPasswordChange).toBe('auth-update-password')
    expect(first.security.servicePassword).toEqual({
      outcome: 'unchanged',
      expires: expect.stringMatching(new RegExp(`^${addMonths(standin.ctx.clock.timestamp(), 3).slice(0, 10)}T`)),
    })
    expect(first.security.twoFactor).toBe('not-required')
    const again = await runSetup(dhis2, options(false))
    expect(again.changed).toBe(0)
    expect(again.security.settings.every((s) => s.outcome === 'unchanged')).toBe(true)
    expect(again.security.servicePassword.outcome).toBe('unchanged')
  })

  it('renews the service account’s password in its last month, so DHIS2 keeps taking its token', async () => {
    const account = standin.ctx.index.usersByUsername.get(SERVICE)!
    const asBridge = () => fetch(`${url}/api/me?fields=username`, { headers: { Authorization: `ApiToken ${token}` } })
    expect((await asBridge()).status).toBe(200)
    // 100 days old: expired — DHIS2 refuses the token (ApiTokenAuthManager).
    account.passwordLastUpdated = '2026-08-28T09:00:00.000'
    expect((await asBridge()).status).toBe(401)
    const dry = await runSetup(dhis2, options(true))
    expect(dry.security.servicePassword.outcome).toBe('rotated')
    expect(account.passwordLastUpdated).toBe('2026-08-28T09:00:00.000')
    const run = await runSetup(dhis2, options(false))
    expect(run.security.servicePassword.outcome).toBe('rotated')
    expect(run.changed).toBe(1)
    // The import replaces the user: read it again.
    const renewed = standin.ctx.index.usersByUsername.get(SERVICE)!
    expect(renewed.passwordLastUpdated.slice(0, 10)).toBe(standin.ctx.clock.today())
    expect((await asBridge()).status).toBe(200)
    // Its roles and org units are kept.
    expect(standin.ctx.index.authoritiesOf(renewed).has('F_DATAVALUE_ADD')).toBe(true)
    expect(renewed.organisationUnits).toHaveLength(1)
    expect((await runSetup(dhis2, options(false))).changed).toBe(0)
  })

  it('warns the operator whose own password the expiry now counts', async () => {
    standin.ctx.index.usersByUsername.get('admin')!.passwordLastUpdated = '2026-11-01T09:00:00.000'
    expect((await runSetup(dhis2, options(true))).security.operator).toEqual({
      username: 'admin',
      expires: '2027-02-01T09:00:00.000',
      expiredNow: false,
    })
  })
})

describe('on DHIS2 2.41.8 (DHIS2-21120: an expired user could not choose a new password)', () => {
  let standin: Standin
  let dhis2: Dhis2Admin
  beforeAll(async () => {
    ;({ standin, dhis2 } = await start('2.41.8'))
  })
  afterAll(() => standin.close())

  it('withholds the expiry and applies the rest', async () => {
    const report = await runSetup(dhis2, options(false))
    expect(report.security.settings.find((s) => s.key === 'credentialsExpires')?.outcome).toBe('withheld')
    expect(report.security.servicePassword).toEqual({ outcome: 'not-needed' })
    expect(settingsOf(standin)).toEqual({
      credentialsExpires: undefined,
      credentialsExpiryAlert: true,
      credentialsExpiresReminderInDays: 14,
      minPasswordLength: 10,
      keyLockMultipleFailedLogins: true,
    })
    expect((await runSetup(dhis2, options(false))).changed).toBe(0)
  })
})

describe('an operator whose own password is older than the new expiry', () => {
  let standin: Standin
  let dhis2: Dhis2Admin
  let url: string
  beforeAll(async () => {
    ;({ standin, dhis2, url } = await start('2.41.10'))
  })
  afterAll(() => standin.close())

  it('finishes the run, then is told DHIS2 will ask them for a new password', async () => {
    standin.ctx.index.usersByUsername.get('admin')!.passwordLastUpdated = '2026-08-01T09:00:00.000'
    const report = await runSetup(dhis2, options(false))
    expect(report.security.operator).toEqual({
      username: 'admin',
      expires: '2026-11-01T09:00:00.000',
      expiredNow: true,
    })
    expect(standin.ctx.state.systemSettings.credentialsExpires).toBe(3)
    const after = await fetch(`${url}/api/me`, { headers: { Authorization: basicAuthorization('admin', 'district') } })
    expect(after.status).toBe(401)
  })
})
