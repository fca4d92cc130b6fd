import { screen, within } from '@testing-library/react'
import { switchLanguage } from '../shared/testing/switchLanguage'
import { COC_DEFAULT, DE, OU_RC } from '../saisie/testing/fixtures'
import { renderApp, SUPERVISOR } from '../saisie/testing/renderApp'

const registration = (period: string, date: string) => ({
  dataSet: 'dsRcMensuel',
  period,
  organisationUnit: OU_RC,
  date,
  completed: true,
})
const value = (dataElement: string, period: string, v: string) => ({
  dataElement,
  period,
  orgUnit: OU_RC,
  categoryOptionCombo: COC_DEFAULT,
  value: v,
})

// DHIS2's clock: 3 October 2026, 10:00. September's report is due (on time until the 5th).
const OPTIONS = {
  path: '/mes-resultats',
  registrations: [
    registration('202608', '2026-09-04T09:00:00.000'),
    registration('202607', '2026-08-12T09:00:00.000'),
    registration('202605', '2026-06-03T09:00:00.000'),
  ],
  values: [value('deCibleVad1', '2026', '240'), value(DE.vad.id, '202601', '100'), value(DE.vad.id, '202609', '50')],
  messages: [
    {
      id: 'msgSuivi001',
      subject: '[Relais] RC Mathias Hounsou, follow-up of the report of August 2026',
      lastUpdated: '2026-10-03T09:00:00.000',
      messages: [
        {
          text: 'Action decided by your supervisor, Refaire la formation. Due date, 15 October 2026.',
          created: '2026-10-03T09:00:00.000',
          sender: { displayName: 'Codjo Agossou' },
        },
      ],
    },
    // Not a follow-up: another conversation of the RC.
    { id: 'msgAutre001', subject: 'Réunion de zone', messages: [{ text: 'Jeudi' }] },
  ],
}

describe('Mes résultats', () => {
  it("shows the RC the report due and its deadline, their six months and their year's targets", async () => {
    renderApp(OPTIONS)
    expect(await screen.findByRole('heading', { name: 'My results' })).toBeTruthy()
    const due = screen.getByRole('region', { name: 'Report of September 2026' })
    expect(due.textContent).toContain('To complete by 5 October 2026 to be on time (2 days left).')
    expect(within(due).getByRole('link', { name: 'Enter the report' }).getAttribute('href')).toBe('/saisie?pe=202609')

    const months = within(screen.getByRole('region', { name: 'The last six months' }))
    expect(months.getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'September 2026To complete',
      'August 2026On timeon 4 September 2026',
      'July 2026Lateon 12 August 2026',
      'June 2026Not completed',
      'May 2026On timeon 3 June 2026',
      'April 2026Not completed',
    ])
    expect(months.getByText('Completeness 60 %, timeliness 40 %')).toBeTruthy()

    const followUps = within(screen.getByRole('region', { name: "Supervisor's follow-ups" }))
    expect((await followUps.findAllByRole('listitem')).map((li) => li.textContent)).toEqual([
      'RC Mathias Hounsou, follow-up of the report of August 2026' +
        'Action decided by your supervisor, Refaire la formation. Due date, 15 October 2026.' +
        'Codjo Agossou, 3 October 2026',
    ])

    const targets = within(screen.getByRole('region', { name: 'My targets for the year' }))
    expect(targets.getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'People sensitised 0 since January; no target is entered for this year.',
      'Home visits 150 of 180 expected by the end of September 2026 (83 %), yearly target 240.',
      'RDTs performed 0 since January; no target is entered for this year.',
    ])
  })

  it('speaks French', async () => {
    await switchLanguage('fr')
    try {
      renderApp(OPTIONS)
      expect(await screen.findByRole('heading', { name: 'Mes résultats' })).toBeTruthy()
      expect(
        screen.getByText(/À compléter au plus tard le 5 octobre 2026 pour être à temps \(encore 2 jours\)/),
      ).toBeTruthy()
    } finally {
      await switchLanguage('en')
    }
  })

  it('asks a supervisor to choose an RC, and shows the one chosen from the ranking', async () => {
    const first = renderApp({ ...OPTIONS, user: SUPERVISOR })
    expect(await screen.findByText('Choose a community health worker')).toBeTruthy()
    first.unmount()
    renderApp({ ...OPTIONS, user: SUPERVISOR, path: `/mes-resultats?ou=${OU_RC}` })
    expect(await screen.findByRole('heading', { name: /^Results of RC Mathias Hounsou/ })).toBeTruthy()
    // Their supervisor does not enter the report from here: the RC does, or the supervisor in « Saisie ».
    expect(screen.queryByRole('link', { name: 'Enter the report' })).toBeNull()
  })
})
