import { CustomDataProvider } from '@dhis2/app-runtime'
import { fireEvent, render, screen } from '@testing-library/react'
import { useState, type ComponentProps } from 'react'
import { useOrgUnitNames, useOrgUnitNamesByCode } from './useOrgUnitNames'

const UNITS = [
  { id: 'ouRcAfi0001', code: 'RC-AQ-00001', displayName: 'RC Afi Houénou' },
  { id: 'ouRcKof0002', code: 'RC-AQ-00002', displayName: 'RC Kofi Agbo' },
]

/** DHIS2's answer to `filter=<key>:in:[…]&fields=<key>,displayName`; every filter asked is kept. */
function dhis2() {
  const asked: string[] = []
  const data: ComponentProps<typeof CustomDataProvider>['data'] = {
    organisationUnits: async (_type, query) => {
      const filter = String(query.params?.filter)
      asked.push(filter)
      const [, key, list] = /^(id|code):in:\[(.*)\]$/.exec(filter) ?? []
      const wanted = (list ?? '').split(',')
      return {
        organisationUnits: UNITS.filter((u) => wanted.includes(u[key as 'id' | 'code'])).map((u) => ({
          [key as string]: u[key as 'id' | 'code'],
          displayName: u.displayName,
        })),
      }
    },
  }
  return { data, asked }
}

function Names({ by, later }: { by: 'id' | 'code'; later: string[] }) {
  // The values arrive after the first render, as a table's rows do once the bridge answers.
  const [values, setValues] = useState<string[]>([])
  const names = (by === 'id' ? useOrgUnitNames : useOrgUnitNamesByCode)(values)
  return (
    <>
      <button onClick={() => setValues(later)}>load</button>
      <ul>
        {values.map((v) => (
          <li key={v}>{names.get(v) ?? v}</li>
        ))}
      </ul>
    </>
  )
}

test.each([
  ['id', ['ouRcAfi0001', 'ouRcKof0002', 'not-a-uid']],
  ['code', ['RC-AQ-00001', 'RC-AQ-00002', 'RC-X,]']],
] as const)('names by %s, asked once the values arrive, unusable values left out', async (by, later) => {
  const { data, asked } = dhis2()
  render(
    <CustomDataProvider data={data}>
      <Names by={by} later={[...later]} />
    </CustomDataProvider>,
  )
  fireEvent.click(screen.getByRole('button', { name: 'load' }))
  expect(await screen.findByText('RC Afi Houénou')).toBeTruthy()
  expect(screen.getByText('RC Kofi Agbo')).toBeTruthy()
  // The value that cannot go in `in:[…]` is shown as it is, and was not sent.
  expect(screen.getByText(later[2])).toBeTruthy()
  expect(asked).toEqual([`${by}:in:[${later[0]},${later[1]}]`])
})
