// Records waiting for a data manager, newest first, with why each is there in plain words. Filters (reason,
// source, RC, month, zone), decisions on several records at once with one reason, and the list as CSV.
import { useDataEngine, useDataQuery } from '@dhis2/app-runtime'
import i18n from '@dhis2/d2-i18n'
import { Button, InputField, NoticeBox } from '@dhis2/ui'
import { useState, type FormEvent } from 'react'
import { normalisePeriod } from '../api/paths'
import { queryBridge, useBridgeGet, useBridgePost } from '../../shared/bridge/useBridge'
import { QUARANTINE_REASONS, type Paged, type RecordSummary, type Source } from '../api/types'
import type { BridgeProblem } from '../../shared/bridge/bridgeProblem'
import { issuesIn, issueText } from '../logic/issues'
import { quarantineReasonLabel } from '../logic/status'
import { downloadCsv } from '../../shared/csv/CsvButton'
import { csvDialect, csvFileName, toCsv } from '../../shared/csv/csv'
import { uiLanguage, type Language } from '../../shared/language'
import classes from '../Sync.module.css'
import { ConfirmModal, Loading, PagerBar, ProblemNotice, ReasonField, sourceChoices } from './common'
import { FilterSelect } from './controls'
import { periodLabel, RecordTable } from './RecordsView'

export interface QuarantineFilter {
  reason: string
  source: string
  rcCode: string
  period: string
  within: string
  runId: string
}

interface Props {
  filter: QuarantineFilter
  sources: readonly Source[]
  page: number
  canAct: boolean
  onFilter: (filter: QuarantineFilter & { page: number }) => void
  onOpenRecord: (id: string) => void
}

/** The bridge's query for a filter: blank filters left out (the bridge refuses empty ones). */
export function quarantineParams(
  filter: QuarantineFilter,
  page: number,
  pageSize = 20,
): Record<string, string | number> {
  const params: Record<string, string | number> = { page, pageSize }
  for (const key of ['reason', 'source', 'within', 'runId'] as const) if (filter[key]) params[key] = filter[key]
  if (filter.rcCode.trim()) params.rcCode = filter.rcCode.trim().toUpperCase()
  if (filter.period.trim()) params.period = normalisePeriod(filter.period)
  return params
}

/** Why a record waits, in the person's words: the mapper's own message when there is one, else the reason. */
function whyOf(record: RecordSummary, language: Language): string {
  const first = issuesIn(record.lastError)[0]
  return first ? issueText(first, language) : quarantineReasonLabel(record.reason)
}

const ZONES_QUERY = {
  zones: {
    resource: 'organisationUnits',
    params: {
      filter: 'level:eq:3',
      fields: 'id,displayName',
      paging: false,
      withinUserHierarchy: true,
      order: 'displayName:asc',
    },
  },
}

