import { useEffect, useState } from 'react'

export interface LoadState<T> {
  loading: boolean
  error: Error | null
  data: T | undefined
}

/**
 * Runs `load` whenever `key` changes (or `reload` is called) and keeps the answer of the latest run only:
 * a slow answer for an earlier choice never overwrites the current one.
 */
export function useLoad<T>(key: string, load: () => Promise<T>): LoadState<T> & { reload: () => void } {
  const [state, setState] = useState<LoadState<T>>({ loading: true, error: null, data: undefined })
  const [round, setRound] = useState(0)
  useEffect(() => {
    let current = true
    setState((s) => ({ ...s, loading: true, error: null }))
    load()
      .then((data) => {
        if (current) setState({ loading: false, error: null, data })
      })
      .catch((e: unknown) => {
        if (current) setState({ loading: false, error: e instanceof Error ? e : new Error(String(e)), data: undefined })
      })
    return () => {
      current = false
    }
    // `load` is a new function each render; the key says when its inputs changed.
  }, [key, round])
  return { ...state, reload: () => setRound((r) => r + 1) }
}
