import { useDataEngine } from '@dhis2/app-runtime'
import i18n from '@dhis2/d2-i18n'
import {
  Button,
  ButtonStrip,
  CircularLoader,
  Modal,
  ModalActions,
  ModalContent,
  ModalTitle,
  NoticeBox,
  Tag,
} from '@dhis2/ui'
import { useEffect, useState } from 'react'
import { LOGIN_URL } from '../offline/PendingQueuePanel'
import { LoadError } from '../shared/LoadError'
import { uiLanguage } from '../shared/language'
import { useLoad } from '../shared/useLoad'
import classes from './Helpdesk.module.css'
import { loadFeedbackGroup, markRead } from './helpdeskApi'
import { categoryLabel, formatMoment } from './labels'
import { NewTicketForm, usePreview } from './NewTicketForm'
import { ReplyForm } from './ReplyForm'
import { StatusTag } from './StatusTag'
import type { PendingTicket } from './ticketQueue'
import { TicketThread } from './TicketThread'
import type { Ticket } from './tickets'
import { RC_POLL_MS, useTickets } from './useTickets'
import { useTicketQueue } from './useTicketQueue'

/** The RC's side of the help desk: file a difficulty, see what waits on the phone, follow the answers. */
export function MyHelp() {
  const queue = useTicketQueue()
  // Once a waiting ticket reaches DHIS2, it moves from « waiting » to the list: read the list again then.
  const { tickets, error, reload } = useTickets({ pollMs: RC_POLL_MS, showInternal: false, refreshKey: queue.sent })
  const engine = useDataEngine()
  const group = useLoad('feedback-group', () => loadFeedbackGroup(engine))
  return (
    <>
      {group.data === null && (
        <NoticeBox warning title={i18n.t('Nobody receives the requests yet')}>
          {i18n.t(
            "DHIS2's feedback recipients group is not set. Your requests are kept, but ask your supervisor to have an administrator set it.",
          )}
        </NoticeBox>
      )}
      <NewTicketForm onFile={queue.file} />
      <Outbox />
      <section className={classes.card} aria-labelledby="relais-my-tickets">
        <h3 id="relais-my-tickets" className={classes.cardTitle}>
          {i18n.t('My requests')}
        </h3>
        {error !== undefined && tickets === undefined ? (
          <LoadError title={i18n.t('Could not load your requests')} error={error} retry={reload} />
        ) : tickets === undefined ? (
          <CircularLoader small aria-label={i18n.t('Loading your requests')} />
        ) : tickets.length === 0 ? (
          <p className={classes.muted}>{i18n.t('No request sent yet.')}</p>
        ) : (
          <ul className={classes.tickets}>
            {tickets.map((t) => (
              <MyTicket key={t.id} ticket={t} onReplied={reload} />
            ))}
          </ul>
        )}
      </section>
    </>
  )
}

function MyTicket({ ticket, onReplied }: { ticket: Ticket; onReplied: () => Promise<void> }) {
  const engine = useDataEngine()
  const [open, setOpen] = useState(false)
  // An answer read is read: DHIS2's header bar stops counting it (a failure only leaves it counted).
  const unread = open && !ticket.read
  useEffect(() => {
    if (unread) markRead(engine, ticket.id).catch(() => undefined)
  }, [engine, ticket.id, unread])
  const language = uiLanguage()
  const answers = ticket.messages.filter((m) => !m.fromRc).length
  return (
    <li className={classes.ticket} data-test="relais-my-ticket">
      <div className={classes.ticketHead}>
        <strong>{ticket.title}</strong>
        <StatusTag status={ticket.status} />
      </div>
      <p className={classes.muted}>
        {categoryLabel(ticket.category)}
        {ticket.ref ? ` · #${ticket.ref}` : ''} · {formatMoment(ticket.created, language)}
        {' · '}
        {answers === 0 ? i18n.t('No answer yet') : i18n.t('Answers {{number}}', { number: answers })}
      </p>
      <Button secondary onClick={() => setOpen(!open)} aria-expanded={open}>
        {open ? i18n.t('Hide the conversation') : i18n.t('Show the conversation')}
      </Button>
      {open && (
        <>
          <TicketThread ticket={ticket} />
          {ticket.status !== 'resolved' && (
            <ReplyForm ticket={ticket} label={i18n.t('Add a message')} internalAllowed={false} onSent={onReplied} />
          )}
        </>
      )}
    </li>
  )
}

