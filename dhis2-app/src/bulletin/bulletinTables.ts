// The bulletin's sections as tables, in the user's language: what the page shows in each cell and what the CSV
// holds for it (raw numbers), built once so that the page and the file cannot disagree. No React.
import i18n from '@dhis2/d2-i18n'
import type { CsvCell } from '../shared/csv/csv'
import { formatDay, type Language } from '../shared/language'
import { parsePeriod, periodName } from '../shared/mappings'
import { csvPercent, formatNumber, formatPercent } from '../dashboard/format'
import { causeLabel, indicatorLabel, statusLabel } from '../dashboard/views/labels'
import { categoryLabel, formatDuration } from '../helpdesk/labels'
import { TICKET_CATEGORIES, type TicketCategory } from '../helpdesk/ticketSubject'
import type { StatsRow } from '../helpdesk/helpdeskStats'
import type {
  CompletenessSection,
  EffectRow,
  GapsSection,
  HelpdeskSection,
  IndicatorRow,
  Outcome,
  UnitReports,
} from './bulletinModel'

export interface TableRow {
  key: string
  /** As shown on the page. */
  cells: string[]
  /** As written to the CSV: numbers stay numbers. */
  csv: CsvCell[]
}

export interface BulletinTable {
  id: string
  title: string
  /** What the figures are, said under the title. */
  notes: string[]
  headers: string[]
  numeric: boolean[]
  rows: TableRow[]
  /** A total line, set apart at the bottom. */
  total?: TableRow
  /** Said instead of the table when there is no row (or the section could not be read). */
  empty: string
  /** The section could not be read. */
  unavailable?: boolean
}

const monthName = (id: string, language: Language) => {
  const period = parsePeriod(id)
  return period ? periodName(period, language) : id
}

const percentCell = (value: number | undefined, language: Language) => formatPercent(value, language)
const hours = (ms: number | undefined) => (ms === undefined ? undefined : Math.round(ms / 360_000) / 10)

export function completenessTable(section: CompletenessSection, language: Language): BulletinTable {
  const weekly = section.weekly !== undefined
  const row = (u: UnitReports): TableRow => ({
    key: u.id,
    cells: [
      u.name,
      formatNumber(u.expected, language),
      ...(weekly ? [formatNumber(u.inWeek, language)] : []),
      formatNumber(u.actual, language),
      formatNumber(u.onTime, language),
      percentCell(u.completeness, language),
      percentCell(u.timeliness, language),
    ],
    csv: [
      u.name,
      u.expected,
      ...(weekly ? [u.inWeek] : []),
      u.actual,
      u.onTime,
      csvPercent(u.completeness),
      csvPercent(u.timeliness),
    ],
  })
  const notes = section.weekly
    ? [
        i18n.t(
          'The monthly report cannot be split by week, so this weekly bulletin follows the reports of {{month}}, completed during the week and in all up to its last day.',
          { month: periodName(section.weekly.month, language), interpolation: { escapeValue: false } },
        ),
      ]
    : [i18n.t('Reports expected from active community health workers, completed, and completed on time.')]
  return {
    id: 'completeness',
    title: i18n.t('Completeness and timeliness'),
    notes,
    headers: [
      i18n.t('Organisation unit'),
      i18n.t('Reports expected'),
      ...(weekly ? [i18n.t('Completed during the week')] : []),
      i18n.t('Reports completed'),
      i18n.t('Completed on time'),
      i18n.t('Completeness'),
      i18n.t('Timeliness'),
    ],
    numeric: [false, true, ...(weekly ? [true] : []), true, true, true, true],
    rows: section.children.map(row),
    total: row(section.total),
    empty: i18n.t('No report expected.'),
  }
}

export function indicatorsTable(rows: readonly IndicatorRow[], language: Language): BulletinTable {
  const reached = (r: IndicatorRow) => (r.met === undefined ? '—' : r.met ? i18n.t('Yes') : i18n.t('No'))
  return {
    id: 'indicators',
    title: i18n.t('Indicators against targets'),
    notes: [
      i18n.t(
        'The three target achievements compare the year to date with the annual targets of the community health workers, pro-rated to the months elapsed; 100 % is on target.',
      ),
    ],
    headers: [
      i18n.t('Indicator'),
      i18n.t('Value'),
      i18n.t('Numerator'),
      i18n.t('Denominator'),
      i18n.t('Target'),
      i18n.t('Target reached'),
    ],
    numeric: [false, true, true, true, true, false],
    rows: rows.map((r) => ({
      key: r.code,
      cells: [
        indicatorLabel(r.code),
        percentCell(r.value, language),
        formatNumber(r.numerator, language),
        formatNumber(r.denominator, language),
        r.target === undefined ? '—' : percentCell(r.target, language),
        reached(r),
      ],
      csv: [
        indicatorLabel(r.code),
        csvPercent(r.value),
        r.numerator,
        r.denominator,
        r.target,
        r.met === undefined ? '' : reached(r),
      ],
    })),
    empty: i18n.t('The indicators are not set up in DHIS2.'),
  }
}

const unavailable = (id: string, title: string, reason: string): BulletinTable => ({
  id,
  title,
  notes: [],
  headers: [],
  numeric: [],
  rows: [],
  empty: i18n.t('Not available. {{reason}}', { reason, interpolation: { escapeValue: false } }),
  unavailable: true,
})

