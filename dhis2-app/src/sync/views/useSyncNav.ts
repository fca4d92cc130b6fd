// Where the console is: in the address (#/synchronisation?view=…&run=…&record=…), so Back works and a run or a
// record can be shared as a link.
import { useCallback } from 'react'
import { useSearchParams } from 'react-router-dom'

export const SYNC_VIEWS = ['sources', 'runs', 'records', 'quarantine', 'outbound', 'hmis'] as const
export type SyncView = (typeof SYNC_VIEWS)[number]

export function useSyncNav() {
  const [params, setParams] = useSearchParams()
  const raw = params.get('view')
  const view: SyncView = (SYNC_VIEWS as readonly string[]).includes(raw ?? '') ? (raw as SyncView) : 'sources'

  /** Go somewhere: `values` replace the whole query (undefined or '' values are left out). */
  const go = useCallback(
    (values: Record<string, string | number | undefined>) => {
      const next = new URLSearchParams()
      for (const [key, value] of Object.entries(values))
        if (value !== undefined && value !== '') next.set(key, String(value))
      setParams(next)
    },
    [setParams],
  )

  return {
    view,
    params,
    runId: params.get('run'),
    recordId: params.get('record'),
    /** A push to the national HMIS whose report is open (view=hmis). */
    pushId: params.get('push'),
    go,
    openRun: (id: string) => go({ view: 'runs', run: id }),
    openRecord: (id: string, from: SyncView = view) => go({ view: from, record: id }),
  }
}
