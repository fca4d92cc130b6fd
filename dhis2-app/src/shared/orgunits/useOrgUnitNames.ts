// Org unit names, for tables of what the bridge knows by id (reminders, zones) or by code (the sync console's
// records): one request for the page.
import { useDataQuery } from '@dhis2/app-runtime'
import { useEffect, useMemo } from 'react'

type Key = 'id' | 'code'

const QUERY = {
  units: {
    resource: 'organisationUnits',
    params: ({ key, values }: Record<string, string>) => ({
      filter: `${key}:in:[${values}]`,
      fields: `${key},displayName`,
      paging: false,
    }),
  },
}

interface Result {
  units?: { organisationUnits?: Array<{ id?: string; code?: string; displayName?: string }> }
}

/** What may go in `in:[…]` unescaped: a uid; a code without the list's own separators. */
const usable: Record<Key, (value: string) => boolean> = {
  id: (value) => /^[A-Za-z0-9]{11}$/.test(value),
  code: (value) => !value.includes(',') && !value.includes(']'),
}

function useNamesBy(key: Key, values: ReadonlyArray<string | null | undefined>): ReadonlyMap<string, string> {
  const list = [...new Set(values.filter((v): v is string => !!v && usable[key](v)))].sort()
  const joined = list.join(',')
  // Lazy, then asked whenever the list changes: the engine reads a query's variables once, at mount.
  const { data, refetch } = useDataQuery<Result>(QUERY, { lazy: true })
  useEffect(() => {
    if (joined) void refetch({ key, values: joined })
  }, [key, joined, refetch])
  return useMemo(
    () =>
      new Map(
        (data?.units?.organisationUnits ?? []).flatMap((u) =>
          u[key] && u.displayName ? [[u[key] as string, u.displayName] as const] : [],
        ),
      ),
    [data, key],
  )
}

/** Id → name; an id DHIS2 does not know (or a DHIS2 that cannot be asked) is simply not in the map. */
export const useOrgUnitNames = (ids: ReadonlyArray<string | null | undefined>) => useNamesBy('id', ids)

/** Code → name (the bridge knows RC by code); an unknown code is simply not in the map. */
export const useOrgUnitNamesByCode = (codes: ReadonlyArray<string | null | undefined>) => useNamesBy('code', codes)
