// The bulletin screen against the dashboard's fake DHIS2 (a zone with four RC, September 2026, analytics run at
// 02:00 and RC C completing at 08:30): the document and its sections, a supervisor's own zone only, and the
// reminders' parts saying they are missing when the bridge cannot be asked (the fake has no route).
import { screen, waitFor, within } from '@testing-library/react'
import { renderDashboard } from '../dashboard/testing/fakeDhis2'
import { CELLS, REGISTRATIONS, SUPERVISOR, ZONE } from '../dashboard/testing/fixtures'

const rowsOf = (region: HTMLElement) =>
  within(region)
    .getAllByRole('row')
    .slice(1)
    .map((row) =>
      within(row)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    )

test('a supervisor’s monthly bulletin of their zone, with the completions since the analytics run', async () => {
  renderDashboard({ user: SUPERVISOR, path: '/bulletin', cells: CELLS, registrations: REGISTRATIONS })
  await screen.findByRole('heading', { name: 'Monthly bulletin — Zone ZS Ouidah' }, { timeout: 5000 })
  // Their zone is the only choice.
  expect(screen.getByRole('combobox', { name: 'Zone or département' }).textContent).toBe('Zone ZS Ouidah')

  // 4 expected; A and B before the run, C after it (on time): 3 completed, 2 on time — the aire adds up the same.
  const completeness = screen.getByRole('region', { name: 'Completeness and timeliness' })
  expect(rowsOf(completeness)).toEqual([
    ['AS Ouidah-Centre', '4', '3', '2', '75%', '50%'],
    ['ZS Ouidah', '4', '3', '2', '75%', '50%'],
  ])
  const indicators = screen.getByRole('region', { name: 'Indicators against targets' })
  expect(rowsOf(indicators)).toContainEqual([
    'Achievement of the sensitisation target',
    '85.2%',
    '511',
    '600',
    '100%',
    'No',
  ])
  expect(rowsOf(indicators)).toContainEqual(['Achievement of the RDT target', '120%', '168', '140', '100%', 'Yes'])

  // D is the one gap; the reminders sent are unknown without the bridge, the follow-up not recorded.
  const gaps = screen.getByRole('region', { name: 'Gaps and their follow-up' })
  await waitFor(() => expect(within(gaps).queryAllByRole('row')).toHaveLength(2))
  expect(rowsOf(gaps)).toEqual([
    ['September 2026', 'AS Ouidah-Centre', 'RC Dénis Kpadé (Avlékété)', '—', '—', '—', '—', '—', 'Not recorded'],
  ])
  expect(gaps.textContent).toContain('Reminders sent are not available.')
  const effect = screen.getByRole('region', { name: 'Effect of reminders' })
  await waitFor(() => expect(effect.textContent).toContain('Not available.'))
  // The help desk's part is there all the same, and both exports are offered.
  const helpdesk = screen.getByRole('region', { name: 'Help desk' })
  await waitFor(() => expect(rowsOf(helpdesk).at(-1)).toEqual(['All requests', '0', '0', '—', '—']))
  await waitFor(() => expect(screen.getByRole('button', { name: 'Download CSV' })).toHaveProperty('disabled', false))
  expect(screen.getByRole('button', { name: 'Print / PDF' })).toBeTruthy()
})

test('the reminders’ effect of the zone’s month, read from the bridge through the route', async () => {
  const group = (count: number, completed: number) => ({ count, completed, share: completed / count })
  renderDashboard({
    user: SUPERVISOR,
    path: '/bulletin',
    cells: CELLS,
    registrations: REGISTRATIONS,
    bridge: {
      effect: {
        windowDays: 3,
        rows: [
          { period: '202609', zone: ZONE, reminded: group(4, 2), heldOut: group(2, 0), difference: 50 },
          { period: '202609', zone: 'ouZsOther01', reminded: group(9, 9), heldOut: group(1, 0), difference: 100 },
          { period: '202609', zone: null, reminded: group(13, 11), heldOut: group(3, 0), difference: 84.6 },
          { period: '202608', zone: ZONE, reminded: group(1, 1), heldOut: group(1, 1), difference: 0 },
        ],
      },
    },
  })
  const effect = await screen.findByRole('region', { name: 'Effect of reminders' }, { timeout: 5000 })
  // September, this zone only: neither another zone, nor the whole country, nor August.
  await waitFor(() =>
    expect(rowsOf(effect)).toEqual([['September 2026', 'ZS Ouidah', '50% (2/4)', '0% (0/2)', '+50 points']]),
  )
})
