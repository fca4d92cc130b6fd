import i18n from '@dhis2/d2-i18n'
import { CircularLoader, NoticeBox } from '@dhis2/ui'
import type { Period } from '@relais/mappings/src/dhis2/periods'
import { BarElement, CategoryScale, Chart as ChartJS, Legend, LinearScale, Tooltip } from 'chart.js'
import { useMemo } from 'react'
import { Bar } from 'react-chartjs-2'
import { formatDay, type Language } from '../../shared/language'
import { periodName } from '../../shared/mappings'
import type { DashboardMetadata } from '../analytics/useDashboardMetadata'
import { csvFileName } from '../../shared/csv/csv'
import classes from '../Dashboard.module.css'
import { csvPercent, formatPercent } from '../format'
import { reportingMonthOfWeek } from '../periods/dashboardPeriods'
import { canvasWorks } from '../views/canvas'
import { DataTable } from '../views/DataTable'
import { Freshness } from '../views/Freshness'
import type { WeekProgress } from './weekly'
import { useWeeklyData } from './useWeeklyData'

ChartJS.register(CategoryScale, LinearScale, BarElement, Tooltip, Legend)

/** Reports of the month being reported, completed week by week (from the completion registrations). */
export function WeeklyView({
  meta,
  orgUnit,
  week,
  language,
}: {
  meta: DashboardMetadata
  orgUnit: { id: string; name: string; level: number }
  week: Period
  language: Language
}) {
  const month = reportingMonthOfWeek(week)
  const { loading, error, data } = useWeeklyData(meta, orgUnit, month, week)
  const canDraw = useMemo(canvasWorks, [])
  if (error) {
    return (
      <NoticeBox error title={i18n.t('Could not load the dashboard')}>
        {error.message}
      </NoticeBox>
    )
  }
  if (loading || !data) {
    return (
      <div className={classes.centered}>
        <CircularLoader aria-label={i18n.t('Loading the dashboard')} />
      </div>
    )
  }
  const monthName = periodName(month, language)
  const chart = {
    labels: data.weeks.map((w) => `${formatDay(w.from, language)} – ${formatDay(w.to, language)}`),
    datasets: [
      { label: i18n.t('Completed in the week'), data: data.weeks.map((w) => w.completed), backgroundColor: '#e56408' },
      { label: i18n.t('Cumulative'), data: data.weeks.map((w) => w.cumulative), backgroundColor: '#147cd7' },
    ],
  }
  return (
    <>
      <Freshness info={data.info} />
      <p className={classes.lead}>
        {i18n.t('Reporting of {{month}} in {{unit}}, week by week ({{expected}} reports expected).', {
          month: monthName,
          unit: orgUnit.name,
          expected: data.expected,
          interpolation: { escapeValue: false },
        })}
      </p>
      {canDraw && (
        <figure className={classes.chart}>
          <figcaption>{i18n.t('Reports completed per week')}</figcaption>
          <div className={classes.chartBox}>
            <Bar
              data={chart}
              options={{ responsive: true, maintainAspectRatio: false, animation: false }}
              aria-hidden="true"
            />
          </div>
        </figure>
      )}
      <DataTable<WeekProgress>
        title={i18n.t('Weekly progress of the reporting of {{month}}', {
          month: monthName,
          interpolation: { escapeValue: false },
        })}
        fileName={csvFileName('weekly', orgUnit.name, month.id, week.id)}
        rows={data.weeks}
        rowKey={(w) => w.week.id}
        empty={i18n.t('No data for this period.')}
        columns={[
          { header: i18n.t('Week'), cell: (w) => periodName(w.week, language), csv: (w) => w.week.id },
          { header: i18n.t('From'), cell: (w) => formatDay(w.from, language), csv: (w) => w.from },
          { header: i18n.t('To'), cell: (w) => formatDay(w.to, language), csv: (w) => w.to },
          { header: i18n.t('Completed in the week'), cell: (w) => w.completed, csv: (w) => w.completed, numeric: true },
          { header: i18n.t('Cumulative'), cell: (w) => w.cumulative, csv: (w) => w.cumulative, numeric: true },
          {
            header: i18n.t('Cumulative on time'),
            cell: (w) => w.cumulativeOnTime,
            csv: (w) => w.cumulativeOnTime,
            numeric: true,
          },
          {
            header: i18n.t('Completeness so far'),
            cell: (w) => formatPercent(w.cumulativeRate, language),
            csv: (w) => csvPercent(w.cumulativeRate),
            numeric: true,
          },
        ]}
      >
        <p className={classes.muted}>
          {i18n.t('Counted from the completion registrations, so reports completed today are included.')}
        </p>
      </DataTable>
    </>
  )
}
