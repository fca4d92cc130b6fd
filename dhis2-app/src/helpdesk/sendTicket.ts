// Sending one queued ticket to DHIS2 2.41, step by step, each step kept once done (ticketQueue.ts):
// 1. the photo as a file resource (domain MESSAGE_ATTACHMENT) — the feedback endpoint takes no attachment;
// 2. the feedback (a TICKET to the feedback recipients group), unless a ticket with its reference is already
//    there (the answer of an earlier try was lost); then its uid, found by the reference;
// 3. the RC's zone and aire as recipients: their supervisors follow the ticket too (DHIS2 lets participants
//    answer and move a ticket on; only the feedback group writes internal notes);
// 4. the photo, as the RC's reply with `?attachments=` — the way DHIS2 attaches files to a conversation.
import i18n from '@dhis2/d2-i18n'
import { classifySendError } from '../offline/classifySendError'
import { addRecipients, findTicketByRef, reply, sendFeedback, uploadAttachment, type DataEngine } from './helpdeskApi'
import type { PendingTicket, TicketSender, TicketSendOutcome } from './ticketQueue'
import { ticketSubject } from './ticketSubject'
import { supervisionUnits } from './tickets'

/** The reply that carries the photo; DHIS2 wants a text with it. */
export const PHOTO_MESSAGE = '📷'

export function engineTicketSender(engine: DataEngine): TicketSender {
  return async (queued, progress) => {
    let ticket: PendingTicket = queued
    const step = async (done: Partial<PendingTicket>) => {
      ticket = { ...ticket, ...done }
      await progress(ticket)
    }
    try {
      if (ticket.photo && !ticket.fileResourceId) {
        const file = new File([ticket.photo.blob], ticket.photo.name, { type: ticket.photo.type })
        await step({ fileResourceId: await uploadAttachment(engine, file) })
      }
      let rcPath: string | undefined
      if (!ticket.conversationId) {
        let found = await findTicketByRef(engine, ticket.ref)
        if (!found) {
          await sendFeedback(engine, ticketSubject(ticket.category, ticket.text, ticket.ref), ticket.text)
          found = await findTicketByRef(engine, ticket.ref)
        }
        const id = found?.id
        rcPath = found?.rcPath
        if (!id)
          return {
            kind: 'rejected',
            message: i18n.t('DHIS2 took the request but it cannot be found. Send it again.'),
          } satisfies TicketSendOutcome
        await step({ conversationId: id })
      }
      if (!ticket.supervisorsAdded) {
        rcPath ??= (await findTicketByRef(engine, ticket.ref))?.rcPath
        const units = supervisionUnits(rcPath)
        if (units.length > 0) await addRecipients(engine, ticket.conversationId!, units)
        await step({ supervisorsAdded: true })
      }
      if (ticket.fileResourceId && !ticket.photoAttached) {
        try {
          await reply(engine, ticket.conversationId!, PHOTO_MESSAGE, { attachments: [ticket.fileResourceId] })
        } catch (error) {
          // 409 « already used »: an earlier try attached it (this file resource is this ticket's alone).
          const message = (error as { details?: { message?: string } }).details?.message ?? ''
          if (!/already used/.test(message)) throw error
        }
        await step({ photoAttached: true })
      }
      return { kind: 'sent' }
    } catch (error) {
      const outcome = classifySendError(error)
      return outcome.kind === 'superseded' ? { kind: 'rejected', message: outcome.message } : outcome
    }
  }
}
