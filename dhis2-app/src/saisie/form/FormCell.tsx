import i18n from '@dhis2/d2-i18n'
import { cellKey, type DataElementMeta } from '../metadata/types'
import { outlierOf, type UnusualValue } from '../validation/outliers'
import { cellInputId } from './cellLabels'
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
  const { form, readOnly, history, ranges, required, periodLabel, ruleWarnings } = useFormContext()
  const key = cellKey(element.id, optionCombo)
  const value = form.values.get(key) ?? ''
  const cell = { dataElement: element.id, optionCombo, label: `${label} — ${periodLabel}` }
  const error = form.errors.get(key)
  const unusual = error ? undefined : outlierOf(value, history.get(key), ranges.get(key))
  const warning = ruleWarnings.get(key) ?? (unusual ? unusualQuestion(value.trim(), unusual) : undefined)
  return (
    <ValueCell
      id={cellInputId(element.id, optionCombo)}
      label={label}
      valueType={element.valueType}
      value={value}
      error={error}
      warning={warning}
      required={required.has(key)}
      saveState={form.saveState(cell)}
      readOnly={readOnly}
      onChange={(v) => form.change(cell, v)}
      onCommit={(v) => form.commit(cell, v)}
    />
  )
}

/** A question, not an accusation: the RC may well have had a busy month. */
function unusualQuestion(value: string, unusual: UnusualValue): string {
  const numbers = { value, low: unusual.low, high: unusual.high, months: unusual.months }
  return unusual.basis === 'min-max'
    ? i18n.t(
        '{{value}} is outside the usual range for this RC ({{low}} to {{high}}). Is this the right number?',
        numbers,
      )
    : i18n.t(
        '{{value}} is more than usual for this RC ({{low}} to {{high}} over the last {{months}} months). Is this the right number?',
        numbers,
      )
}
