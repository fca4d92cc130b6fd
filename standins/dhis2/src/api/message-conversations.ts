/**
 * `/api/messageConversations` as DHIS2 2.41 answers it (web-api §7, §8; core@2.41
 * `MessageConversationController`, `DefaultMessageService`, `MessageConversation`):
 * - list: only the conversations the signed-in user takes part in (even for a superuser), with
 *   `fields`, `filter`, `order`, paging and the pager; one: participants or superusers, else 403;
 * - POST (JSON only): PRIVATE conversation to users, user groups and organisation units (an org unit
 *   means the users assigned to it); 201 "Message conversation created" with the uid ONLY in the
 *   `Location` header; 409 `No recipients selected.` / `User does not exist: …` /
 *   `Organisation Unit does not exist: …`; 404 for an unknown user group;
 * - POST /feedback?subject=… (text body): a TICKET conversation to the feedback recipients group
 *   (the `feedbackRecipients` system setting — a user group id; unset, nobody: the seeded states set
 *   RELAIS_ADMINS, as `relais setup` does);
 * - POST /{uid} (text body): reply, 201 + Location; marks the conversation unread for the others;
 * - POST /{uid}/read|unread, POST /read|unread (JSON array of uids);
 * - POST /{uid}/recipients (JSON: users, userGroups, organisationUnits, as on create) → 204, for participants
 *   (and a TICKET's managers): the RC's app adds their zone's supervisors to the RC's ticket this way;
 * - tickets: POST /{uid}/status?messageConversationStatus=, /{uid}/priority?messageConversationPriority=,
 *   /{uid}/assign?userId= (a TICKET's assignee must be in the feedback recipients group, else 409), DELETE
 *   /{uid}/assign — allowed to participants, superusers, and for a TICKET to its managers (feedback recipients
 *   group members or ALL: `MessageService.hasAccessToManageFeedbackMessages`); answers are DHIS2's RootNodes
 *   (`{"SOLVED": [uid]}`, `{"message": …}`), 404 `{"message": …}` for an unknown conversation;
 * - internal replies (`?internal=true`, managers only): hidden from non-managers by GET /{uid} only — the list
 *   keeps them, as 2.41 does (`postProcessResponseEntity` is overridden, not `…Entities`); an internal reply
 *   marks the conversation unread only for users with F_MANAGE_TICKETS or ALL (`MessageConversation.markReplied`);
 * - attachments: file resources of domain MESSAGE_ATTACHMENT not yet assigned, on POST (`attachments: [{id}]`)
 *   and on replies (`?attachments=uid,uid`); the feedback endpoint takes none. GET /{mc}/{msg}/attachments/{file};
 * - GET|POST /api/configuration/feedbackRecipients.
 * The header bar's unread counter (`/api/me/dashboard`) reads `participants` and `readBy`.
 */
import express, { type Request, type Response, type Router } from 'express'
import { generateUid, type User } from '@relais/mappings'
import { HttpError, sendWebMessage, webMessage } from '../http/web-message'
import type { AuthUser, StandinContext } from '../context'
import { parseFields, type FieldNode } from '../query/fields'
import { enumParam, fileResourceJson, fileResourcesOf, sendFileContent } from './file-resources'
import type { Message, MessageConversation } from '../store/state'

const ENDPOINT = '/messageConversations'
const USER_REF_KEYS = new Set(['lastSender', 'user', 'sender', 'createdBy', 'assignee'])

interface Ref {
  id?: unknown
}
interface PostedConversation {
  subject?: unknown
  text?: unknown
  users?: Ref[]
  userGroups?: Ref[]
  organisationUnits?: Ref[]
  attachments?: Ref[]
}

/** `Location` as DHIS2 writes it: the absolute API path (with the `/api/<version>` of the request). */
export function locationOf(req: Request, res: Response, path: string): string {
  const version = typeof res.locals.apiVersion === 'number' ? `/${res.locals.apiVersion}` : ''
  return `${req.protocol}://${req.get('host') ?? 'localhost'}/api${version}${path}`
}

function requireJson(req: Request): void {
  const type = req.get('content-type')
  if (type?.split(';')[0]?.trim().toLowerCase() !== 'application/json') {
    throw new HttpError(415, `Content type '${type ?? ''}' not supported`)
  }
}

