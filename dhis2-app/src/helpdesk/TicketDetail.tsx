import { useDataEngine } from '@dhis2/app-runtime'
import i18n from '@dhis2/d2-i18n'
import { Button, NoticeBox } from '@dhis2/ui'
import { useEffect, useState } from 'react'
import { uiLanguage } from '../shared/language'
import { Select } from '../shared/Select'
import classes from './Helpdesk.module.css'
import { assign, markRead, PRIORITIES, setPriority, setStatus, type FeedbackGroup } from './helpdeskApi'
import { categoryLabel, formatMoment, priorityLabel, statusLabel } from './labels'
import { callError, ReplyForm } from './ReplyForm'
import { StatusTag } from './StatusTag'
import { TicketThread } from './TicketThread'
import { DESK_STATUSES, DHIS2_STATUS_OF, type DeskStatus, type Ticket } from './tickets'

const NOBODY = 'nobody'

/**
 * One ticket at the desk: who filed it and where, the conversation with the internal notes, the status and the
 * person in charge (a member of DHIS2's feedback group: DHIS2 refuses anyone else), and the answer. Internal
 * notes are for DHIS2's ticket managers (`manager`): a supervisor who follows the ticket writes none.
 */
export function TicketDetail({
  ticket,
  group,
  manager,
  zoneName,
  onChanged,
  onBack,
}: {
  ticket: Ticket
  group: FeedbackGroup | null
  manager: boolean
  zoneName?: string
  onChanged: () => Promise<void>
  onBack: () => void
}) {
  const engine = useDataEngine()
  const language = uiLanguage()
  const [error, setError] = useState<string | undefined>()
  const [busy, setBusy] = useState(false)
  const run = async (change: () => Promise<void>) => {
    setBusy(true)
    setError(undefined)
    try {
      await change()
      await onChanged()
    } catch (e) {
      setError(callError(e))
    } finally {
      setBusy(false)
    }
  }
  // Opened is read: DHIS2's header bar stops counting it (a failure only leaves it counted).
  const unread = !ticket.read
  useEffect(() => {
    if (unread) markRead(engine, ticket.id).catch(() => undefined)
  }, [engine, ticket.id, unread])
  const members = group?.members ?? []
  // An assignee DHIS2 knows but who left the group since: still shown, by name.
  const assignees =
    ticket.assignee && !members.some((m) => m.id === ticket.assignee?.id) ? [...members, ticket.assignee] : members
  return (
    <section className={classes.card} aria-labelledby="relais-ticket-title">
      <Button secondary onClick={onBack}>
        {i18n.t('Back to the requests')}
      </Button>
      <div className={classes.ticketHead}>
        <h3 id="relais-ticket-title" className={classes.cardTitle}>
          {ticket.title || ticket.subject}
        </h3>
        <StatusTag status={ticket.status} />
      </div>
      <p className={classes.muted}>
        {categoryLabel(ticket.category)}
        {ticket.ref ? ` · #${ticket.ref}` : ''} · {ticket.rc?.name ?? '—'}
        {ticket.orgUnit?.name ? ` (${ticket.orgUnit.name})` : ''}
        {zoneName ? ` · ${zoneName}` : ''} · {formatMoment(ticket.created, language)}
      </p>
      {error && (
        <NoticeBox error title={i18n.t('DHIS2 refused the change')}>
          {error}
        </NoticeBox>
      )}
      <div className={classes.controls}>
        <Select
          className={classes.control}
          name="relais-ticket-status"
          label={i18n.t('Status')}
          options={DESK_STATUSES.map((s) => ({ value: s, label: statusLabel(s) }))}
          value={ticket.status}
          disabled={busy}
          onChange={(value: string) => {
            const status = DESK_STATUSES.find((s) => s === value)
            if (status && status !== ticket.status)
              void run(() => setStatus(engine, ticket.id, DHIS2_STATUS_OF[status], { note: manager }))
          }}
        />
        <Select
          className={classes.control}
          name="relais-ticket-priority"
          label={i18n.t('Priority')}
          options={PRIORITIES.map((p) => ({ value: p, label: priorityLabel(p) }))}
          value={PRIORITIES.find((p) => p === ticket.priority) ?? 'NONE'}
          disabled={busy}
          onChange={(value: string) => {
            const priority = PRIORITIES.find((p) => p === value)
            if (priority && priority !== ticket.priority) void run(() => setPriority(engine, ticket.id, priority))
          }}
        />
        <Select
          className={classes.control}
          name="relais-ticket-assignee"
          label={i18n.t('In charge')}
          options={[
            { value: NOBODY, label: i18n.t('Nobody') },
            ...assignees.map((m) => ({ value: m.id, label: m.name })),
          ]}
          value={ticket.assignee?.id ?? NOBODY}
          disabled={busy}
          onChange={(value: string) => {
            const next = value === NOBODY ? null : value
            if (next !== (ticket.assignee?.id ?? null)) void run(() => assign(engine, ticket.id, next))
          }}
        />
      </div>
      <TicketThread ticket={ticket} />
      <ReplyForm
        ticket={ticket}
        label={i18n.t('Answer')}
        internalAllowed={manager}
        onSent={async (internal) => {
          // The RC sees that someone took it up: a first answer moves a new ticket to « in progress ».
          if (!internal && ticket.status === ('new' satisfies DeskStatus))
            await run(() => setStatus(engine, ticket.id, DHIS2_STATUS_OF['in-progress'], { note: manager }))
          else await onChanged()
        }}
      />
    </section>
  )
}
