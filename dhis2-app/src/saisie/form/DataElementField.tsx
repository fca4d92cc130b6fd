import i18n from '@dhis2/d2-i18n'
import { cellKey, type DataElementMeta } from '../metadata/types'
import classes from '../Saisie.module.css'
import { DisaggregationGrid } from './DisaggregationGrid'
import { FormCell } from './FormCell'
import { useFormContext } from './FormContext'

/** One data element: its name, then a single cell or its disaggregation grid. */
export function DataElementField({ element }: { element: DataElementMeta }) {
  const single = element.categoryCombo.isDefault ? element.categoryCombo.categoryOptionCombos[0] : undefined
  const { required } = useFormContext()
  const isRequired = element.categoryCombo.categoryOptionCombos.some((c) => required.has(cellKey(element.id, c.id)))
  return (
    <div className={single ? classes.field : `${classes.field} ${classes.fieldWide}`}>
      <div className={classes.fieldName}>
        {element.displayFormName}
        {/* Screen readers hear « required » from the box itself (aria-required). */}
        {isRequired && (
          <span className={classes.requiredMark} aria-hidden="true" title={i18n.t('Required')}>
            {' *'}
          </span>
        )}
      </div>
      {single ? (
        <FormCell element={element} optionCombo={single.id} label={element.displayFormName} />
      ) : (
        <DisaggregationGrid element={element} />
      )}
    </div>
  )
}
