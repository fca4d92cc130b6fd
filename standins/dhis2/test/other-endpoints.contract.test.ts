/**
 * web-api §7 "Other endpoints" against the real HTTP server: dataStore (status codes, messages,
 * query API, app-reserved namespace), messageConversations (201 + Location only, 409s, recipients
 * expansion, participants only, unread counter, reply, feedback), sms/outbound (403, 409, 500
 * without gateway, 200 once a test turns the gateway on) and the test-only endpoints.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createUserWithoutApp, startStandin, type Client } from './support'

const appDir = mkdtempSync(join(tmpdir(), 'relais-app-'))
writeFileSync(
  join(appDir, 'manifest.webapp'),
  JSON.stringify({
    appType: 'APP',
    short_name: 'relais',
    name: 'Relais',
    activities: { dhis: { href: '*', namespace: 'relais' } },
  }),
)
const stateDir = mkdtempSync(join(tmpdir(), 'relais-state-'))

let c: Client
beforeAll(async () => {
  c = await startStandin({ testEndpoints: true, apps: { relais: appDir } })
  await createUserWithoutApp(c)
})
afterAll(async () => {
  await c.close()
  rmSync(appDir, { recursive: true, force: true })
  rmSync(stateDir, { recursive: true, force: true })
})

const wm = (httpStatusCode: number, message: string, errorCode?: string) => {
  const httpStatus: Record<number, string> = {
    200: 'OK',
    201: 'Created',
    400: 'Bad Request',
    403: 'Forbidden',
    404: 'Not Found',
    409: 'Conflict',
    415: 'Unsupported Media Type',
    500: 'Internal Server Error',
  }
  return {
    httpStatus: httpStatus[httpStatusCode],
    httpStatusCode,
    status: httpStatusCode < 400 ? 'OK' : 'ERROR',
    message,
    ...(errorCode ? { errorCode } : {}),
  }
}
const userId = (username: string) => c.standin.ctx.index.usersByUsername.get(username)!.id
const groupId = (code: string) => c.standin.ctx.state.userGroups.find((g) => g.code === code)!.id

describe('dataStore (DatastoreController 2.41)', () => {
  type Row = {
    name: string
    method: string
    path: string
    as?: string
    body?: unknown
    contentType?: string
    status: number
    expected?: unknown
  }
  const rows: Row[] = [
    {
      name: 'keys of an unknown namespace',
      method: 'GET',
      path: '/api/dataStore/pets',
      status: 404,
      expected: wm(404, "Namespace not found: 'pets'", 'E1005'),
    },
    {
      name: 'create a key',
      method: 'POST',
      path: '/api/dataStore/pets/cat',
      body: { name: 'Tom', age: 3 },
      status: 201,
      expected: wm(201, "Key created: 'cat'"),
    },
    {
      name: 'create it again',
      method: 'POST',
      path: '/api/dataStore/pets/cat',
      body: { name: 'Tom' },
      status: 409,
      expected: wm(409, "Key 'cat' already exists in namespace 'pets'", 'E1004'),
    },
    {
      name: 'create with invalid JSON',
      method: 'POST',
      path: '/api/dataStore/pets/dog',
      body: '{"name": Rex',
      status: 400,
      expected: wm(400, "Invalid JSON value for key 'dog'", 'E1003'),
    },
    {
      name: 'create without the JSON content type',
      method: 'POST',
      path: '/api/dataStore/pets/dog',
      body: '{"name":"Rex"}',
      contentType: 'text/plain;charset=UTF-8',
      status: 415,
      expected: wm(415, "Content type 'text/plain;charset=UTF-8' not supported"),
    },
    {
      name: 'read the value as stored',
      method: 'GET',
      path: '/api/dataStore/pets/cat',
      status: 200,
      expected: { name: 'Tom', age: 3 },
    },
    {
      name: 'PUT an existing key updates',
      method: 'PUT',
      path: '/api/dataStore/pets/cat',
      body: { name: 'Tom', age: 4 },
      status: 200,
      expected: wm(200, "Key updated: 'cat'"),
    },
    {
      name: 'PUT a missing key creates',
      method: 'PUT',
      path: '/api/dataStore/pets/dog',
      body: { name: 'Rex', age: 7 },
      status: 201,
      expected: wm(201, "Key created: 'dog'"),
    },
    {
      name: 'a string value',
      method: 'POST',
      path: '/api/dataStore/pets/note',
      body: '"just text"',
      status: 201,
      expected: wm(201, "Key created: 'note'"),
    },
    {
      name: 'string value read back',
      method: 'GET',
      path: '/api/41/dataStore/pets/note',
      status: 200,
      expected: 'just text',
    },
    { name: 'namespaces', method: 'GET', path: '/api/dataStore', status: 200, expected: ['pets'] },
    { name: 'keys', method: 'GET', path: '/api/dataStore/pets', status: 200, expected: ['cat', 'dog', 'note'] },
    {
      name: 'keys (collision-free path)',
      method: 'GET',
      path: '/api/dataStore/pets/keys',
      status: 200,
      expected: ['cat', 'dog', 'note'],
    },
    {
      name: 'query: fields and a numeric filter',
      method: 'GET',
      path: '/api/dataStore/pets?fields=name,age&filter=age:gt:5',
      status: 200,
      expected: { pager: { page: 1, pageSize: 50 }, entries: [{ key: 'dog', name: 'Rex', age: 7 }] },
    },
    {
      name: 'query: root value, key order desc, headless',
      method: 'GET',
      path: '/api/dataStore/pets?fields=.&filter=_:in:[cat,dog]&order=_:desc&headless=true',
      status: 200,
      expected: [
        { key: 'dog', value: { name: 'Rex', age: 7 } },
        { key: 'cat', value: { name: 'Tom', age: 4 } },
      ],
    },
    {
      name: 'query: OR junction, numeric order, paging off',
      method: 'GET',
      path: '/api/dataStore/pets?fields=age&filter=name:eq:Tom&filter=name:eq:Rex&rootJunction=OR&order=age:ndesc&paging=false',
      status: 200,
      expected: [
        { key: 'dog', age: 7 },
        { key: 'cat', age: 4 },
      ],
    },
    {
      name: 'missing key',
      method: 'GET',
      path: '/api/dataStore/pets/bird',
      status: 404,
      expected: wm(404, "Key 'bird' not found in namespace 'pets'", 'E1005'),
    },
    {
      name: 'delete a key',
      method: 'DELETE',
      path: '/api/dataStore/pets/cat',
      status: 200,
      expected: wm(200, "Key 'cat' deleted from namespace 'pets'"),
    },
    {
      name: 'delete a missing key',
      method: 'DELETE',
      path: '/api/dataStore/pets/cat',
      status: 404,
      expected: wm(404, "Key 'cat' not found in namespace 'pets'", 'E1005'),
    },
    {
      name: 'delete the namespace',
      method: 'DELETE',
      path: '/api/dataStore/pets',
      status: 200,
      expected: wm(200, "Namespace deleted: 'pets'"),
    },
    {
      name: 'delete it again',
      method: 'DELETE',
      path: '/api/dataStore/pets',
      status: 404,
      expected: wm(404, "Namespace not found: 'pets'", 'E1005'),
    },
    // `relais` is reserved by the installed Relais app: M_relais, M_dhis-web-app-management or ALL.
    {
      name: 'app namespace: write without the app authority',
      method: 'POST',
      path: '/api/dataStore/relais/settings',
      as: 'sans.app',
      body: { a: 1 },
      status: 403,
      expected: wm(403, "Namespace 'relais' is protected, access denied"),
    },
    {
      name: 'app namespace: write with M_relais',
      method: 'POST',
      path: '/api/dataStore/relais/settings',
      as: 'gestionnaire',
      body: { a: 1 },
      status: 201,
      expected: wm(201, "Key created: 'settings'"),
    },
    {
      name: 'app namespace: read without the app authority',
      method: 'GET',
      path: '/api/dataStore/relais/settings',
      as: 'sans.app',
      status: 403,
      expected: wm(403, "Namespace 'relais' is protected, access denied"),
    },
    {
      name: 'app namespace: keys without the app authority',
      method: 'GET',
      path: '/api/dataStore/relais',
      as: 'sans.app',
      status: 403,
      expected: wm(403, "Namespace 'relais' is protected, access denied"),
    },
    {
      name: 'app namespace: read with M_relais',
      method: 'GET',
      path: '/api/dataStore/relais/settings',
      as: 'relais',
      status: 200,
      expected: { a: 1 },
    },
    {
      name: 'app namespace: superuser',
      method: 'PUT',
      path: '/api/dataStore/relais/settings',
      body: { a: 2 },
      status: 200,
      expected: wm(200, "Key updated: 'settings'"),
    },
    {
      name: 'an unreserved namespace is open to anyone',
      method: 'POST',
      path: '/api/dataStore/scratch/x',
      as: 'passerelle',
      body: [1, 2],
      status: 201,
      expected: wm(201, "Key created: 'x'"),
    },
    {
      name: 'the /keys path has no query API',
      method: 'GET',
      path: '/api/dataStore/scratch/keys?fields=.',
      status: 200,
      expected: ['x'],
    },
    {
      name: 'the query API on the namespace path',
      method: 'GET',
      path: '/api/dataStore/scratch?fields=.',
      status: 200,
      expected: { pager: { page: 1, pageSize: 50 }, entries: [{ key: 'x', value: [1, 2] }] },
    },
  ]
  test.each(rows)(
    '$method $path ($name) → $status',
    async ({ method, path, as = 'admin', body, contentType, status, expected }) => {
      const headers = contentType ? { 'Content-Type': contentType } : undefined
      const res = await c.call(method, path, { as, body, headers })
      expect(res.status).toBe(status)
      if (expected !== undefined) expect(res.body).toEqual(expected)
    },
  )

  test('metaData describes the entry without its value', async () => {
    const res = await c.call('GET', '/api/dataStore/scratch/x/metaData', { as: 'passerelle' })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      namespace: 'scratch',
      key: 'x',
      createdBy: { id: userId('passerelle') },
      encrypted: false,
    })
    expect(res.body.id).toMatch(/^[A-Za-z][A-Za-z0-9]{10}$/)
    expect(res.body).not.toHaveProperty('value')
  })
})

describe('messageConversations (MessageConversationController 2.41)', () => {
  const post = (body: unknown, as = 'gestionnaire') => c.call('POST', '/api/messageConversations', { as, body })
  const uidOf = (location: string | null) => location?.split('/').pop() ?? ''
  const unread = async (as: string) =>
    (await c.call('GET', '/api/me/dashboard', { as })).body.unreadMessageConversations as number

  test('create: 201, the WebMessage without any id, the uid only in Location', async () => {
    const res = await post({ subject: 'Rapport de mars', text: 'Bonjour', users: [{ id: userId('superviseur') }] })
    expect(res.status).toBe(201)
    expect(res.body).toEqual(wm(201, 'Message conversation created'))
    expect(res.headers.get('location')).toMatch(
      new RegExp(`^${c.url}/api/messageConversations/[A-Za-z][A-Za-z0-9]{10}$`),
    )
  })

  const errors: { name: string; body: object; status: number; expected: object }[] = [
    {
      name: 'no recipients',
      body: { subject: 'S', text: 'T', users: [] },
      status: 409,
      expected: wm(409, 'No recipients selected.', 'E1004'),
    },
    {
      name: 'unknown user',
      body: { subject: 'S', text: 'T', users: [{ id: 'xxxxxxxxxxx' }] },
      status: 409,
      expected: wm(409, 'User does not exist: xxxxxxxxxxx', 'E1004'),
    },
    {
      name: 'unknown org unit',
      body: { subject: 'S', text: 'T', organisationUnits: [{ id: 'nope0000000' }] },
      status: 409,
      expected: wm(409, 'Organisation Unit does not exist: nope0000000', 'E1004'),
    },
    {
      name: 'unknown user group',
      body: { subject: 'S', text: 'T', userGroups: [{ id: 'nope0000000' }] },
      status: 404,
      expected: wm(404, 'UserGroup with id nope0000000 could not be found.', 'E1005'),
    },
  ]
  test.each(errors)('create with $name → $status', async ({ body, status, expected }) => {
    const res = await post(body)
    expect(res.status).toBe(status)
    expect(res.body).toEqual(expected)
    expect(res.headers.get('location')).toBeNull()
  })

  test('create needs a JSON body: 415 otherwise', async () => {
    const res = await c.call('POST', '/api/messageConversations', {
      as: 'gestionnaire',
      body: 'hello',
      headers: { 'Content-Type': 'text/plain' },
    })
    expect(res.status).toBe(415)
  })

  const expansions: { name: string; recipients: () => object; expected: () => string[] }[] = [
    {
      name: 'an org unit means the users assigned to it',
      recipients: () => ({
        organisationUnits: [{ id: c.standin.ctx.state.metadata.organisationUnits.find((o) => o.code === 'BJ')!.id }],
      }),
      expected: () =>
        c.standin.ctx.state.users
          .filter((u) =>
            u.organisationUnits.some(
              (o) => o.id === c.standin.ctx.state.metadata.organisationUnits.find((x) => x.code === 'BJ')!.id,
            ),
          )
          .map((u) => u.username),
    },
    {
      name: 'a user group means its members',
      recipients: () => ({ userGroups: [{ id: groupId('RELAIS_SUPERVISEURS') }] }),
      expected: () => ['superviseur', 'superviseur.aire', 'ancien.superviseur'],
    },
    {
      name: 'users, groups and org units together, without duplicates',
      recipients: () => ({
        users: [{ id: userId('relais') }, { id: userId('superviseur') }],
        userGroups: [{ id: groupId('RELAIS_SUPERVISEURS') }],
      }),
      expected: () => ['relais', 'superviseur', 'superviseur.aire', 'ancien.superviseur'],
    },
  ]
  test.each(expansions)('recipients: $name (plus the sender)', async ({ recipients, expected }) => {
    const res = await post({ subject: 'Expansion', text: 'T', ...recipients() }, 'superviseur.aire')
    expect(res.status).toBe(201)
    const uid = uidOf(res.headers.get('location'))
    const one = await c.call(
      'GET',
      `/api/messageConversations/${uid}?fields=messageType,userMessages[user[username],read]`,
    )
    expect(one.status).toBe(200)
    expect(one.body.messageType).toBe('PRIVATE')
    const got = (one.body.userMessages as { user: { username: string } }[]).map((m) => m.user.username).sort()
    expect(got).toEqual([...new Set([...expected(), 'superviseur.aire'])].sort())
    const senderRow = (one.body.userMessages as { user: { username: string }; read: boolean }[]).find(
      (m) => m.user.username === 'superviseur.aire',
    )
    expect(senderRow?.read).toBe(true)
  })

  test('only participants see a conversation; reply, read and the unread counter', async () => {
    const created = await post(
      { subject: 'Stock de SRO', text: 'Combien ?', users: [{ id: userId('superviseur') }] },
      'gestionnaire',
    )
    const uid = uidOf(created.headers.get('location'))
    const before = await unread('superviseur')
    expect(before).toBeGreaterThanOrEqual(1)

    const list = await c.call('GET', '/api/messageConversations?fields=id,subject,read,messageCount', {
      as: 'superviseur',
    })
    expect(list.status).toBe(200)
    expect(list.body.pager).toMatchObject({ page: 1, pageSize: 50 })
    expect(list.body.messageConversations).toContainEqual({
      id: uid,
      subject: 'Stock de SRO',
      read: false,
      messageCount: 1,
    })
    const outsider = await c.call('GET', '/api/messageConversations?fields=id', { as: 'relais' })
    expect(outsider.body.messageConversations.map((m: { id: string }) => m.id)).not.toContain(uid)
    // Even a superuser's list holds only the conversations they take part in.
    const adminList = await c.call('GET', '/api/messageConversations?fields=id&paging=false', { as: 'admin' })
    expect(adminList.body.messageConversations.map((m: { id: string }) => m.id)).not.toContain(uid)

    expect((await c.call('GET', `/api/messageConversations/${uid}`, { as: 'relais' })).body).toEqual(
      wm(403, 'Not authorized to access this conversation.'),
    )
    const foreignReply = await c.call('POST', `/api/messageConversations/${uid}`, {
      as: 'relais',
      body: 'moi aussi',
      headers: { 'Content-Type': 'text/plain' },
    })
    expect(foreignReply.status).toBe(403)
    expect(foreignReply.body).toEqual(wm(403, 'Not authorized to send messages to this conversation.', 'E1006'))

    const read = await c.call('POST', `/api/messageConversations/${uid}/read`, { as: 'superviseur' })
    expect(read.status).toBe(200)
    expect(read.body).toEqual({ markedRead: [uid] })
    expect(await unread('superviseur')).toBe(before - 1)

    const reply = await c.call('POST', `/api/messageConversations/${uid}`, {
      as: 'gestionnaire',
      body: '40 sachets',
      headers: { 'Content-Type': 'text/plain' },
    })
    expect(reply.status).toBe(201)
    expect(reply.body).toEqual(wm(201, 'Message conversation created'))
    expect(uidOf(reply.headers.get('location'))).toBe(uid)
    expect(await unread('superviseur')).toBe(before)

    const one = await c.call(
      'GET',
      `/api/messageConversations/${uid}?fields=messages[text,sender[username]],lastSender[username]`,
      { as: 'superviseur' },
    )
    expect(one.body).toEqual({
      messages: [
        { text: 'Combien ?', sender: { username: 'gestionnaire' } },
        { text: '40 sachets', sender: { username: 'gestionnaire' } },
      ],
      lastSender: { username: 'gestionnaire' },
    })
    const unreadAgain = await c.call('POST', '/api/messageConversations/unread', { as: 'superviseur', body: [uid] })
    expect(unreadAgain.body).toEqual({ markedUnread: [] })
  })

  test('feedback goes to the feedback recipients group (RELAIS_ADMINS) as a TICKET', async () => {
    const res = await c.call('POST', '/api/messageConversations/feedback?subject=Panne%20du%20formulaire', {
      as: 'relais',
      body: 'Le formulaire ne s’ouvre pas',
      headers: { 'Content-Type': 'text/plain' },
    })
    expect(res.status).toBe(201)
    expect(res.body).toEqual(wm(201, 'Feedback created'))
    const uid = uidOf(res.headers.get('location'))
    for (const admin of ['admin', 'administrateur']) {
      const list = await c.call(
        'GET',
        '/api/messageConversations?fields=id,messageType,subject&filter=messageType:eq:TICKET',
        { as: admin },
      )
      expect(list.body.messageConversations).toContainEqual({
        id: uid,
        messageType: 'TICKET',
        subject: 'Panne du formulaire',
      })
    }
    const other = await c.call('GET', '/api/messageConversations?fields=id&filter=messageType:eq:TICKET', {
      as: 'gestionnaire',
    })
    expect(other.body.messageConversations).toEqual([])
    const recipients = await c.call('GET', '/api/configuration/feedbackRecipients')
    expect(recipients.body).toMatchObject({ id: groupId('RELAIS_ADMINS') })
  })

  const oddities: { name: string; method: string; path: string; status: number; expected: object }[] = [
    // 2.41 sets 404 then returns ResponseEntity.ok(…): the client sees 200 with this body.
    {
      name: 'GET an unknown conversation',
      method: 'GET',
      path: '/api/messageConversations/xyz',
      status: 200,
      expected: { message: 'No MessageConversation found with UID: xyz' },
    },
    {
      name: 'reply to an unknown conversation',
      method: 'POST',
      path: '/api/messageConversations/xyz',
      status: 404,
      expected: wm(404, 'Message conversation does not exist: xyz'),
    },
    {
      name: 'mark an unknown conversation read',
      method: 'POST',
      path: '/api/messageConversations/xyz/read',
      status: 404,
      expected: { message: 'No MessageConversations found for the given IDs.' },
    },
  ]
  test.each(oddities)('$name → $status', async ({ method, path, status, expected }) => {
    const res = await c.call(method, path, {
      body: method === 'POST' && !path.endsWith('/read') ? 'text' : undefined,
      headers: { 'Content-Type': 'text/plain' },
    })
    expect(res.status).toBe(status)
    expect(res.body).toEqual(expected)
  })

  test('list paging and the pager', async () => {
    const res = await c.call('GET', '/api/messageConversations?fields=id&pageSize=1', { as: 'superviseur' })
    expect(res.body.pager.pageSize).toBe(1)
    expect(res.body.pager.total).toBeGreaterThanOrEqual(2)
    expect(res.body.pager.nextPage).toContain('page=2')
    expect(res.body.messageConversations).toHaveLength(1)
  })
})

describe('sms/outbound (SmsOutboundController 2.41)', () => {
  const rows: { name: string; as?: string; path: string; body?: unknown; status: number; expected: object }[] = [
    {
      name: 'without F_MOBILE_SENDSMS',
      as: 'relais',
      path: '/api/sms/outbound?recipient=22997000000&message=x',
      status: 403,
      expected: wm(403, 'Access is denied'),
    },
    {
      name: 'empty recipient',
      path: '/api/sms/outbound?recipient=&message=x',
      status: 409,
      expected: wm(409, 'Recipient must be specified'),
    },
    {
      name: 'empty message',
      path: '/api/sms/outbound?recipient=22997000000&message=',
      status: 409,
      expected: wm(409, 'Message must be specified'),
    },
    {
      name: 'query form, no gateway',
      as: 'gestionnaire',
      path: '/api/sms/outbound?recipient=22997000000&message=Rappel',
      status: 500,
      expected: wm(500, 'No default gateway configured'),
    },
    {
      name: 'JSON form, no gateway',
      as: 'passerelle',
      path: '/api/sms/outbound',
      body: { message: 'Rappel', recipients: ['22997000000'] },
      status: 500,
      expected: wm(500, 'No default gateway configured'),
    },
    {
      name: 'JSON form, no recipients',
      path: '/api/sms/outbound',
      body: { message: 'Rappel', recipients: [] },
      status: 500,
      expected: wm(500, 'No recipient found'),
    },
  ]
  test.each(rows)('$name → $status', async ({ as = 'admin', path, body, status, expected }) => {
    const res = await c.call('POST', path, { as, body })
    expect(res.status).toBe(status)
    expect(res.body).toEqual(expected)
  })

  test('once a test turns the gateway on: 200 SMS sent, and GET lists it', async () => {
    expect((await c.call('POST', '/api/testing/sms-gateway', { as: '', body: { configured: true } })).status).toBe(200)
    const res = await c.call('POST', '/api/sms/outbound', {
      as: 'gestionnaire',
      body: { message: 'Réunion lundi', recipients: ['+22997000001', '0022997000002'] },
    })
    expect(res.status).toBe(200)
    expect(res.body).toEqual(wm(200, 'SMS sent'))
    const query = await c.call('POST', '/api/sms/outbound?recipient=22997000003&message=Bonjour', {
      as: 'gestionnaire',
    })
    expect(query.body).toEqual(wm(200, 'SMS sent'))
    const list = await c.call('GET', '/api/sms/outbound?fields=message,recipients,status,sender&paging=false', {
      as: 'gestionnaire',
    })
    expect(list.body.outboundSmss).toEqual(
      expect.arrayContaining([
        {
          message: 'Réunion lundi',
          recipients: ['22997000001', '22997000002'],
          status: 'SENT',
          sender: 'gestionnaire',
        },
        { message: 'Bonjour', recipients: ['22997000003'], status: 'SENT', sender: 'gestionnaire' },
      ]),
    )
    // `in` takes a bracketed list; a status changed as a gateway's delivery report would is read back.
    const ids = await c.call('GET', '/api/sms/outbound?fields=id,message&paging=false', { as: 'gestionnaire' })
    const sent = ids.body.outboundSmss as { id: string; message: string }[]
    const lundi = sent.find((s) => s.message === 'Réunion lundi')!
    const delivered = await c.call('POST', '/api/testing/sms-outbound/status', {
      as: '',
      body: { id: lundi.id, status: 'DELIVERED' },
    })
    expect(delivered.status).toBe(200)
    const byId = await c.call(
      'GET',
      `/api/sms/outbound?filter=id:in:[${sent.map((s) => s.id).join(',')}]&fields=id,status&paging=false`,
      { as: 'gestionnaire' },
    )
    expect(byId.body.outboundSmss).toHaveLength(sent.length)
    expect(byId.body.outboundSmss).toEqual(expect.arrayContaining([{ id: lundi.id, status: 'DELIVERED' }]))
    const byMessage = await c.call(
      'GET',
      '/api/sms/outbound?filter=message:eq:Bonjour&fields=recipients&paging=false',
      {
        as: 'gestionnaire',
      },
    )
    expect(byMessage.body.outboundSmss).toEqual([{ recipients: ['22997000003'] }])
    await c.call('POST', '/api/testing/sms-gateway', { as: '', body: { configured: false } })
    expect((await c.call('POST', '/api/sms/outbound?recipient=1&message=x')).body).toEqual(
      wm(500, 'No default gateway configured'),
    )
  })
})

describe('test-only endpoints (with --test-endpoints)', () => {
  test('clock: set, read back, and the server date follows', async () => {
    const set = await c.call('POST', '/api/testing/clock', { as: '', body: { now: '2026-03-15T10:00:00Z' } })
    expect(set.status).toBe(200)
    expect(set.body.now).toMatch(/^2026-03-15T10:00:0/)
    expect(set.body.serverDate).toMatch(/^2026-03-15T11:00:0/) // Africa/Porto-Novo is UTC+1
    const info = await c.call('GET', '/api/system/info')
    expect(info.body.serverDate).toMatch(/^2026-03-15T11:00/)
    expect((await c.call('GET', '/api/testing/clock', { as: '' })).body.now).toMatch(/^2026-03-15T10:00/)
    expect((await c.call('POST', '/api/testing/clock', { as: '', body: { now: 'not a date' } })).status).toBe(400)
  })

  test('sessions/expire ends every browser session', async () => {
    const login = await fetch(`${c.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'relais', password: 'Relais-2026' }),
    })
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!
    const me = () => fetch(`${c.url}/api/me`, { headers: { Cookie: cookie, 'X-Requested-With': 'XMLHttpRequest' } })
    expect((await me()).status).toBe(200)
    expect((await c.call('POST', '/api/testing/sessions/expire', { as: '' })).body).toEqual(
      wm(200, 'All sessions expired'),
    )
    expect((await me()).status).toBe(401)
  })

  test('state/save and state/load round-trip the dataStore', async () => {
    const file = join(stateDir, 'state.json')
    await c.call('PUT', '/api/dataStore/roundtrip/k', { body: { v: 1 } })
    expect((await c.call('POST', '/api/testing/state/save', { as: '', body: { file } })).body).toEqual(
      wm(200, `State saved to ${file}`),
    )
    await c.call('PUT', '/api/dataStore/roundtrip/k', { body: { v: 2 } })
    expect((await c.call('POST', '/api/testing/state/load', { as: '', body: { file } })).body).toEqual(
      wm(200, `State loaded from ${file}`),
    )
    expect((await c.call('GET', '/api/dataStore/roundtrip/k')).body).toEqual({ v: 1 })
    expect((await c.call('POST', '/api/testing/state/save', { as: '', body: {} })).status).toBe(409)
  })
})
