// One record: where it came from, its status and why, DHIS2's messages, its history; a quarantined record can be
// decided on here by a data manager. Refreshed while the pipeline is still working on it.
import i18n from '@dhis2/d2-i18n'
import {
  Button,
  DataTableBody,
  DataTableCell,
  DataTableColumnHeader,
  DataTableHead,
  DataTableRow,
  NoticeBox,
} from '@dhis2/ui'
import { useState } from 'react'
import { useBridgeGet } from '../../shared/bridge/useBridge'
import type { RecordDetail } from '../api/types'
import { formatDateTime } from '../logic/format'
import { issuesIn, issueText } from '../logic/issues'
import { isRecordInFlight, quarantineReasonLabel, RECORD_TONE, recordStatusLabel } from '../logic/status'
import { uiLanguage, type Language } from '../../shared/language'
import classes from '../Sync.module.css'
import { periodLabel } from './RecordsView'
import { RetractedReport } from './RetractedReport'
import { Loading, ProblemNotice, StatusTag } from './common'
import { OpenButton, SyncTable } from './controls'
import { OverwriteTable, overwritesIn } from './OverwriteTable'
import { QuarantineDecision, type Decision } from './QuarantineDecision'

interface Props {
  recordId: string
  canAct: boolean
  onBack: () => void
  onOpenRun: (id: string) => void
  onOpenRecord: (id: string) => void
}

export function RecordView({ recordId, canAct, onBack, onOpenRun, onOpenRecord }: Props) {
  const language = uiLanguage()
  const { data, problem, loading, refetch } = useBridgeGet<RecordDetail>(
    `records/${encodeURIComponent(recordId)}`,
    undefined,
    (detail) => isRecordInFlight(detail.record.status),
  )
  const [decision, setDecision] = useState<Decision | null>(null)

  return (
    <section className={classes.page} aria-labelledby="relais-record-title">
      <div className={classes.row}>
        <Button small secondary onClick={onBack}>
          {i18n.t('Back to the list')}
        </Button>
      </div>
      {!data && loading && <Loading label={i18n.t('Loading the record')} />}
      {problem && <ProblemNotice problem={problem} title={i18n.t('Could not load the record')} onRetry={refetch} />}
      {decision && (
        <NoticeBox valid title={decision === 'released' ? i18n.t('Record released') : i18n.t('Record discarded')}>
          {decision === 'released'
            ? i18n.t('The bridge accepted the record; it is being sent to DHIS2.')
            : i18n.t('The record will not be sent to DHIS2.')}
        </NoticeBox>
      )}
      {data && (
        <RecordBody
          detail={data}
          language={language}
          canAct={canAct}
          onOpenRun={onOpenRun}
          onOpenRecord={onOpenRecord}
          onDecided={(d) => {
            setDecision(d)
            refetch()
          }}
          onChanged={refetch}
        />
      )}
    </section>
  )
}