function textBody(req: Request): string {
  return typeof req.body === 'string' ? req.body : ''
}

function queryValues(req: Request, name: string): string[] {
  const v = req.query[name]
  if (v === undefined) return []
  return (Array.isArray(v) ? v : [v]).map(String)
}

export function feedbackRecipientGroupId(ctx: StandinContext): string | undefined {
  const setting = ctx.state.systemSettings.feedbackRecipients
  const id = typeof setting === 'string' ? setting : (setting as Ref | undefined)?.id
  // Unset, as on a new DHIS2: feedback goes to nobody (DefaultMessageService.getFeedbackRecipients).
  return typeof id === 'string' && ctx.index.userGroupsById.has(id) ? id : undefined
}

function groupMembers(ctx: StandinContext, groupId: string | undefined): string[] {
  if (!groupId) return []
  const fromGroup = ctx.index.userGroupsById.get(groupId)?.users.map((u) => u.id) ?? []
  const fromUsers = ctx.state.users.filter((u) => u.userGroups.some((g) => g.id === groupId)).map((u) => u.id)
  return [...new Set([...fromGroup, ...fromUsers])]
}

/** ConfigurationService.isUserInFeedbackRecipientUserGroup (a superuser outside the group is not in it). */
function inFeedbackGroup(ctx: StandinContext, userId: string): boolean {
  return groupMembers(ctx, feedbackRecipientGroupId(ctx)).includes(userId)
}

const ids = (refs: Ref[] | undefined) => (Array.isArray(refs) ? refs.map((r) => String(r?.id ?? '')) : [])

/** getUsersToMessageConversation: org units (their assigned users), users, then user groups, checked in that order. */
function usersToMessageConversation(ctx: StandinContext, posted: PostedConversation): Set<string> {
  const recipients = new Set<string>()
  for (const id of ids(posted.organisationUnits)) {
    if (!ctx.index.metadata.objects.organisationUnits.byId.has(id))
      throw new HttpError(409, `Organisation Unit does not exist: ${id}`, 'E1004')
    for (const u of ctx.state.users) if (u.organisationUnits.some((o) => o.id === id)) recipients.add(u.id)
  }
  for (const id of ids(posted.users)) {
    if (!ctx.index.usersById.has(id)) throw new HttpError(409, `User does not exist: ${id}`, 'E1004')
    recipients.add(id)
  }
  for (const id of ids(posted.userGroups)) {
    if (!ctx.index.userGroupsById.has(id))
      throw new HttpError(404, `UserGroup with id ${id} could not be found.`, 'E1005')
    for (const member of groupMembers(ctx, id)) recipients.add(member)
  }
  return recipients
}

/** MessageService.hasAccessToManageFeedbackMessages: in the feedback recipients group, or ALL. */
function managesFeedback(ctx: StandinContext, user: AuthUser): boolean {
  return user.isSuperuser || inFeedbackGroup(ctx, user.user.id)
}

const STATUSES = ['NONE', 'OPEN', 'PENDING', 'INVALID', 'SOLVED'] as const
const PRIORITIES = ['NONE', 'LOW', 'MEDIUM', 'HIGH'] as const

/** `Required request parameter …`: Spring's own 400 (CrudControllerAdvice rethrows ServletExceptions). */
function requiredEnum<T extends string>(req: Request, name: string, type: string, values: readonly T[]): T {
  const value = enumParam(req, name, values)
  if (value === undefined)
    throw new HttpError(400, `Required request parameter '${name}' for method parameter type ${type} is not present`)
  return value
}

/**
 * Checks and assigns attachments as DHIS2 does, one after the other (an earlier one stays assigned when a
 * later one is refused): the error message of the first refused, or undefined.
 */
function attach(ctx: StandinContext, uids: string[]): string | undefined {
  for (const uid of uids) {
    const file = fileResourcesOf(ctx).find((f) => f.id === uid)
    if (!file) return `Attachment '${uid}' not found.`
    if (file.domain !== 'MESSAGE_ATTACHMENT' || file.assigned)
      return `Attachment '${uid}' is already used or not a valid attachment.`
    file.assigned = true
  }
  return undefined
}

function canRead(user: AuthUser, c: MessageConversation): boolean {
  return user.isSuperuser || c.participants.includes(user.user.id)
}

