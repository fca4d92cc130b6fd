// One push to the national HMIS and its reconciliation report: followed while it runs, then its counts per line
// status, and its lines — by default every line that is not a match — each with the zone, both cells, both values,
// the status and the reason in the UI's language; the lines of the filter as CSV for a spreadsheet.
import { useDataEngine } from '@dhis2/app-runtime'
import i18n from '@dhis2/d2-i18n'
import { Button, NoticeBox } from '@dhis2/ui'
import { useId, useState } from 'react'
import { classifyError, type BridgeProblem } from '../../shared/bridge/bridgeProblem'
import { useBridgeGet } from '../../shared/bridge/useBridge'
import { csvDialect, csvFileName, toCsv } from '../../shared/csv/csv'
import { downloadCsv } from '../../shared/csv/CsvButton'
import { uiLanguage, type Language } from '../../shared/language'
import type { HmisLineStatus, HmisPush, HmisReport, HmisReportLine } from '../api/types'
import {
  ALL_LINES,
  HMIS_LINE_STATUSES,
  HMIS_LINE_TONE,
  hmisLineStatusLabel,
  isRunning,
  reasonOf,
  reportCsv,
  statusesOfFilter,
} from '../logic/hmis'
import classes from '../Sync.module.css'
import { Loading, PagerBar, ProblemNotice, StatusTag } from './common'
import { FilterSelect } from './controls'
import { PushCard } from './HmisView'
import { readAllLines, useHmisLines } from './useHmisLines'

interface Props {
  pushId: string
  /** '' every line but the matches, 'all', or one status (logic/hmis.ts statusesOfFilter). */
  filter: string
  page: number
  onFilter: (filter: { status: string; page: number }) => void
  onBack: () => void
}

export function HmisReportView({ pushId, filter, page, onFilter, onBack }: Props) {
  const language = uiLanguage()
  // The push alone (one line asked): its status, followed while it runs, and its counts, which plan the pages.
  const report = useBridgeGet<HmisReport>(`hmis/pushes/${encodeURIComponent(pushId)}`, { pageSize: 1 }, (r) =>
    isRunning(r.push),
  )
  const push = report.data?.push

  return (
    <section className={classes.page} aria-label={i18n.t('Reconciliation report')}>
      <div className={classes.row}>
        <Button small secondary onClick={onBack}>
          {i18n.t('Back to the pushes')}
        </Button>
      </div>
      {report.problem && (
        <ProblemNotice
          problem={report.problem}
          title={i18n.t('Could not load this push to the national HMIS')}
          onRetry={report.refetch}
        />
      )}
      {!push && report.loading && <Loading label={i18n.t('Loading the report')} />}
      {push && <PushCard push={push} language={language} withCounts={push.status !== 'done'} />}
      {push && isRunning(push) && (
        <NoticeBox title={i18n.t('In progress')}>
          {i18n.t('The bridge reads the programme’s totals and the national instance. This page follows it.')}
          <Loading label={i18n.t('In progress')} />
        </NoticeBox>
      )}
      {push?.status === 'failed' && (
        <NoticeBox error title={i18n.t('This push failed')}>
          {push.error ?? ''}
        </NoticeBox>
      )}
      {push?.status === 'done' && (
        <DoneReport push={push} filter={filter} page={page} onFilter={onFilter} language={language} />
      )}
    </section>
  )
}

function DoneReport({
  push,
  filter,
  page,
  onFilter,
  language,
}: {
  push: HmisPush
  filter: string
  page: number
  onFilter: Props['onFilter']
  language: Language
}) {
  const statuses = statusesOfFilter(filter)
  const { lines, pager, problem, loading, refetch } = useHmisLines(push.id, push.counts, statuses, page)
  return (
    <>
      <Summary push={push} />
      <div className={classes.form}>
        <FilterSelect
          label={i18n.t('Lines shown')}
          all={i18n.t('Everything but matches')}
          value={filter}
          choices={[
            ...HMIS_LINE_STATUSES.map((s) => ({ value: s, label: hmisLineStatusLabel(s) })),
            { value: ALL_LINES, label: i18n.t('All lines') },
          ]}
          onChange={(value) => onFilter({ status: value, page: 1 })}
        />
        <CsvDownload push={push} statuses={statuses} language={language} />
      </div>
      {problem && (
        <ProblemNotice problem={problem} title={i18n.t('Could not load the report lines')} onRetry={refetch} />
      )}
      {!lines && loading && <Loading label={i18n.t('Loading the report lines')} />}
      {pager && pager.total === 0 && (
        <p className={classes.muted}>
          {filter === '' ? i18n.t('Every value matches the national instance.') : i18n.t('No line with this status.')}
        </p>
      )}
      {lines && lines.length > 0 && (
        <div className={classes.cards}>
          {lines.map((line, i) => (
            <LineCard key={`${pager?.page ?? 0}-${i}`} line={line} language={language} />
          ))}
        </div>
      )}
      {pager && <PagerBar pager={pager} onPage={(p) => onFilter({ status: filter, page: p })} />}
    </>
  )
}

