// Every box of the form by name — « Sensibilisés, Masculin, 15-24 ans » — for screen readers, the waiting queue and
// the list of boxes to correct before completing. Pure, one source for all of them.
import { cellKey, type DataElementMeta, type DataSetMeta, type OptionComboMeta } from '../metadata/types'

/** The box's name: the element's, then its options in the order of the element's categories. */
export function cellLabel(element: DataElementMeta, combo: OptionComboMeta): string {
  const name = element.displayFormName
  const { categories, isDefault } = element.categoryCombo
  if (isDefault) return name
  if (categories.length === 1 || categories.length === 2) {
    const options = categories.map(
      (category) => category.categoryOptions.find((o) => combo.categoryOptions.some((c) => c.id === o.id))?.displayName,
    )
    if (options.every((o) => o !== undefined)) return [name, ...options].join(', ')
  }
  return `${name}, ${combo.displayName}`
}

/** The boxes of the form in the order they appear, by cell key. */
export function cellLabels(dataSet: DataSetMeta): Map<string, string> {
  const labels = new Map<string, string>()
  for (const section of dataSet.sections)
    for (const element of section.dataElements)
      for (const combo of element.categoryCombo.categoryOptionCombos)
        labels.set(cellKey(element.id, combo.id), cellLabel(element, combo))
  return labels
}

/** The id of the box's input (FormCell), to focus it from the list of boxes to correct. */
export const cellInputId = (dataElement: string, optionCombo: string): string => `cell-${dataElement}-${optionCombo}`

/** Moves the RC to a box: scrolled to the middle of the screen, focused, ready to type. */
export function focusCell(id: string): void {
  const input = document.getElementById(id)
  if (!input) return
  input.scrollIntoView?.({ block: 'center' })
  input.focus({ preventScroll: true })
}
