import i18n from '@dhis2/d2-i18n'
import {
  DataTable,
  DataTableBody,
  DataTableCell,
  DataTableColumnHeader,
  DataTableFoot,
  DataTableHead,
  DataTableRow,
} from '@dhis2/ui'
import classes from './Helpdesk.module.css'
import { statsByCategory, statsByZone, statsTotal, type StatsRow } from './helpdeskStats'
import { categoryLabel, formatDuration } from './labels'
import { TICKET_CATEGORIES, type TicketCategory } from './ticketSubject'
import type { Ticket } from './tickets'

function StatsTable({
  id,
  caption,
  keyHeader,
  rows,
  total,
  nameOf,
}: {
  id: string
  caption: string
  keyHeader: string
  rows: StatsRow[]
  total: StatsRow
  nameOf: (key: string) => string
}) {
  const cells = (row: StatsRow) => (
    <>
      <DataTableCell align="right">{row.open}</DataTableCell>
      <DataTableCell align="right">{row.total}</DataTableCell>
      <DataTableCell align="right">{formatDuration(row.medianFirstAnswerMs)}</DataTableCell>
      <DataTableCell align="right">{formatDuration(row.medianResolutionMs)}</DataTableCell>
    </>
  )
  return (
    <section className={classes.card} aria-labelledby={id}>
      <h3 id={id} className={classes.cardTitle}>
        {caption}
      </h3>
      <div className={classes.tableScroll}>
        <DataTable className={classes.table}>
          <DataTableHead>
            <DataTableRow>
              <DataTableColumnHeader>{keyHeader}</DataTableColumnHeader>
              <DataTableColumnHeader align="right">{i18n.t('Still open')}</DataTableColumnHeader>
              <DataTableColumnHeader align="right">{i18n.t('Total')}</DataTableColumnHeader>
              <DataTableColumnHeader align="right">{i18n.t('First answer (median)')}</DataTableColumnHeader>
              <DataTableColumnHeader align="right">{i18n.t('Resolution (median)')}</DataTableColumnHeader>
            </DataTableRow>
          </DataTableHead>
          <DataTableBody>
            {rows.map((row) => (
              <DataTableRow key={row.key}>
                <DataTableCell>{nameOf(row.key)}</DataTableCell>
                {cells(row)}
              </DataTableRow>
            ))}
          </DataTableBody>
          <DataTableFoot>
            <DataTableRow>
              <DataTableCell>
                <strong>{i18n.t('All requests')}</strong>
              </DataTableCell>
              {cells(total)}
            </DataTableRow>
          </DataTableFoot>
        </DataTable>
      </div>
    </section>
  )
}

/**
 * The desk's figures (helpdeskStats.ts) on the tickets the desk sees: where difficulties pile up, and how fast
 * the RC get an answer and a solution.
 */
export function HelpdeskStatsView({ tickets, zoneNames }: { tickets: Ticket[]; zoneNames: Map<string, string> }) {
  const total = statsTotal(tickets)
  return (
    <>
      <p className={classes.muted}>
        {i18n.t(
          'Medians over the requests the help desk sees. Resolution is counted up to the last time a request was marked resolved.',
        )}
      </p>
      <StatsTable
        id="relais-stats-category"
        caption={i18n.t('By category')}
        keyHeader={i18n.t('Category')}
        rows={statsByCategory(tickets)}
        total={total}
        nameOf={(key) =>
          TICKET_CATEGORIES.includes(key as TicketCategory) ? categoryLabel(key as TicketCategory) : key
        }
      />
      <StatsTable
        id="relais-stats-zone"
        caption={i18n.t('By health zone')}
        keyHeader={i18n.t('Health zone')}
        rows={statsByZone(tickets)}
        total={total}
        nameOf={(key) => (key === '' ? i18n.t('Unknown zone') : (zoneNames.get(key) ?? key))}
      />
    </>
  )
}
