// RC names by code, for the tables of records (the bridge knows codes; DHIS2 knows who they are).
import { useDataQuery } from '@dhis2/app-runtime'
import { useMemo } from 'react'

const QUERY = {
  units: {
    resource: 'organisationUnits',
    params: ({ codes }: Record<string, string>) => ({
      filter: `code:in:[${codes}]`,
      fields: 'code,displayName',
      paging: false,
    }),
  },
}

interface Result {
  units?: { organisationUnits?: Array<{ code?: string; displayName?: string }> }
}

/** Code → name; a code DHIS2 does not know (or a DHIS2 that cannot be asked) is simply not in the map. */
export function useRcNames(codes: ReadonlyArray<string | null>): ReadonlyMap<string, string> {
  const list = [...new Set(codes.filter((c): c is string => !!c && !c.includes(',') && !c.includes(']')))].sort()
  const { data } = useDataQuery<Result>(QUERY, { variables: { codes: list.join(',') }, lazy: list.length === 0 })
  return useMemo(
    () =>
      new Map(
        (data?.units?.organisationUnits ?? [])
          .filter((u) => u.code && u.displayName)
          .map((u) => [u.code as string, u.displayName as string]),
      ),
    [data],
  )
}