function hasAccess(ctx: StandinContext, user: AuthUser, c: MessageConversation): boolean {
  return canRead(user, c) || (c.messageType === 'TICKET' && managesFeedback(ctx, user))
}

function newConversation(
  ctx: StandinContext,
  subject: string,
  text: string,
  type: MessageConversation['messageType'],
  sender: User,
  recipients: string[],
): MessageConversation {
  const now = ctx.clock.timestamp()
  const message: Message = { id: generateUid(), text, created: now, sender: sender.id }
  return {
    id: generateUid(),
    subject,
    messageType: type,
    created: now,
    lastUpdated: now,
    lastMessage: now,
    createdBy: sender.id,
    participants: [...new Set([...recipients.filter((id) => id !== sender.id), sender.id])],
    readBy: [sender.id],
    messages: [message],
  }
}

/** The MessageConversation as DHIS2 serialises it, for one reader (`read` is per user). */
function dtoOf(
  ctx: StandinContext,
  c: MessageConversation,
  reader: AuthUser,
  baseUrl: string,
): Record<string, unknown> {
  const users = ctx.index.usersById
  const last = c.messages[c.messages.length - 1]
  const lastSender = last?.sender ? users.get(last.sender) : undefined
  const creator = c.createdBy ? users.get(c.createdBy) : undefined
  const dto: Record<string, unknown> = {
    id: c.id,
    href: `${baseUrl}/api${ENDPOINT}/${c.id}`,
    name: c.subject,
    displayName: c.subject,
    subject: c.subject,
    created: c.created,
    lastUpdated: c.lastUpdated,
    lastMessage: c.lastMessage,
    messageType: c.messageType,
    status: c.status ?? (c.messageType === 'TICKET' || c.messageType === 'VALIDATION' ? 'OPEN' : 'NONE'),
    priority: c.priority ?? 'NONE',
    ...(c.assignee ? { assignee: { id: c.assignee } } : {}),
    read: c.readBy.includes(reader.user.id),
    followUp: false,
    // MessageConversation.addMessage counts only the messages that are not internal.
    messageCount: c.messages.filter((m) => !m.internal).length,
    userMessages: c.participants.map((id) => ({ user: { id }, read: c.readBy.includes(id), followUp: false })),
    messages: c.messages.map((m) => ({
      id: m.id,
      created: m.created,
      lastUpdated: m.created,
      text: m.text,
      ...(m.sender ? { sender: { id: m.sender } } : {}),
      internal: m.internal ?? false,
      attachments: (m.attachments ?? []).flatMap((uid) => {
        const file = fileResourcesOf(ctx).find((f) => f.id === uid)
        return file ? [fileResourceJson(file)] : []
      }),
    })),
  }
  if (lastSender)
    Object.assign(dto, {
      lastSender: { id: lastSender.id },
      lastSenderFirstname: lastSender.firstName,
      lastSenderSurname: lastSender.surname,
    })
  if (creator)
    Object.assign(dto, {
      createdBy: { id: creator.id },
      user: { id: creator.id },
      userFirstname: creator.firstName,
      userSurname: creator.surname,
    })
  return dto
}

/** A small field renderer for conversations: presets, `!x`, nested `[…]`, user references resolved. */
function render(ctx: StandinContext, object: Record<string, unknown>, nodes: FieldNode[]): Record<string, unknown> {
  const excluded = new Set(nodes.filter((n) => n.exclude).map((n) => n.name))
  const selected: FieldNode[] = []
  const add = (node: FieldNode) => {
    const at = selected.findIndex((s) => s.name === node.name)
    if (at >= 0) selected[at] = node
    else selected.push(node)
  }
  for (const node of nodes) {
    if (node.exclude) continue
    if (node.name === '*' || node.name === ':all' || node.name === ':owner') {
      for (const key of Object.keys(object)) if (!selected.some((s) => s.name === key)) selected.push({ name: key })
    } else if (node.name === ':identifiable') {
      for (const key of ['id', 'name', 'displayName', 'created', 'lastUpdated', 'href']) add({ name: key })
    } else add(node)
  }
  const out: Record<string, unknown> = {}
  for (const node of selected) {
    if (excluded.has(node.name)) continue
    let value = object[node.name]
    if (value === undefined) continue
    value = renderValue(ctx, value, node)
    if (node.transform) {
      const size = Array.isArray(value)
        ? value.length
        : typeof value === 'string'
          ? value.length
          : value == null
            ? 0
            : 1
      value = node.transform === 'size' ? size : node.transform === 'isEmpty' ? size === 0 : size > 0
    }
    out[node.rename ?? node.name] = value
  }
  return out
}

