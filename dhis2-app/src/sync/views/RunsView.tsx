// The run history, newest first, paged; filtered by source or status.
import i18n from '@dhis2/d2-i18n'
import { useBridgeGet } from '../api/useBridge'
import { RUN_STATUSES, type Paged, type RunListItem, type Source } from '../api/types'
import { formatDateTime } from '../logic/format'
import { isRunTerminal, RUN_TONE, runModeLabel, runStatusLabel } from '../logic/status'
import { uiLanguage } from '../../shared/language'
import classes from '../Sync.module.css'
import { Loading, PagerBar, ProblemNotice, StatusTag, SourceOptions } from './common'

const PAGE_SIZE = 20

interface Props {
  sources: Source[]
  source: string
  status: string
  page: number
  onFilter: (filter: { source: string; status: string; page: number }) => void
  onOpenRun: (id: string) => void
}

export function RunsView({ sources, source, status, page, onFilter, onOpenRun }: Props) {
  const language = uiLanguage()
  const params: Record<string, string | number> = { page, pageSize: PAGE_SIZE }
  if (source) params.source = source
  if (status) params.status = status
  // Refreshed while a run on this page is running, so its status changes without a reload.
  const { data, problem, loading, refetch } = useBridgeGet<Paged<RunListItem>>('runs', params, (list) =>
    list.items.some((run) => !isRunTerminal(run.status)),
  )

  return (
    <section className={classes.page} aria-label={i18n.t('Run history')}>
      <div className={classes.form}>
        <label className={classes.label}>
          {i18n.t('Source')}
          <select
            className={classes.select}
            value={source}
            onChange={(event) => onFilter({ source: event.target.value, status, page: 1 })}
          >
            <SourceOptions sources={sources} />
          </select>
        </label>
        <label className={classes.label}>
          {i18n.t('Run status')}
          <select
            className={classes.select}
            value={status}
            onChange={(event) => onFilter({ source, status: event.target.value, page: 1 })}
          >
            <option value="">{i18n.t('All statuses')}</option>
            {RUN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {runStatusLabel(s)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {problem && <ProblemNotice problem={problem} title={i18n.t('Could not load the runs')} onRetry={refetch} />}
      {!data && loading && <Loading label={i18n.t('Loading the runs')} />}
      {data && data.items.length === 0 && <p className={classes.muted}>{i18n.t('No run yet.')}</p>}
      {data && data.items.length > 0 && (
        <div className={classes.tableBox} tabIndex={0}>
          <table className={classes.table} aria-label={i18n.t('Runs')}>
            <thead>
              <tr>
                <th>{i18n.t('Started')}</th>
                <th>{i18n.t('Source')}</th>
                <th>{i18n.t('Mode')}</th>
                <th>{i18n.t('Status')}</th>
                <th>{i18n.t('Records')}</th>
                <th>{i18n.t('By')}</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((run) => (
                <tr key={run.id}>
                  <td>
                    <button type="button" className={classes.link} onClick={() => onOpenRun(run.id)}>
                      {formatDateTime(run.startedAt, language)}
                    </button>
                  </td>
                  <td>{run.source}</td>
                  <td>{runModeLabel(run.mode)}</td>
                  <td>
                    <StatusTag tone={RUN_TONE[run.status]}>{runStatusLabel(run.status)}</StatusTag>
                  </td>
                  <td>{run.counts.total}</td>
                  <td>{run.actor}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data && <PagerBar pager={data.pager} onPage={(p) => onFilter({ source, status, page: p })} />}
    </section>
  )
}
