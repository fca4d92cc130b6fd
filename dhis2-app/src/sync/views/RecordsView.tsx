// Find records by RC code, period, status or source key (and run); the list is paged, newest first.
import i18n from '@dhis2/d2-i18n'
import { Button } from '@dhis2/ui'
import { useState, type FormEvent } from 'react'
import { recordSearchParams, type RecordSearch } from '../api/paths'
import { useBridgeGet } from '../api/useBridge'
import { RECORD_STATUSES, type Paged, type RecordSummary } from '../api/types'
import { formatDateTime } from '../logic/format'
import { quarantineReasonLabel, RECORD_TONE, recordStatusLabel } from '../logic/status'
import { parsePeriod, periodName } from '../../shared/mappings'
import { uiLanguage } from '../../shared/language'
import classes from '../Sync.module.css'
import { Loading, PagerBar, ProblemNotice, StatusTag } from './common'
import { useRcNames } from './useRcNames'

interface Props {
  search: RecordSearch
  page: number
  onSearch: (search: RecordSearch, page: number) => void
  onOpenRecord: (id: string) => void
}

export function RecordsView({ search, page, onSearch, onOpenRecord }: Props) {
  const [form, setForm] = useState<RecordSearch>(search)
  const params = recordSearchParams(search, page)
  const { data, problem, loading, refetch } = useBridgeGet<Paged<RecordSummary>>('records', params)

  const submit = (event: FormEvent) => {
    event.preventDefault()
    onSearch({ ...form, runId: search.runId }, 1)
  }
  const field = (key: keyof RecordSearch) => ({
    value: form[key] ?? '',
    onChange: (event: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: event.target.value })),
  })

  return (
    <section className={classes.page} aria-label={i18n.t('Records')}>
      <form className={classes.form} onSubmit={submit} role="search" aria-label={i18n.t('Search records')}>
        <label className={classes.label}>
          {i18n.t('RC code')}
          <input className={classes.input} placeholder="RC-AQ-00042" {...field('rcCode')} />
        </label>
        <label className={classes.label}>
          {i18n.t('Period')}
          <input className={classes.input} placeholder="202609" {...field('period')} />
        </label>
        <label className={classes.label}>
          {i18n.t('Status')}
          <select className={classes.select} {...field('status')}>
            <option value="">{i18n.t('All statuses')}</option>
            {RECORD_STATUSES.map((s) => (
              <option key={s} value={s}>
                {recordStatusLabel(s)}
              </option>
            ))}
          </select>
        </label>
        <label className={classes.label}>
          {i18n.t('Source key')}
          <input className={classes.input} {...field('sourceKey')} />
        </label>
        <Button primary type="submit">
          {i18n.t('Search')}
        </Button>
      </form>
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
  const names = useRcNames(records.map((r) => r.rcCode))
  const all = selection !== undefined && records.length > 0 && records.every((r) => selection.selected.has(r.id))
  return (
    <div className={classes.tableBox} tabIndex={0}>
      <table className={classes.table} aria-label={i18n.t('Records found')}>
        <thead>
          <tr>
            {selection && (
              <th>
                <input
                  type="checkbox"
                  aria-label={i18n.t('Select every record of the page')}
                  checked={all}
                  onChange={selection.onToggleAll}
                />
              </th>
            )}
            <th>{i18n.t('RC')}</th>
            <th>{i18n.t('Period')}</th>
            <th>{i18n.t('Source')}</th>
            <th>{i18n.t('Status')}</th>
            {why && <th>{i18n.t('Why')}</th>}
            <th>{i18n.t('Updated')}</th>
          </tr>
        </thead>
        <tbody>
          {records.map((record) => {
            const name = record.rcCode ? names.get(record.rcCode) : undefined
            return (
              <tr key={record.id}>
                {selection && (
                  <td>
                    <input
                      type="checkbox"
                      aria-label={i18n.t('Select {{record}}', { record: record.rcCode ?? record.sourceKey })}
                      checked={selection.selected.has(record.id)}
                      onChange={() => selection.onToggle(record.id)}
                    />
                  </td>
                )}
                <td>
                  <button type="button" className={classes.link} onClick={() => onOpenRecord(record.id)}>
                    {record.rcCode ?? record.sourceKey}
                  </button>
                  {name && <div className={classes.muted}>{name}</div>}
                </td>
                <td>{periodLabel(record.period)}</td>
                <td>
                  {record.source}
                  <div className={classes.muted}>{record.sourceKey}</div>
                </td>
                <td>
                  <StatusTag tone={RECORD_TONE[record.status]}>{recordStatusLabel(record.status)}</StatusTag>{' '}
                  {record.status === 'quarantined' && (
                    <span className={classes.muted}>{quarantineReasonLabel(record.reason)}</span>
                  )}
                </td>
                {why && <td>{why(record)}</td>}
                <td>{formatDateTime(record.updatedAt, language)}</td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}
