// Find records by RC code, period, status or source key (and run); the list is paged, newest first.
import i18n from '@dhis2/d2-i18n'
import {
  Button,
  Checkbox,
  DataTableBody,
  DataTableCell,
  DataTableColumnHeader,
  DataTableHead,
  DataTableRow,
  InputField,
} from '@dhis2/ui'
import { useState, type FormEvent } from 'react'
import { recordSearchParams, type RecordSearch } from '../api/paths'
import { useBridgeGet } from '../../shared/bridge/useBridge'
import { RECORD_STATUSES, type Paged, type RecordSummary } from '../api/types'
import { formatDateTime } from '../logic/format'
import { quarantineReasonLabel, RECORD_TONE, recordStatusLabel } from '../logic/status'
import { parsePeriod, periodName } from '../../shared/mappings'
import { uiLanguage } from '../../shared/language'
import classes from '../Sync.module.css'
import { Loading, PagerBar, ProblemNotice, StatusTag } from './common'
import { FilterSelect, OpenButton, SyncTable } from './controls'
import { useOrgUnitNamesByCode } from '../../shared/orgunits/useOrgUnitNames'

interface Props {
  search: RecordSearch
  page: number
  onSearch: (search: RecordSearch, page: number) => void
  onOpenRecord: (id: string) => void
}

export function RecordsView({ search, page, onSearch, onOpenRecord }: Props) {
  const params = recordSearchParams(search, page)
  const { data, problem, loading, refetch } = useBridgeGet<Paged<RecordSummary>>('records', params)

  return (
    <section className={classes.page} aria-label={i18n.t('Records')}>
      <SearchForm search={search} onSubmit={(form) => onSearch({ ...form, runId: search.runId }, 1)} />
      {search.runId && (
        <div className={classes.row}>
          <span className={classes.muted}>{i18n.t('Only the records of one run')}</span>
          <Button small secondary onClick={() => onSearch({ ...search, runId: undefined }, 1)}>
            {i18n.t('Show all runs')}
          </Button>
        </div>
      )}
      {problem && <ProblemNotice problem={problem} title={i18n.t('Could not search the records')} onRetry={refetch} />}
      {!data && loading && <Loading label={i18n.t('Searching the records')} />}
      {data && data.items.length === 0 && <p className={classes.muted}>{i18n.t('No record matches.')}</p>}
      {data && data.items.length > 0 && <RecordTable records={data.items} onOpenRecord={onOpenRecord} />}
      {data && <PagerBar pager={data.pager} onPage={(p) => onSearch(search, p)} />}
    </section>
  )
}

/** The search, kept here while being typed: a key pressed redraws the form, not the list. */
function SearchForm({ search, onSubmit }: { search: RecordSearch; onSubmit: (form: RecordSearch) => void }) {
  const [form, setForm] = useState<RecordSearch>(search)
  const submit = (event: FormEvent) => {
    event.preventDefault()
    onSubmit(form)
  }
  const set = (key: keyof RecordSearch) => (value: string) => setForm((f) => ({ ...f, [key]: value }))
  const field = (key: keyof RecordSearch) => ({
    // the input's id, its label's target
    name: `relais-records-${key}`,
    value: form[key] ?? '',
    className: classes.filter,
    onChange: ({ value }: { value?: string }) => set(key)(value ?? ''),
  })
  return (
    <form className={classes.form} onSubmit={submit} role="search" aria-label={i18n.t('Search records')}>
      <InputField label={i18n.t('RC code')} placeholder="RC-AQ-00042" {...field('rcCode')} />
      <InputField label={i18n.t('Period')} placeholder="202609" {...field('period')} />
      <FilterSelect
        label={i18n.t('Status')}
        all={i18n.t('All statuses')}
        value={form.status ?? ''}
        choices={RECORD_STATUSES.map((s) => ({ value: s, label: recordStatusLabel(s) }))}
        onChange={set('status')}
      />
      <InputField label={i18n.t('Source key')} {...field('sourceKey')} />
      <Button primary type="submit">
        {i18n.t('Search')}
      </Button>
    </form>
  )
}

