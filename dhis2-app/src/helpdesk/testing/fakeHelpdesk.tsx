// Test-only: a fake DHIS2 that keeps feedback tickets the way DHIS2 2.41 (and the stand-in) does — feedback, replies
// with attachments, internal notes, status, assignee, file resources, the feedback recipients group — and the app
// rendered against it at « Aide ». `online(false)` makes every call fail as a browser without network does.
import { json, renderRoutes, type CustomData } from '../../app/testing/renderRoutes'
import type { CurrentUser } from '../../shared/currentUser'
import { TicketStorageContext } from '../ticketQueueRegistry'
import type { PendingTicket } from '../ticketQueue'
import { memoryTicketStorage } from '../ticketStorage'
import type { ConversationJson, MessageJson } from '../tickets'

type Query = { resource: string; id?: string; params?: Record<string, unknown>; data?: unknown }

export const GROUP_ID = 'grpAdmins01'
export const ZONE_ID = 'ouZsAq00001'
export const RC_PATH = `/ouBenin0001/ouDepAq0001/${ZONE_ID}/ouAsAq00001/ouRcAq00001`

export const RC: CurrentUser = {
  id: 'usrRelais01',
  name: 'Mathias Hounsou',
  username: 'relais',
  authorities: ['F_DATAVALUE_ADD'],
  userGroups: [{ id: 'grpRc000001', code: 'RELAIS_RC', name: 'Relais communautaires' }],
  organisationUnits: [{ id: 'ouRcAq00001', name: 'RC Mathias Hounsou', level: 5 }],
}

export const ADMIN: CurrentUser = {
  id: 'usrAdmin001',
  name: 'Afi Mensah',
  username: 'administrateur',
  authorities: ['F_SEND_MESSAGE'],
  userGroups: [{ id: GROUP_ID, code: 'RELAIS_ADMINS', name: 'Administrateurs' }],
  organisationUnits: [{ id: 'ouBenin0001', name: 'Bénin', level: 1 }],
}

export const SUPERVISOR: CurrentUser = {
  id: 'usrSuperv01',
  name: 'Codjo Agossou',
  username: 'superviseur',
  authorities: ['F_SEND_MESSAGE'],
  userGroups: [{ id: 'grpSup00001', code: 'RELAIS_SUPERVISEURS', name: 'Superviseurs' }],
  organisationUnits: [{ id: ZONE_ID, name: 'ZS Ouidah', level: 3 }],
}

const USERS = [RC, ADMIN, SUPERVISOR]

export interface FakeHelpdeskOptions {
  user: CurrentUser
  conversations?: ConversationJson[]
  queued?: PendingTicket[]
  /** The feedback recipients group is set (default) or not. */
  groupSet?: boolean
  now?: string
}

export interface Call {
  type: string
  resource: string
  params: Record<string, unknown>
  data?: unknown
  /** False for a call made while the fake was offline (it failed). */
  online: boolean
}

