import { DataTable, DataTableBody, DataTableColumnHeader, DataTableHead, DataTableRow } from '@dhis2/ui'
import type { ReactNode } from 'react'
import classes from './HeadedTable.module.css'

/**
 * A table wider than a phone scrolls sideways in a region of its own, named and reachable by the keyboard (axe:
 * scrollable-region-focusable); printed whole.
 */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className={classes.scroll} role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  )
}

/** A @dhis2/ui table with one header row, in a TableScroll; the rows are the children. */
export function HeadedTable({
  label,
  headers,
  children,
}: {
  label: string
  headers: readonly ReactNode[]
  children: ReactNode
}) {
  return (
    <TableScroll label={label}>
      <DataTable>
        <DataTableHead>
          <DataTableRow>
            {headers.map((header, i) => (
              <DataTableColumnHeader key={i}>{header}</DataTableColumnHeader>
            ))}
          </DataTableRow>
        </DataTableHead>
        <DataTableBody>{children}</DataTableBody>
      </DataTable>
    </TableScroll>
  )
}
