// A DHIS2 feedback conversation read as a help desk ticket: its category and reference (from the subject), the
// RC who filed it and their zone (the sender's org unit path, as DHIS2 gives it), its status in the desk's three
// words, the thread, and the dates the statistics need. Pure: the conversation as DHIS2's JSON in, a ticket out.
import { parseTicketSubject, type TicketCategory } from './ticketSubject'

/** The desk's statuses, and DHIS2's (MessageConversationStatus) they are written as. */
export type DeskStatus = 'new' | 'in-progress' | 'resolved'
export type Dhis2Status = 'NONE' | 'OPEN' | 'PENDING' | 'INVALID' | 'SOLVED'

export const DESK_STATUSES: readonly DeskStatus[] = ['new', 'in-progress', 'resolved']

export const DHIS2_STATUS_OF: Readonly<Record<DeskStatus, Dhis2Status>> = {
  new: 'OPEN',
  'in-progress': 'PENDING',
  resolved: 'SOLVED',
}

/** DHIS2's five statuses in three: INVALID (set from DHIS2's messaging app) is closed too. */
export function deskStatus(status: string | undefined): DeskStatus {
  if (status === 'PENDING') return 'in-progress'
  if (status === 'SOLVED' || status === 'INVALID') return 'resolved'
  return 'new'
}

/** Level of the zones sanitaires: a ticket's zone is the RC's org unit's ancestor at this level. */
export const ZONE_LEVEL = 3

/** The id at `level` on an org unit path (`/Bénin/Dép/Zone/Aire/RC`), if the path goes that deep. */
export function ancestorAt(path: string | undefined, level: number): string | undefined {
  return path?.split('/').filter(Boolean)[level - 1]
}

/** Level of the aires sanitaires, where some supervisors are assigned too. */
export const AIRE_LEVEL = 4

/**
 * The org units whose assigned users supervise an RC: their zone and their aire. DHIS2 sends a ticket to the
 * feedback group only; the RC's app adds the users of these units, so the RC's own supervisors follow it too.
 */
export function supervisionUnits(rcPath: string | undefined): string[] {
  return [ancestorAt(rcPath, ZONE_LEVEL), ancestorAt(rcPath, AIRE_LEVEL)].filter((id): id is string => !!id)
}

// DHIS2 records no date when a status changes. The desk writes an internal note when it changes one (managers
// only see it): the note dates the change, says who made it, and gives the statistics their time to resolution.
const STATUS_NOTE = /^\[statut:(NONE|OPEN|PENDING|INVALID|SOLVED)\]/

export const statusNoteText = (status: Dhis2Status): string => `[statut:${status}]`

export function statusOfNote(text: string | undefined): Dhis2Status | undefined {
  return STATUS_NOTE.exec(text ?? '')?.[1] as Dhis2Status | undefined
}

export interface UserRefJson {
  id: string
  displayName?: string
  name?: string
  organisationUnits?: Array<{ id: string; path?: string; displayName?: string }>
}

export interface AttachmentJson {
  id: string
  name?: string
  contentType?: string
  contentLength?: number
}

export interface MessageJson {
  id: string
  text?: string
  created?: string
  internal?: boolean
  sender?: UserRefJson
  attachments?: AttachmentJson[]
}

export interface ConversationJson {
  id: string
  subject?: string
  messageType?: string
  status?: string
  priority?: string
  created?: string
  lastUpdated?: string
  lastMessage?: string
  read?: boolean
  assignee?: UserRefJson
  createdBy?: UserRefJson
  messages?: MessageJson[]
}

export interface TicketMessage {
  id: string
  text: string
  created: string
  sender?: { id: string; name: string }
  /** Written by the RC who filed the ticket. */
  fromRc: boolean
  internal: boolean
  /** The status this internal note records, for notes the desk wrote. */
  statusNote?: Dhis2Status
  attachments: AttachmentJson[]
}

export interface Ticket {
  id: string
  subject: string
  category: TicketCategory
  title: string
  ref?: string
  fromRelais: boolean
  status: DeskStatus
  dhis2Status: Dhis2Status
  priority: string
  created: string
  lastMessage: string
  /** Read by the person looking: false when something came since they last opened it. */
  read: boolean
  assignee?: { id: string; name: string }
  rc?: { id: string; name: string }
  orgUnit?: { id: string; path?: string; name?: string }
  zoneId?: string
  /** In date order; internal ones only when asked (2.41's list gives them to everyone). */
  messages: TicketMessage[]
  /** The first answer that is not the RC's own nor an internal note. */
  firstAnswerAt?: string
  /** When it was last marked resolved (the desk's note; else DHIS2's lastUpdated, the best guess left). */
  resolvedAt?: string
}

const nameOf = (u: UserRefJson) => u.displayName ?? u.name ?? u.id

export function ticketFromConversation(c: ConversationJson, options: { showInternal: boolean }): Ticket {
  const parsed = parseTicketSubject(c.subject ?? '')
  const rcId = c.createdBy?.id
  const all: TicketMessage[] = (c.messages ?? [])
    .map((m) => {
      const note = m.internal ? statusOfNote(m.text) : undefined
      return {
        id: m.id,
        text: m.text ?? '',
        created: m.created ?? '',
        ...(m.sender ? { sender: { id: m.sender.id, name: nameOf(m.sender) } } : {}),
        fromRc: rcId !== undefined && m.sender?.id === rcId,
        internal: m.internal === true,
        ...(note ? { statusNote: note } : {}),
        attachments: m.attachments ?? [],
      }
    })
    .sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : 0))
  const status = deskStatus(c.status)
  const answer = all.find((m) => !m.internal && !m.fromRc && m.sender !== undefined)
  const lastNote = [...all].reverse().find((m) => m.statusNote !== undefined)
  const resolvedAt =
    status !== 'resolved'
      ? undefined
      : lastNote && deskStatus(lastNote.statusNote) === 'resolved'
        ? lastNote.created
        : c.lastUpdated
  const unit = c.createdBy?.organisationUnits?.[0]
  const zoneId = ancestorAt(unit?.path, ZONE_LEVEL)
  return {
    id: c.id,
    subject: c.subject ?? '',
    category: parsed.category,
    title: parsed.title,
    ...(parsed.ref ? { ref: parsed.ref } : {}),
    fromRelais: parsed.fromRelais,
    status,
    dhis2Status: (c.status as Dhis2Status | undefined) ?? 'OPEN',
    priority: c.priority ?? 'NONE',
    created: c.created ?? all[0]?.created ?? '',
    lastMessage: c.lastMessage ?? all[all.length - 1]?.created ?? c.created ?? '',
    read: c.read ?? true,
    ...(c.assignee ? { assignee: { id: c.assignee.id, name: nameOf(c.assignee) } } : {}),
    ...(c.createdBy ? { rc: { id: c.createdBy.id, name: nameOf(c.createdBy) } } : {}),
    ...(unit ? { orgUnit: { id: unit.id, path: unit.path, name: unit.displayName } } : {}),
    ...(zoneId ? { zoneId } : {}),
    messages: options.showInternal ? all : all.filter((m) => !m.internal),
    ...(answer ? { firstAnswerAt: answer.created } : {}),
    ...(resolvedAt ? { resolvedAt } : {}),
  }
}

/** DHIS2's server-local timestamps (no offset) as milliseconds on one scale: fine for durations. */
export function timeOf(timestamp: string): number {
  return Date.parse(`${timestamp.slice(0, 23)}Z`)
}
