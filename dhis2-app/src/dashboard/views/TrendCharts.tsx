import i18n from '@dhis2/d2-i18n'
import {
  BarElement,
  CategoryScale,
  Chart as ChartJS,
  Legend,
  LinearScale,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js'
import { useMemo } from 'react'
import { Bar, Line } from 'react-chartjs-2'
import { periodName } from '../../shared/mappings'
import type { Language } from '../../shared/language'
import type { TrendPoint } from '../analytics/dashboardModel'
import { ACHIEVEMENT_CODES } from '../analytics/useDashboardMetadata'
import { csvFileName } from '../../shared/csv/csv'
import classes from '../Dashboard.module.css'
import { csvPercent, formatPercent } from '../format'
import { canvasWorks } from './canvas'
import { DataTable } from './DataTable'
import { indicatorLabel } from './labels'

ChartJS.register(CategoryScale, LinearScale, PointElement, LineElement, BarElement, Tooltip, Legend)

const COLOURS = ['#147cd7', '#e56408', '#2b8a3e', '#7b3fc4', '#b3261e']

const percentAxis = { y: { min: 0, suggestedMax: 100, ticks: { callback: (v: number | string) => `${v} %` } } }

/** Twelve months of completeness and timeliness (lines) and of the three target achievements (bars). */
export function TrendCharts({
  trend,
  unitName,
  language,
}: {
  trend: TrendPoint[]
  unitName: string
  language: Language
}) {
  const canDraw = useMemo(canvasWorks, [])
  const labels = trend.map((p) => periodName(p.month, language))
  const reporting = {
    labels,
    datasets: [
      {
        label: i18n.t('Completeness'),
        data: trend.map((p) => p.completeness ?? null),
        borderColor: COLOURS[0],
        backgroundColor: COLOURS[0],
      },
      {
        label: i18n.t('Timeliness'),
        data: trend.map((p) => p.timeliness ?? null),
        borderColor: COLOURS[1],
        backgroundColor: COLOURS[1],
      },
    ],
  }
  const achievements = {
    labels,
    datasets: ACHIEVEMENT_CODES.map((code, i) => ({
      label: indicatorLabel(code),
      data: trend.map((p) => p.indicators[code] ?? null),
      backgroundColor: COLOURS[i + 2],
    })),
  }
  const options = { responsive: true, maintainAspectRatio: false, scales: percentAxis, animation: false as const }
  return (
    <>
      {canDraw && (
        <section className={classes.charts} aria-label={i18n.t('Trends over the last 12 months')}>
          <figure className={classes.chart}>
            <figcaption>{i18n.t('Completeness and timeliness, last 12 months')}</figcaption>
            <div className={classes.chartBox}>
              <Line data={reporting} options={options} aria-hidden="true" />
            </div>
          </figure>
          <figure className={classes.chart}>
            <figcaption>{i18n.t('Target achievements, last 12 months')}</figcaption>
            <div className={classes.chartBox}>
              <Bar data={achievements} options={options} aria-hidden="true" />
            </div>
          </figure>
        </section>
      )}
      <DataTable<TrendPoint>
        title={i18n.t('Trends over the last 12 months')}
        fileName={csvFileName('trends', unitName, trend.at(-1)?.month.id ?? '')}
        rows={trend}
        rowKey={(p) => p.month.id}
        empty={i18n.t('No data for this period.')}
        columns={[
          { header: i18n.t('Month'), cell: (p) => periodName(p.month, language), csv: (p) => p.month.id },
          {
            header: i18n.t('Completeness'),
            cell: (p) => formatPercent(p.completeness, language),
            csv: (p) => csvPercent(p.completeness),
            numeric: true,
          },
          {
            header: i18n.t('Timeliness'),
            cell: (p) => formatPercent(p.timeliness, language),
            csv: (p) => csvPercent(p.timeliness),
            numeric: true,
          },
          ...(['IND_TDR_POS', ...ACHIEVEMENT_CODES] as const).map((code) => ({
            header: indicatorLabel(code),
            cell: (p: TrendPoint) => formatPercent(p.indicators[code], language),
            csv: (p: TrendPoint) => csvPercent(p.indicators[code]),
            numeric: true,
          })),
        ]}
      />
    </>
  )
}
