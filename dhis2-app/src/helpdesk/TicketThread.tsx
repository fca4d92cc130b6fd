import { useConfig } from '@dhis2/app-runtime'
import i18n from '@dhis2/d2-i18n'
import { Tag } from '@dhis2/ui'
import { uiLanguage } from '../shared/language'
import classes from './Helpdesk.module.css'
import { attachmentPath } from './helpdeskApi'
import { formatMoment, statusLabel } from './labels'
import { PHOTO_MESSAGE } from './sendTicket'
import { deskStatus, type Ticket } from './tickets'

/** `../..` or `https://…` plus an API path: the attachment as the browser fetches it (DHIS2's session cookie). */
function absolute(baseUrl: string, path: string): string {
  const base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`, window.location.href)
  return new URL(path, base).toString()
}

/**
 * A ticket's conversation, oldest first: who wrote, when, the photos. The desk's internal notes are marked as
 * such (the RC never gets them), and its status notes read as what they record.
 */
export function TicketThread({ ticket }: { ticket: Ticket }) {
  const { baseUrl } = useConfig()
  const language = uiLanguage()
  return (
    <ol className={classes.thread} aria-label={i18n.t('Conversation')}>
      {ticket.messages.map((m) => (
        <li
          key={m.id}
          className={
            m.internal ? `${classes.message} ${classes.internal}` : m.fromRc ? classes.message : classes.answer
          }
        >
          <p className={classes.meta}>
            <strong>{m.sender?.name ?? i18n.t('DHIS2')}</strong>, {formatMoment(m.created, language)}
            {m.internal && !m.statusNote && (
              <>
                {' '}
                <Tag neutral className={classes.tag}>
                  {i18n.t('Internal note')}
                </Tag>
              </>
            )}
          </p>
          {m.statusNote ? (
            <p className={classes.muted}>
              {i18n.t('Status changed to {{status}}', {
                status: statusLabel(deskStatus(m.statusNote)),
                interpolation: { escapeValue: false },
              })}
            </p>
          ) : (
            m.text !== PHOTO_MESSAGE && <p className={classes.text}>{m.text}</p>
          )}
          {m.attachments.map((a) => (
            <a
              key={a.id}
              href={absolute(baseUrl, attachmentPath(ticket.id, m.id, a.id))}
              target="_blank"
              rel="noreferrer"
              className={classes.photoLink}
            >
              <img
                className={classes.photo}
                src={absolute(baseUrl, attachmentPath(ticket.id, m.id, a.id))}
                alt={i18n.t('Photo sent with the request')}
              />
            </a>
          ))}
        </li>
      ))}
    </ol>
  )
}
