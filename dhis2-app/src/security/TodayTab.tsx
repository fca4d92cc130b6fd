// Today: the latest report — counts by severity, what is new since yesterday first, every finding by severity,
// what was resolved — « Lancer la vérification maintenant », and the trend of the last 30 or 90 days.
import i18n from '@dhis2/d2-i18n'
import { useDataEngine } from '@dhis2/app-runtime'
import {
  Button,
  CircularLoader,
  DataTable,
  DataTableBody,
  DataTableCell,
  DataTableColumnHeader,
  DataTableHead,
  DataTableRow,
  NoticeBox,
  SegmentedControl,
} from '@dhis2/ui'
import { useEffect, useState } from 'react'
import { formatDay } from '../shared/language'
import type { BridgeProblem } from '../shared/bridge/bridgeProblem'
import { SECURITY_PATHS, type SecurityReport, type SecurityReportDays, type Severity } from '../shared/bridge/security'
import { queryBridge, useBridgeGet, useBridgePost, useBridgeSettings } from '../shared/bridge/useBridge'
import { BridgeProblemNotice, FindingList, TableScroll, isNotFound, noReportYet } from './FindingList'
import { severityLabel } from './findingText'
import classes from './Security.module.css'
import layout from '../shared/PageLayout.module.css'
import { addDays, groupBySeverity, newFindings, SEVERITY_ORDER } from './securityModel'

/** A check runs in seconds; after this long the screen stops waiting and says so. */
const RUN_WAIT_MS = 180_000

const BAR_CLASS: Record<Severity, string | undefined> = {
  critical: classes.barCritical,
  high: classes.barHigh,
  medium: classes.barMedium,
  low: classes.barLow,
}

function formatTime(iso: string): string {
  return new Date(iso).toLocaleString(i18n.language?.startsWith('fr') ? 'fr-FR' : 'en-GB')
}

export function TodayTab({ today }: { today: string }) {
  const engine = useDataEngine()
  const { pollMs } = useBridgeSettings()
  const post = useBridgePost()
  const latest = useBridgeGet<SecurityReport>(SECURITY_PATHS.latest)
  const [span, setSpan] = useState<'30' | '90'>('30')
  const trend = useBridgeGet<SecurityReportDays>(SECURITY_PATHS.reports, {
    from: addDays(today, -(Number(span) - 1)),
    to: today,
  })
  const [running, setRunning] = useState<{ before: string | null; startedAt: number } | null>(null)
  const [runProblem, setRunProblem] = useState<BridgeProblem | null>(null)
  const [runOutcome, setRunOutcome] = useState<'done' | 'late' | null>(null)
  const { refetch: refetchLatest } = latest
  const { refetch: refetchTrend } = trend

  useEffect(() => {
    if (!running) return
    let cancelled = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const tick = async () => {
      try {
        const report = await queryBridge<SecurityReport>(engine, SECURITY_PATHS.latest)
        if (cancelled) return
        if (report.createdAt !== running.before) {
          setRunning(null)
          setRunOutcome('done')
          refetchLatest()
          refetchTrend()
          return
        }
      } catch {
        // none yet (404) or a blip: keep asking until the time is up
      }
      if (cancelled) return
      if (Date.now() - running.startedAt > RUN_WAIT_MS) {
        setRunning(null)
        setRunOutcome('late')
        return
      }
      timer = setTimeout(() => void tick(), pollMs)
    }
    timer = setTimeout(() => void tick(), pollMs)
    return () => {
      cancelled = true
      if (timer) clearTimeout(timer)
    }
  }, [engine, running, pollMs, refetchLatest, refetchTrend])

  const runNow = async () => {
    setRunProblem(null)
    setRunOutcome(null)
    const before = latest.data?.createdAt ?? null
    const answer = await post(SECURITY_PATHS.run)
    if (!answer.ok) return setRunProblem(answer.problem)
    setRunning({ before, startedAt: Date.now() })
  }

  const report = latest.data
  const noneYet = !report && isNotFound(latest.problem)

  return (
    <div className={layout.section}>
      <div className={classes.actions}>
        <Button primary onClick={() => void runNow()} loading={running !== null} disabled={running !== null}>
          {i18n.t('Run the check now')}
        </Button>
        {running && (
          <span role="status" className={layout.muted}>
            <CircularLoader small aria-label={i18n.t('The check is running')} />{' '}
            {i18n.t('The check is running; the report appears here when it is ready.')}
          </span>
        )}
      </div>
      {runProblem && <BridgeProblemNotice problem={runProblem} title={i18n.t('The check could not be started')} />}
      {runOutcome === 'done' && (
        <NoticeBox valid title={i18n.t('Check done')}>
          {i18n.t("Today's report below is the new one.")}
        </NoticeBox>
      )}
      {runOutcome === 'late' && (
        <NoticeBox warning title={i18n.t('The check is taking longer than usual')}>
          {i18n.t('The report will be here once the bridge has finished; come back in a few minutes.')}
        </NoticeBox>
      )}

      {latest.loading && !report && <CircularLoader aria-label={i18n.t('Loading the latest security report')} />}
      {noneYet && <p className={layout.muted}>{noReportYet()}</p>}
      {latest.problem && !report && !noneYet && (
        <BridgeProblemNotice problem={latest.problem} title={i18n.t('Could not load the security report')} />
      )}
      {report && <ReportView report={report} />}

      <section aria-labelledby="security-trend" className={layout.section}>
        <h3 id="security-trend">{i18n.t('Trend')}</h3>
        <SegmentedControl
          options={[
            { label: i18n.t('30 days'), value: '30' },
            { label: i18n.t('90 days'), value: '90' },
          ]}
          selected={span}
          onChange={({ value }) => setSpan(value as '30' | '90')}
        />
        {trend.problem && !trend.data && (
          <BridgeProblemNotice problem={trend.problem} title={i18n.t('Could not load the trend')} />
        )}
        {trend.loading && !trend.data && <CircularLoader small aria-label={i18n.t('Loading the trend')} />}
        {trend.data && <TrendTable items={trend.data.items} />}
      </section>
    </div>
  )
}

