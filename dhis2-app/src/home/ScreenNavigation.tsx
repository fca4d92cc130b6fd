import i18n from '@dhis2/d2-i18n'
import { Link } from 'react-router-dom'
import { SCREEN_PATHS } from '../shared/screenPaths'
import type { RelaisScreen } from '../roles/roles'
import classes from './HomePage.module.css'
import { screenText } from './screenText'

/** The screens the user's roles allow, with what each is for. */
export function ScreenNavigation({ screens }: { screens: readonly RelaisScreen[] }) {
  return (
    <nav className={classes.section} aria-labelledby="relais-screens">
      <h2 id="relais-screens">{i18n.t('Your screens')}</h2>
      <ul className={classes.list}>
        {screens.map((screen) => {
          const { title, purpose } = screenText(screen)
          return (
            <li key={screen} data-test={`relais-screen-${screen}`}>
              <Link to={SCREEN_PATHS[screen]}>
                <strong>{title}</strong>
              </Link>{' '}
              — <span className={classes.muted}>{purpose}</span>
            </li>
          )
        })}
      </ul>
    </nav>
  )
}