/** The counts of every line status, zeros too: « 0 refused » is news as well. */
function Summary({ push }: { push: HmisPush }) {
  const imported = push.importCounts
  const counted = {
    imported: imported?.imported ?? 0,
    updated: imported?.updated ?? 0,
    ignored: imported?.ignored ?? 0,
  }
  return (
    <div className={classes.panel}>
      <ul className={classes.counts} aria-label={i18n.t('Report summary')}>
        {HMIS_LINE_STATUSES.map((status) => (
          <li key={status}>
            <StatusTag tone={HMIS_LINE_TONE[status]}>
              {push.counts[status] ?? 0} {hmisLineStatusLabel(status)}
            </StatusTag>
          </li>
        ))}
      </ul>
      {imported && (
        <p className={classes.muted}>
          {/* A trial is DHIS2's dry run: its counts say what the import would do, nothing was written. */}
          {push.mode === 'dry-run'
            ? i18n.t(
                'In this trial the national DHIS2 would import {{imported}}, update {{updated}} and ignore {{ignored}} values',
                counted,
              )
            : i18n.t('In the national DHIS2, {{imported}} imported, {{updated}} updated, {{ignored}} ignored', counted)}
        </p>
      )}
    </div>
  )
}

function LineCard({ line, language }: { line: HmisReportLine; language: Language }) {
  const titleId = useId()
  const zone = [line.orgUnit, line.nationalOrgUnit].filter(Boolean).join(' → ')
  const reason = reasonOf(line, language)
  return (
    <article className={classes.card} aria-labelledby={titleId}>
      <div className={classes.row}>
        <h3 id={titleId} className={classes.cardTitle}>
          {zone || line.period}
        </h3>
        <StatusTag tone={HMIS_LINE_TONE[line.status]}>{hmisLineStatusLabel(line.status)}</StatusTag>
      </div>
      <dl className={classes.facts}>
        <dt>{i18n.t('National cell')}</dt>
        <dd>{line.nationalDataElement ?? '—'}</dd>
        <dt>{i18n.t('Programme cell')}</dt>
        <dd>{line.dataElement ?? '—'}</dd>
        <dt>{i18n.t('Programme value')}</dt>
        <dd>{line.programmeValue ?? '—'}</dd>
        <dt>{i18n.t('National value')}</dt>
        <dd>{line.nationalValue ?? '—'}</dd>
        {reason && (
          <>
            <dt>{i18n.t('Reason')}</dt>
            <dd>{reason}</dd>
          </>
        )}
        {/* The bridge's reason of a refusal quotes DHIS2's conflict already: said once, not twice. */}
        {line.conflict && !reason.includes(line.conflict) && (
          <>
            <dt>{i18n.t('DHIS2 message')}</dt>
            <dd>{line.conflict}</dd>
          </>
        )}
      </dl>
    </article>
  )
}

/** Every line of the filter (not only this page), read from the bridge when asked, in the user's spreadsheet dialect. */
function CsvDownload({
  push,
  statuses,
  language,
}: {
  push: HmisPush
  statuses: readonly HmisLineStatus[]
  language: Language
}) {
  const engine = useDataEngine()
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<BridgeProblem | null>(null)
  const download = async () => {
    setBusy(true)
    setProblem(null)
    try {
      const lines = await readAllLines(engine, push.id, push.counts, statuses)
      const { header, rows } = reportCsv(lines, language)
      downloadCsv(csvFileName('snis', push.period, push.mode), toCsv(header, rows, csvDialect(language)))
    } catch (error) {
      setProblem(classifyError(error))
    } finally {
      setBusy(false)
    }
  }
  return (
    <>
      <Button
        small
        secondary
        loading={busy}
        disabled={busy}
        aria-label={`${i18n.t('Export CSV')}, ${i18n.t('Reconciliation report')}`}
        onClick={() => void download()}
      >
        {i18n.t('Export CSV')}
      </Button>
      {problem && <ProblemNotice problem={problem} title={i18n.t('Could not export the report')} />}
    </>
  )
}
