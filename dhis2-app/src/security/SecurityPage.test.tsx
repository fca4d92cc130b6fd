// « Sécurité » as an administrator drives it, against a fake DHIS2 and a fake bridge behind the route: today's
// findings (new ones first), running the check and seeing the new report, a message to a person whose password
// expires, and a bulk disable in the access review where DHIS2 refuses one person — each recorded in the bridge.
import { FetchError } from '@dhis2/app-runtime'
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { json, renderRoutes, type CustomData } from '../app/testing/renderRoutes'
import type { SecurityFinding, SecurityReport } from '../shared/bridge/security'
import { BridgeSettingsContext } from '../shared/bridge/useBridge'
import type { CurrentUser } from '../shared/currentUser'
import { ADMIN, MANAGER } from '../shared/testing/users'

jest.setTimeout(20_000)

type Resolver = Extract<CustomData[string], (...args: never[]) => unknown>
const ROUTE = 'routes/relais-bridge/run/api/v1/'

const EXPIRED: SecurityFinding = {
  key: 'password-expired|user:usrAire0001',
  code: 'password-expired',
  severity: 'high',
  subject: { kind: 'user', id: 'usrAire0001', name: 'Honorine Dossa (superviseur.aire)' },
  detail: { days: 100 },
}
const SUPER: SecurityFinding = {
  key: 'superuser-not-agreed|user:usrAdmin001',
  code: 'superuser-not-agreed',
  severity: 'critical',
  subject: { kind: 'user', id: 'usrAdmin001', name: 'John Traore (admin)' },
  detail: { agreed: [] },
}
const report = (createdAt: string, findings: SecurityFinding[], added: string[]): SecurityReport => ({
  day: '2026-12-06',
  createdAt,
  actor: 'scheduler',
  dhis2Version: '2.41.4',
  counts: {
    critical: findings.filter((f) => f.severity === 'critical').length,
    high: findings.filter((f) => f.severity === 'high').length,
    medium: 0,
    low: 0,
  },
  findings,
  added,
  resolved: [],
  problems: [],
})

const USERS = [
  {
    id: 'usrAire0001',
    username: 'superviseur.aire',
    name: 'Honorine Dossa',
    disabled: false,
    lastLogin: '2026-11-24T08:00:00.000',
    twoFactorEnabled: false,
    userRoles: [{ id: 'roleSuperv1', name: 'Superviseur' }],
    userGroups: [{ id: 'grpSup00001', code: 'RELAIS_SUPERVISEURS', name: 'Superviseurs' }],
    organisationUnits: [{ id: 'ouAire00001', name: 'Aire de Pahou' }],
  },
  {
    id: 'usrCont0001',
    username: 'controleur',
    name: 'Sèna Kiki',
    disabled: false,
    userRoles: [{ id: 'roleGest001', name: 'Gestionnaire' }],
    userGroups: [],
    organisationUnits: [{ id: 'ouBenin0001', name: 'Bénin' }],
  },
]

function renderSecurity(user: CurrentUser, options: { serverDate?: string } = {}) {
  let latest = report('2026-12-06T05:00:00.000Z', [EXPIRED], [EXPIRED.key])
  const actions: unknown[] = []
  const messages: unknown[] = []
  const dhis2: string[] = []
  const userQueries: Array<Record<string, unknown>> = []
  const reportQueries: Array<Record<string, unknown>> = []
  const data = new Proxy({} as CustomData, {
    get(_target, resource) {
      if (typeof resource !== 'string') return undefined
      if (resource === 'me') return (async () => json(user)) as Resolver
      if (resource === 'system/info' && options.serverDate)
        return (async () => json({ serverDate: options.serverDate })) as Resolver
      if (resource.startsWith('dataStore/relais-proofs')) return (async () => json({})) as Resolver
      if (resource === `${ROUTE}security/reports/latest`) return (async () => json(latest)) as Resolver
      if (resource === `${ROUTE}security/reports`)
        return (async (_type: string, query: { params?: Record<string, unknown> }) => {
          reportQueries.push(query.params ?? {})
          return json({
            items: [{ day: latest.day, createdAt: latest.createdAt, counts: latest.counts, added: 1, resolved: 0 }],
          })
        }) as unknown as Resolver
      if (resource === `${ROUTE}security/run`)
        return (async () => {
          latest = report('2026-12-06T10:00:00.000Z', [SUPER, EXPIRED], [SUPER.key])
          return json({ accepted: true })
        }) as Resolver
      if (resource === `${ROUTE}security/actions`)
        return (async (_type: string, query: { data?: unknown }) => {
          actions.push(query.data)
          return json({ recorded: true })
        }) as unknown as Resolver
      if (resource === 'messageConversations')
        return (async (_type: string, query: { data?: unknown }) => {
          messages.push(query.data)
          return json({ httpStatusCode: 201 })
        }) as unknown as Resolver
      if (resource === 'userRoles')
        return (async () => json({ userRoles: [{ id: 'roleSuperv1', name: 'Superviseur' }] })) as Resolver
      if (resource === 'userGroups') return (async () => json({ userGroups: [] })) as Resolver
      if (resource === 'users')
        return (async (_type: string, query: { params?: Record<string, unknown> }) => {
          userQueries.push(query.params ?? {})
          return json({ users: USERS, pager: { page: 1, pageCount: 1, total: 2, pageSize: 25 } })
        }) as unknown as Resolver
      if (/^users\/\w+\/disabled$/.test(resource))
        return (async () => {
          dhis2.push(resource)
          if (resource.includes('usrCont0001'))
            throw new FetchError({
              type: 'access',
              message: 'Conflict',
              details: {
                httpStatusCode: 409,
                message:
                  'You must have permissions to create user, or ability to manage at least one user group for the user.',
              } as never,
            })
          return json({})
        }) as Resolver
      return undefined
    },
  })
  const view = renderRoutes({
    data,
    path: '/securite',
    wrap: (routes) => <BridgeSettingsContext.Provider value={{ pollMs: 20 }}>{routes}</BridgeSettingsContext.Provider>,
  })
  return { ...view, actions, messages, dhis2, userQueries, reportQueries }
}

