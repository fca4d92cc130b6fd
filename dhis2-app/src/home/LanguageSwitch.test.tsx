import { CustomDataProvider } from '@dhis2/app-runtime'
import { render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { ComponentProps } from 'react'
import { switchLanguage } from '../shared/testing/switchLanguage'
import { LanguageSwitch } from './LanguageSwitch'

type Data = ComponentProps<typeof CustomDataProvider>['data']

function renderSwitch(save: (params: unknown) => unknown) {
  const saved = jest.fn()
  const data: Data = {
    'userSettings/keyUiLocale': async (type, query) => {
      expect(type).toBe('create')
      return save(query.params) as never
    },
  }
  render(
    <CustomDataProvider data={data}>
      <LanguageSwitch onSaved={saved} />
    </CustomDataProvider>,
  )
  return { saved }
}

describe('LanguageSwitch', () => {
  describe('in French', () => {
    beforeAll(() => switchLanguage('fr'))
    afterAll(() => switchLanguage('en'))
    it("writes the user's DHIS2 language setting, then reloads in it", async () => {
      const writes: unknown[] = []
      const { saved } = renderSwitch((params) => {
        writes.push(params)
        return { httpStatus: 'OK', message: 'User setting saved' }
      })
      expect(screen.getByRole('heading', { name: 'Langue · Language' })).toBeTruthy()
      const user = userEvent.setup()
      await user.click(screen.getByRole('button', { name: 'Français' })) // already French: nothing written
      expect(writes).toEqual([])
      await user.click(screen.getByRole('button', { name: 'English' }))
      await waitFor(() => expect(saved).toHaveBeenCalledTimes(1))
      expect(writes).toEqual([{ value: 'en' }])
    })
  })

  it('says so when DHIS2 could not save it, and stays as it was', async () => {
    const { saved } = renderSwitch(() => {
      throw new Error('offline')
    })
    await userEvent.setup().click(screen.getByRole('button', { name: 'Français' }))
    expect(await screen.findByText('The language was not changed')).toBeTruthy()
    expect(saved).not.toHaveBeenCalled()
  })
})
