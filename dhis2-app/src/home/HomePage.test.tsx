import { CustomDataProvider } from '@dhis2/app-runtime'
import { render, screen, within } from '@testing-library/react'
import type { ComponentProps } from 'react'
import { MemoryRouter } from 'react-router-dom'
import type { CurrentUser } from '../shared/currentUser'
import { CurrentUserProvider } from '../shared/CurrentUserProvider'
import { switchLanguage } from '../shared/testing/switchLanguage'
import { HomePage } from './HomePage'
import { ROUTER_FUTURE } from '../app/routerFuture'

const ORG_UNITS = [
  { id: 'ouBorgou01', name: 'Borgou', level: 2 },
  { id: 'ouParakou1', name: 'Parakou', level: 3 },
]

const aUser = (overrides: Partial<CurrentUser> = {}): CurrentUser => ({
  id: 'usrKoffi01',
  name: 'Koffi Adjovi',
  username: 'kadjovi',
  authorities: ['F_DATAVALUE_ADD'],
  userGroups: [],
  organisationUnits: ORG_UNITS,
  ...overrides,
})

const inGroup = (code: string) => ({ userGroups: [{ id: `grp${code.slice(7, 12)}`, code, name: code }] })

function renderHome(me: CurrentUser | (() => never), options?: { loadForever?: boolean }) {
  const requests: unknown[] = []
  const data: ComponentProps<typeof CustomDataProvider>['data'] = {
    me: async (_type, query) => {
      requests.push(query)
      // as JSON, the way it comes from DHIS2
      return typeof me === 'function' ? me() : JSON.parse(JSON.stringify(me))
    },
  }
  render(
    <CustomDataProvider data={data} options={options}>
      <MemoryRouter future={ROUTER_FUTURE}>
        <CurrentUserProvider>
          <HomePage />
        </CurrentUserProvider>
      </MemoryRouter>
    </CustomDataProvider>,
  )
  return { requests }
}

/** The screen titles listed in the navigation placeholder. */
const navigationTitles = () =>
  within(screen.getByRole('navigation', { name: 'Your screens' }))
    .getAllByRole('listitem')
    .map((item) => item.querySelector('strong')?.textContent)

