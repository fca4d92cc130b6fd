// The run history, newest first, paged; filtered by source or status.
import i18n from '@dhis2/d2-i18n'
import { DataTableBody, DataTableCell, DataTableColumnHeader, DataTableHead, DataTableRow } from '@dhis2/ui'
import { useBridgeGet } from '../../shared/bridge/useBridge'
import { RUN_STATUSES, type Paged, type RunListItem, type Source } from '../api/types'
import { formatDateTime } from '../logic/format'
import { isRunTerminal, RUN_TONE, runModeLabel, runStatusLabel } from '../logic/status'
import { uiLanguage } from '../../shared/language'
import classes from '../Sync.module.css'
import { Loading, PagerBar, ProblemNotice, StatusTag, sourceChoices } from './common'
import { FilterSelect, OpenButton, SyncTable } from './controls'

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
        <FilterSelect
          label={i18n.t('Source')}
          all={i18n.t('All sources')}
          value={source}
          choices={sourceChoices(sources)}
          onChange={(value) => onFilter({ source: value, status, page: 1 })}
        />
        <FilterSelect
          label={i18n.t('Run status')}
          all={i18n.t('All statuses')}
          value={status}
          choices={RUN_STATUSES.map((s) => ({ value: s, label: runStatusLabel(s) }))}
          onChange={(value) => onFilter({ source, status: value, page: 1 })}
        />
      </div>
      {problem && <ProblemNotice problem={problem} title={i18n.t('Could not load the runs')} onRetry={refetch} />}
      {!data && loading && <Loading label={i18n.t('Loading the runs')} />}
      {data && data.items.length === 0 && <p className={classes.muted}>{i18n.t('No run yet.')}</p>}
      {data && data.items.length > 0 && (
        <SyncTable label={i18n.t('Runs')}>
          <DataTableHead>
            <DataTableRow>
              <DataTableColumnHeader scope="col">{i18n.t('Started')}</DataTableColumnHeader>
              <DataTableColumnHeader scope="col">{i18n.t('Source')}</DataTableColumnHeader>
              <DataTableColumnHeader scope="col">{i18n.t('Mode')}</DataTableColumnHeader>
              <DataTableColumnHeader scope="col">{i18n.t('Status')}</DataTableColumnHeader>
              <DataTableColumnHeader scope="col">{i18n.t('Records')}</DataTableColumnHeader>
              <DataTableColumnHeader scope="col">{i18n.t('By')}</DataTableColumnHeader>
            </DataTableRow>
          </DataTableHead>
          <DataTableBody>
            {data.items.map((run) => (
              <DataTableRow key={run.id}>
                <DataTableCell>
                  <OpenButton onClick={() => onOpenRun(run.id)}>{formatDateTime(run.startedAt, language)}</OpenButton>
                </DataTableCell>
                <DataTableCell>{run.source}</DataTableCell>
                <DataTableCell>{runModeLabel(run.mode)}</DataTableCell>
                <DataTableCell>
                  <StatusTag tone={RUN_TONE[run.status]}>{runStatusLabel(run.status)}</StatusTag>
                </DataTableCell>
                <DataTableCell>{run.counts.total}</DataTableCell>
                <DataTableCell>{run.actor}</DataTableCell>
              </DataTableRow>
            ))}
          </DataTableBody>
        </SyncTable>
      )}
      {data && <PagerBar pager={data.pager} onPage={(p) => onFilter({ source, status, page: p })} />}
    </section>
  )
}
