import i18n from '@dhis2/d2-i18n'
import type { DataSetMeta } from '../metadata/types'
import classes from '../Saisie.module.css'
import { DataElementField } from './DataElementField'
import { FormContext, type FormContextValue } from './FormContext'

/** The report in the data set's sections (VIH, Tuberculose, Paludisme, Activités). */
export function EntryForm({ dataSet, context }: { dataSet: DataSetMeta; context: FormContextValue }) {
  return (
    <FormContext.Provider value={context}>
      <form className={classes.form} onSubmit={(e) => e.preventDefault()} noValidate>
        {context.required.size > 0 && (
          <p className={classes.requiredNote}>{i18n.t('Boxes marked * must be filled to complete the report.')}</p>
        )}
        {dataSet.sections.map((section) => (
          <fieldset key={section.id} className={classes.section}>
            <legend className={classes.sectionTitle}>{section.displayName}</legend>
            {section.dataElements.map((element) => (
              <DataElementField key={element.id} element={element} />
            ))}
          </fieldset>
        ))}
      </form>
    </FormContext.Provider>
  )
}
