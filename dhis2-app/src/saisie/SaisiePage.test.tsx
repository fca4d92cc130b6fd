import { FetchError } from '@dhis2/app-runtime'
import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { isCompletion, type PendingValue } from '../offline/types'
import { switchLanguage } from '../shared/testing/switchLanguage'
import { COC_DEFAULT, COC_M_15_24, DE, OU_RC } from './testing/fixtures'
import { renderApp, SUPERVISOR, UNITS } from './testing/renderApp'

const box = (name: string) => screen.findByRole('textbox', { name })

async function typeAndLeave(name: string, text: string) {
  const user = userEvent.setup()
  const input = await box(name)
  await user.clear(input)
  await user.type(input, text)
  await user.tab()
  return input
}

describe('Saisie', () => {
  it('opens the RC user directly on their own report for the open month, in the data set sections', async () => {
    renderApp()

    expect(await screen.findByRole('heading', { name: /RC Mathias Hounsou .* — September 2026/ })).toBeTruthy()
    expect(screen.queryByText('Find a community health worker by name or code')).toBeNull()
    const legends = [...document.querySelectorAll('legend')].map((l) => l.textContent)
    expect(legends).toEqual(['VIH', 'Tuberculose', 'Paludisme', 'Activités'])
    // disaggregations as grids, BOOLEAN as yes/no, LONG_TEXT as a text area
    expect(await box('Personnes sensibilisées sur le VIH/IST, Masculin, 15-24')).toBeTruthy()
    expect(screen.getByRole('textbox', { name: 'Cas présumés de tuberculose référés, Féminin' })).toBeTruthy()
    expect(screen.getByRole('combobox', { name: "Rupture d'intrants pendant le mois" })).toBeTruthy()
    expect(screen.getByRole('textbox', { name: 'Difficultés rencontrées' }).tagName).toBe('TEXTAREA')
  })

  it('shows the stored values of the month', async () => {
    renderApp({
      values: [
        { dataElement: DE.vad.id, period: '202609', orgUnit: OU_RC, categoryOptionCombo: COC_DEFAULT, value: '14' },
      ],
    })
    expect(((await box('Visites à domicile réalisées')) as HTMLInputElement).value).toBe('14')
  })

  it('checks values as they are typed with the shared rules, and saves a valid value when the cell is left', async () => {
    const { saved } = renderApp()
    const user = userEvent.setup()
    const input = await box('Personnes sensibilisées sur le VIH/IST, Masculin, 15-24')

    await user.type(input, '-3')
    expect(screen.getByRole('alert').textContent).toBe('This number cannot be negative.')
    await user.tab()
    expect(saved).toEqual([]) // an invalid value is never sent

    await user.clear(input)
    await user.type(input, '12')
    expect(screen.queryByRole('alert')).toBeNull()
    await user.tab()

    await waitFor(() => expect(input.getAttribute('data-status')).toBe('saved'))
    expect(screen.getByText(/Saved/)).toBeTruthy()
    expect(saved).toEqual([{ de: DE.sens.id, pe: '202609', ou: OU_RC, co: COC_M_15_24, value: '12' }])
  })

  it('saves yes/no at once and long text when it is left', async () => {
    const { saved } = renderApp()
    const user = userEvent.setup()
    await user.selectOptions(
      await screen.findByRole('combobox', { name: "Rupture d'intrants pendant le mois" }),
      'true',
    )
    await typeAndLeave('Difficultés rencontrées', 'Pas de TDR depuis le 20')
    await waitFor(() => expect(saved).toHaveLength(2))
    expect(saved.map((s) => s.value)).toEqual(['true', 'Pas de TDR depuis le 20'])
  })

  it('asks about a value far above the RC history, without blocking it', async () => {
    const history = ['202510', '202511', '202512', '202601', '202602', '202603', '202604', '202605', '202606', '202607']
    const { saved } = renderApp({
      values: history.map((period, i) => ({
        dataElement: DE.vad.id,
        period,
        orgUnit: OU_RC,
        categoryOptionCombo: COC_DEFAULT,
        value: String(10 + (i % 3)),
      })),
    })
    await typeAndLeave('Visites à domicile réalisées', '95')
    expect(
      screen.getByText(
        '95 is more than usual for this RC (10 to 12 over the last 10 months). Is this the right number?',
      ),
    ).toBeTruthy()
    await waitFor(() => expect(saved).toHaveLength(1))
  })

  it('shows a closed month read-only, saying why and since when', async () => {
    renderApp({ path: '/saisie?pe=202608' })

    expect(await screen.findByText('This month is closed since 16 September 2026')).toBeTruthy()
    expect(screen.getByText(/up to 15 days after the end of the month/)).toBeTruthy()
    expect(((await box('Visites à domicile réalisées')) as HTMLInputElement).disabled).toBe(true)
    expect(screen.queryByRole('button', { name: 'Complete the report' })).toBeNull()
    const month = screen.getByRole('combobox', { name: 'Month' })
    expect(month.textContent).toBe('August 2026 (closed)')
    await userEvent.setup().click(month)
    const months = within(await screen.findByRole('listbox'))
    expect(months.getByRole('option', { name: 'September 2026' })).toBeTruthy()
    expect(months.getByRole('option', { name: 'August 2026 (closed)' })).toBeTruthy()
  })

  it('warns on both boxes of a rule once both are typed, and blocks completion with the rule message', async () => {
    const { completions } = renderApp()
    const message =
      'Validation rule "Positive RDTs ≤ RDTs performed" violated (8 ≤ 5 is false). Positive RDTs cannot exceed RDTs performed.'
    // The positives first: the tests are not typed yet, so nothing is wrong yet.
    await typeAndLeave('TDR paludisme positifs', '8')
    expect(screen.queryByText(/Validation rule/)).toBeNull()
    await typeAndLeave('TDR paludisme réalisés', '5')
    const positives = await box('TDR paludisme positifs')
    const tests = await box('TDR paludisme réalisés')
    for (const input of [positives, tests])
      expect(document.getElementById(input.getAttribute('aria-describedby') ?? '')?.textContent).toBe(message)

    await userEvent.setup().click(await screen.findByRole('button', { name: 'Complete the report' }))
    expect(await screen.findByText('The report breaks validation rules')).toBeTruthy()
    expect(screen.getAllByText(message)).toHaveLength(3) // the two boxes and the notice
    expect(completions).toEqual([])
  })

  it('completing with a wrong box takes the RC to it and names each box to correct', async () => {
    const { completions } = renderApp()
    const user = userEvent.setup()
    await typeAndLeave('Visites à domicile réalisées', '2,5')
    await typeAndLeave('Personnes sensibilisées sur le VIH/IST, Masculin, 15-24', '-3')
    await user.click(await screen.findByRole('button', { name: 'Complete the report' }))

    // The first wrong box in the form's order (VIH comes before the activities) has the focus.
    const first = await box('Personnes sensibilisées sur le VIH/IST, Masculin, 15-24')
    expect(document.activeElement).toBe(first)
    const notice = within(screen.getByText('Correct these boxes first.').parentElement!)
    expect(notice.getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'Personnes sensibilisées sur le VIH/IST, Masculin, 15-24 — This number cannot be negative.',
      'Visites à domicile réalisées — A whole number is expected here, without decimals.',
    ])
    // Each name takes the RC to its box.
    await user.click(notice.getByRole('button', { name: 'Visites à domicile réalisées' }))
    expect(document.activeElement).toBe(await box('Visites à domicile réalisées'))
    // Corrected, the list follows; once all are, completing works.
    await typeAndLeave('Visites à domicile réalisées', '25')
    expect(notice.getAllByRole('listitem')).toHaveLength(1)
    await typeAndLeave('Personnes sensibilisées sur le VIH/IST, Masculin, 15-24', '3')
    expect(screen.queryByText('Correct these boxes first.')).toBeNull()
    await user.click(screen.getByRole('button', { name: 'Complete the report' }))
    await waitFor(() => expect(completions).toHaveLength(1))
  })

  it("asks about a number outside DHIS2's min–max range of the box, as a question", async () => {
    renderApp({ ranges: [{ dataElement: { id: DE.vad.id }, optionCombo: { id: COC_DEFAULT }, min: 5, max: 30 }] })
    await typeAndLeave('Visites à domicile réalisées', '45')
    const input = await box('Visites à domicile réalisées')
    const said = () => document.getElementById(input.getAttribute('aria-describedby') ?? '')?.textContent
    expect(said()).toBe('45 is outside the usual range for this RC (5 to 30). Is this the right number?')
    await typeAndLeave('Visites à domicile réalisées', '25')
    expect(input.getAttribute('aria-describedby')).toBeNull()
  })

  it('a compulsory box: marked, and completing with it empty takes the RC to it when DHIS2 would refuse', async () => {
    const { completions } = renderApp({
      dataSet: {
        compulsoryDataElementOperands: [{ dataElement: { id: DE.vad.id } }],
        compulsoryFieldsCompleteOnly: true,
      },
    })
    const user = userEvent.setup()
    const input = await box('Visites à domicile réalisées')
    expect(input.getAttribute('aria-required')).toBe('true')
    expect(screen.getByText('Boxes marked * must be filled to complete the report.')).toBeTruthy()
    await user.click(await screen.findByRole('button', { name: 'Complete the report' }))
    expect(document.activeElement).toBe(input)
    const notice = within(screen.getByText('Correct these boxes first.').parentElement!)
    expect(notice.getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'Visites à domicile réalisées — This box must be filled to complete the report.',
    ])
    expect(completions).toEqual([])
    await typeAndLeave('Visites à domicile réalisées', '0')
    expect(screen.queryByText('Correct these boxes first.')).toBeNull()
    await user.click(screen.getByRole('button', { name: 'Complete the report' }))
    await waitFor(() => expect(completions).toHaveLength(1))
  })

  it('a compulsory box DHIS2 does not insist on: the report completes and the RC is told it is empty', async () => {
    const { completions } = renderApp({
      dataSet: {
        compulsoryDataElementOperands: [{ dataElement: { id: DE.vad.id }, categoryOptionCombo: { id: COC_DEFAULT } }],
      },
    })
    const user = userEvent.setup()
    await user.click(await screen.findByRole('button', { name: 'Complete the report' }))
    await waitFor(() => expect(completions).toHaveLength(1))
    const notice = within(screen.getByText('Required boxes are still empty').parentElement!.parentElement!)
    expect(notice.getByRole('button', { name: 'Visites à domicile réalisées' })).toBeTruthy()
  })

  it('re-completes a report and un-completes it, keeping the first completion date', async () => {
    const { completions } = renderApp({
      registrations: [
        {
          dataSet: 'dsRcMensuel',
          period: '202609',
          organisationUnit: OU_RC,
          date: '2026-10-02T08:15:00.000',
          completed: false,
        },
      ],
    })
    const user = userEvent.setup()
    await typeAndLeave('TDR paludisme réalisés', '8')
    await typeAndLeave('TDR paludisme positifs', '5')
    expect(await screen.findByText(/first completed on 2 October 2026; that date is kept/)).toBeTruthy()
    await waitFor(() => expect(screen.getAllByText(/Saved/)).toHaveLength(2))

    await user.click(screen.getByRole('button', { name: 'Complete the report' }))
    expect(await screen.findByText('Completed on 2 October 2026')).toBeTruthy()
    await user.click(screen.getByRole('button', { name: 'Un-complete the report' }))
    expect(await screen.findByText(/Not completed \(first completed on 2 October 2026/)).toBeTruthy()

    expect(completions.map((c) => c.completeDataSetRegistrations[0])).toEqual([
      expect.objectContaining({ completed: true, date: '2026-10-02T08:15:00.000', period: '202609' }),
      expect.objectContaining({ completed: false, date: '2026-10-02T08:15:00.000', period: '202609' }),
    ])
  })

  it("dates a report never completed before with DHIS2's clock when the RC completed it", async () => {
    const { completions } = renderApp()
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Complete the report' }))
    expect(await screen.findByText('Completed on 3 October 2026')).toBeTruthy()
    expect(completions[0]?.completeDataSetRegistrations[0]?.date).toMatch(/^2026-10-03T10:0\d:\d\d\.\d{3}$/)
  })

  it('keeps values typed offline in a visible queue and sends them when the connection returns', async () => {
    let online = false
    const { saved, storage, completions } = renderApp({
      saveValue: () => {
        if (!online) throw new FetchError({ type: 'network', message: 'An unknown network error occurred' })
      },
    })
    const input = await typeAndLeave('Visites à domicile réalisées', '14')

    expect(await screen.findByText('No connection to DHIS2')).toBeTruthy()
    expect(screen.getByText('Waiting to be sent (1)')).toBeTruthy()
    expect(screen.getByText(/Visites à domicile réalisées — September 2026/)).toBeTruthy()
    expect(input.getAttribute('data-status')).toBe('waiting')
    expect([...storage.items.values()].map((v) => (isCompletion(v) ? 'completion' : v.value))).toEqual(['14'])
    // completing now queues the completion after the value, not before it
    await userEvent.setup().click(screen.getByRole('button', { name: 'Complete the report' }))
    expect(await screen.findByText(/waiting for the network, it will be sent with your values/)).toBeTruthy()
    expect(screen.getByText('Waiting to be sent (2)')).toBeTruthy()
    expect(completions).toEqual([])

    online = true
    act(() => {
      window.dispatchEvent(new Event('online'))
    })
    await waitFor(() => expect(input.getAttribute('data-status')).toBe('saved'))
    expect(screen.queryByText(/Waiting to be sent/)).toBeNull()
    expect(saved.map((s) => s.value)).toEqual(['14'])
    expect(await screen.findByText('Completed on 3 October 2026')).toBeTruthy()
    expect(completions.map((c) => c.completeDataSetRegistrations[0]?.completed)).toEqual([true])
    expect(storage.items.size).toBe(0)
  })

  describe('after a reload with values still queued on the device', () => {
    const visits = { de: DE.vad.id, pe: '202609', ou: OU_RC, co: COC_DEFAULT }
    const queued = (value: string, actedAt: string): PendingValue => ({
      ...visits,
      key: `${DE.vad.id}|202609|${OU_RC}|${COC_DEFAULT}`,
      value,
      label: 'Visites à domicile réalisées — September 2026',
      seq: 1,
      queuedAt: '2026-10-02T08:00:00.000Z',
      actedAt,
    })
    const stored = (value: string, lastUpdated: string) => ({
      dataElement: DE.vad.id,
      categoryOptionCombo: COC_DEFAULT,
      orgUnit: OU_RC,
      period: '202609',
      value,
      storedBy: 'superviseur',
      lastUpdated,
    })
    const offline = () => {
      throw new FetchError({ type: 'network', message: 'An unknown network error occurred' })
    }

    it("shows the queued value, not DHIS2's older one, waiting to be sent", async () => {
      renderApp({
        values: [stored('5', '2026-10-01T12:00:00.000')],
        queued: [queued('9', '2026-10-02T09:00:00.000')],
        saveValue: offline,
      })
      const input = (await box('Visites à domicile réalisées')) as HTMLInputElement
      expect(input.value).toBe('9')
      await waitFor(() => expect(input.getAttribute('data-status')).toBe('waiting'))
    })

    it("keeps DHIS2's value when someone stored it after the queued one was typed, and says so", async () => {
      const { saved, storage } = renderApp({
        values: [stored('5', '2026-10-03T09:30:00.000')],
        queued: [queued('9', '2026-10-02T09:00:00.000')],
      })
      const input = (await box('Visites à domicile réalisées')) as HTMLInputElement
      expect(input.value).toBe('5')
      expect(
        await screen.findByText(
          'Not saved — superviseur stored a newer value in DHIS2 on 3 October 2026 (5); yours was not sent',
        ),
      ).toBeTruthy()
      expect(saved).toEqual([])
      expect(storage.items.size).toBe(0)
    })
  })

  it('keeps the values when the session expires and asks to sign in again', async () => {
    const { storage } = renderApp({
      saveValue: () => {
        throw new FetchError({ type: 'access', message: 'Unauthorized', details: { httpStatusCode: 401 } })
      },
    })
    await typeAndLeave('Visites à domicile réalisées', '14')
    expect(await screen.findByText('Your DHIS2 session has expired')).toBeTruthy()
    expect(screen.getByRole('link', { name: 'Sign in again' })).toBeTruthy()
    expect(screen.getByText('Waiting — sign in again')).toBeTruthy()
    expect(storage.items.size).toBe(1)
  })

  it('shows why DHIS2 refused a value', async () => {
    renderApp({
      saveValue: () => {
        throw new FetchError({ type: 'access', message: 'Data set is locked', details: { httpStatusCode: 409 } })
      },
    })
    await typeAndLeave('Visites à domicile réalisées', '14')
    expect(await screen.findByText('Not saved — Data set is locked')).toBeTruthy()
  })

  it('lets a supervisor find an RC by code and open their report', async () => {
    const { searches } = renderApp({ user: SUPERVISOR, search: () => [UNITS[OU_RC] as (typeof UNITS)[string]] })
    const user = userEvent.setup()
    expect(await screen.findByText('Choose a community health worker to open their report.')).toBeTruthy()

    await user.type(await screen.findByRole('searchbox', { name: /Find a community health worker/ }), 'RC-AQ-00001')
    await user.click(await screen.findByRole('button', { name: /RC-AQ-00001/ }))

    expect(
      await screen.findByRole('heading', { name: /RC Mathias Hounsou .* \(RC-AQ-00001\) — September 2026/ }),
    ).toBeTruthy()
    expect(searches.at(-1)).toEqual({
      withinUserHierarchy: true,
      filter: ['level:eq:5', 'identifiable:token:RC-AQ-00001'],
      fields: 'id,displayName,code,level,path',
      order: 'code:asc',
      pageSize: 20,
    })
  })

  describe('in French', () => {
    beforeAll(() => switchLanguage('fr'))
    afterAll(() => switchLanguage('en'))

    it('speaks French: month, value-type messages, closed months and rule messages', async () => {
      renderApp()
      expect(await screen.findByRole('heading', { name: /— septembre 2026/ })).toBeTruthy()
      await typeAndLeave('TDR paludisme réalisés', 'abc')
      expect(screen.getByRole('alert').textContent).toBe('Tapez un nombre en chiffres seulement, par exemple 12.')
      await typeAndLeave('TDR paludisme réalisés', '2')
      await typeAndLeave('TDR paludisme positifs', '3')
      await userEvent.setup().click(screen.getByRole('button', { name: 'Compléter le rapport' }))
      expect(
        await screen.findAllByText(
          /Règle de validation « TDR positifs ≤ TDR réalisés » non respectée \(3 ≤ 2 est faux\)/,
        ),
      ).toHaveLength(3)
      await userEvent.setup().click(screen.getByRole('combobox', { name: 'Mois' }))
      expect(within(await screen.findByRole('listbox')).getByRole('option', { name: 'août 2026 (clos)' })).toBeTruthy()
    })
  })
})
