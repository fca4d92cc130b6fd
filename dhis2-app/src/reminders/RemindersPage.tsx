// « Rappels » (issue 15 §1): the rules a data manager sets — kept in DHIS2, sent by the bridge on its schedule —
// and the log of every send, failures first to see. Whether reminders work is on the dashboard, next to the
// gaps they are meant to close.
import i18n from '@dhis2/d2-i18n'
import { Button, CircularLoader, DataTableCell, DataTableRow, NoticeBox, Tag } from '@dhis2/ui'
import { useEffect, useState } from 'react'
import { problemMessage } from '../shared/bridge/messages'
import type { BridgeProblem } from '../shared/bridge/bridgeProblem'
import {
  REMINDER_PATHS,
  type ReminderRule,
  type ReminderRulesAnswer,
  type ReminderSend,
} from '../shared/bridge/reminders'
import { useBridgeGet, useBridgePost } from '../shared/bridge/useBridge'
import { ConfirmModal } from '../shared/ConfirmModal'
import { HeadedTable } from '../shared/HeadedTable'
import { useCurrentUser } from '../shared/CurrentUserProvider'
import { useOrgUnitNames } from '../shared/orgunits/useOrgUnitNames'
import { Select } from '../shared/Select'
import { audienceLabel, channelLabel, RuleEditor } from './RuleEditor'
import classes from './Reminders.module.css'
import layout from '../shared/PageLayout.module.css'
import { draftOf, newDraft, ruleOf, type RuleDraft } from './ruleDraft'
import { nextReminderMonth } from './sample'

/**
 * The bridge keeps only the rules it can read: saving from this screen writes the readable ones back, so a rule
 * stored by hand with a mistake would be lost without this warning (it can be mended in DHIS2's Datastore Manager).
 */
const REFUSED_RULES_DROPPED = () =>
  i18n.t(
    'Saving rules from this screen removes the refused ones. To keep one, correct it first in DHIS2 (Datastore Manager, namespace relais, key reminder-rules).',
  )

/** Only data managers and administrators change the rules; the bridge refuses others anyway. */
function useCanConfigure(): boolean {
  const { roles } = useCurrentUser()
  return roles.includes('gestionnaire') || roles.includes('administrateur')
}

function Problem({ problem, title }: { problem: BridgeProblem; title: string }) {
  return (
    <NoticeBox error title={title}>
      {problemMessage(problem)}
      {problem.issues && problem.issues.length > 0 && (
        <ul>
          {problem.issues.map((issue) => (
            <li key={`${issue.path}-${issue.message}`}>
              {issue.path}: {issue.message}
            </li>
          ))}
        </ul>
      )}
    </NoticeBox>
  )
}

type Pending = { rules: ReminderRule[]; summary: string; deleting: boolean } | null

