// What a checked file would do to DHIS2 (issue 13 §3): the dry run's diff — new, changed, same, would
// overwrite a person's value, refused — in words, per RC and month, and the values that would change. « Importer »
// sends the same file again with the dry run it confirms; the bridge imports only if DHIS2 still holds what the
// check read, else this view says what changed and offers a new check.
import { useConfig, useDataEngine } from '@dhis2/app-runtime'
import i18n from '@dhis2/d2-i18n'
import {
  Button,
  DataTableBody,
  DataTableCell,
  DataTableColumnHeader,
  DataTableHead,
  DataTableRow,
  FileInputField,
  NoticeBox,
} from '@dhis2/ui'
import { useId, useState } from 'react'
import type { Run, RunDiff, StatusCounts } from '../api/types'
import { rememberReviewedFile, reviewedFile, sendUpload } from '../api/upload'
import { useBridgeGet, useBridgePost } from '../../shared/bridge/useBridge'
import type { BridgeProblem, Dhis2Change } from '../../shared/bridge/bridgeProblem'
import { parsePeriod, periodName } from '../../shared/mappings'
import { uiLanguage } from '../../shared/language'
import classes from '../Sync.module.css'
import { ConfirmModal, Loading, ProblemNotice } from './common'
import { ACCEPTED_FILES, ColumnTable, SyncTable } from './controls'
import { useValueNames } from './useValueNames'

/** Lines of the table of values that would change: the counts hold them all. */
const SHOWN_LINES = 100

const monthOf = (period: string | null) => {
  const parsed = period ? parsePeriod(period) : undefined
  return parsed ? periodName(parsed, uiLanguage()) : (period ?? '—')
}

const kindLabel = (kind: RunDiff['lines'][number]['kind']) =>
  ({
    new: i18n.t('New'),
    changed: i18n.t('Changed'),
    overwrite: i18n.t('Entered by a person, kept'),
    refused: i18n.t('Refused by DHIS2'),
  })[kind]

interface Props {
  run: Run
  /** The dry run's records: those it discarded at once would wait in quarantine in the import. */
  counts: StatusCounts
  canAct: boolean
  /** Opens a run: the import once started, or a new check. */
  onOpenRun: (runId: string) => void
}

export function DryRunReview({ run, counts, canAct, onOpenRun }: Props) {
  const { data, problem, loading, refetch } = useBridgeGet<RunDiff>(`runs/${encodeURIComponent(run.id)}/diff`)
  if (!data && loading) return <Loading label={i18n.t('Loading what the file would change')} />
  if (problem) return <ProblemNotice problem={problem} title={i18n.t('Could not load the check')} onRetry={refetch} />
  // Nothing reached DHIS2's check and nothing would wait in quarantine (nothing new): the counts say it all. A
  // file whose every line would wait there (a closed month, an unknown RC) is still imported from here: that is
  // how its lines reach the quarantine, for a person's decision.
  if (!data || (data.records === 0 && counts.discarded === 0)) return null
  return (
    <section className={classes.panel} aria-labelledby="relais-diff-title">
      <h3 id="relais-diff-title" className={classes.subtitle}>
        {i18n.t('What importing this file would change in DHIS2')}
      </h3>
      <DiffSummary diff={data} held={counts.discarded} />
      {canAct &&
        (run.trigger === 'upload' ? (
          <ImportAction run={run} diff={data} held={counts.discarded} onOpenRun={onOpenRun} />
        ) : (
          <SourceImportAction run={run} onOpenRun={onOpenRun} />
        ))}
      {data.rows.length > 0 && <RowsTable diff={data} />}
      {data.lines.length > 0 && <LinesTable diff={data} />}
    </section>
  )
}

function DiffSummary({ diff, held }: { diff: RunDiff; held: number }) {
  const t = diff.totals
  return (
    <ul className={classes.list} aria-label={i18n.t('What the import would do')}>
      {held > 0 && (
        <li>
          <strong>
            {i18n.t('{{count}} lines of the file would wait in quarantine (see its records)', { count: held })}
          </strong>
        </li>
      )}
      <li>{i18n.t('{{count}} new values', { count: t.new })}</li>
      <li>{i18n.t('{{count}} values changed', { count: t.changed })}</li>
      <li>{i18n.t('{{count}} values already in DHIS2', { count: t.same })}</li>
      {t.overwrite > 0 && (
        <li>
          <strong>
            {i18n.t(
              '{{number}} values entered by a person would not be replaced, their reports wait in quarantine for your decision',
              { number: t.overwrite },
            )}
          </strong>
        </li>
      )}
      {t.refused > 0 && (
        <li>
          <strong>{i18n.t('{{count}} values refused by DHIS2', { count: t.refused })}</strong>
        </li>
      )}
    </ul>
  )
}

