import i18n from '@dhis2/d2-i18n'
import type { SaveState } from '../../offline/types'
import classes from '../Saisie.module.css'

/** Saved / saving / waiting / failed, next to the cell. */
export function CellStatus({ state }: { state: SaveState | undefined }) {
  if (!state) return null
  switch (state.status) {
    case 'saving':
      return <span className={`${classes.status} ${classes.saving}`}>{i18n.t('Saving…')}</span>
    case 'saved':
      return <span className={`${classes.status} ${classes.saved}`}>✓ {i18n.t('Saved')}</span>
    case 'waiting':
      return (
        <span className={`${classes.status} ${classes.waiting}`}>
          {state.reason === 'session-expired' ? i18n.t('Waiting — sign in again') : i18n.t('Waiting for the network')}
        </span>
      )
    case 'failed':
      return (
        <span className={`${classes.status} ${classes.failed}`}>
          {i18n.t('Not saved — {{reason}}', { reason: state.message, interpolation: { escapeValue: false } })}
        </span>
      )
  }
}
