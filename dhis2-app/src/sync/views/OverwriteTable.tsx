// The values an import would have overwritten (issue 13 §2): what DHIS2 holds, who stored it and when, and what
// the source brings — read from the quarantine event the bridge wrote. Data elements and option combos by name.
import i18n from '@dhis2/d2-i18n'
import { DataTableBody, DataTableCell, DataTableColumnHeader, DataTableHead, DataTableRow } from '@dhis2/ui'
import type { RecordEvent } from '../api/types'
import { formatDateTime } from '../logic/format'
import type { Language } from '../../shared/language'
import classes from '../Sync.module.css'
import { SyncTable } from './controls'
import { useValueNames } from './useValueNames'

export interface OverwriteRow {
  dataElement: string
  categoryOptionCombo: string
  period: string
  dhis2: { value: string; storedBy: string | null; lastUpdated: string | null }
  incoming: string | null
}

/** The overwrites of the newest event that carries them (the quarantine, or a system-of-record note). */
export function overwritesIn(history: readonly RecordEvent[]): OverwriteRow[] {
  for (let i = history.length - 1; i >= 0; i--) {
    const detail = history[i]?.detail as { overwrites?: unknown } | null | undefined
    if (Array.isArray(detail?.overwrites)) return detail.overwrites as OverwriteRow[]
  }
  return []
}

export function OverwriteTable({ rows, language }: { rows: readonly OverwriteRow[]; language: Language }) {
  const label = useValueNames(rows)
  return (
    <>
      <h4 className={classes.subtitle}>{i18n.t('Values entered by a person that the import would replace')}</h4>
      <SyncTable label={i18n.t('Values entered by a person that the import would replace')}>
        <DataTableHead>
          <DataTableRow>
            <DataTableColumnHeader scope="col">{i18n.t('Data element')}</DataTableColumnHeader>
            <DataTableColumnHeader scope="col">{i18n.t('In DHIS2')}</DataTableColumnHeader>
            <DataTableColumnHeader scope="col">{i18n.t('Entered by')}</DataTableColumnHeader>
            <DataTableColumnHeader scope="col">{i18n.t('On')}</DataTableColumnHeader>
            <DataTableColumnHeader scope="col">{i18n.t('From the source')}</DataTableColumnHeader>
          </DataTableRow>
        </DataTableHead>
        <DataTableBody>
          {rows.map((r, i) => (
            <DataTableRow key={i}>
              <DataTableCell className={classes.wrap}>{label(r)}</DataTableCell>
              <DataTableCell>{r.dhis2.value}</DataTableCell>
              <DataTableCell>{r.dhis2.storedBy ?? '—'}</DataTableCell>
              <DataTableCell>{r.dhis2.lastUpdated ? formatDateTime(r.dhis2.lastUpdated, language) : '—'}</DataTableCell>
              <DataTableCell>{r.incoming ?? i18n.t('(deleted)')}</DataTableCell>
            </DataTableRow>
          ))}
        </DataTableBody>
      </SyncTable>
    </>
  )
}
