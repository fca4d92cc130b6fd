import i18n from '@dhis2/d2-i18n'
import type { Period } from '@relais/mappings/src/dhis2/periods'
import { periodName } from '../../shared/mappings'
import { uiLanguage } from '../../shared/language'
import classes from '../Dashboard.module.css'
import { Select } from '../../shared/Select'
import { DASHBOARD_PERIOD_TYPES, isDashboardPeriodType, type DashboardPeriodType } from '../periods/dashboardPeriods'

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

/** Period type, then one of the periods offered for it (see dashboardPeriodChoices): two @dhis2/ui selects. */
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
      <Select
        className={classes.selectField}
        name="relais-dashboard-period-type"
        label={i18n.t('Period type')}
        options={DASHBOARD_PERIOD_TYPES.map((t) => ({ value: t, label: periodTypeLabel(t) }))}
        value={type}
        // The same choice again changes nothing (another type would reset the period to its latest).
        onChange={(value) => {
          if (isDashboardPeriodType(value) && value !== type) onChange({ pt: value })
        }}
      />
      <Select
        className={classes.selectField}
        name="relais-dashboard-period"
        label={i18n.t('Period')}
        options={choices.map((p) => ({ value: p.id, label: periodName(p, language) }))}
        value={selected}
        onChange={(value) => {
          if (value && value !== selected) onChange({ pe: value })
        }}
      />
    </div>
  )
}
