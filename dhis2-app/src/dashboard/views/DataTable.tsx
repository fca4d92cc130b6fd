import i18n from '@dhis2/d2-i18n'
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

/** A titled table that scrolls sideways on small screens, with its CSV export. */
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
        // Focusable: a keyboard can scroll a table wider than a phone (WCAG 2.1.1).
        <div className={classes.tableScroll} tabIndex={0}>
          <table className={classes.table}>
            <thead>
              <tr>
                {columns.map((c) => (
                  <th key={c.header} scope="col" className={c.numeric ? classes.numeric : undefined}>
                    {c.header}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {shown.map((row) => (
                <tr key={rowKey(row)}>
                  {columns.map((c) => (
                    <td key={c.header} className={c.numeric ? classes.numeric : undefined}>
                      {c.cell(row)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {rows.length > shown.length && (
        <p className={classes.muted}>
          {i18n.t('{{shown}} of {{total}} rows shown.', { shown: shown.length, total: rows.length })}{' '}
          <button type="button" className={classes.linkButton} onClick={() => setAll(true)}>
            {i18n.t('Show all')}
          </button>
        </p>
      )}
    </section>
  )
}