export function gapsTable(outcome: Outcome<GapsSection>, language: Language): BulletinTable {
  const title = i18n.t('Gaps and their follow-up')
  if (!outcome.ok) return unavailable('gaps', title, outcome.reason)
  const section = outcome.value
  const notes = [
    i18n.t(
      'Community health workers expected to report who have no complete report for the month, the reminders sent to them and what their supervisor recorded.',
    ),
  ]
  if (!section.remindersKnown)
    notes.push(
      i18n.t('Reminders sent are not available. {{reason}}', {
        reason: section.remindersProblem ?? '',
        interpolation: { escapeValue: false },
      }),
    )
  return {
    id: 'gaps',
    title,
    notes,
    headers: [
      i18n.t('Month'),
      i18n.t('Area'),
      i18n.t('Community health worker'),
      i18n.t('Reminders sent'),
      i18n.t('Last reminder'),
      i18n.t('Cause'),
      i18n.t('Action decided'),
      i18n.t('Due date'),
      i18n.t('Follow-up status'),
    ],
    numeric: [false, false, false, true, false, false, false, false, false],
    rows: section.rows.map((r) => {
      const cause = r.followUp
        ? r.followUp.cause === 'autre' && r.followUp.causeDetail
          ? `${causeLabel('autre')}: ${r.followUp.causeDetail}`
          : causeLabel(r.followUp.cause)
        : ''
      const status = r.followUp ? statusLabel(r.followUp.status) : i18n.t('Not recorded')
      return {
        key: `${r.month}-${r.rcId}`,
        cells: [
          monthName(r.month, language),
          r.unitName,
          r.rcName,
          r.reminders === undefined ? '—' : formatNumber(r.reminders, language),
          r.lastReminderDay ? formatDay(r.lastReminderDay, language) : '—',
          cause || '—',
          r.followUp?.action || '—',
          r.followUp?.dueDate ? formatDay(r.followUp.dueDate, language) : '—',
          status,
        ],
        csv: [
          r.month,
          r.unitName,
          r.rcName,
          r.reminders,
          r.lastReminderDay,
          cause,
          r.followUp?.action,
          r.followUp?.dueDate,
          status,
        ],
      }
    }),
    empty: i18n.t('No gap, every expected report is complete.'),
  }
}

export function effectTable(
  outcome: Outcome<readonly EffectRow[]>,
  zoneName: (id: string) => string,
  language: Language,
): BulletinTable {
  const title = i18n.t('Effect of reminders')
  if (!outcome.ok) return unavailable('reminders', title, outcome.reason)
  const shown = (g: EffectRow['reminded']) =>
    g.count === 0
      ? '—'
      : `${formatPercent(g.share === null ? undefined : g.share * 100, language)} (${g.completed}/${g.count})`
  const share = (g: EffectRow['reminded']) => csvPercent(g.share === null ? undefined : g.share * 100)
  return {
    id: 'reminders',
    title,
    notes: [
      i18n.t(
        'Each day reminders go out, a share of the community health workers still missing is left out at random, and comparing the two groups says what the reminder added.',
      ),
    ],
    headers: [
      i18n.t('Month'),
      i18n.t('Zone'),
      i18n.t('Reminded, completed within 3 days'),
      i18n.t('Not reminded that day, completed within 3 days'),
      i18n.t('Difference'),
    ],
    numeric: [false, false, true, true, true],
    rows: outcome.value.map((r) => {
      const zone = r.zone === null ? i18n.t('All zones') : zoneName(r.zone)
      return {
        key: `${r.month}-${r.zone ?? 'all'}`,
        cells: [
          monthName(r.month, language),
          zone,
          shown(r.reminded),
          shown(r.heldOut),
          r.difference === null
            ? '—'
            : `${r.difference > 0 ? '+' : ''}${formatNumber(r.difference, language)} ${i18n.t('points')}`,
        ],
        csv: [r.month, zone, share(r.reminded), share(r.heldOut), r.difference ?? undefined],
      }
    }),
    empty: i18n.t('No reminder sent in this period.'),
  }
}

export function helpdeskTable(outcome: Outcome<HelpdeskSection>, language: Language): BulletinTable {
  const title = i18n.t('Help desk')
  if (!outcome.ok) return unavailable('helpdesk', title, outcome.reason)
  const row = (r: StatsRow, name: string): TableRow => ({
    key: r.key || 'total',
    cells: [
      name,
      formatNumber(r.total, language),
      formatNumber(r.open, language),
      formatDuration(r.medianFirstAnswerMs),
      formatDuration(r.medianResolutionMs),
    ],
    csv: [name, r.total, r.open, hours(r.medianFirstAnswerMs), hours(r.medianResolutionMs)],
  })
  return {
    id: 'helpdesk',
    title,
    notes: [
      i18n.t(
        'Requests filed during the period by community health workers of this unit, among those the help desk sees; « still open » is as of today. Waits are medians (hours in the CSV file).',
      ),
    ],
    headers: [
      i18n.t('Category'),
      i18n.t('Requests'),
      i18n.t('Still open'),
      i18n.t('First answer (median)'),
      i18n.t('Resolution (median)'),
    ],
    numeric: [false, true, true, true, true],
    rows: outcome.value.byCategory.map((r) =>
      row(r, TICKET_CATEGORIES.includes(r.key as TicketCategory) ? categoryLabel(r.key as TicketCategory) : r.key),
    ),
    total: row(outcome.value.total, i18n.t('All requests')),
    empty: i18n.t('No request.'),
  }
}