function renderValue(ctx: StandinContext, value: unknown, node: FieldNode): unknown {
  if (Array.isArray(value)) return value.map((v) => renderValue(ctx, v, node))
  if (value === null || typeof value !== 'object') return value
  const record = value as Record<string, unknown>
  if (USER_REF_KEYS.has(node.name) && typeof record.id === 'string') {
    if (!node.children) return { id: record.id }
    const u = ctx.index.usersById.get(record.id)
    if (!u) return { id: record.id }
    const units = ctx.index.metadata.objects.organisationUnits.byId
    const userObject = {
      id: u.id,
      code: u.code,
      name: u.name,
      displayName: u.name,
      username: u.username,
      firstName: u.firstName,
      surname: u.surname,
      // A User's org units, as DHIS2's field filter walks them (`sender[organisationUnits[id,path]]`).
      organisationUnits: u.organisationUnits.map((ref) => {
        const ou = units.get(ref.id)
        return ou
          ? { id: ou.id, code: ou.code, name: ou.name, displayName: ou.name, level: ou.level, path: ou.path }
          : { id: ref.id }
      }),
    }
    return render(ctx, userObject, node.children)
  }
  return node.children ? render(ctx, record, node.children) : value
}

/** `filter=prop:op:value` over the serialised conversation (dotted paths fan out over arrays). */
function matchesFilter(object: Record<string, unknown>, text: string): boolean {
  const first = text.indexOf(':')
  const second = first < 0 ? -1 : text.indexOf(':', first + 1)
  const path = (first < 0 ? text : text.slice(0, first)).split('.')
  const op = first < 0 ? '' : second < 0 ? text.slice(first + 1) : text.slice(first + 1, second)
  const value = second < 0 ? '' : text.slice(second + 1)
  const known = [
    'eq',
    '!eq',
    'ne',
    'neq',
    'ieq',
    'like',
    '!like',
    'ilike',
    '!ilike',
    '$like',
    '$ilike',
    'like$',
    'ilike$',
    'in',
    '!in',
    'null',
    '!null',
    'gt',
    'ge',
    'lt',
    'le',
    'token',
  ]
  if (!known.includes(op))
    throw new HttpError(400, `Query failed because of a syntax error (Invalid filter operator: ${op})`, 'E2014')
  const values: unknown[] = []
  const walk = (node: unknown, rest: string[]): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, rest))
    if (rest.length === 0) return void values.push(node)
    if (node === null || typeof node !== 'object') return void values.push(undefined)
    walk((node as Record<string, unknown>)[rest[0] ?? ''], rest.slice(1))
  }
  walk(object, path)
  const test = (actual: unknown): boolean => {
    const s = actual === undefined || actual === null ? undefined : String(actual)
    const l = s?.toLowerCase()
    const v = value.toLowerCase()
    switch (op) {
      case 'eq':
        return s === value
      case '!eq':
      case 'ne':
      case 'neq':
        return s !== value
      case 'ieq':
        return l === v
      case 'like':
        return s?.includes(value) ?? false
      case '!like':
        return !(s?.includes(value) ?? false)
      case 'ilike':
      case 'token':
        return l?.includes(v) ?? false
      case '!ilike':
        return !(l?.includes(v) ?? false)
      case '$like':
        return s?.startsWith(value) ?? false
      case '$ilike':
        return l?.startsWith(v) ?? false
      case 'like$':
        return s?.endsWith(value) ?? false
      case 'ilike$':
        return l?.endsWith(v) ?? false
      case 'in':
        return (
          s !== undefined &&
          value
            .replace(/^\[|\]$/g, '')
            .split(',')
            .includes(s)
        )
      case '!in':
        return (
          s === undefined ||
          !value
            .replace(/^\[|\]$/g, '')
            .split(',')
            .includes(s)
        )
      case 'null':
        return s === undefined
      case '!null':
        return s !== undefined
      case 'gt':
        return s !== undefined && (typeof actual === 'number' ? actual > Number(value) : s > value)
      case 'ge':
        return s !== undefined && (typeof actual === 'number' ? actual >= Number(value) : s >= value)
      case 'lt':
        return s !== undefined && (typeof actual === 'number' ? actual < Number(value) : s < value)
      case 'le':
        return s !== undefined && (typeof actual === 'number' ? actual <= Number(value) : s <= value)
      default:
        return false
    }
  }
  const negative = op.startsWith('!') || op === 'ne' || op === 'neq' || op === 'null'
  return negative ? values.every(test) : values.some(test)
}

