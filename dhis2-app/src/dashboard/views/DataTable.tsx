import i18n from '@dhis2/d2-i18n'
import {
  Button,
  DataTable as UiDataTable,
  DataTableBody,
  DataTableCell,
  DataTableColumnHeader,
  DataTableHead,
  DataTableRow,
} from '@dhis2/ui'
import { useState, type ReactNode } from 'react'
import { CsvButton } from '../../shared/csv/CsvButton'
import type { CsvCell } from '../../shared/csv/csv'
import classes from '../Dashboard.module.css'

export interface Column<Row> {
  header: string
  cell: (row: Row) => ReactNode
  /** The value written to the CSV file (raw numbers, no formatting). */
  csv: (row: Row) => CsvCell
  numeric?: boolean
}

/** Rows shown before "Show all": a national table can hold 20,000 RC; the CSV always has them all. */
const PAGE = 100

/** A titled @dhis2/ui table that scrolls sideways on small screens, with its CSV export. */
export function DataTable<Row>({
  title,
  columns,
  rows,
  rowKey,
  fileName,
  empty,
  children,
}: {
  title: string
  columns: Column<Row>[]
  rows: readonly Row[]
  rowKey: (row: Row) => string
  fileName: string
  empty: string
  /** Shown between the title and the table. */
  children?: ReactNode
}) {
  const [all, setAll] = useState(false)
  const shown = all ? rows : rows.slice(0, PAGE)
  const align = (c: Column<Row>) => (c.numeric ? 'right' : 'left')
  return (
    <section className={classes.panel} aria-label={title}>
      <div className={classes.panelHeader}>
        <h3 className={classes.panelTitle}>{title}</h3>
        <CsvButton
          label={title}
          fileName={fileName}
          header={columns.map((c) => c.header)}
          rows={rows.map((row) => columns.map((c) => c.csv(row)))}
        />
      </div>
      {children}
      {rows.length === 0 ? (
        <p className={classes.muted}>{empty}</p>
      ) : (
        // The box, not the page, scrolls sideways on a phone; focusable and named, so a keyboard can scroll it
        // too (WCAG 2.1.1). Its name leaves out the title (the table's caption): a search for the panel by its
        // title, as a substring, must find the panel alone.
        <div className={classes.tableScroll} role="region" aria-label={i18n.t('Scrollable table')} tabIndex={0}>
          <UiDataTable className={classes.table}>
            <caption className={classes.visuallyHidden}>{title}</caption>
            <DataTableHead>
              <DataTableRow>
                {columns.map((c) => (
                  <DataTableColumnHeader
                    key={c.header}
                    scope="col"
                    align={align(c)}
                    className={c.numeric ? classes.numeric : undefined}
                  >
                    {c.header}
                  </DataTableColumnHeader>
                ))}
              </DataTableRow>
            </DataTableHead>
            <DataTableBody>
              {shown.map((row) => (
                <DataTableRow key={rowKey(row)}>
                  {columns.map((c) => (
                    <DataTableCell key={c.header} align={align(c)} className={c.numeric ? classes.numeric : undefined}>
                      {c.cell(row)}
                    </DataTableCell>
                  ))}
                </DataTableRow>
              ))}
            </DataTableBody>
          </UiDataTable>
        </div>
      )}
      {rows.length > shown.length && (
        <p className={classes.more}>
          {i18n.t('{{shown}} of {{total}} rows shown.', { shown: shown.length, total: rows.length })}{' '}
          <Button small secondary onClick={() => setAll(true)}>
            {i18n.t('Show all')}
          </Button>
        </p>
      )}
    </section>
  )
}
