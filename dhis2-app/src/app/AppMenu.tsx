import i18n from '@dhis2/d2-i18n'
import { NavLink } from 'react-router-dom'
import { screenText } from '../home/screenText'
import { allowedScreens } from '../roles/roles'
import { useCurrentUser } from '../shared/CurrentUserProvider'
import classes from './AppShell.module.css'
import { SCREEN_PATHS } from '../shared/screenPaths'

const linkClass = ({ isActive }: { isActive: boolean }) =>
  isActive ? `${classes.link} ${classes.active}` : classes.link

/** The screens the user's roles allow, and nothing else: what a role cannot do is not shown. */
export function AppMenu() {
  const { roles } = useCurrentUser()
  return (
    <nav className={classes.menu} aria-label={i18n.t('Relais menu')}>
      <NavLink to="/" end className={linkClass}>
        {i18n.t('Home')}
      </NavLink>
      {allowedScreens(roles).map((screen) => (
        <NavLink key={screen} to={SCREEN_PATHS[screen]} className={linkClass} data-test={`relais-menu-${screen}`}>
          {screenText(screen).title}
        </NavLink>
      ))}
    </nav>
  )
}
