import { useDataQuery } from '@dhis2/app-runtime'
import i18n from '@dhis2/d2-i18n'
import { CircularLoader } from '@dhis2/ui'
import { createContext, useContext, useMemo, type ReactNode } from 'react'
import { relaisRoles, type RelaisRole } from '../roles/roles'
import { currentUserQuery, type CurrentUser, type CurrentUserQueryResult } from './currentUser'
import classes from './CurrentUserProvider.module.css'
import { LoadError } from './LoadError'

export interface CurrentUserValue {
  user: CurrentUser
  roles: RelaisRole[]
}

const CurrentUserContext = createContext<CurrentUserValue | null>(null)

/** Loads the signed-in user once for every screen; shows a loader, or the error, until then. */
export function CurrentUserProvider({ children }: { children: ReactNode }) {
  const { loading, error, data, refetch } = useDataQuery<CurrentUserQueryResult>(currentUserQuery)
  const value = useMemo(() => (data ? { user: data.me, roles: relaisRoles(data.me) } : null), [data])

  if (error) return <LoadError title={i18n.t('Could not load your profile')} error={error} retry={refetch} />
  if (loading || !value) {
    return (
      <div className={classes.centered}>
        <CircularLoader aria-label={i18n.t('Loading your profile')} />
      </div>
    )
  }
  return <CurrentUserContext.Provider value={value}>{children}</CurrentUserContext.Provider>
}

export function useCurrentUser(): CurrentUserValue {
  const value = useContext(CurrentUserContext)
  if (!value) throw new Error('useCurrentUser needs a CurrentUserProvider')
  return value
}
