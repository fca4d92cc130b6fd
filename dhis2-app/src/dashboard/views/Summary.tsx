import i18n from '@dhis2/d2-i18n'
import { NoticeBox } from '@dhis2/ui'
import type { Period } from '@relais/mappings/src/dhis2/periods'
import type { DashboardModel } from '../analytics/dashboardModel'
import { ACHIEVEMENT_CODES, INDICATOR_CODES, type IndicatorCode } from '../analytics/useDashboardMetadata'
import { csvFileName } from '../../shared/csv/csv'
import classes from '../Dashboard.module.css'
import { csvPercent, formatNumber, formatPercent } from '../format'
import { classCounts } from '../performance/performance'
import { formatDay, type Language } from '../../shared/language'
import { Card } from './Card'
import { DataTable } from './DataTable'
import { classLabel, indicatorLabel } from './labels'

interface IndicatorRow {
  code: 'COMPLETENESS' | 'TIMELINESS' | IndicatorCode
  label: string
  value?: number
  numerator?: number
  denominator?: number
  /** 100 % where the programme sets a target (reports expected, pro-rated annual targets). */
  target?: number
}

/**
 * Why a period's figures may surprise (issue 14 §4): a period not over yet has few reports, and a past one with
 * none counted has none completed — or only completed after DHIS2's last analytics run. Pure.
 */
export function surprisingFigures(
  period: Pick<Period, 'endDate'>,
  today: string,
  reports: { actual: number; expected: number },
): 'not-over' | 'none-counted' | undefined {
  if (today <= period.endDate) return 'not-over'
  if (reports.expected > 0 && reports.actual === 0) return 'none-counted'
  return undefined
}

function SurpriseNote({ period, today, model }: { period: Period; today: string; model: DashboardModel }) {
  const why = surprisingFigures(period, today, model.summary.reports)
  if (!why) return null
  return (
    <NoticeBox title={why === 'not-over' ? i18n.t('This period is not over') : i18n.t('No report counted yet')}>
      {why === 'not-over'
        ? i18n.t(
            'It ends on {{date}}. Its reports are completed after that, so its figures are still low and will grow.',
            { date: formatDay(period.endDate) },
          )
        : i18n.t(
            'No report of this period is completed, or they were completed after the last analytics run of DHIS2 (see above when it ran). The figures will count them after the next one.',
          )}
    </NoticeBox>
  )
}

/** Completeness, timeliness, the classes of the RC, then every indicator against its target. */
export function Summary(props: { model: DashboardModel; period: Period; today: string; language: Language }) {
  const { model, period, today, language } = props
  const { summary } = model
  const counts = classCounts(model.rcs)
  const rows: IndicatorRow[] = [
    {
      code: 'COMPLETENESS',
      label: i18n.t('Report completeness'),
      value: summary.completeness,
      numerator: summary.reports.actual,
      denominator: summary.reports.expected,
      target: 100,
    },
    {
      code: 'TIMELINESS',
      label: i18n.t('Report timeliness'),
      value: summary.timeliness,
      numerator: summary.reports.onTime,
      denominator: summary.reports.expected,
      target: 100,
    },
    ...INDICATOR_CODES.map((code) => ({
      code,
      label: indicatorLabel(code),
      ...summary.indicators[code],
      target: (ACHIEVEMENT_CODES as readonly string[]).includes(code) ? 100 : undefined,
    })),
  ]
  return (
    <>
      <SurpriseNote period={period} today={today} model={model} />
      <div className={classes.cards}>
        <Card
          label={i18n.t('Completeness')}
          value={formatPercent(summary.completeness, language)}
          detail={i18n.t('{{actual}} of {{expected}} reports', {
            actual: summary.reports.actual,
            expected: summary.reports.expected,
          })}
        />
        <Card
          label={i18n.t('Timeliness')}
          value={formatPercent(summary.timeliness, language)}
          detail={i18n.t('{{onTime}} on time', { onTime: summary.reports.onTime })}
        />
        {(['bon', 'moyen', 'faible'] as const).map((c) => (
          <Card key={c} label={classLabel(c)} value={String(counts[c])} detail={i18n.t('community health workers')} />
        ))}
      </div>
      <DataTable<IndicatorRow>
        title={i18n.t('Indicators and targets')}
        fileName={csvFileName('indicators', summary.name, period.id)}
        rows={rows}
        rowKey={(r) => r.code}
        empty={i18n.t('No data for this period.')}
        columns={[
          { header: i18n.t('Indicator'), cell: (r) => r.label, csv: (r) => r.label },
          {
            header: i18n.t('Value'),
            cell: (r) => formatPercent(r.value, language),
            csv: (r) => csvPercent(r.value),
            numeric: true,
          },
          {
            header: i18n.t('Target'),
            cell: (r) => formatPercent(r.target, language),
            csv: (r) => r.target,
            numeric: true,
          },
          {
            header: i18n.t('Numerator'),
            cell: (r) => formatNumber(r.numerator, language),
            csv: (r) => r.numerator,
            numeric: true,
          },
          {
            header: i18n.t('Denominator'),
            cell: (r) => formatNumber(r.denominator, language),
            csv: (r) => r.denominator,
            numeric: true,
          },
        ]}
      >
        <p className={classes.muted}>
          {i18n.t(
            'Target achievements compare what was done since January with the annual target pro-rated to the period.',
          )}
        </p>
      </DataTable>
    </>
  )
}
