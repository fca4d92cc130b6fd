import i18n from '@dhis2/d2-i18n'
import { Button, NoticeBox } from '@dhis2/ui'
import classes from './PendingQueuePanel.module.css'
import { isCompletion, type PendingItem } from './types'
import { useValueQueue } from './ValueQueueProvider'

/** Where to sign in again: DHIS2's login page, relative to the app at /api/apps/relais/. */
export const LOGIN_URL = '../../../dhis-web-commons-security/login.action'

/** What the queue shows for an item: the value typed, or what was asked of the report. */
function itemValue(item: PendingItem): string {
  if (isCompletion(item)) return item.completed ? i18n.t('complete the report') : i18n.t('un-complete the report')
  return item.value === '' ? i18n.t('(cleared)') : item.value
}

/**
 * What is waiting to be sent, and why, and what DHIS2 refused (kept on the device until the person
 * corrects the cell or lets it go); nothing is shown when both are empty.
 */
export function PendingQueuePanel() {
  const { pending, refused, held, flush, discard } = useValueQueue()
  if (pending.length === 0 && refused.length === 0 && held !== 'session-expired') return null
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
      {pending.length > 0 && (
        <>
          <h3 id="relais-queue" className={classes.title}>
            {i18n.t('Waiting to be sent ({{number}})', { number: pending.length })}
          </h3>
          <ul className={classes.list}>
            {pending.map((item) => (
              <li key={item.key}>
                {item.label}: <strong>{itemValue(item)}</strong>
              </li>
            ))}
          </ul>
          <Button small onClick={() => void flush()}>
            {i18n.t('Send now')}
          </Button>
        </>
      )}
      {refused.length > 0 && (
        <>
          <h3 className={classes.title}>{i18n.t('Refused by DHIS2 ({{number}})', { number: refused.length })}</h3>
          <ul className={classes.list} data-test="relais-refused">
            {refused.map((item) => (
              <li key={item.key} className={classes.refused}>
                <span>
                  {item.label}: <strong>{itemValue(item)}</strong> — {item.refused}
                </span>
                <Button small secondary onClick={() => void discard(item.key)}>
                  {i18n.t('Discard')}
                </Button>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  )
}
