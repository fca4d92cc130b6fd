import { useDataEngine, useDataQuery } from '@dhis2/app-runtime'
import { useCallback, useMemo, useState } from 'react'
import {
  findRegistration,
  importRefusal,
  registrationPayload,
  type Registration,
  type ReportTarget,
} from './registration'

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

interface FetchErrorLike {
  message?: string
  details?: { message?: string }
}

/** The report's completion, and completing / un-completing it while keeping the first completion date. */
export function useCompletion(target: ReportTarget) {
  const engine = useDataEngine()
  const { loading, error, data, refetch } = useDataQuery<Result>(query, { variables: { ...target } })
  const [busy, setBusy] = useState(false)
  const [actionError, setActionError] = useState<string | null>(null)
  const registration = useMemo(
    () => findRegistration(data?.registrations.completeDataSetRegistrations, target),
    [data, target],
  )

  const setCompleted = useCallback(
    async (completed: boolean): Promise<boolean> => {
      setBusy(true)
      setActionError(null)
      try {
        const answer = await engine.mutate({
          type: 'create',
          resource: 'completeDataSetRegistrations',
          data: registrationPayload(target, registration, completed),
        })
        const refusal = importRefusal(answer)
        if (refusal) {
          setActionError(refusal)
          return false
        }
        await refetch()
        return true
      } catch (e) {
        const failure = e as FetchErrorLike
        setActionError(importRefusal(failure.details) ?? failure.details?.message ?? failure.message ?? String(e))
        return false
      } finally {
        setBusy(false)
      }
    },
    [engine, refetch, registration, target],
  )

  return { loading, error, registration, busy, actionError, setCompleted }
}
