// Passwords: who must change their password (expired, or expiring within the policy's warning days), and
// « Envoyer un message » — a DHIS2 message from the administrator's own session, in French, previewed and
// confirmed — then recorded in the bridge's audit log.
import i18n from '@dhis2/d2-i18n'
import { useDataEngine } from '@dhis2/app-runtime'
import { Button, Checkbox, CircularLoader, DataTableCell, DataTableRow, Tag } from '@dhis2/ui'
import { useMemo, useState } from 'react'
import type { BridgeProblem } from '../shared/bridge/bridgeProblem'
import { SECURITY_PATHS, type SecurityReport } from '../shared/bridge/security'
import { useBridgeGet, useBridgePost } from '../shared/bridge/useBridge'
import { ConfirmModal } from '../shared/ConfirmModal'
import { ActionOutcome } from './ActionOutcome'
import { BridgeProblemNotice, isNotFound, noReportYet } from './FindingList'
import classes from './Security.module.css'
import layout from '../shared/PageLayout.module.css'
import {
  dhis2Refusal,
  PASSWORD_MESSAGE_SUBJECT,
  passwordMessage,
  passwordPeople,
  type PasswordPerson,
  type PersonOutcome,
} from './securityModel'
import { HeadedTable } from '../shared/HeadedTable'

export function PasswordsTab() {
  const engine = useDataEngine()
  const post = useBridgePost()
  const latest = useBridgeGet<SecurityReport>(SECURITY_PATHS.latest)
  const people = useMemo(() => passwordPeople(latest.data?.findings ?? []), [latest.data])
  const [selected, setSelected] = useState<Set<string>>(new Set())
  const [confirming, setConfirming] = useState<PasswordPerson[] | null>(null)
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<{ outcomes: PersonOutcome[]; audit: BridgeProblem | null } | null>(null)

  if (latest.loading && !latest.data)
    return <CircularLoader aria-label={i18n.t('Loading the latest security report')} />
  if (!latest.data) {
    if (isNotFound(latest.problem)) return <p className={layout.muted}>{noReportYet()}</p>
    if (latest.problem)
      return <BridgeProblemNotice problem={latest.problem} title={i18n.t('Could not load the security report')} />
    return null
  }

  const toggle = (id: string, on: boolean) =>
    setSelected((current) => {
      const next = new Set(current)
      if (on) next.add(id)
      else next.delete(id)
      return next
    })

  const send = async (recipients: PasswordPerson[]) => {
    setBusy(true)
    const outcomes: PersonOutcome[] = []
    for (const person of recipients) {
      try {
        await engine.mutate({
          type: 'create',
          resource: 'messageConversations',
          data: { subject: PASSWORD_MESSAGE_SUBJECT, text: passwordMessage(person), users: [{ id: person.id }] },
        })
        outcomes.push({ id: person.id, name: person.name, ok: true })
      } catch (error) {
        outcomes.push({ id: person.id, name: person.name, ok: false, ...dhis2Refusal(error) })
      }
    }
    const done = outcomes.filter((o) => o.ok).length
    const recorded = await post(SECURITY_PATHS.actions, {
      action: 'message',
      users: recipients.map((p) => p.id),
      done,
      failed: outcomes.length - done,
    })
    setBusy(false)
    setConfirming(null)
    setSelected(new Set())
    setResult({ outcomes, audit: recorded.ok ? null : recorded.problem })
  }

  const chosen = people.filter((p) => selected.has(p.id))

  return (
    <div className={layout.section}>
      <p className={layout.muted}>
        {i18n.t(
          'The people whose DHIS2 password has expired or expires soon, from the latest check. The message is written in French and sent as a DHIS2 message from your account.',
        )}
      </p>
      {result && (
        <ActionOutcome title={i18n.t('Messages sent')} outcomes={result.outcomes} auditProblem={result.audit} />
      )}
      {people.length === 0 ? (
        <p className={layout.muted}>{i18n.t('Nobody has a password expired or about to expire.')}</p>
      ) : (
        <>
          <HeadedTable
            label={i18n.t('Passwords')}
            headers={[i18n.t('Choose'), i18n.t('Person'), i18n.t('Password'), i18n.t('Changed')]}
          >
            {people.map((p) => (
              <DataTableRow key={p.id}>
                <DataTableCell>
                  <Checkbox
                    name={`password-${p.id}`}
                    label={
                      <span className={classes.srOnly}>
                        {i18n.t('Choose {{name}}', { interpolation: { escapeValue: false }, name: p.name })}
                      </span>
                    }
                    checked={selected.has(p.id)}
                    onChange={({ checked }) => toggle(p.id, checked)}
                  />
                </DataTableCell>
                <DataTableCell>
                  {p.name}
                  {p.username ? ` (${p.username})` : ''}
                </DataTableCell>
                <DataTableCell>
                  {p.expired ? (
                    <Tag negative>{i18n.t('Expired')}</Tag>
                  ) : (
                    <Tag neutral>
                      {i18n.t('Expires in {{days}} days', {
                        interpolation: { escapeValue: false },
                        days: p.daysLeft,
                      })}
                    </Tag>
                  )}
                </DataTableCell>
                <DataTableCell>
                  {p.days === undefined
                    ? ''
                    : i18n.t('{{days}} days ago', { interpolation: { escapeValue: false }, days: p.days })}
                </DataTableCell>
              </DataTableRow>
            ))}
          </HeadedTable>
          <div className={classes.actions}>
            <Button primary disabled={chosen.length === 0} onClick={() => setConfirming(chosen)}>
              {i18n.t('Send a message')}
            </Button>
            <Button secondary onClick={() => setSelected(new Set(people.map((p) => p.id)))}>
              {i18n.t('Choose everyone')}
            </Button>
          </div>
        </>
      )}
      {confirming && (
        <ConfirmModal
          title={i18n.t('Send a message to {{number}} people?', {
            interpolation: { escapeValue: false },
            number: confirming.length,
          })}
          confirmLabel={i18n.t('Send')}
          busy={busy}
          onConfirm={() => void send(confirming)}
          onCancel={() => setConfirming(null)}
        >
          <p>
            {i18n.t('Subject')} : {PASSWORD_MESSAGE_SUBJECT}
          </p>
          {confirming.map((person) => (
            <div key={person.id}>
              <strong>{person.name}</strong>
              <pre className={classes.preview}>{passwordMessage(person)}</pre>
            </div>
          ))}
        </ConfirmModal>
      )}
    </div>
  )
}
