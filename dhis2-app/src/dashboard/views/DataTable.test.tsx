import { render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { DataTable } from './DataTable'

interface Rc {
  id: string
  name: string
  score: number
}

const RCS: Rc[] = Array.from({ length: 101 }, (_, i) => ({ id: `rc${i + 1}`, name: `RC ${i + 1}`, score: 100 - i }))

function renderTable(rows: Rc[]) {
  return render(
    <DataTable<Rc>
      title="Community health workers ranked"
      fileName="ranking.csv"
      rows={rows}
      rowKey={(rc) => rc.id}
      empty="No community health worker."
      columns={[
        { header: 'Community health worker', cell: (rc) => rc.name, csv: (rc) => rc.name },
        { header: 'Score', cell: (rc) => `${rc.score}%`, csv: (rc) => rc.score, numeric: true },
      ]}
    />,
  )
}

describe('DataTable', () => {
  it('is a named @dhis2/ui table in a focusable box that scrolls sideways on a phone', () => {
    renderTable(RCS.slice(0, 2))
    // the panel alone bears the title, even to a search by substring (as Playwright's getByRole)
    expect(screen.getAllByRole('region', { name: /Community health workers ranked/ })).toHaveLength(1)
    const panel = screen.getByRole('region', { name: 'Community health workers ranked' })
    const box = within(panel).getByRole('region', { name: 'Scrollable table' })
    expect(box.tabIndex).toBe(0)
    const table = within(box).getByRole('table', { name: 'Community health workers ranked' })
    expect(table.getAttribute('data-test')).toBe('dhis2-uicore-datatable')
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((th) => [th.textContent, th.getAttribute('scope')]),
    ).toEqual([
      ['Community health worker', 'col'],
      ['Score', 'col'],
    ])
    expect(
      within(table)
        .getAllByRole('row')
        .map((tr) => tr.textContent),
    ).toEqual(['Community health workerScore', 'RC 1100%', 'RC 299%'])
    expect(within(panel).queryByRole('button', { name: 'Show all' })).toBeNull()
  })

  it('shows the first 100 rows, then all of them on « Show all »; the CSV button is there', async () => {
    const user = userEvent.setup()
    renderTable(RCS)
    const panel = screen.getByRole('region', { name: 'Community health workers ranked' })
    expect(panel.querySelectorAll('tbody tr')).toHaveLength(100)
    expect(within(panel).getByText(/100 of 101 rows shown\./)).toBeTruthy()
    expect(within(panel).getByRole('button', { name: 'Export CSV, Community health workers ranked' })).toBeTruthy()
    await user.click(within(panel).getByRole('button', { name: 'Show all' }))
    expect(panel.querySelectorAll('tbody tr')).toHaveLength(101)
    expect(panel.querySelector('tbody tr:last-child')?.textContent).toBe('RC 1010%')
    expect(within(panel).queryByRole('button', { name: 'Show all' })).toBeNull()
  })

  it('says so when there is no row, without a table', () => {
    renderTable([])
    const panel = screen.getByRole('region', { name: 'Community health workers ranked' })
    expect(within(panel).getByText('No community health worker.')).toBeTruthy()
    expect(within(panel).queryByRole('table')).toBeNull()
  })
})
