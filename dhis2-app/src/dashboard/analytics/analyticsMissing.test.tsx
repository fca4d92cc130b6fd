// A new DHIS2 has no analytics tables until its first night: the dashboard says so, in words, not DHIS2's SQL.
import { screen } from '@testing-library/react'
import { CELLS, SUPERVISOR } from '../testing/fixtures'
import { renderDashboard } from '../testing/fakeDhis2'
import { analyticsTablesMissing } from './analyticsMissing'

jest.setTimeout(20_000)

test('E7144 or its words mean the tables were never generated; other errors do not', () => {
  expect(analyticsTablesMissing({ details: { errorCode: 'E7144' } })).toBe(true)
  expect(analyticsTablesMissing({ message: 'Please ensure analytics job was run (SqlState: 42P01)' })).toBe(true)
  expect(analyticsTablesMissing({ details: { errorCode: 'E7101' }, message: 'Dimension ou is present' })).toBe(false)
  expect(analyticsTablesMissing(undefined)).toBe(false)
})

test('the dashboard of a DHIS2 whose analytics never ran says when the figures will come', async () => {
  renderDashboard({ user: SUPERVISOR, cells: CELLS, analyticsNeverRun: true })
  expect(await screen.findByText('DHIS2 has not generated its analytics yet')).toBeTruthy()
  expect(screen.queryByText(/SqlState/)).toBeNull()
})
