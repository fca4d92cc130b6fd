import i18n from '@dhis2/d2-i18n'
import type { Period } from '@relais/mappings/src/dhis2/periods'
import { periodName } from '../../shared/mappings'
import { uiLanguage } from '../../shared/language'
import classes from '../Dashboard.module.css'
import { DASHBOARD_PERIOD_TYPES, type DashboardPeriodType } from '../periods/dashboardPeriods'

export function periodTypeLabel(type: DashboardPeriodType): string {
  switch (type) {
    case 'Weekly':
      return i18n.t('Week')
    case 'Monthly':
      return i18n.t('Month')
    case 'Quarterly':
      return i18n.t('Quarter')
    case 'SixMonthly':
      return i18n.t('Six months')
    case 'Yearly':
      return i18n.t('Year')
  }
}

/** Period type, then one of the periods offered for it (see dashboardPeriodChoices). */
export function PeriodSelector({
  type,
  choices,
  selected,
  onChange,
}: {
  type: DashboardPeriodType
  choices: Period[]
  selected: string
  onChange: (change: { pt?: DashboardPeriodType; pe?: string }) => void
}) {
  const language = uiLanguage()
  return (
    <div className={classes.periodSelector}>
      <label className={classes.label}>
        {i18n.t('Period type')}
        <select
          className={classes.select}
          value={type}
          onChange={(e) => onChange({ pt: e.target.value as DashboardPeriodType })}
        >
          {DASHBOARD_PERIOD_TYPES.map((t) => (
            <option key={t} value={t}>
              {periodTypeLabel(t)}
            </option>
          ))}
        </select>
      </label>
      <label className={classes.label}>
        {i18n.t('Period')}
        <select className={classes.select} value={selected} onChange={(e) => onChange({ pe: e.target.value })}>
          {choices.map((p) => (
            <option key={p.id} value={p.id}>
              {periodName(p, language)}
            </option>
          ))}
        </select>
      </label>
    </div>
  )
}
