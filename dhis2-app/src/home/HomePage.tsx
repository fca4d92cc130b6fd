import { allowedScreens } from '../roles/roles'
import { useCurrentUser } from '../shared/CurrentUserProvider'
import classes from './HomePage.module.css'
import { NoRoleNotice } from './NoRoleNotice'
import { ScreenNavigation } from './ScreenNavigation'
import { LanguageSwitch } from './LanguageSwitch'
import { UserProfile } from './UserProfile'

export function HomePage() {
  const { user, roles } = useCurrentUser()
  return (
    <div className={classes.page}>
      <UserProfile user={user} roles={roles} />
      {roles.length === 0 ? <NoRoleNotice /> : <ScreenNavigation screens={allowedScreens(roles)} />}
      <LanguageSwitch />
    </div>
  )
}
