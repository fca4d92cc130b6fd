// Test-only: drives the console's filter selects (views/controls.tsx, @dhis2/ui's SingleSelect) as a person does —
// the select named by its group, its list opened with a click, an option of the list (in a layer) clicked.
import { screen, waitFor } from '@testing-library/react'
import type { UserEvent } from '@testing-library/user-event'

/** The select of a filter: the focusable box inside the group named `label`. */
export function filterSelect(label: string): HTMLElement {
  const box = screen
    .getByRole('group', { name: label })
    .querySelector<HTMLElement>('[data-test="dhis2-uicore-select-input"]')
  if (!box) throw new Error(`no select in the filter « ${label} »`)
  return box
}

/** What the select of a filter shows: the chosen option's label, or its « all » placeholder. */
export const shownIn = (label: string) => filterSelect(label).textContent

/** The options of the open list, by their text. */
export const openOptions = () =>
  [...document.querySelectorAll<HTMLElement>('[data-test="dhis2-uicore-singleselectoption"]')].map(
    (option) => option.textContent,
  )

/** Opens the filter's list and clicks the option whose text is `option`. */
export async function chooseIn(user: UserEvent, label: string, option: string): Promise<void> {
  await user.click(filterSelect(label))
  const choice = await waitFor(() => {
    const found = [...document.querySelectorAll<HTMLElement>('[data-test="dhis2-uicore-singleselectoption"]')].find(
      (o) => o.textContent === option,
    )
    if (!found) throw new Error(`no option « ${option} » in the list of « ${label} »: ${openOptions().join(', ')}`)
    return found
  })
  await user.click(choice)
}
