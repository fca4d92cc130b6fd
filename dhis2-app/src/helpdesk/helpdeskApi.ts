// The help desk's DHIS2 calls (setup-ops §6.1; core@2.41 MessageConversationController, FileResourceController),
// through the app's data engine: DHIS2's own feedback tickets, nothing stored anywhere else. The engine sends the
// feedback and replies as text/plain and the file as multipart by itself (its content-type matchers).
import type { useDataEngine } from '@dhis2/app-runtime'
import type { CurrentUser } from '../shared/currentUser'
import { refMark } from './ticketSubject'
import { statusNoteText, type ConversationJson, type Dhis2Status } from './tickets'

export type DataEngine = ReturnType<typeof useDataEngine>
type EngineMutation = Parameters<DataEngine['mutate']>[0]

/** What a ticket view needs of a conversation: the sender's org unit path gives the zone. */
export const TICKET_FIELDS = [
  'id',
  'subject',
  'messageType',
  'status',
  'priority',
  'created',
  'lastUpdated',
  'lastMessage',
  'read',
  'assignee[id,displayName]',
  'createdBy[id,displayName,organisationUnits[id,displayName,path]]',
  'messages[id,text,created,internal,sender[id,displayName],attachments[id,name,contentType,contentLength]]',
].join(',')

/** The most recent tickets a person takes part in; DHIS2 lists only those (a superuser's list too). */
export const TICKETS_PAGE_SIZE = 200

export async function loadTickets(engine: DataEngine): Promise<ConversationJson[]> {
  const answer = (await engine.query({
    tickets: {
      resource: 'messageConversations',
      params: {
        filter: 'messageType:eq:TICKET',
        fields: TICKET_FIELDS,
        order: 'lastMessage:desc',
        pageSize: TICKETS_PAGE_SIZE,
      },
    },
  })) as { tickets?: { messageConversations?: ConversationJson[] } }
  return answer.tickets?.messageConversations ?? []
}

/**
 * The conversation of a ticket, by the reference in its subject (DHIS2 gives the new uid only in a header), with
 * the org unit path of the RC who filed it.
 */
export async function findTicketByRef(
  engine: DataEngine,
  ref: string,
): Promise<{ id: string; rcPath?: string } | undefined> {
  const answer = (await engine.query({
    found: {
      resource: 'messageConversations',
      params: {
        filter: ['messageType:eq:TICKET', `subject:like:${refMark(ref)}`],
        fields: 'id,createdBy[organisationUnits[path]]',
        pageSize: 5,
      },
    },
  })) as { found?: { messageConversations?: ConversationJson[] } }
  const found = answer.found?.messageConversations?.[0]
  if (!found) return undefined
  const rcPath = found.createdBy?.organisationUnits?.[0]?.path
  return rcPath ? { id: found.id, rcPath } : { id: found.id }
}

/** POST /api/messageConversations/{uid}/recipients: the users assigned to these org units take part too. */
export async function addRecipients(engine: DataEngine, conversation: string, orgUnits: string[]): Promise<void> {
  await engine.mutate({
    type: 'create',
    resource: `messageConversations/${conversation}/recipients`,
    data: { organisationUnits: orgUnits.map((id) => ({ id })) },
  })
}

/** POST /api/fileResources?domain=MESSAGE_ATTACHMENT: the new file resource's uid. */
export async function uploadAttachment(engine: DataEngine, file: File): Promise<string> {
  const answer = (await engine.mutate({
    type: 'create',
    resource: 'fileResources',
    params: { domain: 'MESSAGE_ATTACHMENT' },
    data: { file },
  })) as { response?: { fileResource?: { id?: string } } }
  const id = answer.response?.fileResource?.id
  if (!id) throw new Error('DHIS2 did not return the uploaded file')
  return id
}

/** POST /api/messageConversations/feedback?subject=… with the text as the body: a TICKET to the feedback group. */
export async function sendFeedback(engine: DataEngine, subject: string, text: string): Promise<void> {
  await engine.mutate({
    type: 'create',
    resource: 'messageConversations/feedback',
    params: { subject },
    data: text as unknown as Record<string, never>,
  })
}

