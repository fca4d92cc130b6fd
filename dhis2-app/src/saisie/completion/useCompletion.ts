import { useDataQuery } from '@dhis2/app-runtime'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { useValueQueue } from '../../offline/ValueQueueProvider'
import { completionKey, isCompletion, type PendingCompletion } from '../../offline/types'
import { findRegistration, type Registration, type ReportTarget } from '../../shared/dhis2/registrations'

const query = {
  registrations: {
    resource: 'completeDataSetRegistrations',
    params: ({ dataSet, period, organisationUnit }: Record<string, string>) => ({
      dataSet,
      period,
      orgUnit: organisationUnit,
    }),
  },
}

interface Result {
  registrations: { completeDataSetRegistrations?: Registration[] }
}

/**
 * The report's completion as DHIS2 holds it and as the RC last asked (queued like a value, after the values
 * typed before it, so that it survives no network and a reload). Completing keeps the first completion date.
 */
export function useCompletion(target: ReportTarget, label: string, actedAt: () => string) {
  const queue = useValueQueue()
  const { loading, data, refetch } = useDataQuery<Result>(query, { variables: { ...target } })
  const key = completionKey(target)
  const registration = useMemo(
    () => findRegistration(data?.registrations.completeDataSetRegistrations, target),
    [data, target],
  )
  const pending = useMemo(
    () => queue.pending.find((item): item is PendingCompletion => item.key === key && isCompletion(item)),
    [queue.pending, key],
  )
  const state = queue.states.get(key)
  const saved = state?.status === 'saved'
  // The wish on its way, kept once sent until DHIS2's registration is read again: the status never flickers
  // back to what DHIS2 held before.
  const lastWish = useRef<boolean | undefined>(undefined)
  if (pending) lastWish.current = pending.completed
  const [settling, setSettling] = useState<boolean | undefined>(undefined)
  useEffect(() => {
    if (!saved || lastWish.current === undefined) return
    let current = true
    setSettling(lastWish.current)
    void Promise.resolve(refetch()).finally(() => {
      if (current) setSettling(undefined)
    })
    return () => {
      current = false
    }
  }, [saved, refetch])

  const setCompleted = useCallback(
    (completed: boolean) => queue.saveCompletion(target, completed, label, actedAt()),
    [queue, target, label, actedAt],
  )

  /** What the RC sees: the queued wish until DHIS2 has it, else DHIS2's registration. */
  const completed = pending ? pending.completed : (settling ?? registration?.completed === true)
  const failure = state?.status === 'failed' ? state.message : null
  return {
    loading: loading && !pending,
    registration,
    pending,
    /** Sent, DHIS2's registration being read again. */
    settling: settling !== undefined,
    completed,
    state,
    failure,
    setCompleted,
  }
}