function RowsTable({ diff }: { diff: RunDiff }) {
  return (
    <SyncTable label={i18n.t('Per community health worker and month')}>
      <DataTableHead>
        <DataTableRow>
          <DataTableColumnHeader scope="col">{i18n.t('RC')}</DataTableColumnHeader>
          <DataTableColumnHeader scope="col">{i18n.t('Month')}</DataTableColumnHeader>
          <DataTableColumnHeader scope="col">{i18n.t('New')}</DataTableColumnHeader>
          <DataTableColumnHeader scope="col">{i18n.t('Changed')}</DataTableColumnHeader>
          <DataTableColumnHeader scope="col">{i18n.t('Same')}</DataTableColumnHeader>
          <DataTableColumnHeader scope="col">{i18n.t('Entered by a person')}</DataTableColumnHeader>
          <DataTableColumnHeader scope="col">{i18n.t('Refused')}</DataTableColumnHeader>
        </DataTableRow>
      </DataTableHead>
      <DataTableBody>
        {diff.rows.map((row) => (
          <DataTableRow key={`${row.orgUnit}|${row.period}`}>
            <DataTableCell>{row.rcCode ?? row.orgUnit ?? '—'}</DataTableCell>
            <DataTableCell>{monthOf(row.period)}</DataTableCell>
            <DataTableCell>{row.counts.new}</DataTableCell>
            <DataTableCell>{row.counts.changed}</DataTableCell>
            <DataTableCell>{row.counts.same}</DataTableCell>
            <DataTableCell>{row.counts.overwrite}</DataTableCell>
            <DataTableCell>{row.counts.refused}</DataTableCell>
          </DataTableRow>
        ))}
      </DataTableBody>
    </SyncTable>
  )
}

/**
 * The values that would replace or be refused first; new values (DHIS2 holds none) are many and need no
 * decision: they are counted per RC above, and listed on request.
 */
function LinesTable({ diff }: { diff: RunDiff }) {
  const [withNew, setWithNew] = useState(false)
  const newOnes = diff.lines.filter((l) => l.kind === 'new').length
  const listed = diff.lines.filter((l) => withNew || l.kind !== 'new')
  const lines = listed.slice(0, SHOWN_LINES)
  const name = useValueNames(lines)
  return (
    <>
      <h4 className={classes.subtitle}>{i18n.t('Values that would change')}</h4>
      {newOnes > 0 && (
        <div className={classes.row}>
          <Button small secondary onClick={() => setWithNew(!withNew)}>
            {withNew ? i18n.t('Hide the new values') : i18n.t('Also list the {{count}} new values', { count: newOnes })}
          </Button>
        </div>
      )}
      {lines.length === 0 ? (
        <p className={classes.muted}>{i18n.t('No value in DHIS2 would be replaced.')}</p>
      ) : (
        <ColumnTable
          label={i18n.t('Values that would change')}
          rows={lines}
          columns={[
            { header: i18n.t('What'), cell: (line) => kindLabel(line.kind) },
            { header: i18n.t('RC'), cell: (line) => line.rcCode ?? line.orgUnit },
            { header: i18n.t('Month'), cell: (line) => monthOf(line.period) },
            { header: i18n.t('Data element'), cell: name, wrap: true },
            { header: i18n.t('In DHIS2'), cell: (line) => line.before ?? '—' },
            { header: i18n.t('In the file'), cell: (line) => line.after ?? i18n.t('(deleted)') },
          ]}
        />
      )}
      {(diff.truncated || listed.length > lines.length) && (
        <p className={classes.muted}>
          {i18n.t('Only the first {{count}} values are listed.', { count: lines.length })}
        </p>
      )}
    </>
  )
}

