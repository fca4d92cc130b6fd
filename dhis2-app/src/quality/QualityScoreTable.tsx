// The monthly quality score (score.ts) as a table: on the data-quality screen by month for one zone, on the
// dashboard by zone for one month. The caption says what the score is.
import i18n from '@dhis2/d2-i18n'
import { DataTable, DataTableBody, DataTableCell, DataTableColumnHeader, DataTableHead, DataTableRow } from '@dhis2/ui'
import classes from './Quality.module.css'
import type { ZoneMonth } from './score'

export interface ScoreRow {
  key: string
  label: string
  score: ZoneMonth
}

export function QualityScoreTable({
  caption,
  firstColumn,
  rows,
}: {
  caption: string
  firstColumn: string
  rows: ScoreRow[]
}) {
  return (
    <section className={classes.section} aria-label={caption}>
      <h3 className={classes.sectionTitle}>{caption}</h3>
      <p className={classes.muted}>
        {i18n.t(
          'Quality score = share of the RC who reported that month with no open finding that month. A finding marked checked or corrected no longer counts.',
        )}
      </p>
      {rows.length === 0 ? (
        <p className={classes.muted}>{i18n.t('No report for these months.')}</p>
      ) : (
        <div className={classes.tableBox}>
          <DataTable>
            <DataTableHead>
              <DataTableRow>
                <DataTableColumnHeader>{firstColumn}</DataTableColumnHeader>
                <DataTableColumnHeader>{i18n.t('RC who reported')}</DataTableColumnHeader>
                <DataTableColumnHeader>{i18n.t('With an open finding')}</DataTableColumnHeader>
                <DataTableColumnHeader>{i18n.t('Quality score')}</DataTableColumnHeader>
              </DataTableRow>
            </DataTableHead>
            <DataTableBody>
              {rows.map((r) => (
                <DataTableRow key={r.key}>
                  <DataTableCell>{r.label}</DataTableCell>
                  <DataTableCell>{r.score.reporting}</DataTableCell>
                  <DataTableCell>{r.score.reporting - r.score.clean}</DataTableCell>
                  <DataTableCell>{r.score.score === undefined ? '—' : `${r.score.score} %`}</DataTableCell>
                </DataTableRow>
              ))}
            </DataTableBody>
          </DataTable>
        </div>
      )}
    </section>
  )
}
