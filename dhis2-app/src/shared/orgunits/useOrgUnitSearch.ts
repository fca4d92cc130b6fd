import { useDataEngine } from '@dhis2/app-runtime'
import { useEffect, useState } from 'react'
import { ORG_UNIT_FIELDS, RC_LEVEL, type OrgUnitNode } from './types'

export const SEARCH_DELAY_MS = 300
export const SEARCH_PAGE_SIZE = 20
export const SEARCH_MIN_LENGTH = 2

/**
 * Server-side search of RC by name or code within the user's hierarchy: one page of 20 at a time, so it
 * stays fast with 20,000 RC (nothing is loaded up front). `identifiable:token` matches words of the
 * name and the code ("houénou", "RC-AQ-00042").
 */
export function searchQuery(term: string) {
  return {
    units: {
      resource: 'organisationUnits',
      params: {
        withinUserHierarchy: true,
        filter: [`level:eq:${RC_LEVEL}`, `identifiable:token:${term}`],
        fields: ORG_UNIT_FIELDS,
        order: 'code:asc',
        pageSize: SEARCH_PAGE_SIZE,
      },
    },
  }
}

interface Result {
  units: { organisationUnits: OrgUnitNode[]; pager?: { total?: number } }
}

export interface OrgUnitSearchState {
  loading: boolean
  results: OrgUnitNode[] | null
  total: number
  error: string | null
}

const IDLE: OrgUnitSearchState = { loading: false, results: null, total: 0, error: null }

/** Debounced search; the last term typed wins (earlier answers are dropped). */
export function useOrgUnitSearch(rawTerm: string, delayMs: number = SEARCH_DELAY_MS): OrgUnitSearchState {
  const engine = useDataEngine()
  const term = rawTerm.trim()
  const [state, setState] = useState<OrgUnitSearchState>(IDLE)
  useEffect(() => {
    if (term.length < SEARCH_MIN_LENGTH) {
      setState(IDLE)
      return
    }
    let current = true
    setState((s) => ({ ...s, loading: true, error: null }))
    const timer = setTimeout(() => {
      engine
        .query(searchQuery(term))
        .then((data) => {
          const result = data as unknown as Result
          if (current) {
            setState({
              loading: false,
              results: result.units.organisationUnits,
              total: result.units.pager?.total ?? result.units.organisationUnits.length,
              error: null,
            })
          }
        })
        .catch((e: unknown) => {
          if (current) setState({ ...IDLE, error: e instanceof Error ? e.message : String(e) })
        })
    }, delayMs)
    return () => {
      current = false
      clearTimeout(timer)
    }
  }, [engine, term, delayMs])
  return state
}