/** POST /api/messageConversations/{uid}: a reply; `internal` for managers' notes, `attachments` file uids. */
export async function reply(
  engine: DataEngine,
  conversation: string,
  text: string,
  options: { internal?: boolean; attachments?: string[] } = {},
): Promise<void> {
  await engine.mutate({
    type: 'create',
    resource: `messageConversations/${conversation}`,
    params: {
      ...(options.internal ? { internal: true } : {}),
      ...(options.attachments?.length ? { attachments: options.attachments.join(',') } : {}),
    },
    data: text as unknown as Record<string, never>,
  })
}

const noBody = (resource: string, params: Record<string, string>): EngineMutation =>
  // The engine's type wants `data` on a create; these endpoints take their value in the query string only.
  ({ type: 'create', resource, params }) as unknown as EngineMutation

/**
 * Sets the status; a ticket manager then dates the change with an internal note (DHIS2 keeps no date of it, and
 * lets only its ticket managers write internal notes).
 */
export async function setStatus(
  engine: DataEngine,
  conversation: string,
  status: Dhis2Status,
  { note }: { note: boolean },
): Promise<void> {
  await engine.mutate(noBody(`messageConversations/${conversation}/status`, { messageConversationStatus: status }))
  if (note) await reply(engine, conversation, statusNoteText(status), { internal: true })
}

export type Dhis2Priority = 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH'

export const PRIORITIES: readonly Dhis2Priority[] = ['NONE', 'LOW', 'MEDIUM', 'HIGH']

export async function setPriority(engine: DataEngine, conversation: string, priority: Dhis2Priority): Promise<void> {
  await engine.mutate(
    noBody(`messageConversations/${conversation}/priority`, { messageConversationPriority: priority }),
  )
}

/** Marks the ticket read for the person (DHIS2's header bar counts the unread ones). */
export async function markRead(engine: DataEngine, conversation: string): Promise<void> {
  await engine.mutate(noBody(`messageConversations/${conversation}/read`, {}))
}

export async function assign(engine: DataEngine, conversation: string, userId: string | null): Promise<void> {
  if (userId === null) {
    await engine.mutate({ type: 'delete', resource: `messageConversations/${conversation}`, id: 'assign' })
    return
  }
  await engine.mutate(noBody(`messageConversations/${conversation}/assign`, { userId }))
}

export interface FeedbackGroup {
  id: string
  name: string
  members: Array<{ id: string; name: string }>
}

/**
 * DHIS2's feedback recipients group (system setting): its members receive the tickets, may be assigned, and
 * manage tickets — with superusers. Null when no group is set (DHIS2 then sends tickets to nobody).
 */
export async function loadFeedbackGroup(engine: DataEngine): Promise<FeedbackGroup | null> {
  const setting = (await engine.query({ group: { resource: 'configuration/feedbackRecipients' } })) as {
    group?: { id?: string } | string | null
  }
  const id = typeof setting.group === 'object' ? setting.group?.id : undefined
  if (!id) return null
  const group = (await engine.query({
    group: { resource: `userGroups/${id}`, params: { fields: 'id,displayName,users[id,displayName]' } },
  })) as { group?: { id: string; displayName?: string; users?: Array<{ id: string; displayName?: string }> } }
  return {
    id,
    name: group.group?.displayName ?? id,
    members: (group.group?.users ?? [])
      .map((u) => ({ id: u.id, name: u.displayName ?? u.id }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  }
}

/** MessageService.hasAccessToManageFeedbackMessages: in the feedback group, or a superuser. */
export function managesTickets(user: CurrentUser, group: FeedbackGroup | null): boolean {
  if (user.authorities?.includes('ALL')) return true
  return (
    group !== null && (user.userGroups.some((g) => g.id === group.id) || group.members.some((m) => m.id === user.id))
  )
}

/** The names of the zones the tickets come from (one call for all). */
export async function loadZoneNames(engine: DataEngine, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map()
  const answer = (await engine.query({
    zones: {
      resource: 'organisationUnits',
      params: { filter: `id:in:[${ids.join(',')}]`, fields: 'id,displayName', pageSize: ids.length },
    },
  })) as { zones?: { organisationUnits?: Array<{ id: string; displayName: string }> } }
  return new Map((answer.zones?.organisationUnits ?? []).map((ou) => [ou.id, ou.displayName]))
}

/** Where the browser fetches an attachment (the image of a ticket), relative to the app's base URL. */
export function attachmentPath(conversation: string, message: string, file: string): string {
  return `api/messageConversations/${conversation}/${message}/attachments/${file}`
}
