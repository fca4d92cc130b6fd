import i18n from '@dhis2/d2-i18n'
import { cellKey, type DataElementMeta } from '../metadata/types'
import { outlierOf } from '../validation/outliers'
import { useFormContext } from './FormContext'
import { ValueCell } from './ValueCell'

/** One cell of the form wired to the form state, the save queue and the outlier history. */
export function FormCell({
  element,
  optionCombo,
  label,
}: {
  element: DataElementMeta
  optionCombo: string
  label: string
}) {
  const { form, readOnly, history, periodLabel } = useFormContext()
  const key = cellKey(element.id, optionCombo)
  const value = form.values.get(key) ?? ''
  const cell = { dataElement: element.id, optionCombo, label: `${label} — ${periodLabel}` }
  const error = form.errors.get(key)
  const outlier = error ? undefined : outlierOf(value, history.get(key))
  const past = history.get(key) ?? []
  const warning = outlier
    ? i18n.t('Unusually high compared with the last {{months}} months (highest {{max}}). Check it before going on.', {
        months: past.length,
        max: Math.max(...past),
      })
    : undefined
  return (
    <ValueCell
      id={`cell-${element.id}-${optionCombo}`}
      label={label}
      valueType={element.valueType}
      value={value}
      error={error}
      warning={warning}
      saveState={form.saveState(cell)}
      readOnly={readOnly}
      onChange={(v) => form.change(cell, v)}
      onCommit={(v) => form.commit(cell, v)}
    />
  )
}
