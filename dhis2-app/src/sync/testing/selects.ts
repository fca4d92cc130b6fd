// Test-only: drives the console's filter selects (views/controls.tsx: the shared @dhis2/ui select) as a person
// does — the combobox named by its label, its list opened with a click, an option of the list (in a layer) clicked.
import { screen, within } from '@testing-library/react'
import type { UserEvent } from '@testing-library/user-event'

/** The select of a filter: its combobox, named by the filter's label. */
export const filterSelect = (label: string): HTMLElement => screen.getByRole('combobox', { name: label })

/** What the select of a filter shows: the chosen option's label, or its « all » placeholder. */
export const shownIn = (label: string) => filterSelect(label).textContent

/** The options of the open list, by their text. */
export const openOptions = () => screen.queryAllByRole('option').map((option) => option.textContent)

/** Opens the filter's list and clicks the option whose text is `option`. */
export async function chooseIn(user: UserEvent, label: string, option: string): Promise<void> {
  await user.click(filterSelect(label))
  await user.click(within(await screen.findByRole('listbox')).getByRole('option', { name: option }))
}
