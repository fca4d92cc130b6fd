// Org unit names by id, for tables of what the bridge knows by id (reminders, zones): one request for the page.
import { useDataQuery } from '@dhis2/app-runtime'
import { useEffect, useMemo } from 'react'

const QUERY = {
  units: {
    resource: 'organisationUnits',
    params: ({ ids }: Record<string, string>) => ({
      filter: `id:in:[${ids}]`,
      fields: 'id,displayName',
      paging: false,
    }),
  },
}

interface Result {
  units?: { organisationUnits?: Array<{ id: string; displayName?: string }> }
}

/** Id → name; an id DHIS2 does not know (or a DHIS2 that cannot be asked) is simply not in the map. */
export function useOrgUnitNames(ids: ReadonlyArray<string | null | undefined>): ReadonlyMap<string, string> {
  const list = [...new Set(ids.filter((id): id is string => !!id && /^[A-Za-z0-9]{11}$/.test(id)))].sort()
  const key = list.join(',')
  // Lazy, then asked whenever the list changes: the engine reads a query's variables once, at mount.
  const { data, refetch } = useDataQuery<Result>(QUERY, { lazy: true })
  useEffect(() => {
    if (key) void refetch({ ids: key })
  }, [key, refetch])
  return useMemo(
    () =>
      new Map(
        (data?.units?.organisationUnits ?? []).filter((u) => u.displayName).map((u) => [u.id, u.displayName as string]),
      ),
    [data],
  )
}
