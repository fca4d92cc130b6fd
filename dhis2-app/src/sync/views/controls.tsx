// The console's controls, all @dhis2/ui (as DHIS2's own data entry app): a filter select (the app's shared one), a table that scrolls
// sideways on a phone, the button that opens a record or a run. Their phone sizes (44 px, 14 px) are in
// Sync.module.css.
import {
  Button,
  DataTable,
  DataTableBody,
  DataTableCell,
  DataTableColumnHeader,
  DataTableHead,
  DataTableRow,
} from '@dhis2/ui'
import { Select } from '../../shared/Select'
import type { ReactNode } from 'react'
import classes from '../Sync.module.css'

/** The files a file source takes: CSV and XLSX. */
export const ACCEPTED_FILES = '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

export interface Choice {
  value: string
  label: string
}

/**
 * One filter of a list: « all » (the empty value) first, then each choice, in the app's accessible select (a
 * combobox named by its label; closed, the arrow keys step through the choices as a native select's do).
 */
export function FilterSelect({
  label,
  value,
  all,
  choices,
  onChange,
}: {
  label: string
  value: string
  /** The label of the empty value: every status, every source… */
  all: string
  choices: readonly Choice[]
  onChange: (value: string) => void
}) {
  const options: Choice[] = [{ value: '', label: all }, ...choices]
  // A value of the address not (yet) among the choices (the zones still loading, a source since removed) is shown
  // as it is, not dropped.
  if (value && !options.some((o) => o.value === value)) options.push({ value, label: value })
  return (
    <Select
      className={classes.filter}
      name={`relais-filter-${label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`}
      label={label}
      options={options}
      value={value}
      placeholder={all}
      onChange={onChange}
    />
  )
}

/**
 * A table named by its (visually hidden) caption, in a box of its own that scrolls sideways on a phone, never
 * the whole page: the box is focusable and named, so a keyboard can scroll it too (WCAG 2.1.1).
 */
export function SyncTable({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className={classes.tableBox} role="region" aria-label={label} tabIndex={0}>
      <DataTable className={classes.table}>
        <caption className={classes.visuallyHidden}>{label}</caption>
        {children}
      </DataTable>
    </div>
  )
}

/** A column of a ColumnTable: its header and what a row shows in it (`wrap`: long text may wrap). */
export interface Column<T> {
  header: string
  cell: (row: T) => ReactNode
  wrap?: boolean
}

/** A SyncTable of plain rows, one cell per column: the value tables of the console (dry run, release, overwrites). */
export function ColumnTable<T>({
  label,
  rows,
  columns,
}: {
  label: string
  rows: readonly T[]
  columns: readonly Column<T>[]
}) {
  return (
    <SyncTable label={label}>
      <DataTableHead>
        <DataTableRow>
          {columns.map((c) => (
            <DataTableColumnHeader key={c.header} scope="col">
              {c.header}
            </DataTableColumnHeader>
          ))}
        </DataTableRow>
      </DataTableHead>
      <DataTableBody>
        {rows.map((row, i) => (
          <DataTableRow key={i}>
            {columns.map((c) => (
              <DataTableCell key={c.header} className={c.wrap ? classes.wrap : undefined}>
                {c.cell(row)}
              </DataTableCell>
            ))}
          </DataTableRow>
        ))}
      </DataTableBody>
    </SyncTable>
  )
}

/** Opens a record or a run, from a table cell or a fact: a small button whose text may wrap on a phone. */
export function OpenButton({ onClick, children }: { onClick: () => void; children: ReactNode }) {
  return (
    <Button small secondary className={classes.openButton} onClick={() => onClick()}>
      {children}
    </Button>
  )
}
