// One run, watched live: its progress bar and counts per status move as the bridge works (polled while running).
import i18n from '@dhis2/d2-i18n'
import {
  Button,
  DataTableBody,
  DataTableCell,
  DataTableColumnHeader,
  DataTableHead,
  DataTableRow,
  LinearLoader,
  NoticeBox,
} from '@dhis2/ui'
import { useState } from 'react'
import { useBridgeGet, useBridgePost } from '../../shared/bridge/useBridge'
import type { RecordStatus, RunDetail } from '../api/types'
import type { BridgeProblem } from '../../shared/bridge/bridgeProblem'
import { formatDateTime, formatDuration } from '../logic/format'
import { countsList, runProgress } from '../logic/progress'
import { isRunTerminal, RECORD_TONE, recordStatusLabel, RUN_TONE, runModeLabel, runStatusLabel } from '../logic/status'
import { uiLanguage } from '../../shared/language'
import classes from '../Sync.module.css'
import { ConfirmModal, Loading, ProblemNotice, StatusTag } from './common'
import { OpenButton, SyncTable } from './controls'
import { DryRunReview } from './DryRunReview'

interface Props {
  runId: string
  canAct: boolean
  onBack: () => void
  onOpenRecords: (filter: { runId: string; status?: RecordStatus }) => void
  onOpenQuarantine: (runId: string) => void
  onOpenRun: (runId: string) => void
}

export function RunView({ runId, canAct, onBack, onOpenRecords, onOpenQuarantine, onOpenRun }: Props) {
  const { data, problem, loading, refetch } = useBridgeGet<RunDetail>(
    `runs/${encodeURIComponent(runId)}`,
    undefined,
    (detail) => !isRunTerminal(detail.run.status),
  )
  const post = useBridgePost()
  const language = uiLanguage()
  const [confirmCancel, setConfirmCancel] = useState(false)
  const [busy, setBusy] = useState(false)
  const [actionProblem, setActionProblem] = useState<BridgeProblem | null>(null)
  const [retried, setRetried] = useState<number | null>(null)

  const act = async (path: string, after?: (body: { retried?: number }) => void) => {
    setBusy(true)
    setActionProblem(null)
    const result = await post<{ retried?: number }>(path)
    setBusy(false)
    setConfirmCancel(false)
    if (result.ok) after?.(result.data)
    else setActionProblem(result.problem)
    refetch()
  }

  return (
    <section className={classes.page} aria-labelledby="relais-run-title">
      <div className={classes.row}>
        <Button small secondary onClick={onBack}>
          {i18n.t('Back to the run history')}
        </Button>
      </div>
      {!data && loading && <Loading label={i18n.t('Loading the run')} />}
      {problem && <ProblemNotice problem={problem} title={i18n.t('Could not load the run')} onRetry={refetch} />}
      {data && <RunBody detail={data} language={language} />}
      {data && data.run.mode === 'dry-run' && data.run.status === 'completed' && (
        <DryRunReview run={data.run} counts={data.counts} canAct={canAct} onOpenRun={onOpenRun} />
      )}
      {data && (
        <div className={classes.row}>
          <Button small onClick={() => onOpenRecords({ runId })}>
            {i18n.t('See its records')}
          </Button>
          {data.counts.quarantined > 0 && (
            <Button small onClick={() => onOpenQuarantine(runId)}>
              {i18n.t('Review its quarantine ({{quarantined}})', { quarantined: data.counts.quarantined })}
            </Button>
          )}
          {canAct && data.run.status === 'running' && (
            <Button small destructive onClick={() => setConfirmCancel(true)} disabled={busy}>
              {i18n.t('Cancel the run')}
            </Button>
          )}
          {canAct && data.counts.failed > 0 && (
            <Button
              small
              onClick={() =>
                void act(`runs/${encodeURIComponent(runId)}/retry-failed`, (b) => setRetried(b.retried ?? 0))
              }
              loading={busy}
              disabled={busy}
            >
              {i18n.t('Send the failed records again')}
            </Button>
          )}
        </div>
      )}
      {retried !== null && (
        <NoticeBox title={i18n.t('Sent again')}>
          {i18n.t('{{retried}} failed records are being sent again.', { retried })}
        </NoticeBox>
      )}
      {actionProblem && <ProblemNotice problem={actionProblem} />}
      {data && (
        <CountsTable
          detail={data}
          onOpen={(status) => (status === 'quarantined' ? onOpenQuarantine(runId) : onOpenRecords({ runId, status }))}
        />
      )}
      {confirmCancel && (
        <ConfirmModal
          title={i18n.t('Cancel this run?')}
          confirmLabel={i18n.t('Cancel the run')}
          destructive
          busy={busy}
          onConfirm={() => void act(`runs/${encodeURIComponent(runId)}/cancel`)}
          onCancel={() => setConfirmCancel(false)}
        >
          {i18n.t('Records not yet sent are left as they are; records already in DHIS2 stay there.')}
        </ConfirmModal>
      )}
    </section>
  )
}