function ImportAction(props: { run: Run; diff: RunDiff; held: number; onOpenRun: (runId: string) => void }) {
  const { run, diff, held, onOpenRun } = props
  const { baseUrl } = useConfig()
  const engine = useDataEngine()
  const inputId = useId()
  const remembered = reviewedFile(run.id)
  const [chosen, setChosen] = useState<File | null>(null)
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<BridgeProblem | null>(null)
  const file = remembered?.file ?? chosen
  const writes = diff.totals.new + diff.totals.changed

  const send = async (mode: 'import' | 'dry-run') => {
    if (!file) return
    setBusy(true)
    setProblem(null)
    const outcome = await sendUpload({
      engine,
      baseUrl,
      source: run.source,
      file,
      mode,
      ...(mode === 'import' ? { confirms: run.id } : {}),
    })
    setBusy(false)
    setConfirming(false)
    if (!outcome.ok) return setProblem(outcome.problem)
    if (mode === 'dry-run') rememberReviewedFile(outcome.data.id, run.source, file)
    onOpenRun(outcome.data.id)
  }

  return (
    <div className={classes.panel}>
      {!file && (
        <FileInputField
          name={`relais-import${inputId}`}
          label={i18n.t('Choose the same file again to import it')}
          buttonLabel={i18n.t('Choose a file')}
          accept={ACCEPTED_FILES}
          // the File itself, at once: @dhis2/ui empties the input right after this call
          onChange={({ files }) => setChosen(files?.[0] ?? null)}
        />
      )}
      <div className={classes.row}>
        <Button
          primary
          disabled={!file || busy || writes + held === 0}
          loading={busy}
          onClick={() => setConfirming(true)}
        >
          {i18n.t('Import this file')}
        </Button>
        {writes + held === 0 && (
          <span className={classes.muted}>{i18n.t('Nothing to write, DHIS2 already holds all of it.')}</span>
        )}
      </div>
      {problem?.code === 'dhis2-changed' && problem.changes ? (
        <ChangedNotice changes={problem.changes} diff={diff} busy={busy} onRecheck={() => void send('dry-run')} />
      ) : problem?.code === 'file-differs' ? (
        <NoticeBox warning title={i18n.t('This is not the file that was checked')}>
          {i18n.t('Its contents differ from the checked file. Check this file first.')}{' '}
          <Button small onClick={() => void send('dry-run')} disabled={busy}>
            {i18n.t('Check this file')}
          </Button>
        </NoticeBox>
      ) : problem ? (
        <ProblemNotice problem={problem} title={i18n.t('The import did not start')} />
      ) : null}
      {confirming && (
        <ConfirmModal
          title={i18n.t('Import this file into DHIS2?')}
          confirmLabel={i18n.t('Import')}
          busy={busy}
          onConfirm={() => void send('import')}
          onCancel={() => setConfirming(false)}
        >
          <p>
            {i18n.t('{{writes}} values will be written to DHIS2 ({{new}} new, {{changed}} changed).', {
              writes,
              new: diff.totals.new,
              changed: diff.totals.changed,
            })}
          </p>
          {held > 0 && (
            <p>{i18n.t('{{number}} lines of the file will wait in quarantine for your decision.', { number: held })}</p>
          )}
          {diff.totals.overwrite > 0 && (
            <p>
              {i18n.t(
                'Values entered by people are not replaced, {{number}} of them wait in quarantine for your decision.',
                { number: diff.totals.overwrite },
              )}
            </p>
          )}
          <p>{i18n.t('If DHIS2 changed since the check, nothing is imported and you will see what changed.')}</p>
        </ConfirmModal>
      )}
    </div>
  )
}

function ChangedNotice(props: { changes: Dhis2Change[]; diff: RunDiff; busy: boolean; onRecheck: () => void }) {
  const { changes, diff, busy, onRecheck } = props
  const name = useValueNames(changes)
  const rcOf = new Map(diff.rows.map((r) => [r.orgUnit, r.rcCode]))
  return (
    <NoticeBox warning title={i18n.t('DHIS2 changed since the check, nothing was imported')}>
      <ul className={classes.list} aria-label={i18n.t('Values changed in DHIS2 since the check')}>
        {changes.slice(0, SHOWN_LINES).map((c, i) => (
          <li key={i}>
            {rcOf.get(c.orgUnit) ?? c.orgUnit} — {monthOf(c.period)} — {name(c)} : {c.then ?? '—'} → {c.now ?? '—'}
          </li>
        ))}
      </ul>
      <Button small primary onClick={onRecheck} disabled={busy}>
        {i18n.t('Check the file again')}
      </Button>
    </NoticeBox>
  )
}

/**
 * A source read again (a Kobo pull): the import reads it afresh, so what arrived since the check comes too —
 * said before it starts.
 */
function SourceImportAction({ run, onOpenRun }: { run: Run; onOpenRun: (runId: string) => void }) {
  const post = useBridgePost()
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<BridgeProblem | null>(null)
  const start = async () => {
    setBusy(true)
    setProblem(null)
    const result = await post<{ id: string }>('runs', { source: run.source, mode: 'import' })
    setBusy(false)
    setConfirming(false)
    if (!result.ok) return setProblem(result.problem)
    onOpenRun(result.data.id)
  }
  return (
    <div className={classes.row}>
      <Button primary onClick={() => setConfirming(true)} disabled={busy}>
        {i18n.t('Import from the source')}
      </Button>
      {problem && <ProblemNotice problem={problem} title={i18n.t('The import did not start')} />}
      {confirming && (
        <ConfirmModal
          title={i18n.t('Import from {{source}}?', { source: run.source, interpolation: { escapeValue: false } })}
          confirmLabel={i18n.t('Start the import')}
          busy={busy}
          onConfirm={() => void start()}
          onCancel={() => setConfirming(false)}
        >
          {i18n.t(
            'The source is read again. What it sent since the check is imported too. Values entered by people are never replaced without your decision.',
          )}
        </ConfirmModal>
      )}
    </div>
  )
}
