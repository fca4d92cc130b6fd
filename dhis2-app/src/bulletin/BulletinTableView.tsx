import {
  DataTable,
  DataTableBody,
  DataTableCell,
  DataTableColumnHeader,
  DataTableFoot,
  DataTableHead,
  DataTableRow,
} from '@dhis2/ui'
import i18n from '@dhis2/d2-i18n'
import classes from './Bulletin.module.css'
import type { BulletinTable } from './bulletinTables'

/** One section of the bulletin: its title, what its figures are, and its table (or why there is none). */
export function BulletinTableView({
  table,
  loading,
}: {
  table?: BulletinTable
  loading?: { id: string; title: string }
}) {
  const id = `relais-bulletin-${table?.id ?? loading?.id ?? 'section'}`
  const title = table?.title ?? loading?.title ?? ''
  return (
    <section className={classes.section} aria-labelledby={id}>
      <h3 id={id} className={classes.sectionTitle}>
        {title}
      </h3>
      {!table ? (
        <p className={classes.muted}>{i18n.t('Loading…')}</p>
      ) : table.unavailable || (table.rows.length === 0 && !table.total) ? (
        <>
          {!table.unavailable &&
            table.notes.map((note) => (
              <p key={note} className={classes.note}>
                {note}
              </p>
            ))}
          <p
            className={table.unavailable ? classes.unavailable : classes.muted}
            role={table.unavailable ? 'status' : undefined}
          >
            {table.empty}
          </p>
        </>
      ) : (
        <>
          {table.notes.map((note) => (
            <p key={note} className={classes.note}>
              {note}
            </p>
          ))}
          {/* Focusable, so that a keyboard can scroll a table wider than a phone (axe: scrollable-region-focusable). */}
          <div className={classes.tableScroll} role="group" aria-labelledby={id} tabIndex={0}>
            <DataTable className={classes.table}>
              <DataTableHead>
                <DataTableRow>
                  {table.headers.map((header, i) => (
                    <DataTableColumnHeader key={header} align={table.numeric[i] ? 'right' : 'left'}>
                      {header}
                    </DataTableColumnHeader>
                  ))}
                </DataTableRow>
              </DataTableHead>
              <DataTableBody>
                {table.rows.map((row) => (
                  <DataTableRow key={row.key}>
                    {row.cells.map((cell, i) => (
                      <DataTableCell key={i} align={table.numeric[i] ? 'right' : 'left'}>
                        {cell}
                      </DataTableCell>
                    ))}
                  </DataTableRow>
                ))}
              </DataTableBody>
              {table.total && (
                <DataTableFoot>
                  <DataTableRow>
                    {table.total.cells.map((cell, i) => (
                      <DataTableCell key={i} align={table.numeric[i] ? 'right' : 'left'}>
                        <strong>{cell}</strong>
                      </DataTableCell>
                    ))}
                  </DataTableRow>
                </DataTableFoot>
              )}
            </DataTable>
          </div>
        </>
      )}
    </section>
  )
}