describe('HomePage', () => {
  it.each([
    ['RELAIS_RC', 'Community health worker', ['Report entry', 'My results', 'Patient tracing', 'Help']],
    [
      'RELAIS_SUPERVISEURS',
      'Supervisor',
      ['Report entry', 'My results', 'Patient tracing', 'Dashboard', 'Reminders', 'Help', 'Data quality', 'Bulletin'],
    ],
    [
      'RELAIS_GESTIONNAIRES',
      'Manager',
      ['Dashboard', 'Synchronisation', 'Reminders', 'Help', 'Data quality', 'Bulletin'],
    ],
    [
      'RELAIS_ADMINS',
      'Administrator',
      ['Dashboard', 'Synchronisation', 'Reminders', 'Help', 'Data quality', 'Bulletin', 'Security', 'Operations'],
    ],
  ])('shows a member of %s their name, role %j and only the screens %j', async (code, role, screens) => {
    renderHome(aUser(inGroup(code)))

    expect(await screen.findByText('Welcome, Koffi Adjovi')).toBeTruthy()
    const roleSection = screen.getByRole('region', { name: 'Relais role' })
    expect(within(roleSection).getByText(role)).toBeTruthy()
    expect(navigationTitles()).toEqual(screens)
    expect(screen.queryByText('You have no Relais role')).toBeNull()
  })

  it('treats a superuser (authority ALL) without Relais groups as an administrator', async () => {
    renderHome(aUser({ authorities: ['ALL'] }))

    expect(within(await screen.findByRole('region', { name: 'Relais role' })).getByText('Administrator')).toBeTruthy()
    expect(navigationTitles()).toEqual([
      'Dashboard',
      'Synchronisation',
      'Reminders',
      'Help',
      'Data quality',
      'Bulletin',
      'Security',
      'Operations',
    ])
  })

  it('lists every role of a user in several Relais groups and the screens of all of them', async () => {
    renderHome(
      aUser({ userGroups: [...inGroup('RELAIS_RC').userGroups, ...inGroup('RELAIS_GESTIONNAIRES').userGroups] }),
    )

    const roleSection = await screen.findByRole('region', { name: 'Relais role' })
    expect(within(roleSection).getByText('Manager')).toBeTruthy()
    expect(within(roleSection).getByText('Community health worker')).toBeTruthy()
    expect(navigationTitles()).toEqual([
      'Report entry',
      'My results',
      'Patient tracing',
      'Dashboard',
      'Synchronisation',
      'Reminders',
      'Help',
      'Data quality',
      'Bulletin',
    ])
  })

  it('tells a user without a Relais role to ask their administrator, and offers no screen', async () => {
    renderHome(aUser({ userGroups: [{ id: 'grpOther01', code: 'HIV_PROGRAMME', name: 'HIV' }] }))

    expect(await screen.findByText('You have no Relais role')).toBeTruthy()
    expect(screen.getByText(/Ask your administrator to add you to the Relais group/)).toBeTruthy()
    expect(within(screen.getByRole('region', { name: 'Relais role' })).getByText('None')).toBeTruthy()
    expect(screen.queryByRole('navigation')).toBeNull()
  })

  it("lists the user's organisation units with their level", async () => {
    renderHome(aUser(inGroup('RELAIS_RC')))

    const units = within(await screen.findByRole('region', { name: 'Organisation units' })).getAllByRole('listitem')
    expect(units.map((item) => item.textContent)).toEqual(['Borgou (level 2)', 'Parakou (level 3)'])
  })

  it('says so when no organisation unit is assigned', async () => {
    renderHome(aUser({ ...inGroup('RELAIS_RC'), organisationUnits: [] }))

    expect(await screen.findByText('No organisation unit is assigned to you.')).toBeTruthy()
  })

  it('shows names as they are, without HTML escaping', async () => {
    renderHome(aUser({ ...inGroup('RELAIS_RC'), name: "Adjoa N'Guessan <Parakou>" }))

    expect(await screen.findByText("Welcome, Adjoa N'Guessan <Parakou>")).toBeTruthy()
  })

  it('asks DHIS2 for the fields the role logic needs', async () => {
    const { requests } = renderHome(aUser(inGroup('RELAIS_RC')))

    await screen.findByText('Welcome, Koffi Adjovi')
    expect(requests).toEqual([
      expect.objectContaining({
        resource: 'me',
        params: {
          fields: [
            'id',
            'name',
            'username',
            'authorities',
            'userGroups[id,code,name]',
            'organisationUnits[id,name,level]',
          ],
        },
      }),
    ])
  })

  it('shows a loader while the user is loading', () => {
    renderHome(aUser(), { loadForever: true })

    expect(screen.getByRole('progressbar', { name: 'Loading your profile' })).toBeTruthy()
    expect(screen.queryByText(/Welcome/)).toBeNull()
  })

  it('shows the error message when the user cannot be loaded', async () => {
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined)
    try {
      renderHome(() => {
        throw new Error('Access denied to api/me')
      })

      expect(await screen.findByText('Access denied to api/me')).toBeTruthy()
      expect(screen.getByText('Could not load your profile')).toBeTruthy()
      expect(screen.queryByRole('progressbar')).toBeNull()
    } finally {
      consoleError.mockRestore()
    }
  })

  describe('in French', () => {
    beforeAll(() => switchLanguage('fr'))
    afterAll(() => switchLanguage('en'))

    it('shows the home screen of a supervisor in French', async () => {
      renderHome(aUser(inGroup('RELAIS_SUPERVISEURS')))

      expect(await screen.findByText('Bienvenue, Koffi Adjovi')).toBeTruthy()
      expect(within(screen.getByRole('region', { name: 'Rôle dans Relais' })).getByText('Superviseur')).toBeTruthy()
      const titles = within(screen.getByRole('navigation', { name: 'Vos écrans' }))
        .getAllByRole('listitem')
        .map((item) => item.querySelector('strong')?.textContent)
      expect(titles).toEqual([
        'Saisie',
        'Mes résultats',
        'Recherche PDV',
        'Tableau de bord',
        'Rappels',
        'Aide',
        'Qualité des données',
        'Bulletin',
      ])
      // every screen listed is there: none says it is coming
      expect(screen.queryByText('Bientôt disponible')).toBeNull()
      const units = within(screen.getByRole('region', { name: "Unités d'organisation" })).getAllByRole('listitem')
      expect(units.map((item) => item.textContent)).toEqual(['Borgou (niveau 2)', 'Parakou (niveau 3)'])
    })

    it('shows the no-role notice in French', async () => {
      renderHome(aUser())

      expect(await screen.findByText("Vous n'avez aucun rôle dans Relais")).toBeTruthy()
      expect(screen.getByText(/Demandez à votre administrateur/)).toBeTruthy()
    })
  })
})