function RecordBody({
  detail,
  language,
  canAct,
  onOpenRun,
  onOpenRecord,
  onDecided,
  onChanged,
}: {
  detail: RecordDetail
  language: Language
  canAct: boolean
  onOpenRun: (id: string) => void
  onOpenRecord: (id: string) => void
  onDecided: (decision: Decision) => void
  onChanged: () => void
}) {
  const { record, history, historyTotal, dhis2Messages, versions } = detail
  const issues = issuesIn(record.lastError)
  const overwrites = record.reason === 'overwrite' ? overwritesIn(history) : []
  return (
    <>
      <div className={classes.row}>
        <h3 id="relais-record-title" className={classes.subtitle}>
          {i18n.t('Record {{key}}', { key: record.sourceKey, interpolation: { escapeValue: false } })}
        </h3>
        <StatusTag tone={RECORD_TONE[record.status]}>{recordStatusLabel(record.status)}</StatusTag>
        {record.reason && <span className={classes.muted}>{quarantineReasonLabel(record.reason)}</span>}
      </div>
      <dl className={classes.facts}>
        <dt>{i18n.t('Source')}</dt>
        <dd>{record.source}</dd>
        <dt>{i18n.t('RC code')}</dt>
        <dd>{record.rcCode ?? '—'}</dd>
        <dt>{i18n.t('Period')}</dt>
        <dd>{record.period ? periodLabel(record.period) : '—'}</dd>
        <dt>{i18n.t('Version')}</dt>
        <dd>{record.version}</dd>
        <dt>{i18n.t('Attempts')}</dt>
        <dd>{record.attempts}</dd>
        <dt>{i18n.t('Updated')}</dt>
        <dd>{formatDateTime(record.updatedAt, language)}</dd>
        {record.runId && (
          <>
            <dt>{i18n.t('Run')}</dt>
            <dd>
              <OpenButton onClick={() => onOpenRun(record.runId!)}>{i18n.t('Open the run')}</OpenButton>
            </dd>
          </>
        )}
      </dl>
      <RetractedReport detail={detail} canAct={canAct} onDone={onChanged} />
      {issues.length > 0 && (
        <NoticeBox warning title={i18n.t('Why it is not in DHIS2')}>
          <ul className={classes.list}>
            {issues.map((issue, i) => (
              <li key={i}>
                {issueText(issue, language)}
                {issue.field && <span className={classes.muted}> ({issue.field})</span>}
                {issue.dhis2 && (
                  <details>
                    <summary className={classes.muted}>{i18n.t("DHIS2's own message")}</summary>
                    <code>
                      {issue.dhis2.errorCode} — {issue.dhis2.message}
                    </code>
                  </details>
                )}
              </li>
            ))}
          </ul>
        </NoticeBox>
      )}
      {overwrites.length > 0 && <OverwriteTable rows={overwrites} language={language} />}
      {dhis2Messages.length > 0 && (
        <>
          <h4 className={classes.subtitle}>{i18n.t("DHIS2's messages")}</h4>
          <SyncTable label={i18n.t("DHIS2's messages")}>
            <DataTableHead>
              <DataTableRow>
                <DataTableColumnHeader scope="col">{i18n.t('When')}</DataTableColumnHeader>
                <DataTableColumnHeader scope="col">{i18n.t('Message')}</DataTableColumnHeader>
                <DataTableColumnHeader scope="col">{i18n.t('Code')}</DataTableColumnHeader>
              </DataTableRow>
            </DataTableHead>
            <DataTableBody>
              {dhis2Messages.map((m, i) => (
                <DataTableRow key={i}>
                  <DataTableCell>{formatDateTime(m.at, language)}</DataTableCell>
                  <DataTableCell className={classes.wrap}>{m.message}</DataTableCell>
                  <DataTableCell>{[m.errorCode, m.httpStatus].filter(Boolean).join(' · ')}</DataTableCell>
                </DataTableRow>
              ))}
            </DataTableBody>
          </SyncTable>
        </>
      )}
      {record.status === 'quarantined' && canAct && <QuarantineDecision detail={detail} onDecided={onDecided} />}
      <h4 className={classes.subtitle}>{i18n.t('History')}</h4>
      {historyTotal > history.length && (
        <p className={classes.muted}>
          {i18n.t('The newest {{shown}} of {{total}} events.', { shown: history.length, total: historyTotal })}
        </p>
      )}
      <SyncTable label={i18n.t('History')}>
        <DataTableHead>
          <DataTableRow>
            <DataTableColumnHeader scope="col">{i18n.t('When')}</DataTableColumnHeader>
            <DataTableColumnHeader scope="col">{i18n.t('Status')}</DataTableColumnHeader>
            <DataTableColumnHeader scope="col">{i18n.t('By')}</DataTableColumnHeader>
            <DataTableColumnHeader scope="col">{i18n.t('Reason')}</DataTableColumnHeader>
          </DataTableRow>
        </DataTableHead>
        <DataTableBody>
          {history.map((event) => (
            <DataTableRow key={event.id}>
              <DataTableCell>{formatDateTime(event.at, language)}</DataTableCell>
              <DataTableCell>
                {/* from = to: a note (e.g. deleted at the source), not a change */}
                {event.fromStatus && event.fromStatus !== event.toStatus
                  ? `${recordStatusLabel(event.fromStatus)} → `
                  : ''}
                {recordStatusLabel(event.toStatus)}
              </DataTableCell>
              <DataTableCell>{event.actor}</DataTableCell>
              <DataTableCell className={classes.wrap}>
                {event.reason ? quarantineReasonLabel(event.reason) : ''}
                <EventNotes detail={event.detail} />
              </DataTableCell>
            </DataTableRow>
          ))}
        </DataTableBody>
      </SyncTable>
      {versions.length > 1 && (
        <>
          <h4 className={classes.subtitle}>{i18n.t('Versions')}</h4>
          <ul className={classes.list}>
            {versions.map((v) => (
              <li key={v.id}>
                {v.id === record.id ? (
                  <strong>{v.version}</strong>
                ) : (
                  <OpenButton onClick={() => onOpenRecord(v.id)}>{v.version}</OpenButton>
                )}{' '}
                · {recordStatusLabel(v.status)} · {formatDateTime(v.createdAt, language)}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  )
}

interface EventDetail {
  note?: unknown
  corrections?: Array<{ field: string; before: unknown; after: unknown }>
}

const shown = (value: unknown) => (value === null || value === undefined || value === '' ? '—' : String(value))

/** What a person wrote with a decision, and what they corrected (before → after). */
function EventNotes({ detail }: { detail: unknown }) {
  const d = (detail ?? {}) as EventDetail
  const corrections = Array.isArray(d.corrections) ? d.corrections : []
  if (typeof d.note !== 'string' && corrections.length === 0) return null
  return (
    <ul className={classes.list}>
      {typeof d.note === 'string' && <li>« {d.note} »</li>}
      {corrections.map((c) => (
        <li key={c.field}>
          {i18n.t('{{field}} corrected from {{before}} to {{after}}', {
            field: c.field,
            before: shown(c.before),
            after: shown(c.after),
            interpolation: { escapeValue: false },
          })}
        </li>
      ))}
    </ul>
  )
}
