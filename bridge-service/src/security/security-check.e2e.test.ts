/**
 * The daily security check against the DHIS2 stand-in's seeded people (issue 16 §2): an old password, a
 * privileged account without two-factor, a superuser nobody agreed to, a role without its Relais group, the
 * bridge's token without expiry, DHIS2's settings left at their defaults; a disabled account and the bridge's own
 * user are not judged. The next day, once the superuser is agreed, the report says what was resolved.
 */
import { createStandin, DEMO_BRIDGE_TOKEN, type Standin } from '@relais/dhis2-standin'
import { Dhis2Client } from '../dhis2'
import { migrate, type Db } from '../ledger'
import { pgTestDatabase } from '../ledger/test-support'
import { createLogger } from '../log/logger'
import { SecurityCheck } from './security-check'
import { relaisPackage } from '@relais/metadata'

const database = pgTestDatabase()
let standin: Standin
let db: Db
let check: SecurityCheck
const ADMIN = `Basic ${Buffer.from('admin:district').toString('base64')}`

async function api(path: string, method = 'GET', body?: unknown) {
  const res = await fetch(`${standin.url}/api${path}`, {
    method,
    headers: { Authorization: ADMIN, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`)
}

const userId = (username: string) => standin.ctx.state.users.find((u) => u.username === username)!.id

beforeAll(async () => {
  standin = createStandin({ seed: 'small', now: '2026-12-06T08:00:00Z', testEndpoints: true, months: 0 })
  await standin.listen()
  db = await database.open()
  await migrate(db)
  const dhis2 = new Dhis2Client({
    url: standin.url,
    auth: { kind: 'token', token: DEMO_BRIDGE_TOKEN },
    timeoutMs: 5_000,
  })
  check = new SecurityCheck({ db, dhis2, logger: createLogger('silent'), bridgeToken: DEMO_BRIDGE_TOKEN })
}, 60_000)

afterAll(async () => {
  await standin?.close()
  await database.dispose()
})

test("the day's report names the seeded cases, and only people who can sign in", async () => {
  const report = await check.run('test')
  expect(report.day).toBe('2026-12-06')
  const keys = report.findings.map((f) => f.key)
  expect(keys).toEqual(
    expect.arrayContaining([
      `password-expired|user:${userId('superviseur.aire')}`,
      `privileged-without-two-factor|user:${userId('administrateur')}`,
      `superuser-not-agreed|user:${userId('admin')}`,
      `role-without-group|user:${userId('controleur')}:ROLE_GESTIONNAIRE`,
      'setting-weak|setting:credentialsExpires',
      'setting-weak|setting:keyLockMultipleFailedLogins',
    ]),
  )
  const token = report.findings.find((f) => f.code === 'token-without-expiry')
  expect(token).toMatchObject({ severity: 'high', subject: { name: 'relais-bridge' }, detail: { ours: true } })
  // Not judged: the disabled account, the bridge's own user, people in good standing.
  for (const username of ['ancien.superviseur', 'passerelle', 'superviseur', 'gestionnaire'])
    expect(keys.filter((k) => k.includes(userId(username)))).toEqual([])
  expect(report.added).toEqual(keys)
  expect(report.resolved).toEqual([])
  // Most severe first.
  expect(report.findings[0]!.severity).toBe('critical')
  // No e-mail or phone in what is kept.
  expect(JSON.stringify(report)).not.toMatch(/@relais\.bj|\+229/)
})

test('the next day, the superuser agreed in the policy is reported resolved; each day is kept', async () => {
  await api('/dataStore/relais/security-policy', 'POST', { superusers: ['admin'] })
  await api('/testing/clock', 'POST', { now: '2026-12-07T08:00:00Z' })
  const report = await check.run('scheduler')
  expect(report.day).toBe('2026-12-07')
  expect(report.added).toEqual([])
  expect(report.resolved.map((f) => f.key)).toEqual([`superuser-not-agreed|user:${userId('admin')}`])
  expect((await check.between('2026-12-01', '2026-12-31')).map((r) => r.day)).toEqual(['2026-12-07', '2026-12-06'])
  expect((await check.latest())?.day).toBe('2026-12-07')
})

test('a policy that does not parse is said in the report, and the defaults apply', async () => {
  await api('/dataStore/relais/security-policy', 'PUT', { superusers: 'admin' })
  const report = await check.run('scheduler')
  expect(report.problems).toEqual([expect.stringContaining('relais/security-policy: superusers')])
  expect(report.findings.map((f) => f.code)).toContain('superuser-not-agreed')
})

test("sharing read from DHIS2: public write and a group writing targets are raised, and cleared once the package's sharing is back", async () => {
  const pkg = relaisPackage()
  const monthly = pkg.dataSets.find((d) => d.code === 'RC_MENSUEL')!
  const targets = pkg.dataSets.find((d) => d.code === 'RC_CIBLES')!
  const sharingCodes = (findings: Array<{ code: string; subject: { id: string } }>) =>
    findings
      .filter((f) => ['public-metadata-write', 'public-data-write', 'data-write-beyond-policy'].includes(f.code))
      .map((f) => `${f.code} ${f.subject.id}`)
      .sort()
  expect(sharingCodes((await check.run('test')).findings)).toEqual([])

  // An administrator opens the monthly report to everyone and lets the RC group write the targets.
  const current = async (id: string) => {
    const res = await fetch(`${standin.url}/api/dataSets/${id}?fields=:owner`, { headers: { Authorization: ADMIN } })
    return (await res.json()) as Record<string, unknown> & { sharing: Record<string, unknown> }
  }
  const rc = pkg.userGroups.find((g) => g.code === 'RELAIS_RC')!.id
  const open = await current(monthly.id)
  const widened = await current(targets.id)
  await api('/metadata', 'POST', {
    dataSets: [
      { ...open, sharing: { ...open.sharing, public: 'rwrw----' } },
      {
        ...widened,
        sharing: {
          ...widened.sharing,
          userGroups: { ...(widened.sharing.userGroups as object), [rc]: { id: rc, access: 'r-rw----' } },
        },
      },
    ],
  })
  await api('/testing/clock', 'POST', { now: '2026-12-08T08:00:00Z' })
  const raised = await check.run('scheduler')
  expect(sharingCodes(raised.findings)).toEqual(
    [
      `data-write-beyond-policy ${targets.id}`,
      `public-data-write ${monthly.id}`,
      `public-metadata-write ${monthly.id}`,
    ].sort(),
  )

  // The package's sharing imported again (what `relais setup` sends for an object whose sharing drifted).
  await api('/metadata', 'POST', {
    dataSets: [
      { ...(await current(monthly.id)), sharing: { ...monthly.sharing, users: open.sharing.users } },
      { ...(await current(targets.id)), sharing: { ...targets.sharing, users: widened.sharing.users } },
    ],
  })
  await api('/testing/clock', 'POST', { now: '2026-12-09T08:00:00Z' })
  const cleared = await check.run('scheduler')
  expect(sharingCodes(cleared.findings)).toEqual([])
  expect(sharingCodes(cleared.resolved)).toEqual(sharingCodes(raised.findings))
})
