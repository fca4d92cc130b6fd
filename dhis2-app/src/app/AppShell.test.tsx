import { screen, within } from '@testing-library/react'
import type { CurrentUser } from '../shared/currentUser'
import { renderApp, RC_USER } from '../saisie/testing/renderApp'

const withGroup = (code: string): CurrentUser => ({
  ...RC_USER,
  userGroups: [{ id: 'grpTest0001', code, name: code }],
})

const menuLinks = async () =>
  within(await screen.findByRole('navigation', { name: 'Relais menu' }))
    .getAllByRole('link')
    .map((link) => link.textContent)

describe('app shell', () => {
  it.each([
    ['RELAIS_RC', ['Home', 'Report entry', 'My results', 'Patient tracing', 'Help']],
    [
      'RELAIS_SUPERVISEURS',
      [
        'Home',
        'Report entry',
        'My results',
        'Patient tracing',
        'Dashboard',
        'Reminders',
        'Help',
        'Data quality',
        'Bulletin',
      ],
    ],
    ['RELAIS_GESTIONNAIRES', ['Home', 'Dashboard', 'Synchronisation', 'Reminders', 'Help', 'Data quality', 'Bulletin']],
    [
      'RELAIS_ADMINS',
      [
        'Home',
        'Dashboard',
        'Synchronisation',
        'Reminders',
        'Help',
        'Data quality',
        'Bulletin',
        'Security',
        'Operations',
      ],
    ],
  ])('shows a member of %s only the menu entries %j', async (code, links) => {
    renderApp({ user: withGroup(code), path: '/' })
    expect(await menuLinks()).toEqual(links)
  })

  it('shows no screen to a user without a Relais role', async () => {
    renderApp({ user: { ...RC_USER, userGroups: [] }, path: '/' })
    expect(await menuLinks()).toEqual(['Home'])
  })

  it('refuses a screen the role may not open, even from a typed-in address', async () => {
    renderApp({ user: withGroup('RELAIS_GESTIONNAIRES'), path: '/saisie' })
    expect(await screen.findByText('Not available for your role')).toBeTruthy()
    expect(screen.queryByRole('button', { name: 'Complete the report' })).toBeNull()
  })

  it('sends unknown addresses home', async () => {
    renderApp({ path: '/nowhere' })
    expect(await screen.findByText(/Welcome, Mathias Hounsou/)).toBeTruthy()
  })
})
