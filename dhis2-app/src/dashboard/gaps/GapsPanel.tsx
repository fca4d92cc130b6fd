import i18n from '@dhis2/d2-i18n'
import { Button, Checkbox, InputField, NoticeBox, TextAreaField } from '@dhis2/ui'
import type { Period } from '@relais/mappings/src/dhis2/periods'
import { useEffect, useRef, useState } from 'react'
import { useDataEngine } from '@dhis2/app-runtime'
import { engineAccess } from '../../shared/dhis2Access'
import { sendFollowUp } from '../../shared/followUpMessages'
import { formatDay, type Language } from '../../shared/language'
import { periodName } from '../../shared/mappings'
import { csvFileName } from '../../shared/csv/csv'
import classes from '../Dashboard.module.css'
import { csvPercent, formatPercent, timeOf } from '../format'
import type { RankedRc } from '../performance/performance'
import { DataTable } from '../views/DataTable'
import { Select } from '../../shared/Select'
import { causeLabel, eventLabel, reasonLabel, statusLabel } from '../views/labels'
import {
  GAP_CAUSES,
  gapInputProblems,
  gapStatus,
  recordChange,
  closeChange,
  completeDraft,
  type GapDraft,
  type GapInput,
  type GapProblem,
  type GapReason,
  type GapRecord,
  type GapStatus,
} from './gaps'
import { useGaps } from './useGaps'
import { previousMonthOf } from '../reminders/reminderMonth'
import { RemindButton } from '../reminders/RemindButton'

/** What became of telling the RC: sent, not sendable (no account), or not asked for. */
type Told = 'sent' | 'no-account' | 'unsent' | 'kept'

interface GapRow {
  id: string
  name: string
  reason: GapReason
  score?: number
  record?: GapRecord
  status: GapStatus
}

/**
 * The RC of the selection that are gaps now (Faible or no report) or were recorded as gaps for the period
 * (a late report does not erase the follow-up), overdue first, then open, then closed.
 */
export function gapRows(rcs: readonly RankedRc[], recorded: Record<string, GapRecord>, today: string): GapRow[] {
  const rows = new Map<string, GapRow>()
  for (const rc of rcs) {
    if (!rc.gap && !recorded[rc.id]) continue
    const record = recorded[rc.id]
    rows.set(rc.id, {
      id: rc.id,
      name: rc.name,
      reason: rc.gap ? (rc.notReported ? 'notReported' : 'faible') : (record?.reason ?? 'faible'),
      score: rc.score,
      record,
      status: gapStatus(record, today),
    })
  }
  const order: Record<GapStatus, number> = { overdue: 0, open: 1, closed: 2 }
  return [...rows.values()].sort((a, b) => order[a.status] - order[b.status] || a.name.localeCompare(b.name, 'fr'))
}

const when = (at: string, language: Language) => `${formatDay(at.slice(0, 10), language)} ${timeOf(at)}`

