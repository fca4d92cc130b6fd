import { useDataEngine } from '@dhis2/app-runtime'
import i18n from '@dhis2/d2-i18n'
import { Button, CheckboxField, NoticeBox, TextAreaField } from '@dhis2/ui'
import { useState, type FormEvent } from 'react'
import { isNetworkError } from '../shared/LoadError'
import classes from './Helpdesk.module.css'
import { reply } from './helpdeskApi'
import type { Ticket } from './tickets'

/** The error of a call in the person's language: no network said plainly, else DHIS2's own message. */
export function callError(error: unknown): string {
  if (isNetworkError(error)) return i18n.t('No connection to DHIS2. Try again when the network is back.')
  const e = error as { details?: { message?: string }; message?: string } | null
  return e?.details?.message ?? e?.message ?? String(error)
}

/**
 * An answer in the ticket: the RC adds a detail, the desk answers; a ticket manager may write an internal note
 * instead, which DHIS2 shows to ticket managers only. Sent at once (not queued): whoever answers is online.
 */
export function ReplyForm({
  ticket,
  label,
  internalAllowed,
  onSent,
}: {
  ticket: Ticket
  label: string
  internalAllowed: boolean
  onSent: (internal: boolean) => Promise<void>
}) {
  const engine = useDataEngine()
  const [text, setText] = useState('')
  const [internal, setInternal] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | undefined>()
  const send = async (event: FormEvent) => {
    event.preventDefault()
    if (!text.trim()) return
    setBusy(true)
    setError(undefined)
    try {
      const note = internalAllowed && internal
      await reply(engine, ticket.id, text.trim(), { internal: note })
      setText('')
      setInternal(false)
      await onSent(note)
    } catch (e) {
      setError(callError(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form className={classes.form} onSubmit={(e) => void send(e)}>
      {error && (
        <NoticeBox error title={i18n.t('The answer was not sent')}>
          {error}
        </NoticeBox>
      )}
      <TextAreaField
        className={classes.textArea}
        name={`relais-reply-${ticket.id}`}
        label={label}
        rows={3}
        value={text}
        onChange={({ value }) => setText(value ?? '')}
      />
      {internalAllowed && (
        <CheckboxField
          className={classes.check}
          name={`relais-internal-${ticket.id}`}
          label={i18n.t('Internal note (only the help desk sees it)')}
          checked={internal}
          onChange={({ checked }) => setInternal(checked)}
        />
      )}
      <div>
        <Button primary type="submit" loading={busy} disabled={busy || !text.trim()}>
          {internal ? i18n.t('Add the note') : i18n.t('Send the answer')}
        </Button>
      </div>
    </form>
  )
}