export interface Selection {
  selected: ReadonlySet<string>
  onToggle: (id: string) => void
  onToggleAll: () => void
}

/** « septembre 2026 » for 202609; what the bridge gave when it is not a period. */
export function periodLabel(period: string | null): string {
  const parsed = period ? parsePeriod(period) : undefined
  return parsed ? periodName(parsed, uiLanguage()) : (period ?? '')
}

export function RecordTable({
  records,
  onOpenRecord,
  why,
  selection,
}: {
  records: RecordSummary[]
  onOpenRecord: (id: string) => void
  /** A column saying why each record is there (the quarantine list). */
  why?: (record: RecordSummary) => string
  /** Check boxes, for decisions on several records at once. */
  selection?: Selection
}) {
  const language = uiLanguage()
  const names = useOrgUnitNamesByCode(records.map((r) => r.rcCode))
  const all = selection !== undefined && records.length > 0 && records.every((r) => selection.selected.has(r.id))
  return (
    <SyncTable label={i18n.t('Records found')}>
      <DataTableHead>
        <DataTableRow>
          {selection && (
            <DataTableColumnHeader scope="col" width="48px">
              <Checkbox
                className={classes.check}
                label={<span className={classes.visuallyHidden}>{i18n.t('Select every record of the page')}</span>}
                checked={all}
                indeterminate={!all && records.some((r) => selection.selected.has(r.id))}
                onChange={selection.onToggleAll}
              />
            </DataTableColumnHeader>
          )}
          <DataTableColumnHeader scope="col">{i18n.t('RC')}</DataTableColumnHeader>
          <DataTableColumnHeader scope="col">{i18n.t('Period')}</DataTableColumnHeader>
          <DataTableColumnHeader scope="col">{i18n.t('Source')}</DataTableColumnHeader>
          <DataTableColumnHeader scope="col">{i18n.t('Status')}</DataTableColumnHeader>
          {why && <DataTableColumnHeader scope="col">{i18n.t('Why')}</DataTableColumnHeader>}
          <DataTableColumnHeader scope="col">{i18n.t('Updated')}</DataTableColumnHeader>
        </DataTableRow>
      </DataTableHead>
      <DataTableBody>
        {records.map((record) => {
          const name = record.rcCode ? names.get(record.rcCode) : undefined
          const selected = selection?.selected.has(record.id) ?? false
          return (
            <DataTableRow key={record.id} selected={selected}>
              {selection && (
                <DataTableCell>
                  <Checkbox
                    className={classes.check}
                    label={
                      <span className={classes.visuallyHidden}>
                        {i18n.t('Select {{record}}', { record: record.rcCode ?? record.sourceKey })}
                      </span>
                    }
                    checked={selected}
                    onChange={() => selection.onToggle(record.id)}
                  />
                </DataTableCell>
              )}
              <DataTableCell>
                <OpenButton onClick={() => onOpenRecord(record.id)}>{record.rcCode ?? record.sourceKey}</OpenButton>
                {name && <div className={classes.muted}>{name}</div>}
              </DataTableCell>
              <DataTableCell>{periodLabel(record.period)}</DataTableCell>
              <DataTableCell>
                {record.source}
                <div className={classes.muted}>{record.sourceKey}</div>
              </DataTableCell>
              <DataTableCell>
                <StatusTag tone={RECORD_TONE[record.status]}>{recordStatusLabel(record.status)}</StatusTag>{' '}
                {record.status === 'quarantined' && (
                  <span className={classes.muted}>{quarantineReasonLabel(record.reason)}</span>
                )}
              </DataTableCell>
              {why && <DataTableCell className={classes.wrap}>{why(record)}</DataTableCell>}
              <DataTableCell>{formatDateTime(record.updatedAt, language)}</DataTableCell>
            </DataTableRow>
          )
        })}
      </DataTableBody>
    </SyncTable>
  )
}