export function GapsPanel({
  rcs,
  period,
  unitName,
  canEdit,
  now,
  language,
}: {
  rcs: readonly RankedRc[]
  period: Period
  unitName: string
  canEdit: boolean
  /** The server's clock, 'YYYY-MM-DDTHH:mm:ss.SSS'. */
  now: () => string
  language: Language
}) {
  const gaps = useGaps(period.id)
  const engine = useDataEngine()
  // The bridge reminds about the month that ended last: « Relancer » only where the table shows that month.
  const remindable = period.id === previousMonthOf(now().slice(0, 10))
  const [openId, setOpenId] = useState<string | null>(null)
  const today = now().slice(0, 10)
  const rows = gapRows(rcs, gaps.document?.gaps ?? {}, today)
  const opened = rows.find((r) => r.id === openId)
  const counts = { open: 0, overdue: 0, closed: 0 }
  for (const row of rows) counts[row.status] += 1

  if (gaps.error) {
    return (
      <NoticeBox error title={i18n.t('Could not load the gaps')}>
        {gaps.error.message}
      </NoticeBox>
    )
  }
  return (
    <>
      <DataTable<GapRow>
        title={i18n.t('Gaps to follow up')}
        fileName={csvFileName('gaps', unitName, period.id)}
        rows={rows}
        rowKey={(r) => r.id}
        empty={gaps.loading ? i18n.t('Loading…') : i18n.t('No gap for this period.')}
        columns={[
          { header: i18n.t('Community health worker'), cell: (r) => r.name, csv: (r) => r.name },
          { header: i18n.t('Reason'), cell: (r) => reasonLabel(r.reason), csv: (r) => reasonLabel(r.reason) },
          {
            header: i18n.t('Score'),
            cell: (r) => formatPercent(r.score, language),
            csv: (r) => csvPercent(r.score),
            numeric: true,
          },
          {
            header: i18n.t('Status'),
            cell: (r) => <span className={`${classes.badge} ${classes[r.status]}`}>{statusLabel(r.status)}</span>,
            csv: (r) => statusLabel(r.status),
          },
          {
            header: i18n.t('Cause'),
            cell: (r) => (r.record?.cause ? causeLabel(r.record.cause) : '—'),
            csv: (r) => (r.record?.cause ? causeLabel(r.record.cause) : ''),
          },
          {
            header: i18n.t('Cause details'),
            cell: (r) => r.record?.causeDetail || '',
            csv: (r) => r.record?.causeDetail,
          },
          { header: i18n.t('Action'), cell: (r) => r.record?.action ?? '—', csv: (r) => r.record?.action },
          {
            header: i18n.t('Due date'),
            cell: (r) => (r.record?.dueDate ? formatDay(r.record.dueDate, language) : '—'),
            csv: (r) => r.record?.dueDate,
          },
          {
            header: i18n.t('Last change'),
            cell: (r) => {
              const last = r.record?.history.at(-1)
              return last ? `${when(last.at, language)}, ${last.byName}` : '—'
            },
            csv: (r) => {
              const last = r.record?.history.at(-1)
              return last ? `${last.at} ${last.by}` : ''
            },
          },
          {
            header: i18n.t('Follow-up'),
            cell: (r) => (
              <div className={classes.gapActions}>
                <Button small onClick={() => setOpenId(r.id === openId ? null : r.id)}>
                  {canEdit ? i18n.t('Follow up') : i18n.t('History')}
                  <span className={classes.visuallyHidden}> {r.name}</span>
                </Button>
                {remindable && r.reason === 'notReported' && (
                  <RemindButton orgUnit={r.id} name={r.name} month={periodName(period, language)} />
                )}
              </div>
            ),
            csv: () => undefined,
          },
        ]}
      >
        <p className={classes.muted}>
          {i18n.t('{{open}} open, {{overdue}} overdue, {{closed}} closed.', counts)}{' '}
          {!canEdit && i18n.t('Only supervisors record the follow-up of a gap.')}
        </p>
        {gaps.ignored > 0 && (
          <p className={classes.muted}>
            {i18n.t('{{count}} change(s) not made by a supervisor are not shown.', { count: gaps.ignored })}
          </p>
        )}
      </DataTable>
      {opened && (
        <GapEditor
          key={opened.id}
          row={opened}
          canEdit={canEdit}
          language={language}
          onClose={() => setOpenId(null)}
          onRecord={async (input, tell) => {
            const subject = { orgUnit: opened.id, orgUnitName: opened.name, period: period.id, reason: opened.reason }
            await gaps.save(recordChange(subject, input))
            if (!tell) return 'kept'
            const month = periodName(period, language)
            // The follow-up is saved: a message that cannot go is said as such, not as « Not saved ».
            return sendFollowUp(engineAccess(engine), opened.id, {
              subject: i18n.t('{{name}}, follow-up of the report of {{month}}', {
                name: opened.name,
                month,
                interpolation: { escapeValue: false },
              }),
              text: i18n.t('Action decided by your supervisor, {{action}}. Due date, {{date}}.', {
                action: input.action.trim(),
                date: formatDay(input.dueDate, language),
                interpolation: { escapeValue: false },
              }),
            }).catch(() => 'unsent' as const)
          }}
          onSetClosed={async (closed) => {
            const subject = { orgUnit: opened.id, orgUnitName: opened.name, period: period.id, reason: opened.reason }
            await gaps.save(closeChange(subject, closed))
          }}
        />
      )}
    </>
  )
}