/** What waits on the phone and why, and what DHIS2 refused (send again, or let go after a confirmation). */
function Outbox() {
  const { pending, refused, held, retry, discard, flush } = useTicketQueue()
  const [discarding, setDiscarding] = useState<PendingTicket | undefined>()
  if (pending.length === 0 && refused.length === 0) return null
  return (
    <section className={classes.card} aria-labelledby="relais-outbox">
      <h3 id="relais-outbox" className={classes.cardTitle}>
        {i18n.t('Requests waiting to be sent ({{number}})', { number: pending.length + refused.length })}
      </h3>
      {held === 'offline' && (
        <NoticeBox warning title={i18n.t('No connection to DHIS2')}>
          {i18n.t('Your requests are kept on this phone and sent as soon as the connection returns.')}
        </NoticeBox>
      )}
      {held === 'session-expired' && (
        <NoticeBox error title={i18n.t('Your DHIS2 session has expired')}>
          {i18n.t('Your requests are kept on this phone and will be sent once you sign in again.')}{' '}
          <a href={LOGIN_URL} target="_blank" rel="noreferrer">
            {i18n.t('Sign in again')}
          </a>
        </NoticeBox>
      )}
      <ul className={classes.tickets}>
        {[...pending, ...refused].map((t) => (
          <WaitingTicket key={t.ref} ticket={t} onRetry={() => void retry(t.ref)} onDiscard={() => setDiscarding(t)} />
        ))}
      </ul>
      {pending.length > 0 && (
        <Button secondary onClick={() => void flush()}>
          {i18n.t('Send now')}
        </Button>
      )}
      {discarding && (
        <Modal onClose={() => setDiscarding(undefined)} position="middle" small className={classes.dialog}>
          <ModalTitle>{i18n.t('Discard this request?')}</ModalTitle>
          <ModalContent>
            {i18n.t('Request {{ref}} will be deleted from this phone and never sent.', { ref: `#${discarding.ref}` })}
          </ModalContent>
          <ModalActions>
            <ButtonStrip end>
              <Button secondary onClick={() => setDiscarding(undefined)}>
                {i18n.t('Keep it')}
              </Button>
              <Button
                destructive
                onClick={() => {
                  void discard(discarding.ref)
                  setDiscarding(undefined)
                }}
              >
                {i18n.t('Discard the request')}
              </Button>
            </ButtonStrip>
          </ModalActions>
        </Modal>
      )}
    </section>
  )
}

function WaitingTicket({
  ticket,
  onRetry,
  onDiscard,
}: {
  ticket: PendingTicket
  onRetry: () => void
  onDiscard: () => void
}) {
  const preview = usePreview(ticket.photo?.blob)
  return (
    <li className={classes.ticket} data-test="relais-waiting-ticket">
      <div className={classes.ticketHead}>
        <strong>
          {categoryLabel(ticket.category)} · #{ticket.ref}
        </strong>
        {ticket.refused ? (
          <Tag negative className={classes.tag}>
            {i18n.t('Refused by DHIS2')}
          </Tag>
        ) : (
          <Tag className={classes.tag}>{i18n.t('Waiting to be sent')}</Tag>
        )}
      </div>
      <p className={classes.text}>{ticket.text}</p>
      {preview && <img className={classes.photo} src={preview} alt={i18n.t('Photo to send')} />}
      {ticket.refused && <p className={classes.error}>{ticket.refused}</p>}
      <ButtonStrip>
        {ticket.refused && (
          <Button secondary onClick={onRetry}>
            {i18n.t('Send again')}
          </Button>
        )}
        <Button secondary onClick={onDiscard}>
          {i18n.t('Discard')}
        </Button>
      </ButtonStrip>
    </li>
  )
}