function RunBody({ detail, language }: { detail: RunDetail; language: 'fr' | 'en' }) {
  const { run } = detail
  const progress = runProgress(detail)
  const error = typeof run.detail.error === 'string' ? run.detail.error : undefined
  return (
    <>
      <div className={classes.row}>
        <h3 id="relais-run-title" className={classes.subtitle}>
          {i18n.t('Run of {{source}}', { source: run.source, interpolation: { escapeValue: false } })}
        </h3>
        <StatusTag tone={RUN_TONE[run.status]}>{runStatusLabel(run.status)}</StatusTag>
        <StatusTag tone="neutral">{runModeLabel(run.mode)}</StatusTag>
      </div>
      <div className={classes.panel}>
        <LinearLoader amount={progress.percent} aria-label={i18n.t('Run progress')} margin="0" width="100%" />
        <span className={classes.muted} aria-live="polite">
          {progress.terminal && progress.total === 0 && run.status === 'completed'
            ? // « 0 sur 0 » says nothing to a person: say what it means.
              i18n.t('Finished — nothing new at the source, no record to bring to DHIS2.')
            : progress.terminal
              ? i18n.t('Finished — {{settled}} of {{total}} records processed', progress)
              : i18n.t('{{settled}} of {{total}} records processed ({{percent}} %)', progress)}
        </span>
      </div>
      <dl className={classes.facts}>
        <dt>{i18n.t('Started')}</dt>
        <dd>
          {formatDateTime(run.startedAt, language)} · {run.actor}
        </dd>
        {run.finishedAt && (
          <>
            <dt>{i18n.t('Finished')}</dt>
            <dd>
              {formatDateTime(run.finishedAt, language)} ({formatDuration(run.startedAt, run.finishedAt)})
            </dd>
          </>
        )}
        <dt>{i18n.t('Trigger')}</dt>
        <dd>{run.trigger}</dd>
      </dl>
      {error && (
        <NoticeBox error title={i18n.t('The run failed')}>
          {error}
        </NoticeBox>
      )}
    </>
  )
}

function CountsTable({ detail, onOpen }: { detail: RunDetail; onOpen: (status: RecordStatus) => void }) {
  const rows = countsList(detail.counts)
  if (rows.length === 0) return <p className={classes.muted}>{i18n.t('No record yet.')}</p>
  return (
    <SyncTable label={i18n.t('Records per status')}>
      <DataTableHead>
        <DataTableRow>
          <DataTableColumnHeader scope="col">{i18n.t('Status')}</DataTableColumnHeader>
          <DataTableColumnHeader scope="col">{i18n.t('Records')}</DataTableColumnHeader>
        </DataTableRow>
      </DataTableHead>
      <DataTableBody>
        {rows.map(({ status, count }) => (
          <DataTableRow key={status}>
            <DataTableCell>
              <OpenButton onClick={() => onOpen(status)}>
                <StatusTag tone={RECORD_TONE[status]}>{recordStatusLabel(status)}</StatusTag>
              </OpenButton>
            </DataTableCell>
            <DataTableCell>{count}</DataTableCell>
          </DataTableRow>
        ))}
        <DataTableRow>
          <DataTableCell>{i18n.t('Total')}</DataTableCell>
          <DataTableCell>{detail.counts.total}</DataTableCell>
        </DataTableRow>
      </DataTableBody>
    </SyncTable>
  )
}
