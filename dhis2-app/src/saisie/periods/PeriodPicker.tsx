import i18n from '@dhis2/d2-i18n'
import { uiLanguage } from '../../shared/language'
import { periodName } from '../../shared/mappings'
import classes from '../Saisie.module.css'
import type { PeriodChoice } from './periodChoices'

/** The months offered: open ones for entry, closed ones to read. */
export function PeriodPicker({
  choices,
  selected,
  onChange,
}: {
  choices: PeriodChoice[]
  selected: string
  onChange: (periodId: string) => void
}) {
  const language = uiLanguage()
  return (
    <label className={classes.label}>
      {i18n.t('Month')}
      <select className={classes.select} value={selected} onChange={(e) => onChange(e.target.value)}>
        {choices.map((choice) => (
          <option key={choice.period.id} value={choice.period.id}>
            {choice.open
              ? periodName(choice.period, language)
              : i18n.t('{{month}} (closed)', { month: periodName(choice.period, language) })}
          </option>
        ))}
      </select>
    </label>
  )
}
