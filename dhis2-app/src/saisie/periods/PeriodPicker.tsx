import i18n from '@dhis2/d2-i18n'
import { uiLanguage } from '../../shared/language'
import { periodName } from '../../shared/mappings'
import { Select } from '../../shared/Select'
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
  const options = choices.map((choice) => ({
    value: choice.period.id,
    label: choice.open
      ? periodName(choice.period, language)
      : i18n.t('{{month}} (closed)', { month: periodName(choice.period, language) }),
  }))
  return (
    <Select
      className={classes.picker}
      name="relais-month"
      label={i18n.t('Month')}
      options={options}
      value={selected}
      onChange={(value: string) => {
        if (value) onChange(value)
      }}
    />
  )
}
