// Whether reminders work (issue 15 §1), where their purpose shows: per month and zone, the share of reminded RC
// who completed their report within 3 days, against RC held out the same day. Read from the bridge; when the
// bridge cannot be reached the rest of the dashboard stays, with a line saying why this part is missing.
import i18n from '@dhis2/d2-i18n'
import { problemMessage } from '../../shared/bridge/messages'
import { REMINDER_PATHS, type ReminderEffect, type ReminderEffectRow } from '../../shared/bridge/reminders'
import { useBridgeGet } from '../../shared/bridge/useBridge'
import type { Language } from '../../shared/language'
import { periodName, parsePeriod } from '../../shared/mappings'
import { useOrgUnitNames } from '../../shared/orgunits/useOrgUnitNames'
import { csvFileName } from '../../shared/csv/csv'
import classes from '../Dashboard.module.css'
import { csvPercent, formatPercent } from '../format'
import { DataTable } from '../views/DataTable'

const monthName = (id: string, language: Language) => {
  const period = parsePeriod(id)
  return period ? periodName(period, language) : id
}

const group = (g: ReminderEffectRow['reminded'], language: Language) =>
  g.count === 0
    ? '—'
    : `${formatPercent(g.share === null ? undefined : g.share * 100, language)} (${g.completed}/${g.count})`

export function ReminderEffectTable({ unitName, language }: { unitName: string; language: Language }) {
  const effect = useBridgeGet<ReminderEffect>(REMINDER_PATHS.effect)
  const rows = effect.data?.rows ?? []
  const names = useOrgUnitNames(rows.map((r) => r.zone))
  const zoneName = (r: ReminderEffectRow) => (r.zone === null ? i18n.t('All zones') : (names.get(r.zone) ?? r.zone))
  const difference = (r: ReminderEffectRow) =>
    r.difference === null
      ? '—'
      : `${r.difference > 0 ? '+' : ''}${r.difference.toLocaleString(language === 'fr' ? 'fr-FR' : 'en-GB')} ${i18n.t('points')}`
  return (
    <DataTable<ReminderEffectRow>
      title={i18n.t('Effect of reminders')}
      fileName={csvFileName('reminders-effect', unitName, 'last-months')}
      rows={rows}
      rowKey={(r) => `${r.period}-${r.zone ?? 'all'}`}
      empty={
        effect.problem
          ? i18n.t('Not available. {{reason}}', {
              reason: problemMessage(effect.problem),
              interpolation: { escapeValue: false },
            })
          : effect.loading
            ? i18n.t('Loading…')
            : i18n.t('No reminder sent yet.')
      }
      columns={[
        { header: i18n.t('Month'), cell: (r) => monthName(r.period, language), csv: (r) => r.period },
        { header: i18n.t('Zone'), cell: zoneName, csv: zoneName },
        {
          header: i18n.t('Reminded, completed within 3 days'),
          cell: (r) => group(r.reminded, language),
          csv: (r) => csvPercent(r.reminded.share === null ? undefined : r.reminded.share * 100),
          numeric: true,
        },
        {
          header: i18n.t('Not reminded that day, completed within 3 days'),
          cell: (r) => group(r.heldOut, language),
          csv: (r) => csvPercent(r.heldOut.share === null ? undefined : r.heldOut.share * 100),
          numeric: true,
        },
        { header: i18n.t('Difference'), cell: difference, csv: (r) => r.difference ?? '', numeric: true },
      ]}
    >
      <p className={classes.muted}>
        {i18n.t(
          'Each day reminders go out, a share of the community health workers still missing is left out at random, and comparing the two groups says what the reminder added.',
        )}
      </p>
    </DataTable>
  )
}
