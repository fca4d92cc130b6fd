import i18n from '@dhis2/d2-i18n'
import { CircularLoader, NoticeBox, Tab, TabBar } from '@dhis2/ui'
import { useMemo, useState } from 'react'
import { LoadError } from '../shared/LoadError'
import { uiLanguage } from '../shared/language'
import { Select } from '../shared/Select'
import classes from './Helpdesk.module.css'
import type { FeedbackGroup } from './helpdeskApi'
import { HelpdeskStatsView } from './HelpdeskStatsView'
import { categoryLabel, formatMoment, priorityLabel, statusLabel } from './labels'
import { StatusTag } from './StatusTag'
import { TicketDetail } from './TicketDetail'
import { TICKET_CATEGORIES } from './ticketSubject'
import { DESK_STATUSES, type Ticket } from './tickets'
import { DESK_POLL_MS, useTickets, useZoneNames } from './useTickets'

const ALL = 'all'
const OPEN = 'open'

export interface DeskFilters {
  status: string
  category: string
  zone: string
}

/** The tickets a filter keeps: « open » is new and in progress together, the desk's default. */
export function filterTickets(tickets: readonly Ticket[], filters: DeskFilters): Ticket[] {
  return tickets.filter(
    (t) =>
      (filters.status === ALL || (filters.status === OPEN ? t.status !== 'resolved' : t.status === filters.status)) &&
      (filters.category === ALL || t.category === filters.category) &&
      (filters.zone === ALL || (t.zoneId ?? '') === filters.zone),
  )
}

/**
 * The help desk of supervisors and administrators: the RC's tickets, asked again every 20 s (a new one shows
 * within 30 s), filtered by status, category and zone; one opens to be answered, assigned, moved on; and the
 * statistics per category and zone. DHIS2 lists the tickets the person takes part in: all of them for the
 * feedback group, their RC's for a supervisor (the RC's app adds their zone and aire to each ticket).
 */
export function TicketDesk({ group, manager }: { group: FeedbackGroup | null; manager: boolean }) {
  const { tickets, error, reload } = useTickets({ pollMs: DESK_POLL_MS, showInternal: true })
  const zoneNames = useZoneNames(tickets)
  const [tab, setTab] = useState<'tickets' | 'stats'>('tickets')
  const [selected, setSelected] = useState<string | undefined>()
  const [filters, setFilters] = useState<DeskFilters>({ status: OPEN, category: ALL, zone: ALL })
  const shown = useMemo(() => filterTickets(tickets ?? [], filters), [tickets, filters])
  if (tickets === undefined) {
    if (error !== undefined)
      return <LoadError title={i18n.t('Could not load the requests')} error={error} retry={reload} />
    return <CircularLoader aria-label={i18n.t('Loading the requests')} />
  }
  const ticket = tickets.find((t) => t.id === selected)
  const zoneName = (id: string | undefined) => (id ? (zoneNames.get(id) ?? id) : undefined)
  return (
    <>
      {error !== undefined && (
        <NoticeBox warning title={i18n.t('The list could not be refreshed')}>
          {i18n.t('The requests shown may not be the latest; the list is asked again every 20 seconds.')}
        </NoticeBox>
      )}
      <TabBar>
        <Tab selected={tab === 'tickets'} onClick={() => setTab('tickets')}>
          {i18n.t('Requests')}
        </Tab>
        <Tab selected={tab === 'stats'} onClick={() => setTab('stats')}>
          {i18n.t('Statistics')}
        </Tab>
      </TabBar>
      {tab === 'stats' ? (
        <HelpdeskStatsView tickets={tickets} zoneNames={zoneNames} />
      ) : ticket ? (
        <TicketDetail
          ticket={ticket}
          group={group}
          manager={manager}
          zoneName={zoneName(ticket.zoneId)}
          onChanged={reload}
          onBack={() => setSelected(undefined)}
        />
      ) : (
        <section className={classes.card} aria-labelledby="relais-desk-list">
          <h3 id="relais-desk-list" className={classes.cardTitle}>
            {i18n.t('Requests ({{number}})', { number: shown.length })}
          </h3>
          <div className={classes.controls}>
            <Select
              className={classes.control}
              name="relais-desk-status"
              label={i18n.t('Status')}
              options={[
                { value: OPEN, label: i18n.t('Open (new or in progress)') },
                ...DESK_STATUSES.map((s) => ({ value: s, label: statusLabel(s) })),
                { value: ALL, label: i18n.t('All statuses') },
              ]}
              value={filters.status}
              onChange={(value: string) => setFilters({ ...filters, status: value })}
            />
            <Select
              className={classes.control}
              name="relais-desk-category"
              label={i18n.t('Category')}
              options={[
                { value: ALL, label: i18n.t('All categories') },
                ...TICKET_CATEGORIES.map((c) => ({ value: c, label: categoryLabel(c) })),
              ]}
              value={filters.category}
              onChange={(value: string) => setFilters({ ...filters, category: value })}
            />
            <Select
              className={classes.control}
              name="relais-desk-zone"
              label={i18n.t('Health zone')}
              options={[
                { value: ALL, label: i18n.t('All zones') },
                ...[...new Set(tickets.map((t) => t.zoneId ?? ''))].map((id) => ({
                  value: id,
                  label: id === '' ? i18n.t('Unknown zone') : (zoneName(id) ?? id),
                })),
              ]}
              value={filters.zone}
              onChange={(value: string) => setFilters({ ...filters, zone: value })}
            />
          </div>
          {shown.length === 0 ? (
            <p className={classes.muted}>{i18n.t('No request to show.')}</p>
          ) : (
            <ul className={classes.tickets}>
              {shown.map((t) => (
                <DeskRow key={t.id} ticket={t} zoneName={zoneName(t.zoneId)} onOpen={() => setSelected(t.id)} />
              ))}
            </ul>
          )}
        </section>
      )}
    </>
  )
}

function DeskRow({ ticket, zoneName, onOpen }: { ticket: Ticket; zoneName?: string; onOpen: () => void }) {
  const language = uiLanguage()
  return (
    <li>
      <button type="button" className={classes.rowButton} onClick={onOpen} data-test="relais-desk-ticket">
        <span className={classes.ticketHead}>
          <span className={ticket.read ? undefined : classes.unread}>
            {ticket.title || ticket.subject}
            {!ticket.read && <span className={classes.srOnly}> {i18n.t('(new message)')}</span>}
          </span>
          <StatusTag status={ticket.status} />
        </span>
        <span className={classes.muted}>
          {ticket.priority === 'HIGH' || ticket.priority === 'MEDIUM'
            ? `${i18n.t('Priority {{priority}}', { priority: priorityLabel(ticket.priority) })} · `
            : ''}
          {categoryLabel(ticket.category)} · {ticket.rc?.name ?? '—'}
          {zoneName ? ` · ${zoneName}` : ''} · {formatMoment(ticket.lastMessage, language)}
          {ticket.assignee
            ? ` · ${i18n.t('Handled by {{name}}', { name: ticket.assignee.name, interpolation: { escapeValue: false } })}`
            : ''}
        </span>
      </button>
    </li>
  )
}