export function registerMessageConversations(router: Router, ctx: StandinContext): void {
  const conversations = () => ctx.state.messageConversations
  const find = (uid: string) => conversations().find((c) => c.id === uid)
  const json = express.json({ type: () => true, limit: '5mb' })
  const text = express.text({ type: () => true, limit: '5mb' })
  const baseUrl = (req: Request) => `${req.protocol}://${req.get('host') ?? 'localhost'}`

  router.get(ENDPOINT, (req, res) => {
    const user = ctx.userOf(req)
    let items = conversations()
      .filter((c) => c.participants.includes(user.user.id))
      .map((c) => dtoOf(ctx, c, user, baseUrl(req)))
    const filters = queryValues(req, 'filter')
    if (filters.length > 0) {
      const any = String(req.query.rootJunction ?? 'AND').toUpperCase() === 'OR'
      items = items.filter((o) =>
        any ? filters.some((f) => matchesFilter(o, f)) : filters.every((f) => matchesFilter(o, f)),
      )
    }
    const queryString = typeof req.query.queryString === 'string' ? req.query.queryString.toLowerCase() : undefined
    if (queryString) {
      items = items.filter((o) => {
        const c = find(String(o.id))
        const senders = (c?.messages ?? []).map((m) =>
          m.sender ? (ctx.index.usersById.get(m.sender)?.name ?? '') : '',
        )
        return [String(o.subject), ...(c?.messages ?? []).map((m) => m.text), ...senders].some((t) =>
          t.toLowerCase().includes(queryString),
        )
      })
    }
    const [orderProp = 'lastMessage', orderDir = 'desc'] = (queryValues(req, 'order')[0] ?? 'lastMessage:desc').split(
      ':',
    )
    const sign = orderDir.endsWith('desc') ? -1 : 1
    items.sort((a, b) => {
      const x = String(a[orderProp] ?? '')
      const y = String(b[orderProp] ?? '')
      return (
        sign * (orderDir.startsWith('i') ? x.toLowerCase().localeCompare(y.toLowerCase()) : x < y ? -1 : x > y ? 1 : 0)
      )
    })
    const fields = parseFields(queryValues(req, 'fields').join(',') || 'id,displayName')
    const body: Record<string, unknown> = {}
    const paging = String(req.query.paging ?? 'true') !== 'false'
    if (paging) {
      const pageSize = Math.max(1, Number(req.query.pageSize ?? 50) || 50)
      const page = Math.max(1, Number(req.query.page ?? 1) || 1)
      const total = items.length
      const pageCount = Math.max(1, Math.ceil(total / pageSize))
      const pager: Record<string, unknown> = { page, total, pageSize, pageCount }
      const link = (p: number) => {
        const params = new URLSearchParams(req.query as Record<string, string>)
        params.set('page', String(p))
        return `${baseUrl(req)}/api${ENDPOINT}?${params.toString()}`
      }
      if (page < pageCount) pager.nextPage = link(page + 1)
      if (page > 1) pager.prevPage = link(page - 1)
      body.pager = pager
      items = items.slice((page - 1) * pageSize, page * pageSize)
    }
    body.messageConversations = items.map((o) => render(ctx, o, fields))
    res.json(body)
  })

  router.post(ENDPOINT, text, (req, res) => {
    requireJson(req)
    const user = ctx.userOf(req)
    let posted: PostedConversation
    try {
      posted = (JSON.parse(textBody(req) || '{}') ?? {}) as PostedConversation
    } catch (error) {
      // renderService.fromJson → JsonParseException → 409 (CrudControllerAdvice).
      throw new HttpError(409, (error as Error).message)
    }
    const recipients = usersToMessageConversation(ctx, posted)
    if (recipients.size === 0) throw new HttpError(409, 'No recipients selected.', 'E1004')
    const attachments = ids(posted.attachments)
    const refused = attach(ctx, attachments)
    if (refused) throw new HttpError(409, refused, 'E1004')
    const conversation = newConversation(
      ctx,
      String(posted.subject ?? ''),
      String(posted.text ?? ''),
      'PRIVATE',
      user.user,
      [...recipients],
    )
    if (attachments.length > 0 && conversation.messages[0]) conversation.messages[0].attachments = attachments
    conversations().push(conversation)
    res.set('Location', locationOf(req, res, `${ENDPOINT}/${conversation.id}`))
    sendWebMessage(res, 201, 'Message conversation created')
  })

  router.post(`${ENDPOINT}/feedback`, text, (req, res) => {
    const user = ctx.userOf(req)
    const subject = req.query.subject
    if (typeof subject !== 'string') {
      // No handler for MissingServletRequestParameterException in 2.41: the catch-all answers 500.
      throw new HttpError(500, "Required request parameter 'subject' for method parameter type String is not present")
    }
    const recipients = groupMembers(ctx, feedbackRecipientGroupId(ctx))
    const conversation = newConversation(ctx, subject, textBody(req), 'TICKET', user.user, recipients)
    conversations().push(conversation)
    res.set('Location', locationOf(req, res, `${ENDPOINT}/${conversation.id}`))
    sendWebMessage(res, 201, 'Feedback created')
  })

  const markRead = (req: Request, res: Response, uids: string[], userParam: unknown, read: boolean) => {
    const current = ctx.userOf(req)
    const target = typeof userParam === 'string' ? ctx.index.usersById.get(userParam) : current.user
    if (!target) {
      res.status(404).json({ message: `No user with uid: ${String(userParam)}` })
      return
    }
    const found = conversations().filter((c) => uids.includes(c.id))
    if (found.length === 0) {
      res.status(404).json({ message: 'No MessageConversations found for the given IDs.' })
      return
    }
    for (const c of found) {
      if (!hasAccess(ctx, current, c))
        throw new HttpError(403, 'Not authorized to change read property of this conversation.', 'E1006')
    }
    const marked: string[] = []
    for (const c of found) {
      if (!c.participants.includes(target.id)) continue
      const wasRead = c.readBy.includes(target.id)
      if (read && !wasRead) c.readBy.push(target.id)
      if (!read && wasRead) c.readBy = c.readBy.filter((id) => id !== target.id)
      if (wasRead !== read) marked.push(c.id)
    }
    res.json({ [read ? 'markedRead' : 'markedUnread']: marked })
  }
  const uidList = (req: Request): string[] => (Array.isArray(req.body) ? (req.body as unknown[]).map(String) : [])
  router.post(`${ENDPOINT}/read`, json, (req, res) => markRead(req, res, uidList(req), req.query.user, true))
  router.post(`${ENDPOINT}/unread`, json, (req, res) => markRead(req, res, uidList(req), req.query.user, false))
  router.post(`${ENDPOINT}/:uid/read`, (req, res) =>
    markRead(req, res, [String(req.params.uid)], req.query.userUid, true),
  )
  router.post(`${ENDPOINT}/:uid/unread`, (req, res) =>
    markRead(req, res, [String(req.params.uid)], req.query.userUid, false),
  )

  router.get(`${ENDPOINT}/:uid`, (req, res) => {
    const user = ctx.userOf(req)
    const uid = String(req.params.uid)
    const c = find(uid)
    if (!c) {
      // 2.41 sets 404 on the servlet response, then returns ResponseEntity.ok(…), which wins: 200.
      res.status(200).json({ message: `No MessageConversation found with UID: ${uid}` })
      return
    }
    if (!canRead(user, c)) throw new HttpError(403, 'Not authorized to access this conversation.')
    if (req.query.markRead === 'true' && c.participants.includes(user.user.id) && !c.readBy.includes(user.user.id))
      c.readBy.push(user.user.id)
    // postProcessResponseEntity: only ticket managers see internal messages (here, not in the list).
    const shown = managesFeedback(ctx, user) ? c : { ...c, messages: c.messages.filter((m) => !m.internal) }
    res.json(
      render(ctx, dtoOf(ctx, shown, user, baseUrl(req)), parseFields(queryValues(req, 'fields').join(',') || '*')),
    )
  })

  router.post(`${ENDPOINT}/:uid`, text, (req, res) => {
    const user = ctx.userOf(req)
    const uid = String(req.params.uid)
    const c = find(uid)
    if (!c) {
      res.status(404).json(webMessage(404, `Message conversation does not exist: ${uid}`))
      return
    }
    if (req.query.internal === 'true' && !managesFeedback(ctx, user))
      throw new HttpError(403, 'Not authorized to send internal messages')
    if (!hasAccess(ctx, user, c))
      throw new HttpError(403, 'Not authorized to send messages to this conversation.', 'E1006')
    const internal = req.query.internal === 'true'
    // `?attachments=a,b` or repeated: Spring binds both to the Set<String>.
    const attachments = [...new Set(queryValues(req, 'attachments').flatMap((v) => v.split(',')))].filter(Boolean)
    const refused = attach(ctx, attachments)
    if (refused) {
      res.status(409).json(webMessage(409, refused))
      return
    }
    const now = ctx.clock.timestamp()
    c.messages.push({
      id: generateUid(),
      text: textBody(req),
      created: now,
      sender: user.user.id,
      ...(internal ? { internal } : {}),
      ...(attachments.length > 0 ? { attachments } : {}),
    })
    // markReplied: everyone but the sender gets it as unread — for an internal message, only those with
    // F_MANAGE_TICKETS or ALL.
    const seesInternal = (id: string) => {
      const u = ctx.index.usersById.get(id)
      const authorities = u ? ctx.index.authoritiesOf(u) : new Set<string>()
      return authorities.has('F_MANAGE_TICKETS') || authorities.has('ALL')
    }
    c.readBy = c.readBy.filter((id) => id === user.user.id || (internal && !seesInternal(id)))
    c.lastMessage = now
    c.lastUpdated = now
    res.set('Location', locationOf(req, res, `${ENDPOINT}/${c.id}`))
    sendWebMessage(res, 201, 'Message conversation created')
  })

  // addRecipientsToMessageConversation: 204; the new participants get it unread.
  router.post(`${ENDPOINT}/:uid/recipients`, text, (req, res) => {
    requireJson(req)
    const user = ctx.userOf(req)
    const uid = String(req.params.uid)
    const c = find(uid)
    if (!c) throw new HttpError(404, `Message conversation does not exist: ${uid}`)
    if (!hasAccess(ctx, user, c))
      throw new HttpError(403, 'Not authorized to change recipients in this conversation.', 'E1006')
    let posted: PostedConversation
    try {
      posted = (JSON.parse(textBody(req) || '{}') ?? {}) as PostedConversation
    } catch (error) {
      throw new HttpError(400, (error as Error).message)
    }
    for (const id of usersToMessageConversation(ctx, posted)) if (!c.participants.includes(id)) c.participants.push(id)
    c.lastUpdated = ctx.clock.timestamp()
    res.status(204).end()
  })

  /** The ticket endpoints' common start: 404 `{"message": …}` for an unknown conversation, 403 without access. */
  const ticket = (req: Request, res: Response, forbidden: string): MessageConversation | undefined => {
    const user = ctx.userOf(req)
    const c = find(String(req.params.uid))
    if (!c) {
      res.status(404).json({ message: 'No MessageConversation found for the given ID.' })
      return undefined
    }
    if (!hasAccess(ctx, user, c)) throw new HttpError(403, forbidden, 'E1006')
    return c
  }
  const touch = (c: MessageConversation) => {
    c.lastUpdated = ctx.clock.timestamp()
  }

  router.post(`${ENDPOINT}/:uid/status`, (req, res) => {
    const status = requiredEnum(req, 'messageConversationStatus', 'MessageConversationStatus', STATUSES)
    const c = ticket(req, res, 'Not authorized to change status in this conversation.')
    if (!c) return
    c.status = status
    touch(c)
    res.json({ [status]: [c.id] })
  })

  router.post(`${ENDPOINT}/:uid/priority`, (req, res) => {
    const priority = requiredEnum(req, 'messageConversationPriority', 'MessageConversationPriority', PRIORITIES)
    const c = ticket(req, res, 'Not authorized to change priority in this conversation.')
    if (!c) return
    c.priority = priority
    touch(c)
    res.json({ [priority]: [c.id] })
  })

  router.post(`${ENDPOINT}/:uid/assign`, (req, res) => {
    const c = ticket(req, res, 'Not authorized to assign a user to this conversation.')
    if (!c) return
    const assignee = typeof req.query.userId === 'string' ? ctx.index.usersById.get(req.query.userId) : undefined
    if (!assignee) {
      res.status(404).json({ message: 'Could not find user to assign' })
      return
    }
    if (c.messageType === 'TICKET' && !inFeedbackGroup(ctx, assignee.id)) {
      res.status(409).json({ message: "User provided is not a member of the system's feedback recipient group" })
      return
    }
    c.assignee = assignee.id
    touch(c)
    res.json({ message: `User ${assignee.name} was assigned successfully` })
  })

  router.delete(`${ENDPOINT}/:uid/assign`, (req, res) => {
    const c = ticket(req, res, 'Not authorized to remove the assigned user to this conversation.')
    if (!c) return
    delete c.assignee
    touch(c)
    res.json({ message: 'Message is no longer assigned to user' })
  })

  router.get(`${ENDPOINT}/:mc/:msg/attachments/:file`, (req, res) => {
    const user = ctx.userOf(req)
    const [mcUid, msgUid, fileUid] = [String(req.params.mc), String(req.params.msg), String(req.params.file)]
    const c = find(mcUid)
    if (!c) throw new HttpError(404, `No message conversation with uid '${mcUid}'`)
    if (!canRead(user, c)) throw new HttpError(403, 'Not authorized to access this conversation.', 'E1006')
    const message = c.messages.find((m) => m.id === msgUid)
    // (sic: DHIS2's message lacks the closing quote)
    if (!message) throw new HttpError(404, `No message with uid '${msgUid}' in messageConversation '${mcUid}`)
    // getMessage checks the group itself: a superuser outside it gets this too.
    if (message.internal && !inFeedbackGroup(ctx, user.user.id))
      throw new HttpError(409, 'Not authorized to access this message')
    const file = fileResourcesOf(ctx).find((f) => f.id === fileUid)
    if (!file || !(message.attachments ?? []).includes(fileUid))
      throw new HttpError(404, `No messageattachment found with id '${fileUid}'`)
    if (file.domain !== 'MESSAGE_ATTACHMENT') throw new HttpError(409, 'Invalid messageattachment.')
    sendFileContent(res, file)
  })

  router.delete(`${ENDPOINT}/:uid`, (req, res) => {
    const user = ctx.userOf(req)
    if (!ctx.hasAuthority(user, 'F_METADATA_IMPORT')) throw new HttpError(403, 'Access is denied')
    const uid = String(req.params.uid)
    const c = find(uid)
    if (!c) {
      res.status(404).json(webMessage(404, `Message conversation does not exist: ${uid}`))
      return
    }
    if (!hasAccess(ctx, user, c)) throw new HttpError(403, 'Not authorized to delete this conversation.', 'E1006')
    ctx.state.messageConversations = conversations().filter((x) => x.id !== uid)
    res.json(
      webMessage(200, undefined, {
        response: {
          responseType: 'ObjectReport',
          uid,
          klass: 'org.hisp.dhis.message.MessageConversation',
          errorReports: [],
        },
      }),
    )
  })

  router.get('/configuration/feedbackRecipients', (_req, res) => {
    const id = feedbackRecipientGroupId(ctx)
    const group = id ? ctx.index.userGroupsById.get(id) : undefined
    if (!group) {
      res.status(204).end()
      return
    }
    res.json({ id: group.id, name: group.name, displayName: group.name, code: group.code })
  })
  router.post('/configuration/feedbackRecipients', text, (req, res) => {
    const user = ctx.userOf(req)
    if (!ctx.hasAuthority(user, 'F_SYSTEM_SETTING')) throw new HttpError(403, 'Access is denied')
    const id = textBody(req).trim().replace(/^"|"$/g, '')
    if (!ctx.index.userGroupsById.has(id)) throw new HttpError(409, `User group not found: ${id}`)
    ctx.state.systemSettings.feedbackRecipients = id
    res.status(204).end()
  })
}