function ReportView({ report }: { report: SecurityReport }) {
  const added = newFindings(report)
  return (
    <>
      <p className={layout.muted}>
        {i18n.t('Report of {{day}}, made {{time}} by {{actor}} (DHIS2 {{version}}).', {
          interpolation: { escapeValue: false },
          day: formatDay(report.day),
          time: formatTime(report.createdAt),
          actor: report.actor,
          version: report.dhis2Version,
        })}
      </p>
      <dl className={classes.counts} aria-label={i18n.t('Findings by severity')}>
        {SEVERITY_ORDER.map((s) => (
          <div key={s} className={`${classes.count} ${classes[s] ?? ''}`}>
            <dt>{severityLabel(s)}</dt>
            <dd>{report.counts[s]}</dd>
          </div>
        ))}
      </dl>
      {report.problems.length > 0 && (
        <NoticeBox warning title={i18n.t('Part of the check could not be done')}>
          <ul>
            {report.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </NoticeBox>
      )}
      <section aria-labelledby="security-new" className={layout.section}>
        <h3 id="security-new">{i18n.t('New since yesterday')}</h3>
        {added.length === 0 ? (
          <p className={layout.muted}>{i18n.t('Nothing new since the report before.')}</p>
        ) : (
          <FindingList findings={added} label={i18n.t('New since yesterday')} />
        )}
      </section>
      <section aria-labelledby="security-all" className={layout.section}>
        <h3 id="security-all">{i18n.t('All findings')}</h3>
        {report.findings.length === 0 && <p className={layout.muted}>{i18n.t('No finding today.')}</p>}
        {groupBySeverity(report.findings).map((group) => (
          <div key={group.severity}>
            <h4>
              {severityLabel(group.severity)} ({group.findings.length})
            </h4>
            <FindingList findings={group.findings} label={severityLabel(group.severity)} />
          </div>
        ))}
      </section>
      <section aria-labelledby="security-resolved" className={layout.section}>
        <h3 id="security-resolved">{i18n.t('Resolved since the report before')}</h3>
        {report.resolved.length === 0 ? (
          <p className={layout.muted}>{i18n.t('Nothing resolved since the report before.')}</p>
        ) : (
          <FindingList findings={report.resolved} label={i18n.t('Resolved since the report before')} />
        )}
      </section>
    </>
  )
}

function TrendTable({ items }: { items: SecurityReportDays['items'] }) {
  if (items.length === 0) return <p className={layout.muted}>{i18n.t('No report in these days.')}</p>
  const max = Math.max(1, ...items.map((d) => SEVERITY_ORDER.reduce((sum, s) => sum + d.counts[s], 0)))
  return (
    <TableScroll label={i18n.t('Trend')}>
      <DataTable>
        <DataTableHead>
          <DataTableRow>
            <DataTableColumnHeader>{i18n.t('Day')}</DataTableColumnHeader>
            {SEVERITY_ORDER.map((s) => (
              <DataTableColumnHeader key={s}>{severityLabel(s)}</DataTableColumnHeader>
            ))}
            <DataTableColumnHeader>{i18n.t('New')}</DataTableColumnHeader>
            <DataTableColumnHeader>{i18n.t('Resolved')}</DataTableColumnHeader>
            <DataTableColumnHeader>{i18n.t('Findings')}</DataTableColumnHeader>
          </DataTableRow>
        </DataTableHead>
        <DataTableBody>
          {items.map((d) => (
            <DataTableRow key={d.day}>
              <DataTableCell>{formatDay(d.day)}</DataTableCell>
              {SEVERITY_ORDER.map((s) => (
                <DataTableCell key={s}>{d.counts[s]}</DataTableCell>
              ))}
              <DataTableCell>{d.added}</DataTableCell>
              <DataTableCell>{d.resolved}</DataTableCell>
              <DataTableCell>
                <div className={classes.bar} aria-hidden="true">
                  {SEVERITY_ORDER.map((s) => (
                    <span key={s} className={BAR_CLASS[s]} style={{ width: `${(100 * d.counts[s]) / max}%` }} />
                  ))}
                </div>
              </DataTableCell>
            </DataTableRow>
          ))}
        </DataTableBody>
      </DataTable>
    </TableScroll>
  )
}
