// The values an import would have overwritten (issue 13 §2): what DHIS2 holds, who stored it and when, and what
// the source brings — read from the quarantine event the bridge wrote. Data elements and option combos by name.
import i18n from '@dhis2/d2-i18n'
import type { RecordEvent } from '../api/types'
import { formatDateTime } from '../logic/format'
import type { Language } from '../../shared/language'
import classes from '../Sync.module.css'
import { ColumnTable } from './controls'
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
      <ColumnTable
        label={i18n.t('Values entered by a person that the import would replace')}
        rows={rows}
        columns={[
          { header: i18n.t('Data element'), cell: label, wrap: true },
          { header: i18n.t('In DHIS2'), cell: (r) => r.dhis2.value },
          { header: i18n.t('Entered by'), cell: (r) => r.dhis2.storedBy ?? '—' },
          {
            header: i18n.t('On'),
            cell: (r) => (r.dhis2.lastUpdated ? formatDateTime(r.dhis2.lastUpdated, language) : '—'),
          },
          { header: i18n.t('From the source'), cell: (r) => r.incoming ?? i18n.t('(deleted)') },
        ]}
      />
    </>
  )
}