export function QuarantineView({ filter, sources, page, canAct, onFilter, onOpenRecord }: Props) {
  const language = uiLanguage()
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set())
  const [deciding, setDeciding] = useState<'release' | 'discard' | null>(null)
  const [outcome, setOutcome] = useState<{ done: number; refused: number; action: 'release' | 'discard' } | null>(null)
  const params = quarantineParams(filter, page)
  const { data, problem, loading, refetch } = useBridgeGet<Paged<RecordSummary>>('quarantine', params)

  const items = data?.items ?? []
  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s)
      if (next.has(id)) next.delete(id)
      else next.add(id)
      return next
    })
  const toggleAll = () =>
    setSelected((s) => (items.every((r) => s.has(r.id)) ? new Set() : new Set(items.map((r) => r.id))))

  return (
    <section className={classes.page} aria-label={i18n.t('Quarantine')}>
      <FilterForm
        filter={filter}
        sources={sources}
        onSubmit={(form) => {
          setSelected(new Set())
          onFilter({ ...form, runId: filter.runId, page: 1 })
        }}
      />
      {filter.runId && (
        <div className={classes.row}>
          <span className={classes.muted}>{i18n.t('Only the records of one run')}</span>
          <Button small secondary onClick={() => onFilter({ ...filter, runId: '', page: 1 })}>
            {i18n.t('Show all runs')}
          </Button>
        </div>
      )}
      <div className={classes.row}>
        {canAct && (
          <>
            <span className={classes.muted}>{i18n.t('{{count}} selected', { count: selected.size })}</span>
            <Button small disabled={selected.size === 0} onClick={() => setDeciding('release')}>
              {i18n.t('Release the selection')}
            </Button>
            <Button small destructive disabled={selected.size === 0} onClick={() => setDeciding('discard')}>
              {i18n.t('Discard the selection')}
            </Button>
          </>
        )}
        <ExportButton filter={filter} language={language} disabled={items.length === 0} />
      </div>
      {outcome && (
        <NoticeBox
          warning={outcome.refused > 0}
          title={
            outcome.action === 'release'
              ? i18n.t('{{count}} records released', { count: outcome.done })
              : i18n.t('{{count}} records discarded', { count: outcome.done })
          }
        >
          {outcome.refused > 0
            ? i18n.t('{{number}} could not be decided (already decided, or still invalid) and stay in the list.', {
                number: outcome.refused,
              })
            : i18n.t('Every selected record was decided.')}
        </NoticeBox>
      )}
      {problem && <ProblemNotice problem={problem} title={i18n.t('Could not load the quarantine')} onRetry={refetch} />}
      {!data && loading && <Loading label={i18n.t('Loading the quarantine')} />}
      {data && items.length === 0 && <p className={classes.muted}>{i18n.t('No record is waiting in quarantine.')}</p>}
      {items.length > 0 && (
        <RecordTable
          records={items}
          onOpenRecord={onOpenRecord}
          why={(record) => whyOf(record, language)}
          {...(canAct ? { selection: { selected, onToggle: toggle, onToggleAll: toggleAll } } : {})}
        />
      )}
      {data && <PagerBar pager={data.pager} onPage={(p) => onFilter({ ...filter, page: p })} />}
      {deciding && (
        <BulkDecision
          action={deciding}
          ids={[...selected]}
          onCancel={() => setDeciding(null)}
          onDone={(done, refused) => {
            setDeciding(null)
            setSelected(new Set())
            setOutcome({ done, refused, action: deciding })
            refetch()
          }}
        />
      )}
    </section>
  )
}

/** The filters, kept here while being typed: a key pressed redraws the form, not the list. */
function FilterForm({
  filter,
  sources,
  onSubmit,
}: {
  filter: QuarantineFilter
  sources: readonly Source[]
  onSubmit: (form: QuarantineFilter) => void
}) {
  const [form, setForm] = useState(filter)
  const zones = useDataQuery<{ zones?: { organisationUnits?: Array<{ id: string; displayName: string }> } }>(
    ZONES_QUERY,
  )
  const submit = (event: FormEvent) => {
    event.preventDefault()
    onSubmit(form)
  }
  const set = (key: keyof QuarantineFilter) => (value: string) => setForm((f) => ({ ...f, [key]: value }))
  const field = (key: 'rcCode' | 'period') => ({
    // the input's id, its label's target
    name: `relais-quarantine-${key}`,
    value: form[key],
    className: classes.filter,
    onChange: ({ value }: { value?: string }) => set(key)(value ?? ''),
  })
  return (
    <form className={classes.form} onSubmit={submit} role="search" aria-label={i18n.t('Filter the quarantine')}>
      <FilterSelect
        label={i18n.t('Reason')}
        all={i18n.t('All reasons')}
        value={form.reason}
        choices={QUARANTINE_REASONS.map((r) => ({ value: r, label: quarantineReasonLabel(r) }))}
        onChange={set('reason')}
      />
      <FilterSelect
        label={i18n.t('Source')}
        all={i18n.t('All sources')}
        value={form.source}
        choices={sourceChoices(sources)}
        onChange={set('source')}
      />
      <FilterSelect
        label={i18n.t('Zone')}
        all={i18n.t('All zones')}
        value={form.within}
        choices={(zones.data?.zones?.organisationUnits ?? []).map((z) => ({ value: z.id, label: z.displayName }))}
        onChange={set('within')}
      />
      <InputField label={i18n.t('RC code')} placeholder="RC-AQ-00042" {...field('rcCode')} />
      <InputField label={i18n.t('Month')} placeholder="2026-09" {...field('period')} />
      <Button primary type="submit">
        {i18n.t('Filter')}
      </Button>
    </form>
  )
}