export function RemindersPage() {
  const canConfigure = useCanConfigure()
  const rules = useBridgeGet<ReminderRulesAnswer>(REMINDER_PATHS.rules)
  const post = useBridgePost()
  const [editing, setEditing] = useState<{ draft: RuleDraft; isNew: boolean } | null>(null)
  const [pending, setPending] = useState<Pending>(null)
  const [busy, setBusy] = useState(false)
  const [failed, setFailed] = useState<BridgeProblem | null>(null)
  const [saved, setSaved] = useState(false)
  const [watchUntil, setWatchUntil] = useState(0)
  const sample = nextReminderMonth(new Date())

  if (rules.problem && !rules.data)
    return <Problem problem={rules.problem} title={i18n.t('Could not load the reminders')} />
  if (!rules.data) return <CircularLoader aria-label={i18n.t('Loading the reminders')} />
  const current = rules.data.rules

  const confirm = async () => {
    if (!pending) return
    setBusy(true)
    setFailed(null)
    const answer = await post<ReminderRulesAnswer>(REMINDER_PATHS.rules, { rules: pending.rules })
    setBusy(false)
    setPending(null)
    if (!answer.ok) return setFailed(answer.problem)
    setEditing(null)
    setSaved(true)
    rules.refetch()
  }
  const propose = (next: ReminderRule[], summary: string, deleting = false) => {
    setSaved(false)
    setPending({ rules: next, summary, deleting })
  }

  return (
    <div className={classes.page}>
      <h2 className={layout.title}>{i18n.t('Reminders')}</h2>
      <p className={layout.muted}>
        {i18n.t(
          'The bridge checks every hour which community health workers to remind, on the days each rule names, outside its quiet hours, at most once a day, and never once their report is complete.',
        )}
      </p>
      {rules.data.problems.length > 0 && (
        <NoticeBox warning title={i18n.t('Some stored rules were refused and are skipped')}>
          <ul>
            {rules.data.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
          <p>{REFUSED_RULES_DROPPED()}</p>
        </NoticeBox>
      )}
      {saved && (
        <NoticeBox valid title={i18n.t('Reminder rules saved')}>
          {i18n.t('They apply from the next hourly check.')}
        </NoticeBox>
      )}
      {failed && <Problem problem={failed} title={i18n.t('The rules were not saved')} />}

      <section aria-labelledby="rules-title" className={layout.section}>
        <h3 id="rules-title">{i18n.t('Rules')}</h3>
        {current.length === 0 && (
          <p className={layout.muted}>{i18n.t('No reminder rule yet, so nobody is reminded.')}</p>
        )}
        <ul className={classes.rules}>
          {current.map((rule) => (
            <li key={rule.id} className={classes.rule}>
              <div>
                <strong>{rule.name}</strong>{' '}
                <Tag neutral={!rule.enabled} positive={rule.enabled}>
                  {rule.enabled ? i18n.t('In force') : i18n.t('Paused')}
                </Tag>
                <p className={layout.muted}>
                  {audienceLabel(rule.audience)} · {i18n.t('days {{days}}', { days: rule.days.join(', ') })} ·{' '}
                  {rule.channels.map(channelLabel).join(' + ')}
                </p>
              </div>
              {canConfigure && (
                <div className={classes.ruleActions}>
                  <Button small onClick={() => setEditing({ draft: draftOf(rule), isNew: false })}>
                    {i18n.t('Edit')}
                    <span className={classes.visuallyHidden}> {rule.name}</span>
                  </Button>
                  <Button
                    small
                    destructive
                    onClick={() =>
                      propose(
                        current.filter((r) => r.id !== rule.id),
                        i18n.t('The rule « {{name}} » will be deleted and its reminders stop.', {
                          name: rule.name,
                          interpolation: { escapeValue: false },
                        }),
                        true,
                      )
                    }
                  >
                    {i18n.t('Delete')}
                    <span className={classes.visuallyHidden}> {rule.name}</span>
                  </Button>
                </div>
              )}
            </li>
          ))}
        </ul>
        {canConfigure && !editing && (
          <Button
            onClick={() =>
              setEditing({
                draft: newDraft(
                  'missing',
                  current.map((r) => r.id),
                ),
                isNew: true,
              })
            }
          >
            {i18n.t('Add a rule')}
          </Button>
        )}
        {editing && (
          <RuleEditor
            key={editing.draft.id}
            initial={editing.draft}
            sample={sample}
            busy={busy}
            onCancel={() => setEditing(null)}
            onSave={(draft) => {
              const checked = ruleOf(draft)
              if (!('rule' in checked)) return
              const next = editing.isNew
                ? [...current, checked.rule]
                : current.map((r) => (r.id === checked.rule.id ? checked.rule : r))
              propose(
                next,
                checked.rule.enabled
                  ? i18n.t('From the next hourly check, « {{name}} » sends {{channels}} on days {{days}}.', {
                      name: checked.rule.name,
                      channels: checked.rule.channels.map(channelLabel).join(' + '),
                      days: checked.rule.days.join(', '),
                      interpolation: { escapeValue: false },
                    })
                  : i18n.t('« {{name}} » is saved paused and sends nothing.', {
                      name: checked.rule.name,
                      interpolation: { escapeValue: false },
                    }),
              )
            }}
          />
        )}
      </section>

      {canConfigure && <RunNow onStarted={() => setWatchUntil(Date.now() + WATCH_MS)} />}

      <SendLog watchUntil={watchUntil} />

      {pending && (
        <ConfirmModal
          title={pending.deleting ? i18n.t('Delete the rule?') : i18n.t('Save the reminder rules?')}
          confirmLabel={pending.deleting ? i18n.t('Delete') : i18n.t('Save')}
          destructive={pending.deleting}
          busy={busy}
          onConfirm={() => void confirm()}
          onCancel={() => setPending(null)}
        >
          <p>{pending.summary}</p>
          {rules.data.problems.length > 0 && <p className={classes.error}>{REFUSED_RULES_DROPPED()}</p>}
        </ConfirmModal>
      )}
    </div>
  )
}

/**
 * « Check now »: what the hourly check would do at this hour (a rule just made for today need not wait). The
 * rules' days and quiet hours still apply; the sends appear in the log below.
 */
/** How long the log is asked again after « Check now »: the check runs in the bridge's background. */
const WATCH_MS = 30_000

function RunNow({ onStarted }: { onStarted: () => void }) {
  const post = useBridgePost()
  const [state, setState] = useState<'idle' | 'busy' | 'done' | BridgeProblem>('idle')
  return (
    <section aria-labelledby="run-title" className={layout.section}>
      <h3 id="run-title">{i18n.t('Check now')}</h3>
      <p className={layout.muted}>
        {i18n.t('Sends the reminders due at this hour now, instead of at the next hourly check.')}
      </p>
      <div>
        <Button
          loading={state === 'busy'}
          disabled={state === 'busy'}
          onClick={async () => {
            setState('busy')
            const answer = await post<{ accepted: true }>(REMINDER_PATHS.run, {})
            setState(answer.ok ? 'done' : answer.problem)
            if (answer.ok) onStarted()
          }}
        >
          {i18n.t('Check the reminders now')}
        </Button>
      </div>
      {state === 'done' && (
        <NoticeBox title={i18n.t('The check has started')}>
          {i18n.t('The reminders sent appear in the log below within a minute.')}
        </NoticeBox>
      )}
      {typeof state === 'object' && <Problem problem={state} title={i18n.t('The check could not start')} />}
    </section>
  )
}

const STATUS_FILTERS = ['all', 'failed', 'sent', 'held-out'] as const
type StatusFilter = (typeof STATUS_FILTERS)[number]

const statusLabel = (status: ReminderSend['status'] | 'all'): string =>
  ({
    all: i18n.t('All'),
    pending: i18n.t('Being sent'),
    sent: i18n.t('Sent'),
    failed: i18n.t('Failed'),
    'held-out': i18n.t('Held out (comparison)'),
  })[status]

const kindLabel = (kind: ReminderSend['kind']): string =>
  ({
    reminder: i18n.t('Reminder'),
    escalation: i18n.t('To the supervisor'),
    summary: i18n.t('Supervisor summary'),
    manual: i18n.t('By hand'),
    holdout: i18n.t('Not reminded'),
  })[kind]

/** The bridge's reason of a failed send, in the user's language where it is one the bridge writes itself. */
const sendErrorText = (error: string): string =>
  error === 'no phone number in DHIS2 for this user'
    ? i18n.t('No phone number in DHIS2 for this person. Add it to their DHIS2 account; the next check retries.')
    : error === 'interrupted'
      ? i18n.t('Cut off while sending; the next check retries it.')
      : error

/**
 * What DHIS2 says became of a sent SMS (its outbound SMS status): taken by the gateway, delivered where the gateway
 * reports it, or refused by the gateway after DHIS2 took it.
 */
const deliveryText = (send: ReminderSend): string | undefined => {
  if (send.channel !== 'sms' || send.status !== 'sent' || !send.delivery) return undefined
  switch (send.delivery) {
    case 'DELIVERED':
      return i18n.t('delivered to the phone')
    case 'SENT':
      return i18n.t('handed to the SMS gateway')
    case 'FAILED':
    case 'ERROR':
      return i18n.t('refused by the SMS gateway')
    case 'UNKNOWN':
      return i18n.t('no longer listed by DHIS2')
    default:
      return i18n.t('waiting at the SMS gateway')
  }
}

/** The newest sends, failures kept in view until they go (each is retried at the next checks of the day). */
function SendLog({ watchUntil }: { watchUntil: number }) {
  const [status, setStatus] = useState<StatusFilter>('all')
  const sends = useBridgeGet<{ items: ReminderSend[]; pager: { total: number } }>(
    REMINDER_PATHS.sends,
    { pageSize: 50, ...(status === 'all' ? {} : { status }) },
    () => Date.now() < watchUntil,
  )
  const { refetch } = sends
  // A check just started: ask again now, then every poll until WATCH_MS has passed.
  useEffect(() => {
    if (watchUntil > 0) refetch()
  }, [watchUntil, refetch])
  const names = useOrgUnitNames((sends.data?.items ?? []).map((s) => s.orgUnit))
  return (
    <section aria-labelledby="sends-title" className={layout.section}>
      <h3 id="sends-title">{i18n.t('Sent reminders')}</h3>
      <Select
        className={classes.filter}
        name="sends-status"
        label={i18n.t('Status')}
        options={STATUS_FILTERS.map((s) => ({ value: s, label: statusLabel(s) }))}
        value={status}
        onChange={(value) =>
          setStatus((STATUS_FILTERS as readonly string[]).includes(value) ? (value as StatusFilter) : 'all')
        }
      />
      {sends.problem && <Problem problem={sends.problem} title={i18n.t('Could not load the sent reminders')} />}
      {sends.data && sends.data.items.length === 0 && <p className={layout.muted}>{i18n.t('Nothing sent yet.')}</p>}
      {sends.data && sends.data.items.length > 0 && (
        <HeadedTable
          label={i18n.t('Scrollable table')}
          headers={[
            i18n.t('Day'),
            i18n.t('Community health worker'),
            i18n.t('Kind'),
            i18n.t('Channel'),
            i18n.t('Status'),
          ]}
        >
          {sends.data.items.map((send) => (
            <DataTableRow key={send.id}>
              <DataTableCell>{send.day}</DataTableCell>
              <DataTableCell>{names.get(send.orgUnit) ?? send.orgUnit}</DataTableCell>
              <DataTableCell>{kindLabel(send.kind)}</DataTableCell>
              <DataTableCell>{channelLabel(send.channel)}</DataTableCell>
              <DataTableCell>
                {statusLabel(send.status)}
                {send.error && <span className={classes.error}> — {sendErrorText(send.error)}</span>}
                {deliveryText(send) && (
                  <span className={send.delivery === 'FAILED' || send.delivery === 'ERROR' ? classes.error : undefined}>
                    {' '}
                    — {deliveryText(send)}
                  </span>
                )}
              </DataTableCell>
            </DataTableRow>
          ))}
        </HeadedTable>
      )}
      {sends.data && sends.data.pager.total > sends.data.items.length && (
        <p className={layout.muted}>{i18n.t('The 50 newest of {{total}}.', { total: sends.data.pager.total })}</p>
      )}
    </section>
  )
}
