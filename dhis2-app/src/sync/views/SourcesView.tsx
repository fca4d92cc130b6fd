// The sources of the bridge: health, last run and its counts; for data managers, start a run or upload a file.
import i18n from '@dhis2/d2-i18n'
import { Button } from '@dhis2/ui'
import { useState } from 'react'
import { useBridgePost } from '../../shared/bridge/useBridge'
import type { RunMode, Source } from '../api/types'
import type { BridgeProblem } from '../../shared/bridge/bridgeProblem'
import { formatDateTime } from '../logic/format'
import { countsList } from '../logic/progress'
import { HEALTH_TONE, healthLabel, RECORD_TONE, recordStatusLabel, runModeLabel, runStatusLabel } from '../logic/status'
import { uiLanguage } from '../../shared/language'
import { scheduleInWords } from '../logic/schedule'
import classes from '../Sync.module.css'
import { ConfirmModal, ProblemNotice, StatusTag } from './common'
import { OpenButton } from './controls'
import { UploadPanel } from './UploadPanel'

interface Props {
  sources: Source[]
  canAct: boolean
  onOpenRun: (id: string) => void
  onOpenRuns: (source: string) => void
}

export function SourcesView({ sources, canAct, onOpenRun, onOpenRuns }: Props) {
  if (sources.length === 0) return <p className={classes.muted}>{i18n.t('No source is configured in the bridge.')}</p>
  return (
    <div className={classes.cards}>
      {sources.map((source) => (
        <SourceCard key={source.name} source={source} canAct={canAct} onOpenRun={onOpenRun} onOpenRuns={onOpenRuns} />
      ))}
    </div>
  )
}

function SourceCard({ source, canAct, onOpenRun, onOpenRuns }: Omit<Props, 'sources'> & { source: Source }) {
  const post = useBridgePost()
  const language = uiLanguage()
  const [starting, setStarting] = useState<RunMode | null>(null)
  const [confirmImport, setConfirmImport] = useState(false)
  const [uploading, setUploading] = useState(false)
  const [problem, setProblem] = useState<BridgeProblem | null>(null)
  const titleId = `source-${source.name}`
  const takesFiles = source.kind === 'csv' || source.kind === 'xlsx'
  const lastRun = source.lastRun

  const start = async (mode: RunMode) => {
    setStarting(mode)
    setProblem(null)
    const result = await post<{ id: string }>('runs', { source: source.name, mode })
    setStarting(null)
    setConfirmImport(false)
    if (result.ok) onOpenRun(result.data.id)
    else setProblem(result.problem)
  }

  return (
    <article className={classes.card} aria-labelledby={titleId}>
      <div className={classes.row}>
        <h3 id={titleId} className={classes.cardTitle}>
          {source.name}
        </h3>
        <StatusTag tone={HEALTH_TONE[source.health]}>{healthLabel(source.health)}</StatusTag>
      </div>
      {source.description && <p className={classes.muted}>{source.description}</p>}
      <dl className={classes.facts}>
        <dt>{i18n.t('Kind')}</dt>
        <dd>{source.kind.toUpperCase()}</dd>
        {source.schedule && (
          <>
            <dt>{i18n.t('Schedule')}</dt>
            <dd title={source.schedule}>{scheduleInWords(source.schedule)}</dd>
          </>
        )}
        <dt>{i18n.t('Last run')}</dt>
        <dd>
          {lastRun ? (
            <OpenButton onClick={() => onOpenRun(lastRun.id)}>
              {runStatusLabel(lastRun.status)} · {runModeLabel(lastRun.mode)} ·{' '}
              {formatDateTime(lastRun.startedAt, language)}
            </OpenButton>
          ) : (
            i18n.t('Never run')
          )}
        </dd>
      </dl>
      {source.lastRunCounts && source.lastRunCounts.total > 0 && (
        <ul className={classes.counts} aria-label={i18n.t('Records of the last run')}>
          {countsList(source.lastRunCounts).map(({ status, count }) => (
            <li key={status}>
              <StatusTag tone={RECORD_TONE[status]}>
                {recordStatusLabel(status)} {count}
              </StatusTag>
            </li>
          ))}
        </ul>
      )}
      <div className={classes.row}>
        {canAct && source.enabled && (
          <>
            {/* Check first: the dry run says what an import would change (the run view), then import from there. */}
            <Button
              small
              primary
              onClick={() => void start('dry-run')}
              loading={starting === 'dry-run'}
              disabled={!!starting}
            >
              {i18n.t('Dry run')}
            </Button>
            <Button small onClick={() => setConfirmImport(true)} disabled={!!starting}>
              {i18n.t('Import')}
            </Button>
            {takesFiles && (
              <Button small onClick={() => setUploading((open) => !open)} toggled={uploading}>
                {/* Not « Upload a file »: @dhis2/ui's file input brings its own French for those words (« Télécharger »,
                    download), in the same namespace, over the app's. */}
                {i18n.t('Upload a file…')}
              </Button>
            )}
          </>
        )}
        <Button small secondary onClick={() => onOpenRuns(source.name)}>
          {i18n.t('Run history')}
        </Button>
      </div>
      {uploading && canAct && <UploadPanel source={source} onStarted={onOpenRun} />}
      {problem && <ProblemNotice problem={problem} title={i18n.t('The run could not start')} />}
      {confirmImport && (
        <ConfirmModal
          title={i18n.t('Import from {{source}}?', { source: source.name, interpolation: { escapeValue: false } })}
          confirmLabel={i18n.t('Start the import')}
          busy={starting === 'import'}
          onConfirm={() => void start('import')}
          onCancel={() => setConfirmImport(false)}
        >
          {i18n.t('The records of this source are read again and their values are sent to DHIS2.')}
        </ConfirmModal>
      )}
    </article>
  )
}
