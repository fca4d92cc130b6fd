import { CustomDataProvider } from '@dhis2/app-runtime'
import { renderHook, waitFor } from '@testing-library/react'
import type { ReactNode } from 'react'
import { json } from '../../app/testing/renderRoutes'
import { useOrgUnitSearch } from './useOrgUnitSearch'

function setup(answer: (params: Record<string, unknown>) => unknown) {
  const calls: Array<Record<string, unknown>> = []
  const wrapper = ({ children }: { children: ReactNode }) => (
    <CustomDataProvider
      data={{
        organisationUnits: async (_type, query) => {
          const params = query.params as Record<string, unknown>
          calls.push(params)
          return json(answer(params))
        },
      }}
    >
      {children}
    </CustomDataProvider>
  )
  return { calls, wrapper }
}

const unit = (code: string) => ({ id: `id${code}`, displayName: `RC ${code}`, code, level: 5, path: `/x/id${code}` })

describe('useOrgUnitSearch', () => {
  it('does not ask DHIS2 for fewer than 2 characters', async () => {
    const { calls, wrapper } = setup(() => ({ organisationUnits: [] }))
    const { result } = renderHook(() => useOrgUnitSearch('R', 0), { wrapper })
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(calls).toEqual([])
    expect(result.current).toEqual({ loading: false, results: null, total: 0, error: null })
  })

  it('asks for one page of RC within the user hierarchy, by name or code, and reports the total', async () => {
    const { calls, wrapper } = setup(() => ({
      pager: { total: 57 },
      organisationUnits: [unit('RC-AQ-00042')],
    }))
    const { result } = renderHook(() => useOrgUnitSearch(' RC-AQ-00042 ', 0), { wrapper })
    await waitFor(() => expect(result.current.results).toHaveLength(1))
    expect(result.current.total).toBe(57)
    expect(calls).toEqual([
      {
        withinUserHierarchy: true,
        filter: ['level:eq:5', 'identifiable:token:RC-AQ-00042'],
        fields: 'id,displayName,code,level,path',
        order: 'code:asc',
        pageSize: 20,
      },
    ])
  })

  it('waits for typing to pause and only searches the last term', async () => {
    const { calls, wrapper } = setup((params) => ({
      organisationUnits: [
        unit(
          String((params.filter as string[])[1])
            .split(':')
            .pop() ?? '',
        ),
      ],
    }))
    const { result, rerender } = renderHook(({ term }) => useOrgUnitSearch(term, 30), {
      wrapper,
      initialProps: { term: 'Ho' },
    })
    rerender({ term: 'Hou' })
    rerender({ term: 'Houé' })
    await waitFor(() => expect(result.current.results?.[0]?.code).toBe('Houé'))
    expect(calls).toHaveLength(1)
  })

  it('reports a failed search', async () => {
    const { wrapper } = setup(() => {
      throw new Error('Access denied')
    })
    const { result } = renderHook(() => useOrgUnitSearch('Houénou', 0), { wrapper })
    await waitFor(() => expect(result.current.error).toBe('Access denied'))
  })
})
