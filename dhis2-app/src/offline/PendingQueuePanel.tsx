import i18n from '@dhis2/d2-i18n'
import { Button, NoticeBox } from '@dhis2/ui'
import classes from './PendingQueuePanel.module.css'
import { useValueQueue } from './ValueQueueProvider'

/** Where to sign in again: DHIS2's login page, relative to the app at /api/apps/relais/. */
export const LOGIN_URL = '../../../dhis-web-commons-security/login.action'

/** What is waiting to be sent, and why; nothing is shown when the queue is empty. */
export function PendingQueuePanel() {
  const { pending, held, flush } = useValueQueue()
  if (pending.length === 0 && held !== 'session-expired') return null
  return (
    <section className={classes.panel} aria-labelledby="relais-queue">
      {held === 'session-expired' ? (
        <NoticeBox error title={i18n.t('Your DHIS2 session has expired')}>
          {i18n.t('The values you entered are kept on this device and will be sent once you sign in again.')}{' '}
          <a href={LOGIN_URL} target="_blank" rel="noreferrer">
            {i18n.t('Sign in again')}
          </a>
        </NoticeBox>
      ) : held === 'offline' ? (
        <NoticeBox warning title={i18n.t('No connection to DHIS2')}>
          {i18n.t('The values you enter are kept on this device and sent as soon as the connection returns.')}
        </NoticeBox>
      ) : null}
      <h3 id="relais-queue" className={classes.title}>
        {i18n.t('Waiting to be sent ({{number}})', { number: pending.length })}
      </h3>
      <ul className={classes.list}>
        {pending.map((item) => (
          <li key={item.key}>
            {item.label}: <strong>{item.value === '' ? i18n.t('(cleared)') : item.value}</strong>
          </li>
        ))}
      </ul>
      <Button small onClick={() => void flush()}>
        {i18n.t('Send now')}
      </Button>
    </section>
  )
}
