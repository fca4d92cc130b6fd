import { useDataEngine } from '@dhis2/app-runtime'
import { useEffect, useState } from 'react'
import { ORG_UNIT_FIELDS, type OrgUnitNode } from './types'

export function childrenQuery(id: string) {
  return {
    unit: {
      resource: `organisationUnits/${id}`,
      params: { fields: `children[${ORG_UNIT_FIELDS},children::size]` },
    },
  }
}

interface Result {
  unit: { children?: OrgUnitNode[] }
}

/** The children of one tree node, loaded the first time it is opened (never the whole tree). */
export function useOrgUnitChildren(id: string, open: boolean) {
  const engine = useDataEngine()
  const [children, setChildren] = useState<OrgUnitNode[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const wanted = open && children === null
  useEffect(() => {
    if (!wanted) return
    let current = true
    engine
      .query(childrenQuery(id))
      .then((data) => {
        const list = [...((data as unknown as Result).unit.children ?? [])]
        list.sort((a, b) => a.displayName.localeCompare(b.displayName, 'fr'))
        if (current) setChildren(list)
      })
      .catch((e: unknown) => {
        if (current) setError(e instanceof Error ? e.message : String(e))
      })
    return () => {
      current = false
    }
  }, [engine, id, wanted])
  return { children, error, loading: wanted && error === null }
}
