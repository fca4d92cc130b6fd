import { useDataQuery } from '@dhis2/app-runtime'
import i18n from '@dhis2/d2-i18n'
import { CircularLoader, NoticeBox } from '@dhis2/ui'
import { allowedScreens, relaisRoles } from '../roles/roles'
import { currentUserQuery, type CurrentUserQueryResult } from '../shared/currentUser'
import classes from './HomePage.module.css'
import { NoRoleNotice } from './NoRoleNotice'
import { ScreenNavigation } from './ScreenNavigation'
import { UserProfile } from './UserProfile'

export function HomePage() {
  const { loading, error, data } = useDataQuery<CurrentUserQueryResult>(currentUserQuery)

  return (
    <main className={classes.page}>
      <h1>{i18n.t('Relais')}</h1>
      {error ? (
        <NoticeBox error title={i18n.t('Could not load your profile')}>
          {error.message}
        </NoticeBox>
      ) : loading || !data ? (
        <div className={classes.centered}>
          <CircularLoader aria-label={i18n.t('Loading your profile')} />
        </div>
      ) : (
        <HomeContent result={data} />
      )}
    </main>
  )
}

function HomeContent({ result }: { result: CurrentUserQueryResult }) {
  const user = result.me
  const roles = relaisRoles(user)
  return (
    <>
      <UserProfile user={user} roles={roles} />
      {roles.length === 0 ? <NoRoleNotice /> : <ScreenNavigation screens={allowedScreens(roles)} />}
    </>
  )
}
