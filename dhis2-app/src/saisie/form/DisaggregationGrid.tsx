import { Table, TableBody, TableCell, TableCellHead, TableHead, TableRow, TableRowHead } from '@dhis2/ui'
import type { DataElementMeta, OptionComboMeta } from '../metadata/types'
import classes from '../Saisie.module.css'
import { cellLabel } from './cellLabels'
import { FormCell } from './FormCell'

/** The option combo made of exactly these category options. */
function comboOf(element: DataElementMeta, optionIds: string[]): OptionComboMeta | undefined {
  return element.categoryCombo.categoryOptionCombos.find(
    (coc) =>
      coc.categoryOptions.length === optionIds.length &&
      optionIds.every((id) => coc.categoryOptions.some((o) => o.id === id)),
  )
}

/**
 * A disaggregation as a small grid: one category (SEXE) is one row of columns; two (SEXE_AGE) are rows
 * of the first (sex) by columns of the second (age). Anything larger falls back to one row per combo.
 */
export function DisaggregationGrid({ element }: { element: DataElementMeta }) {
  const categories = element.categoryCombo.categories
  if (categories.length === 1 || categories.length === 2) {
    const rows = categories.length === 2 ? (categories[0]?.categoryOptions ?? []) : [undefined]
    const columns = categories[categories.length - 1]?.categoryOptions ?? []
    return (
      // As DHIS2's own entry app draws a section's grid: @dhis2/ui's Table, dense, scrolled sideways on a phone.
      <div className={classes.gridBox}>
        <Table className={classes.grid} suppressZebraStriping>
          <TableHead>
            <TableRowHead>
              {categories.length === 2 && <TableCellHead dense />}
              {columns.map((column) => (
                <TableCellHead dense key={column.id}>
                  {column.displayName}
                </TableCellHead>
              ))}
            </TableRowHead>
          </TableHead>
          <TableBody>
            {rows.map((row) => (
              <TableRow key={row?.id ?? 'single'}>
                {row && <TableCellHead dense>{row.displayName}</TableCellHead>}
                {columns.map((column) => {
                  const coc = comboOf(element, row ? [row.id, column.id] : [column.id])
                  if (!coc) return <TableCell dense key={column.id} />
                  return (
                    <TableCell dense key={column.id}>
                      <FormCell element={element} optionCombo={coc.id} label={cellLabel(element, coc)} />
                    </TableCell>
                  )
                })}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
    )
  }
  return (
    <div className={classes.comboList}>
      {element.categoryCombo.categoryOptionCombos.map((coc) => (
        <label key={coc.id} className={classes.comboItem}>
          <span>{coc.displayName}</span>
          <FormCell element={element} optionCombo={coc.id} label={cellLabel(element, coc)} />
        </label>
      ))}
    </div>
  )
}