test('an administrator sees what is new first, runs the check and sees the new report', async () => {
  const user = userEvent.setup()
  renderSecurity(ADMIN)
  const fresh = await screen.findByRole('list', { name: 'New since yesterday' })
  expect(within(fresh).getByText(/has not changed their password for 100 days/)).toBeTruthy()
  expect(screen.queryByText(/is a DHIS2 superuser/)).toBeNull()

  await user.click(screen.getByRole('button', { name: 'Run the check now' }))
  expect(await screen.findByText('Check done')).toBeTruthy()
  await waitFor(() =>
    expect(
      within(screen.getByRole('list', { name: 'New since yesterday' })).getByText(
        /John Traore \(admin\) is a DHIS2 superuser/,
      ),
    ).toBeTruthy(),
  )
  // the older finding is no longer new, but is still among all findings, under its severity
  expect(within(screen.getByRole('list', { name: 'New since yesterday' })).queryByText(/100 days/)).toBeNull()
  expect(within(screen.getByRole('list', { name: 'High' })).getByText(/100 days/)).toBeTruthy()
})

test('a message in French to a person whose password expired, previewed, confirmed, then recorded', async () => {
  const user = userEvent.setup()
  const view = renderSecurity(ADMIN)
  await user.click(await screen.findByRole('tab', { name: 'Passwords' }))
  await user.click(await screen.findByRole('checkbox', { name: 'Choose Honorine Dossa' }))
  await user.click(screen.getByRole('button', { name: 'Send a message' }))
  const dialog = await screen.findByRole('dialog')
  expect(within(dialog).getByText(/Bonjour Honorine Dossa,/)).toBeTruthy()
  expect(view.messages).toEqual([])
  await user.click(within(dialog).getByRole('button', { name: 'Send' }))
  expect(await screen.findByText('Done for 1 of 1.')).toBeTruthy()
  expect(view.messages).toEqual([
    expect.objectContaining({ subject: 'Votre mot de passe DHIS2', users: [{ id: 'usrAire0001' }] }),
  ])
  expect(view.actions).toEqual([{ action: 'message', users: ['usrAire0001'], done: 1, failed: 0 }])
})

test("a bulk disable names the people, shows DHIS2's refusal for one, and is recorded with its counts", async () => {
  const user = userEvent.setup()
  const view = renderSecurity(ADMIN)
  await user.click(await screen.findByRole('tab', { name: 'Access review' }))
  await user.click(await screen.findByRole('checkbox', { name: 'Choose Honorine Dossa' }))
  await user.click(screen.getByRole('checkbox', { name: 'Choose Sèna Kiki' }))
  await user.click(screen.getByRole('button', { name: 'Disable' }))
  const dialog = await screen.findByRole('dialog')
  expect(within(dialog).getByText('Disable for 2 people?')).toBeTruthy()
  expect(within(dialog).getByText('Sèna Kiki (controleur)')).toBeTruthy()
  expect(view.dhis2).toEqual([])
  await user.click(within(dialog).getByRole('button', { name: 'Disable' }))
  expect(await screen.findByText('Done for 1 of 2.')).toBeTruthy()
  expect(
    screen.getByText(
      'Sèna Kiki: You must have permissions to create user, or ability to manage at least one user group for the user. (409)',
    ),
  ).toBeTruthy()
  expect(view.dhis2).toEqual(['users/usrAire0001/disabled', 'users/usrCont0001/disabled'])
  expect(view.actions).toEqual([{ action: 'disable', users: ['usrAire0001', 'usrCont0001'], done: 1, failed: 1 }])
  // asked a page at a time
  expect(view.userQueries[0]).toMatchObject({ page: 1, pageSize: 25 })
})

test('a data manager cannot open the screen', async () => {
  renderSecurity(MANAGER)
  expect(await screen.findByText('Not available for your role')).toBeTruthy()
  expect(screen.queryByRole('heading', { name: 'Security' })).toBeNull()
})

test('today is DHIS2’s day, the one the bridge names its reports by, not the browser’s', async () => {
  // Half past midnight in Benin is still yesterday in UTC: the browser's UTC date left today's report out.
  const { reportQueries } = renderSecurity(ADMIN, { serverDate: '2030-01-15T00:30:00.000' })
  await waitFor(() => expect(reportQueries.length).toBeGreaterThan(0))
  expect(reportQueries[0]).toMatchObject({ from: '2029-12-17', to: '2030-01-15' })
})
