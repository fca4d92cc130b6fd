import i18n from '@dhis2/d2-i18n'
import { Tag } from '@dhis2/ui'
import type { RelaisScreen } from '../roles/roles'
import classes from './HomePage.module.css'
import { screenText } from './screenText'

/** Placeholder for the navigation: lists the screens the user's roles allow; none is built yet. */
export function ScreenNavigation({ screens }: { screens: readonly RelaisScreen[] }) {
  return (
    <nav className={classes.section} aria-labelledby="relais-screens">
      <h2 id="relais-screens">{i18n.t('Your screens')}</h2>
      <ul className={classes.list}>
        {screens.map((screen) => {
          const { title, purpose } = screenText(screen)
          return (
            <li key={screen} data-test={`relais-screen-${screen}`}>
              <strong>{title}</strong> — <span className={classes.muted}>{purpose}</span>{' '}
              <Tag>{i18n.t('Coming soon')}</Tag>
            </li>
          )
        })}
      </ul>
    </nav>
  )
}
