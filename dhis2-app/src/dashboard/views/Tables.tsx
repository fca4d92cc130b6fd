import i18n from '@dhis2/d2-i18n'
import { Link } from 'react-router-dom'
import { SCREEN_PATHS } from '../../shared/screenPaths'
import type { Period } from '@relais/mappings/src/dhis2/periods'
import type { UnitFigures } from '../analytics/dashboardModel'
import { csvFileName } from '../../shared/csv/csv'
import classes from '../Dashboard.module.css'
import { csvPercent, formatPercent } from '../format'
import { capPercent, type PerformanceClass, type RankedRc, type Thresholds } from '../performance/performance'
import type { Language } from '../../shared/language'
import { DataTable } from './DataTable'
import { classLabel } from './labels'

export function ClassBadge({ value }: { value: PerformanceClass }) {
  return <span className={`${classes.badge} ${classes[value]}`}>{classLabel(value)}</span>
}

/** Mean of the known target achievements, each capped at 100 % (as in the score). */
export function meanAchievement(rc: RankedRc): number | undefined {
  const known = rc.achievements.filter((a): a is number => a !== undefined).map(capPercent)
  return known.length > 0 ? known.reduce((s, a) => s + a, 0) / known.length : undefined
}

/** Every RC, best first, with their class. */
export function RankingTable({
  rcs,
  unitName,
  period,
  thresholds,
  language,
}: {
  rcs: RankedRc[]
  unitName: string
  period: Period
  thresholds: Thresholds
  language: Language
}) {
  return (
    <DataTable<RankedRc>
      title={i18n.t('Community health workers ranked')}
      fileName={csvFileName('ranking', unitName, period.id)}
      rows={rcs}
      rowKey={(rc) => rc.id}
      empty={i18n.t('No active community health worker is expected to report here.')}
      columns={[
        { header: i18n.t('Rank'), cell: (rc) => rc.rank, csv: (rc) => rc.rank, numeric: true },
        {
          header: i18n.t('Community health worker'),
          // The RC's own page: their months and targets, as they see them.
          cell: (rc) => <Link to={`${SCREEN_PATHS.resultats}?ou=${encodeURIComponent(rc.id)}`}>{rc.name}</Link>,
          csv: (rc) => rc.name,
        },
        {
          header: i18n.t('Reports'),
          cell: (rc) => `${rc.reports.actual} / ${rc.reports.expected}`,
          csv: (rc) => `${rc.reports.actual}/${rc.reports.expected}`,
          numeric: true,
        },
        {
          header: i18n.t('Completeness'),
          cell: (rc) => formatPercent(rc.completeness, language),
          csv: (rc) => csvPercent(rc.completeness),
          numeric: true,
        },
        {
          header: i18n.t('Timeliness'),
          cell: (rc) => formatPercent(rc.timeliness, language),
          csv: (rc) => csvPercent(rc.timeliness),
          numeric: true,
        },
        {
          header: i18n.t('Targets achieved'),
          cell: (rc) => formatPercent(meanAchievement(rc), language),
          csv: (rc) => csvPercent(meanAchievement(rc)),
          numeric: true,
        },
        {
          header: i18n.t('Score'),
          cell: (rc) => formatPercent(rc.score, language),
          csv: (rc) => csvPercent(rc.score),
          numeric: true,
        },
        {
          header: i18n.t('Class'),
          cell: (rc) => <ClassBadge value={rc.performance} />,
          csv: (rc) => classLabel(rc.performance),
        },
      ]}
    >
      <p className={classes.muted}>
        {i18n.t(
          'Score = mean of completeness, timeliness and target achievement, each capped at 100 %. Good from {{good}} %, average from {{fair}} %, poor below.',
          { good: thresholds.good, fair: thresholds.fair },
        )}
      </p>
    </DataTable>
  )
}

/** Completeness and timeliness of each sub-unit (département, zone), as analytics last computed them. */
export function ChildrenTable({
  units,
  unitName,
  period,
  language,
}: {
  units: UnitFigures[]
  unitName: string
  period: Period
  language: Language
}) {
  return (
    <DataTable<UnitFigures>
      title={i18n.t('By organisation unit')}
      fileName={csvFileName('units', unitName, period.id)}
      rows={units}
      rowKey={(u) => u.id}
      empty={i18n.t('No data for this period.')}
      columns={[
        { header: i18n.t('Organisation unit'), cell: (u) => u.name, csv: (u) => u.name },
        {
          header: i18n.t('Reports'),
          cell: (u) => `${u.reports.actual} / ${u.reports.expected}`,
          csv: (u) => `${u.reports.actual}/${u.reports.expected}`,
          numeric: true,
        },
        {
          header: i18n.t('Completeness'),
          cell: (u) => formatPercent(u.completeness, language),
          csv: (u) => csvPercent(u.completeness),
          numeric: true,
        },
        {
          header: i18n.t('Timeliness'),
          cell: (u) => formatPercent(u.timeliness, language),
          csv: (u) => csvPercent(u.timeliness),
          numeric: true,
        },
      ]}
    >
      <p className={classes.muted}>{i18n.t('As of the last analytics run.')}</p>
    </DataTable>
  )
}
