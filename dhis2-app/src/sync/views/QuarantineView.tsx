// Records waiting for a data manager, newest first, with why each is there; one opens to be corrected or discarded.
import i18n from '@dhis2/d2-i18n'
import { Button } from '@dhis2/ui'
import { useBridgeGet } from '../api/useBridge'
import { QUARANTINE_REASONS, type Paged, type RecordSummary } from '../api/types'
import { issuesIn, issueText } from '../logic/issues'
import { quarantineReasonLabel } from '../logic/status'
import { uiLanguage } from '../../shared/language'
import classes from '../Sync.module.css'
import { Loading, PagerBar, ProblemNotice } from './common'
import { RecordTable } from './RecordsView'

interface Props {
  reason: string
  runId: string
  page: number
  onFilter: (filter: { reason: string; runId: string; page: number }) => void
  onOpenRecord: (id: string) => void
}

export function QuarantineView({ reason, runId, page, onFilter, onOpenRecord }: Props) {
  const language = uiLanguage()
  const params: Record<string, string | number> = { page, pageSize: 20 }
  if (reason) params.reason = reason
  if (runId) params.runId = runId
  const { data, problem, loading, refetch } = useBridgeGet<Paged<RecordSummary>>('quarantine', params)
  const why = (record: RecordSummary) => {
    const first = issuesIn(record.lastError)[0]
    return first ? issueText(first, language) : quarantineReasonLabel(record.reason)
  }

  return (
    <section className={classes.page} aria-label={i18n.t('Quarantine')}>
      <div className={classes.form}>
        <label className={classes.label}>
          {i18n.t('Reason')}
          <select
            className={classes.select}
            value={reason}
            onChange={(event) => onFilter({ reason: event.target.value, runId, page: 1 })}
          >
            <option value="">{i18n.t('All reasons')}</option>
            {QUARANTINE_REASONS.map((r) => (
              <option key={r} value={r}>
                {quarantineReasonLabel(r)}
              </option>
            ))}
          </select>
        </label>
        {runId && (
          <Button small secondary onClick={() => onFilter({ reason, runId: '', page: 1 })}>
            {i18n.t('Show all runs')}
          </Button>
        )}
      </div>
      {problem && <ProblemNotice problem={problem} title={i18n.t('Could not load the quarantine')} onRetry={refetch} />}
      {!data && loading && <Loading label={i18n.t('Loading the quarantine')} />}
      {data && data.items.length === 0 && (
        <p className={classes.muted}>{i18n.t('No record is waiting in quarantine.')}</p>
      )}
      {data && data.items.length > 0 && <RecordTable records={data.items} onOpenRecord={onOpenRecord} why={why} />}
      {data && <PagerBar pager={data.pager} onPage={(p) => onFilter({ reason, runId, page: p })} />}
    </section>
  )
}
