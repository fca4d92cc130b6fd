// A supervisor's follow-up reaches the RC as a DHIS2 message (issue 14 §3): the gap itself stays in the dataStore,
// shared with supervisors, data managers and administrators only (its cause may be medical, issue 11 §7); the
// RC gets the action decided and its due date, never the cause, through DHIS2's own messaging — addressed to
// their org unit, so DHIS2 delivers it to the RC's accounts and only to them, and the header bar shows it unread.
// « Mes résultats » lists these conversations. The mark in the subject finds them whatever the language.
import { statusOf, type Dhis2Access } from './dhis2Access'

export const FOLLOW_UP_MARK = '[Relais]'

export interface FollowUpMessage {
  subject: string
  text: string
}

export interface FollowUp {
  id: string
  subject: string
  lastUpdated: string
  text: string
  from: string
}

/** Sends the follow-up to the users of the RC's org unit. 'no-account': the RC has no DHIS2 account to tell. */
export async function sendFollowUp(
  api: Dhis2Access,
  orgUnit: string,
  message: FollowUpMessage,
): Promise<'sent' | 'no-account'> {
  try {
    await api.create('messageConversations', {
      subject: `${FOLLOW_UP_MARK} ${message.subject}`,
      text: message.text,
      organisationUnits: [{ id: orgUnit }],
    })
    return 'sent'
  } catch (error) {
    // DHIS2: 409 « No recipients selected. » when no user is assigned to the org unit.
    if (statusOf(error) === 409) return 'no-account'
    throw error
  }
}

interface Conversation {
  id: string
  subject?: string
  lastUpdated?: string
  messages?: Array<{ text?: string; created?: string; sender?: { displayName?: string; name?: string } }>
}

/** The follow-up conversations the user takes part in, newest first; `about` keeps those naming one RC. */
export async function loadFollowUps(api: Dhis2Access, about?: string): Promise<FollowUp[]> {
  const answer = (await api.get('messageConversations', {
    filter: `subject:like:${FOLLOW_UP_MARK}`,
    fields: 'id,subject,lastUpdated,messages[text,created,sender[displayName]]',
    order: 'lastUpdated:desc',
    pageSize: 20,
  })) as { messageConversations?: Conversation[] }
  return (answer.messageConversations ?? [])
    .filter((c) => c.subject?.startsWith(FOLLOW_UP_MARK) && (about === undefined || c.subject.includes(about)))
    .map((c) => {
      const first = c.messages?.[0]
      return {
        id: c.id,
        subject: (c.subject ?? '').slice(FOLLOW_UP_MARK.length).trim(),
        lastUpdated: c.lastUpdated ?? first?.created ?? '',
        text: first?.text ?? '',
        from: first?.sender?.displayName ?? first?.sender?.name ?? '',
      }
    })
}