function BulkDecision(props: {
  action: 'release' | 'discard'
  ids: string[]
  onCancel: () => void
  onDone: (done: number, refused: number) => void
}) {
  const { action, ids, onCancel, onDone } = props
  const post = useBridgePost()
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<BridgeProblem | null>(null)
  const decide = async () => {
    setBusy(true)
    setProblem(null)
    const result = await post<{ results: Array<{ status: string }> }>('quarantine/bulk', { action, ids, reason })
    setBusy(false)
    if (!result.ok) return setProblem(result.problem)
    const done = result.data.results.filter((r) => r.status === 'mapped' || r.status === 'discarded').length
    onDone(done, result.data.results.length - done)
  }
  return (
    <ConfirmModal
      title={
        action === 'release'
          ? i18n.t('Release {{count}} records?', { count: ids.length })
          : i18n.t('Discard {{count}} records?', { count: ids.length })
      }
      confirmLabel={action === 'release' ? i18n.t('Release') : i18n.t('Discard')}
      destructive={action === 'discard'}
      busy={busy}
      confirmDisabled={reason.trim() === ''}
      onConfirm={() => void decide()}
      onCancel={onCancel}
    >
      <p>
        {action === 'release'
          ? i18n.t(
              'They go on to DHIS2 as they are, values entered by people included where they would replace them. The reason goes in each record’s history and the audit.',
            )
          : i18n.t('Nothing of them goes to DHIS2. The reason goes in each record’s history and the audit.')}
      </p>
      <ReasonField label={i18n.t('Reason (required)')} value={reason} onChange={setReason} />
      {reason.trim() === '' && <p className={classes.muted}>{i18n.t('Give the reason first.')}</p>}
      {problem && <ProblemNotice problem={problem} title={i18n.t('The decision was not recorded')} />}
    </ConfirmModal>
  )
}

/** The quarantine of this filter as CSV: up to 2,000 records, 100 per request, nothing sent anywhere else. */
function ExportButton({
  filter,
  language,
  disabled,
}: {
  filter: QuarantineFilter
  language: Language
  disabled: boolean
}) {
  const engine = useDataEngine()
  const [busy, setBusy] = useState(false)
  const [failed, setFailed] = useState(false)
  const exportCsv = async () => {
    setBusy(true)
    setFailed(false)
    try {
      const rows: RecordSummary[] = []
      for (let page = 1; page <= 20; page++) {
        const answer = await queryBridge<Paged<RecordSummary>>(
          engine,
          'quarantine',
          quarantineParams(filter, page, 100),
        )
        rows.push(...answer.items)
        if (page >= answer.pager.pageCount) break
      }
      const header = [
        i18n.t('RC code'),
        i18n.t('Period'),
        i18n.t('Source'),
        i18n.t('Source key'),
        i18n.t('Reason'),
        i18n.t('Why'),
        i18n.t('Updated'),
      ]
      downloadCsv(
        csvFileName('relais', 'quarantaine', new Date().toISOString().slice(0, 10)),
        toCsv(
          header,
          rows.map((r) => [
            r.rcCode,
            periodLabel(r.period),
            r.source,
            r.sourceKey,
            quarantineReasonLabel(r.reason),
            whyOf(r, language),
            r.updatedAt,
          ]),
          csvDialect(language),
        ),
      )
    } catch {
      setFailed(true)
    } finally {
      setBusy(false)
    }
  }
  return (
    <>
      <Button small secondary loading={busy} disabled={busy || disabled} onClick={() => void exportCsv()}>
        {i18n.t('Export CSV')}
      </Button>
      {failed && <span className={classes.error}>{i18n.t('The export failed; try again.')}</span>}
    </>
  )
}
