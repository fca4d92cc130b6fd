// Data elements and option combos by name, for tables of values the bridge names by DHIS2 uid.
import { useDataQuery } from '@dhis2/app-runtime'
import { useCallback, useEffect, useMemo, useRef } from 'react'

interface NamesResult {
  elements?: { dataElements?: Array<{ id: string; displayFormName?: string; displayName?: string }> }
  combos?: { categoryOptionCombos?: Array<{ id: string; displayName?: string }> }
}

const QUERY = {
  elements: {
    resource: 'dataElements',
    params: ({ ids }: Record<string, string>) => ({
      filter: `id:in:[${ids}]`,
      fields: 'id,displayFormName,displayName',
      paging: false,
    }),
  },
  combos: {
    resource: 'categoryOptionCombos',
    params: ({ combos }: Record<string, string>) => ({
      filter: `id:in:[${combos}]`,
      fields: 'id,displayName',
      paging: false,
    }),
  },
}

interface ValueKey {
  dataElement: string
  categoryOptionCombo: string
}

/**
 * « Préservatifs distribués, Masculin » for a value's data element and option combo. Names are a comfort:
 * without them (no access, offline) the uids DHIS2 gave are shown.
 */
export function useValueNames(rows: readonly ValueKey[]): (row: ValueKey) => string {
  const ids = [...new Set(rows.map((r) => r.dataElement))].sort().join(',')
  const combos = [...new Set(rows.map((r) => r.categoryOptionCombo))].sort().join(',')
  // Asked whenever the rows name other values: useDataQuery keeps its first variables otherwise, and a table whose
  // rows arrive after it mounted (a preview, « also list the new values ») would show uids for good.
  const { data, refetch } = useDataQuery<NamesResult>(QUERY, { lazy: true })
  const ask = useRef(refetch)
  ask.current = refetch
  useEffect(() => {
    if (ids !== '') void ask.current({ ids, combos })
  }, [ids, combos])
  const names = useMemo(
    () => ({
      element: new Map(
        (data?.elements?.dataElements ?? []).map((d) => [d.id, d.displayFormName ?? d.displayName ?? d.id]),
      ),
      combo: new Map((data?.combos?.categoryOptionCombos ?? []).map((c) => [c.id, c.displayName ?? c.id])),
    }),
    [data],
  )
  return useCallback(
    (row: ValueKey) => {
      const combo = names.combo.get(row.categoryOptionCombo)
      const element = names.element.get(row.dataElement) ?? row.dataElement
      return `${element}${combo && combo !== 'default' ? `, ${combo}` : ''}`
    },
    [names],
  )
}