export function renderHelpdesk(options: FakeHelpdeskOptions) {
  const conversations: ConversationJson[] = structuredClone(options.conversations ?? [])
  const files = new Map<string, { name: string; assigned: boolean }>()
  const calls: Call[] = []
  const recipientsAdded: Array<{ conversation: string; data: unknown }> = []
  let online = true
  let clock = Date.parse(`${options.now ?? '2026-10-03T09:00:00.000'}Z`)
  const now = () => new Date((clock += 60_000)).toISOString().slice(0, 23)
  let uid = 0
  const newUid = (prefix: string) => `${prefix}${String(++uid).padStart(11 - prefix.length, '0')}`
  const user = options.user
  const ref = (u: CurrentUser) => ({ id: u.id, displayName: u.name })
  const conflict = (message: string) => ({ type: 'access', message, details: { httpStatusCode: 409, message } })

  const handle = (type: string, query: Query): unknown => {
    calls.push({ type, resource: query.resource, params: query.params ?? {}, data: query.data, online })
    if (!online) throw { type: 'network', message: 'Failed to fetch' }
    const path = query.id ? `${query.resource}/${query.id}` : query.resource
    const params = query.params ?? {}
    let match: RegExpExecArray | null
    if (path === 'me') return json(user)
    if (path === 'configuration/feedbackRecipients')
      return options.groupSet === false ? null : json({ id: GROUP_ID, displayName: 'Administrateurs' })
    if (path === `userGroups/${GROUP_ID}`)
      return json({ id: GROUP_ID, displayName: 'Administrateurs', users: [ref(ADMIN)] })
    if (path === 'organisationUnits') return json({ organisationUnits: [{ id: ZONE_ID, displayName: 'ZS Ouidah' }] })
    if (path === 'fileResources') {
      const file = (query.data as { file: File }).file
      const id = newUid('file')
      files.set(id, { name: file.name, assigned: false })
      return json({ httpStatusCode: 202, response: { fileResource: { id, name: file.name } } })
    }
    if (path === 'messageConversations' && type === 'read') {
      const filters = ([] as unknown[]).concat(params.filter ?? []).map(String)
      const like = filters.find((f) => f.startsWith('subject:like:'))?.slice('subject:like:'.length)
      const mine = conversations.filter((c) => like === undefined || (c.subject ?? '').includes(like))
      return json({ messageConversations: mine })
    }
    if (path === 'messageConversations/feedback') {
      const created = now()
      conversations.unshift({
        id: newUid('mc'),
        subject: String(params.subject),
        messageType: 'TICKET',
        status: 'OPEN',
        priority: 'NONE',
        created,
        lastUpdated: created,
        lastMessage: created,
        read: true,
        createdBy: { ...ref(user), organisationUnits: [{ id: 'ouRcAq00001', path: RC_PATH, displayName: 'RC' }] },
        messages: [{ id: newUid('msg'), text: String(query.data), created, sender: ref(user), attachments: [] }],
      })
      return json({ httpStatusCode: 201, message: 'Feedback created' })
    }
    if ((match = /^messageConversations\/(\w+)\/recipients$/.exec(path))) {
      recipientsAdded.push({ conversation: match[1]!, data: query.data })
      return null
    }
    if ((match = /^messageConversations\/(\w+)\/read$/.exec(path))) {
      const c = conversations.find((x) => x.id === match?.[1])!
      c.read = true
      return json({ markedRead: [c.id] })
    }
    if ((match = /^messageConversations\/(\w+)\/(status|priority|assign)$/.exec(path))) {
      const c = conversations.find((x) => x.id === match?.[1])!
      c.lastUpdated = now()
      if (match[2] === 'status') {
        c.status = String(params.messageConversationStatus)
        return json({ [c.status]: [c.id] })
      }
      if (match[2] === 'priority') {
        c.priority = String(params.messageConversationPriority)
        return json({ [c.priority]: [c.id] })
      }
      if (type === 'delete') delete c.assignee
      else c.assignee = ref(USERS.find((u) => u.id === params.userId)!)
      return json({ message: 'ok' })
    }
    if ((match = /^messageConversations\/(\w+)$/.exec(path)) && type === 'create') {
      const c = conversations.find((x) => x.id === match?.[1])!
      const attachments = String(params.attachments ?? '')
        .split(',')
        .filter(Boolean)
      for (const id of attachments) {
        const file = files.get(id)
        if (!file) throw conflict(`Attachment '${id}' not found.`)
        if (file.assigned) throw conflict(`Attachment '${id}' is already used or not a valid attachment.`)
        file.assigned = true
      }
      const created = now()
      const message: MessageJson = {
        id: newUid('msg'),
        text: String(query.data),
        created,
        internal: params.internal === true,
        sender: ref(user),
        attachments: attachments.map((id) => ({ id, name: files.get(id)?.name })),
      }
      c.messages = [...(c.messages ?? []), message]
      c.lastMessage = created
      return json({ httpStatusCode: 201 })
    }
    throw new Error(`The fake DHIS2 has no ${type} ${path}`)
  }

  const data = new Proxy({} as CustomData, {
    get: (_target, resource) =>
      typeof resource === 'string' ? (type: string, query: Query) => handle(type, query) : undefined,
  })
  const storage = memoryTicketStorage(options.queued)
  const view = renderRoutes({
    data,
    path: '/aide',
    wrap: (routes) => <TicketStorageContext.Provider value={() => storage}>{routes}</TicketStorageContext.Provider>,
  })
  return {
    ...view,
    calls,
    recipientsAdded,
    conversations,
    storage,
    online: (on: boolean) => {
      online = on
    },
  }
}
