// Sending one recorded outcome. The event is read again first, because the outcome may have waited on the phone
// for days: an UPDATE replaces the whole event, so it is built on what DHIS2 holds now (a correction made
// meanwhile is kept), an event someone else closed meanwhile is not overwritten (the RC is told), and an event
// already closed with this very outcome (an earlier try whose answer was lost) counts as sent. Then
// `POST /api/tracker?async=false&importStrategy=UPDATE` (dhis2-web-api.md §5.1): synchronous, so the answer says
// at once whether DHIS2 took it — 200 with an import report, or 409 with the report's errors.
import i18n from '@dhis2/d2-i18n'
import { classifySendError } from '../offline/classifySendError'
import { formatDay } from '../shared/language'
import type { OutcomeSender } from './outcomeQueue'
import type { DataEngine } from './tracingProgram'
import { completedEvent, readEvent, trackerRefusal, valueOf } from './trackerEvents'

type EngineMutation = Parameters<DataEngine['mutate']>[0]

export function outcomeMutation(event: unknown): EngineMutation {
  return {
    type: 'create',
    resource: 'tracker',
    params: { async: false, importStrategy: 'UPDATE' },
    data: { events: [event] },
  } as EngineMutation
}

export function engineOutcomeSender(engine: DataEngine): OutcomeSender {
  return async (item) => {
    try {
      const current = await readEvent(engine, item.key)
      if (current.status === 'COMPLETED') {
        if (item.values.every((v) => valueOf(current, v.dataElement) === v.value)) return { kind: 'sent' }
        const day = (current.completedAt ?? current.updatedAt ?? '').slice(0, 10)
        return {
          kind: 'rejected',
          message: day
            ? i18n.t('The task was already closed in DHIS2 on {{date}}; this outcome was not sent.', {
                date: formatDay(day),
              })
            : i18n.t('The task was already closed in DHIS2; this outcome was not sent.'),
        }
      }
      const report = await engine.mutate(outcomeMutation(completedEvent(current, item.values)))
      // A synchronous import answers 409 on ERROR; a 200 that still says ERROR is refused all the same.
      const refusal = trackerRefusal(report)
      return refusal ? { kind: 'rejected', message: refusal } : { kind: 'sent' }
    } catch (error) {
      const outcome = classifySendError(error)
      if (outcome.kind === 'offline' || outcome.kind === 'session-expired') return outcome
      // classifySendError reads aggregate import summaries; a tracker report says why in its error reports.
      const details = (error as { details?: unknown }).details
      const message = 'message' in outcome ? outcome.message : String(error)
      return { kind: 'rejected', message: trackerRefusal(details) ?? message }
    }
  }
}