/** The names of the follow-up's fields (their ids: one editor is open at a time). */
const GAP_FIELDS: Record<GapProblem, string> = {
  cause: 'relais-dashboard-gap-cause',
  causeDetail: 'relais-dashboard-gap-cause-detail',
  action: 'relais-dashboard-gap-action',
  dueDate: 'relais-dashboard-gap-due-date',
}

function GapEditor({
  row,
  canEdit,
  language,
  onClose,
  onRecord,
  onSetClosed,
}: {
  row: GapRow
  canEdit: boolean
  language: Language
  onClose: () => void
  /** Records the follow-up; `tell`: send the RC its action and due date. Answers whether the RC was told. */
  onRecord: (input: GapInput, tell: boolean) => Promise<Told>
  onSetClosed: (closed: boolean) => Promise<void>
}) {
  const record = row.record
  const [input, setInput] = useState<GapDraft>({
    cause: record?.cause ?? '',
    causeDetail: record?.causeDetail ?? '',
    action: record?.action ?? '',
    dueDate: record?.dueDate ?? '',
  })
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [tried, setTried] = useState(false)
  // The RC is told the action and due date by a DHIS2 message unless the supervisor unticks it.
  const [tell, setTell] = useState(true)
  const [told, setTold] = useState<Told | null>(null)
  const problems = gapInputProblems(input)
  const invalid: Record<GapProblem, boolean> = {
    cause: tried && problems.includes('cause'),
    causeDetail: tried && problems.includes('causeDetail'),
    action: tried && problems.includes('action'),
    dueDate: tried && problems.includes('dueDate'),
  }
  const closed = row.status === 'closed'
  // @dhis2/ui marks a field in error by its colour only: a screen reader is told by aria-invalid (the cause's
  // select sees to its own).
  const form = useRef<HTMLFormElement>(null)
  useEffect(() => {
    for (const field of ['causeDetail', 'action', 'dueDate'] as const) {
      const element = form.current?.querySelector(`[id="${GAP_FIELDS[field]}"]`)
      if (invalid[field]) element?.setAttribute('aria-invalid', 'true')
      else element?.removeAttribute('aria-invalid')
    }
  })
  const run = async (work: () => Promise<void>) => {
    setBusy(true)
    setError(null)
    try {
      await work()
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    } finally {
      setBusy(false)
    }
  }
  const submit = () => {
    setTried(true)
    const entry = completeDraft(input)
    if (entry)
      void run(async () => {
        setTold(await onRecord(entry, tell))
      })
  }
  const set = (change: Partial<GapDraft>) => setInput((current) => ({ ...current, ...change }))
  // Opened from a row far down the table: the panel comes into view, its title read out.
  const title = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    title.current?.scrollIntoView?.({ block: 'start' })
    title.current?.focus({ preventScroll: true })
  }, [])

  return (
    <section
      className={classes.panel}
      aria-label={i18n.t('Follow-up of {{name}}', { name: row.name, interpolation: { escapeValue: false } })}
    >
      <div className={classes.panelHeader}>
        <h3 className={classes.panelTitle} ref={title} tabIndex={-1}>
          {i18n.t('Follow-up of {{name}}', { name: row.name, interpolation: { escapeValue: false } })}
        </h3>
        <Button small secondary onClick={onClose}>
          {i18n.t('Close the panel')}
        </Button>
      </div>
      <p className={classes.muted}>
        {reasonLabel(row.reason)} · {statusLabel(row.status)}
      </p>
      {canEdit && !closed && (
        <form
          ref={form}
          className={classes.gapForm}
          onSubmit={(e) => {
            e.preventDefault()
            submit()
          }}
        >
          <Select
            className={classes.selectField}
            name={GAP_FIELDS.cause}
            label={i18n.t('Cause')}
            // No cause is chosen for the supervisor: the field stays empty until they choose one.
            placeholder={i18n.t('Choose the cause')}
            options={GAP_CAUSES.map((cause) => ({ value: cause, label: causeLabel(cause) }))}
            value={input.cause}
            error={invalid.cause}
            onChange={(value) => set({ cause: GAP_CAUSES.find((cause) => cause === value) ?? '' })}
          />
          <InputField
            name={GAP_FIELDS.causeDetail}
            label={i18n.t('Cause details')}
            value={input.causeDetail}
            error={invalid.causeDetail}
            onChange={({ value }) => set({ causeDetail: value ?? '' })}
          />
          <TextAreaField
            className={classes.wide}
            name={GAP_FIELDS.action}
            label={i18n.t('Action decided')}
            rows={2}
            value={input.action}
            error={invalid.action}
            onChange={({ value }) => set({ action: value ?? '' })}
          />
          <InputField
            type="date"
            name={GAP_FIELDS.dueDate}
            label={i18n.t('Due date')}
            value={input.dueDate}
            error={invalid.dueDate}
            onChange={({ value }) => set({ dueDate: value ?? '' })}
          />
          {tried && problems.length > 0 && (
            // The alert around the list: a list item must stay in a list (axe « listitem »).
            <div role="alert" className={`${classes.error} ${classes.wide}`}>
              <ul className={classes.problems}>
                {problems.includes('cause') && <li>{i18n.t('Choose the cause of the gap.')}</li>}
                {problems.includes('causeDetail') && <li>{i18n.t('Describe the cause when it is "Other".')}</li>}
                {problems.includes('action') && <li>{i18n.t('Write the action decided.')}</li>}
                {problems.includes('dueDate') && <li>{i18n.t('Give the due date of the action.')}</li>}
              </ul>
            </div>
          )}
          <Checkbox
            className={`${classes.check} ${classes.wide}`}
            name="relais-dashboard-gap-tell"
            label={i18n.t('Send the action and its due date to the RC (a DHIS2 message, without the cause)')}
            checked={tell}
            onChange={({ checked }) => setTell(checked)}
          />
          <div className={classes.actions}>
            <Button primary type="submit" disabled={busy}>
              {i18n.t('Save the follow-up')}
            </Button>
            {record && (
              <Button disabled={busy} onClick={() => void run(() => onSetClosed(true))}>
                {i18n.t('Close the gap')}
              </Button>
            )}
          </div>
        </form>
      )}
      {canEdit && closed && (
        <div className={classes.actions}>
          <Button disabled={busy} onClick={() => void run(() => onSetClosed(false))}>
            {i18n.t('Reopen the gap')}
          </Button>
        </div>
      )}
      {told === 'sent' && <p role="status">{i18n.t('Saved. The RC received the action in their DHIS2 messages.')}</p>}
      {told === 'unsent' && (
        <NoticeBox warning title={i18n.t('Saved, but the RC was not told')}>
          {i18n.t('The message to the RC could not be sent. Tell them the action yourself, or save again later.')}
        </NoticeBox>
      )}
      {told === 'no-account' && (
        <NoticeBox warning title={i18n.t('Saved, but the RC was not told')}>
          {i18n.t('No DHIS2 account is assigned to this RC. Tell them the action yourself.')}
        </NoticeBox>
      )}
      {error && (
        <NoticeBox error title={i18n.t('Not saved')}>
          {error}
        </NoticeBox>
      )}
      <h4 className={classes.historyTitle}>{i18n.t('History')}</h4>
      {record && record.history.length > 0 ? (
        <ol className={classes.history} aria-label={i18n.t('History')}>
          {[...record.history].reverse().map((change, i) => (
            <li key={`${change.at}-${i}`}>
              <strong>{eventLabel(change.event)}</strong> — {when(change.at, language)}, {change.byName} ({change.by})
              {change.cause && (
                <>
                  {' '}
                  · {causeLabel(change.cause)}
                  {change.causeDetail ? ` (${change.causeDetail})` : ''} · {change.action} ·{' '}
                  {change.dueDate ? formatDay(change.dueDate, language) : ''}
                </>
              )}
            </li>
          ))}
        </ol>
      ) : (
        <p className={classes.muted}>{i18n.t('Nothing recorded yet.')}</p>
      )}
    </section>
  )
}
