// « Relancer » (issue 15 §1): from the gap list, one reminder now to an RC whose report is missing, through the
// bridge — which refuses when the report is complete or the RC was reminded today, and records the send.
import i18n from '@dhis2/d2-i18n'
import { Button, Checkbox } from '@dhis2/ui'
import { useState } from 'react'
import type { BridgeProblem } from '../../shared/bridge/bridgeProblem'
import { problemMessage } from '../../shared/bridge/messages'
import { REMINDER_PATHS, type ReminderChannel, type RemindNowAnswer } from '../../shared/bridge/reminders'
import { useBridgePost } from '../../shared/bridge/useBridge'
import { ConfirmModal } from '../../shared/ConfirmModal'
import classes from '../Dashboard.module.css'

type Outcome = { ok: true } | { ok: false; problem: BridgeProblem }

export function RemindButton({ orgUnit, name, month }: { orgUnit: string; name: string; month: string }) {
  const post = useBridgePost()
  const [asking, setAsking] = useState(false)
  const [channels, setChannels] = useState<ReminderChannel[]>(['message', 'sms'])
  const [busy, setBusy] = useState(false)
  const [outcome, setOutcome] = useState<Outcome | null>(null)
  const toggle = (channel: ReminderChannel, on: boolean) =>
    setChannels((list) => (on ? [...new Set([...list, channel])] : list.filter((c) => c !== channel)))
  const send = async () => {
    setBusy(true)
    const answer = await post<RemindNowAnswer>(REMINDER_PATHS.send, { orgUnit, channels })
    setBusy(false)
    setAsking(false)
    setOutcome(answer.ok ? { ok: true } : { ok: false, problem: answer.problem })
  }
  return (
    <>
      <Button small secondary onClick={() => setAsking(true)} disabled={outcome?.ok === true}>
        {outcome?.ok ? i18n.t('Reminded') : i18n.t('Remind')}
        <span className={classes.visuallyHidden}> {name}</span>
      </Button>
      {outcome && !outcome.ok && (
        <span role="alert" className={classes.remindError}>
          {problemMessage(outcome.problem)}
        </span>
      )}
      {asking && (
        <ConfirmModal
          title={i18n.t('Remind {{name}}?', { name, interpolation: { escapeValue: false } })}
          confirmLabel={i18n.t('Send the reminder')}
          busy={busy}
          confirmDisabled={channels.length === 0}
          onConfirm={() => void send()}
          onCancel={() => setAsking(false)}
        >
          <p>
            {i18n.t('A reminder to complete the report of {{month}} goes now, by the channels below.', {
              month,
              interpolation: { escapeValue: false },
            })}
          </p>
          {(['message', 'sms'] as const).map((channel) => (
            <Checkbox
              key={channel}
              name={`remind-${channel}`}
              label={channel === 'message' ? i18n.t('DHIS2 message') : i18n.t('SMS')}
              checked={channels.includes(channel)}
              onChange={({ checked }) => toggle(channel, checked)}
            />
          ))}
        </ConfirmModal>
      )}
    </>
  )
}
