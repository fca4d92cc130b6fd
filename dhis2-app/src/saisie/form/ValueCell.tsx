import i18n from '@dhis2/d2-i18n'
import type { ValueType } from '../../shared/mappings'
import type { SaveState } from '../../offline/types'
import classes from '../Saisie.module.css'
import { CellStatus } from './CellStatus'

export interface ValueCellProps {
  id: string
  label: string
  valueType: ValueType
  value: string
  error?: string
  warning?: string
  /** A compulsory box of the data set. */
  required?: boolean
  saveState?: SaveState
  readOnly: boolean
  onChange: (value: string) => void
  onCommit: (value: string) => void
}

const NUMERIC: ReadonlySet<ValueType> = new Set<ValueType>([
  'NUMBER',
  'INTEGER',
  'INTEGER_POSITIVE',
  'INTEGER_NEGATIVE',
  'INTEGER_ZERO_OR_POSITIVE',
  'PERCENTAGE',
  'UNIT_INTERVAL',
])

/**
 * One value: a number box, yes/no, or a text area, with its check message and save state. Plain form controls, as
 * in DHIS2's own aggregate data entry app (its `basic-input`): a form of 28 boxes stays light on a cheap phone,
 * and each box keeps `inputMode="numeric"` and the exact aria wiring the messages need.
 */
export function ValueCell(props: ValueCellProps) {
  const { id, label, valueType, value, error, warning, required, saveState, readOnly, onChange, onCommit } = props
  const describedBy = error || warning ? `${id}-message` : undefined
  const common = {
    id,
    'aria-label': label,
    'aria-invalid': error ? true : undefined,
    'aria-required': required ? true : undefined,
    'aria-describedby': describedBy,
    disabled: readOnly,
    'data-status': saveState?.status,
  }
  let control
  if (valueType === 'BOOLEAN' || valueType === 'TRUE_ONLY') {
    control = (
      <select
        {...common}
        className={classes.select}
        value={value}
        onChange={(e) => {
          onChange(e.target.value)
          onCommit(e.target.value)
        }}
      >
        <option value="">—</option>
        <option value="true">{i18n.t('Yes')}</option>
        {valueType === 'BOOLEAN' && <option value="false">{i18n.t('No')}</option>}
      </select>
    )
  } else if (valueType === 'LONG_TEXT') {
    control = (
      <textarea
        {...common}
        className={classes.textarea}
        rows={3}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onBlur={(e) => onCommit(e.target.value)}
      />
    )
  } else {
    control = (
      <input
        {...common}
        className={error ? `${classes.input} ${classes.invalid}` : classes.input}
        type="text"
        inputMode={NUMERIC.has(valueType) ? 'numeric' : undefined}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onBlur={(e) => onCommit(e.target.value)}
      />
    )
  }
  return (
    <div className={classes.cell}>
      {control}
      <CellStatus state={saveState} />
      {error ? (
        <span id={describedBy} role="alert" className={classes.error}>
          {error}
        </span>
      ) : warning ? (
        <span id={describedBy} className={classes.warning}>
          {warning}
        </span>
      ) : null}
    </div>
  )
}
