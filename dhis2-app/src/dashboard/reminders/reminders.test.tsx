// The dashboard's side of the reminders (issue 15 §1): « Relancer » on a missing report, confirmed before it
// goes, refused with the bridge's reason; and the effect of reminders per month and zone.
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { CELLS, RC, SUPERVISOR, ZONE } from '../testing/fixtures'
import { renderDashboard } from '../testing/fakeDhis2'
import { previousMonthOf } from './reminderMonth'

jest.setTimeout(20_000)
beforeAll(() => {
  jest.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null as never)
})

const rowsOf = (section: HTMLElement) =>
  [...section.querySelectorAll('tbody tr')].map((tr) =>
    [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim()).join(' | '),
  )

test('the month reminders are about is the one that ended before today', () => {
  expect(previousMonthOf('2026-12-03')).toBe('202611')
  expect(previousMonthOf('2027-01-02')).toBe('202612')
})

test('« Relancer » asks first, sends by the channels kept, and says when it is done', async () => {
  const user = userEvent.setup()
  const view = renderDashboard({ user: SUPERVISOR, cells: CELLS, registrations: [], bridge: {} })
  const gaps = await screen.findByRole('region', { name: 'Gaps to follow up' })
  const remind = await within(gaps).findByRole('button', { name: `Remind ${RC.d.displayName}` })
  await user.click(remind)
  const dialog = await screen.findByRole('dialog')
  expect(within(dialog).getByText(`Remind ${RC.d.displayName}?`)).toBeTruthy()
  await user.click(within(dialog).getByRole('checkbox', { name: 'SMS' }))
  expect(view.reminds).toEqual([])
  await user.click(within(dialog).getByRole('button', { name: 'Send the reminder' }))
  await waitFor(() => expect(view.reminds).toEqual([{ orgUnit: RC.d.id, channels: ['message'] }]))
  expect(await within(gaps).findByRole('button', { name: `Reminded ${RC.d.displayName}` })).toHaveProperty(
    'disabled',
    true,
  )
})

test('a refusal of the bridge is said next to the button, in words', async () => {
  const user = userEvent.setup()
  const { FetchError } = await import('@dhis2/app-runtime')
  renderDashboard({
    user: SUPERVISOR,
    cells: CELLS,
    registrations: [],
    bridge: {
      remind: () => {
        // As app-runtime throws a 409 of the bridge: an access error with the body as details.
        throw new FetchError({
          type: 'access',
          message: 'already',
          details: { error: 'already-reminded', message: 'This RC was already reminded today' },
        })
      },
    },
  })
  const gaps = await screen.findByRole('region', { name: 'Gaps to follow up' })
  await user.click(await within(gaps).findByRole('button', { name: `Remind ${RC.d.displayName}` }))
  await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Send the reminder' }))
  expect((await within(gaps).findByRole('alert')).textContent).toBe(
    'This community health worker was already reminded today (one reminder a day at most).',
  )
})

test('the effect of reminders: per month and zone, reminded against not reminded, named', async () => {
  renderDashboard({
    user: SUPERVISOR,
    cells: CELLS,
    registrations: [],
    bridge: {
      effect: {
        windowDays: 3,
        rows: [
          {
            period: '202609',
            zone: null,
            reminded: { count: 40, completed: 22, share: 0.55 },
            heldOut: { count: 5, completed: 1, share: 0.2 },
            difference: 35,
          },
          {
            period: '202609',
            zone: ZONE,
            reminded: { count: 4, completed: 2, share: 0.5 },
            heldOut: { count: 0, completed: 0, share: null },
            difference: null,
          },
        ],
      },
    },
  })
  const effect = await screen.findByRole('region', { name: 'Effect of reminders' })
  await waitFor(() => expect(rowsOf(effect)).toHaveLength(2))
  await waitFor(() =>
    expect(rowsOf(effect)).toEqual([
      'September 2026 | All zones | 55% (22/40) | 20% (1/5) | +35 points',
      'September 2026 | ZS Ouidah | 50% (2/4) | — | —',
    ]),
  )
})

test('without the bridge, the dashboard stays and says why the effect is missing', async () => {
  renderDashboard({ user: SUPERVISOR, cells: CELLS, registrations: [] })
  const effect = await screen.findByRole('region', { name: 'Effect of reminders' })
  await waitFor(() => expect(effect.textContent).toContain('Not available.'))
  expect(screen.getByRole('region', { name: 'Gaps to follow up' })).toBeTruthy()
})
