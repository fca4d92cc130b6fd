import type { DataElementMeta } from '../metadata/types'
import classes from '../Saisie.module.css'
import { DisaggregationGrid } from './DisaggregationGrid'
import { FormCell } from './FormCell'

/** One data element: its name, then a single cell or its disaggregation grid. */
export function DataElementField({ element }: { element: DataElementMeta }) {
  const single = element.categoryCombo.isDefault ? element.categoryCombo.categoryOptionCombos[0] : undefined
  return (
    <div className={single ? classes.field : `${classes.field} ${classes.fieldWide}`}>
      <div className={classes.fieldName}>{element.displayFormName}</div>
      {single ? (
        <FormCell element={element} optionCombo={single.id} label={element.displayFormName} />
      ) : (
        <DisaggregationGrid element={element} />
      )}
    </div>
  )
}
