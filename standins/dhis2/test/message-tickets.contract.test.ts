/**
 * Feedback tickets and attachments as DHIS2 2.41 answers them (core@2.41 `MessageConversationController`,
 * `FileResourceController`, `FileResourceUtils`; setup-ops §6.1), over real HTTP: status, priority and
 * assignee (who may, the feedback group rule, DHIS2's RootNode answers), internal replies (hidden by GET /{uid}
 * only), file resources (multipart, the 10 MB limit with DHIS2's message, even for a body too big to keep),
 * attachments on replies and their download, and the sender's org units through the field filter.
 */
import { basic, startStandin, type Client } from './support'

let c: Client
beforeAll(async () => {
  c = await startStandin()
})
afterAll(async () => {
  await c.close()
})

const MC = '/api/messageConversations'
const userId = (username: string) => c.standin.ctx.state.users.find((u) => u.username === username)!.id
const uidOf = (location: string | null) => location?.split('/').pop() ?? ''
const text = (body: string) => ({ body, headers: { 'Content-Type': 'text/plain' } })

async function feedback(subject: string, body = 'Le réseau coupe', as = 'relais'): Promise<string> {
  const res = await c.call('POST', `${MC}/feedback?subject=${encodeURIComponent(subject)}`, { as, ...text(body) })
  expect(res.status).toBe(201)
  return uidOf(res.headers.get('location'))
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted field by field
type Body = any

/** POST /api/fileResources as a browser form sends it. */
async function upload(
  bytes: Uint8Array,
  { as = 'relais', domain = 'MESSAGE_ATTACHMENT', name = 'photo.jpg', type = 'image/jpeg' } = {},
): Promise<{ status: number; body: Body }> {
  const form = new FormData()
  form.append('file', new Blob([bytes], { type }), name)
  const res = await fetch(`${c.url}/api/fileResources?domain=${domain}`, {
    method: 'POST',
    headers: { Authorization: basic(as) },
    body: form,
  })
  return { status: res.status, body: await res.json() }
}

describe('ticket status, priority and assignee', () => {
  test('a feedback is an OPEN TICKET to the feedback group, priority NONE, no assignee', async () => {
    const uid = await feedback('[connexion] Pas de réseau')
    const one = await c.call('GET', `${MC}/${uid}?fields=messageType,status,priority,assignee`, { as: 'relais' })
    expect(one.body).toEqual({ messageType: 'TICKET', status: 'OPEN', priority: 'NONE' })
  })

  test('a ticket manager (feedback group) sets status and priority: {STATUS: [uid]}, case-insensitive', async () => {
    const uid = await feedback('[stock] Plus de TDR')
    const pending = await c.call('POST', `${MC}/${uid}/status?messageConversationStatus=PENDING`, {
      as: 'administrateur',
    })
    expect(pending.status).toBe(200)
    expect(pending.body).toEqual({ PENDING: [uid] })
    const solved = await c.call('POST', `${MC}/${uid}/status?messageConversationStatus=solved`, {
      as: 'administrateur',
    })
    expect(solved.body).toEqual({ SOLVED: [uid] })
    const high = await c.call('POST', `${MC}/${uid}/priority?messageConversationPriority=HIGH`, {
      as: 'administrateur',
    })
    expect(high.body).toEqual({ HIGH: [uid] })
    const one = await c.call('GET', `${MC}/${uid}?fields=status,priority`, { as: 'relais' })
    expect(one.body).toEqual({ status: 'SOLVED', priority: 'HIGH' })
  })

  test('refusals: a bad or missing value (400), an unknown ticket (404), an outsider (403 E1006)', async () => {
    const uid = await feedback('[saisie] Case bloquée')
    const bad = await c.call('POST', `${MC}/${uid}/status?messageConversationStatus=CLOSED`, { as: 'administrateur' })
    expect(bad.status).toBe(400)
    expect(bad.body.message).toBe(
      "Value 'CLOSED' is not valid for parameter messageConversationStatus. Valid values are: [NONE, OPEN, PENDING, INVALID, SOLVED]",
    )
    const missing = await c.call('POST', `${MC}/${uid}/priority`, { as: 'administrateur' })
    expect(missing.status).toBe(400)
    const unknown = await c.call('POST', `${MC}/xxxxxxxxxxx/status?messageConversationStatus=OPEN`, {
      as: 'administrateur',
    })
    expect(unknown.status).toBe(404)
    expect(unknown.body).toEqual({ message: 'No MessageConversation found for the given ID.' })
    // Not a participant, not in the feedback group, not a superuser.
    const outsider = await c.call('POST', `${MC}/${uid}/status?messageConversationStatus=SOLVED`, {
      as: 'gestionnaire',
    })
    expect(outsider.status).toBe(403)
    expect(outsider.body).toMatchObject({
      message: 'Not authorized to change status in this conversation.',
      errorCode: 'E1006',
    })
    expect((await c.call('GET', `${MC}/${uid}?fields=status`, { as: 'relais' })).body).toEqual({ status: 'OPEN' })
  })

  test('assign: only a feedback group member (409 otherwise), 404 for nobody, then unassign', async () => {
    const uid = await feedback('[formation] Nouveau formulaire')
    const outside = await c.call('POST', `${MC}/${uid}/assign?userId=${userId('superviseur')}`, {
      as: 'administrateur',
    })
    expect(outside.status).toBe(409)
    expect(outside.body).toEqual({ message: "User provided is not a member of the system's feedback recipient group" })
    const nobody = await c.call('POST', `${MC}/${uid}/assign?userId=xxxxxxxxxxx`, { as: 'administrateur' })
    expect(nobody.status).toBe(404)
    expect(nobody.body).toEqual({ message: 'Could not find user to assign' })

    const assigned = await c.call('POST', `${MC}/${uid}/assign?userId=${userId('administrateur')}`, {
      as: 'administrateur',
    })
    expect(assigned.status).toBe(200)
    expect(assigned.body.message).toMatch(/^User .+ was assigned successfully$/)
    const one = await c.call('GET', `${MC}/${uid}?fields=assignee[id,username]`, { as: 'relais' })
    expect(one.body).toEqual({ assignee: { id: userId('administrateur'), username: 'administrateur' } })

    const removed = await c.call('DELETE', `${MC}/${uid}/assign`, { as: 'administrateur' })
    expect(removed.body).toEqual({ message: 'Message is no longer assigned to user' })
    expect((await c.call('GET', `${MC}/${uid}?fields=assignee`, { as: 'relais' })).body).toEqual({})
  })

  test("the sender's org units come through the field filter (the RC's zone is on their path)", async () => {
    const uid = await feedback('[autre] Question')
    const one = await c.call('GET', `${MC}/${uid}?fields=createdBy[username,organisationUnits[code,level,path]]`, {
      as: 'administrateur',
    })
    const rc = c.standin.ctx.state.metadata.organisationUnits.find((o) => o.code === 'RC-AQ-00001')!
    expect(one.body).toEqual({
      createdBy: { username: 'relais', organisationUnits: [{ code: 'RC-AQ-00001', level: 5, path: rc.path }] },
    })
  })
})

describe('recipients added to a ticket', () => {
  test('the RC adds their zone: its supervisors take part, may answer and move it on, not write internal notes', async () => {
    const uid = await feedback('[saisie] Formulaire vide')
    const rc = c.standin.ctx.state.metadata.organisationUnits.find((o) => o.code === 'RC-AQ-00001')!
    const zone = rc.path.split('/').filter(Boolean)[2]!
    expect(
      (await c.call('GET', `${MC}?fields=id&filter=id:eq:${uid}`, { as: 'superviseur' })).body.messageConversations,
    ).toEqual([])

    const added = await c.call('POST', `${MC}/${uid}/recipients`, {
      as: 'relais',
      body: { organisationUnits: [{ id: zone }] },
    })
    expect(added.status).toBe(204)
    const list = await c.call('GET', `${MC}?fields=id,read&filter=id:eq:${uid}`, { as: 'superviseur' })
    expect(list.body.messageConversations).toEqual([{ id: uid, read: false }])
    const status = await c.call('POST', `${MC}/${uid}/status?messageConversationStatus=PENDING`, { as: 'superviseur' })
    expect(status.body).toEqual({ PENDING: [uid] })
    const note = await c.call('POST', `${MC}/${uid}?internal=true`, { as: 'superviseur', ...text('note') })
    expect(note.status).toBe(403)
    const answer = await c.call('POST', `${MC}/${uid}`, { as: 'superviseur', ...text('Je passe demain') })
    expect(answer.status).toBe(201)
  })

  test('refusals: not a participant (403 E1006), an unknown org unit (409), not JSON (415)', async () => {
    const uid = await feedback('[autre] Autre question')
    const outsider = await c.call('POST', `${MC}/${uid}/recipients`, {
      as: 'gestionnaire',
      body: { users: [{ id: userId('gestionnaire') }] },
    })
    expect(outsider.status).toBe(403)
    expect(outsider.body).toMatchObject({
      message: 'Not authorized to change recipients in this conversation.',
      errorCode: 'E1006',
    })
    const unknown = await c.call('POST', `${MC}/${uid}/recipients`, {
      as: 'relais',
      body: { organisationUnits: [{ id: 'nope0000000' }] },
    })
    expect(unknown.status).toBe(409)
    expect(unknown.body.message).toBe('Organisation Unit does not exist: nope0000000')
    const notJson = await c.call('POST', `${MC}/${uid}/recipients`, { as: 'relais', ...text('{}') })
    expect(notJson.status).toBe(415)
  })
})

describe('internal replies', () => {
  test('only managers send them; GET /{uid} hides them from the others, the list does not (2.41)', async () => {
    const uid = await feedback('[telephone] Écran cassé')
    const byRc = await c.call('POST', `${MC}/${uid}?internal=true`, { as: 'relais', ...text('note') })
    expect(byRc.status).toBe(403)
    expect(byRc.body.message).toBe('Not authorized to send internal messages')
    const note = await c.call('POST', `${MC}/${uid}?internal=true`, {
      as: 'administrateur',
      ...text('Voir avec le fournisseur'),
    })
    expect(note.status).toBe(201)

    const fields = 'fields=messageCount,messages[text,internal]'
    expect((await c.call('GET', `${MC}/${uid}?${fields}`, { as: 'relais' })).body).toEqual({
      messageCount: 1,
      messages: [{ text: 'Le réseau coupe', internal: false }],
    })
    expect((await c.call('GET', `${MC}/${uid}?${fields}`, { as: 'administrateur' })).body).toEqual({
      messageCount: 1,
      messages: [
        { text: 'Le réseau coupe', internal: false },
        { text: 'Voir avec le fournisseur', internal: true },
      ],
    })
    const list = await c.call('GET', `${MC}?filter=id:eq:${uid}&${fields}`, { as: 'relais' })
    expect(list.body.messageConversations[0].messages).toHaveLength(2)
  })
})

describe('file resources and attachments', () => {
  const photo = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5])

  test('upload: 202 with the FileResource, PENDING, not assigned', async () => {
    const res = await upload(photo)
    expect(res.status).toBe(202)
    expect(res.body).toMatchObject({
      httpStatus: 'Accepted',
      httpStatusCode: 202,
      status: 'OK',
      response: {
        responseType: 'FileResource',
        fileResource: {
          name: 'photo.jpg',
          contentType: 'image/jpeg',
          contentLength: photo.length,
          domain: 'MESSAGE_ATTACHMENT',
          storageStatus: 'PENDING',
          assigned: false,
        },
      },
    })
    expect(res.body.response.fileResource.id).toMatch(/^[A-Za-z][A-Za-z0-9]{10}$/)
    expect(res.body.response.fileResource.contentMd5).toMatch(/^[0-9a-f]{32}$/)
  })

  test('a reply takes ?attachments=; participants download it; it cannot be used twice', async () => {
    const uid = await feedback('[saisie] Voir la photo')
    const file = (await upload(photo)).body.response.fileResource.id as string
    const reply = await c.call('POST', `${MC}/${uid}?attachments=${file}`, { as: 'relais', ...text('Photo') })
    expect(reply.status).toBe(201)
    const one = await c.call('GET', `${MC}/${uid}?fields=messages[id,attachments[id,name,contentType]]`, {
      as: 'administrateur',
    })
    const withPhoto = (one.body.messages as Array<{ id: string; attachments: unknown[] }>)[1]!
    expect(withPhoto.attachments).toEqual([{ id: file, name: 'photo.jpg', contentType: 'image/jpeg' }])

    const download = await fetch(`${c.url}${MC}/${uid}/${withPhoto.id}/attachments/${file}`, {
      headers: { Authorization: basic('administrateur') },
    })
    expect(download.status).toBe(200)
    expect(download.headers.get('content-type')).toBe('image/jpeg')
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(photo)
    const outsider = await c.call('GET', `${MC}/${uid}/${withPhoto.id}/attachments/${file}`, { as: 'gestionnaire' })
    expect(outsider.status).toBe(403)
    const wrongMessage = await c.call('GET', `${MC}/${uid}/xxxxxxxxxxx/attachments/${file}`, { as: 'relais' })
    expect(wrongMessage.status).toBe(404)

    const again = await c.call('POST', `${MC}/${uid}?attachments=${file}`, { as: 'relais', ...text('encore') })
    expect(again.status).toBe(409)
    expect(again.body.message).toBe(`Attachment '${file}' is already used or not a valid attachment.`)
    const unknown = await c.call('POST', `${MC}/${uid}?attachments=xxxxxxxxxxx`, { as: 'relais', ...text('?') })
    expect(unknown.body).toMatchObject({ httpStatusCode: 409, message: "Attachment 'xxxxxxxxxxx' not found." })
    const dataValueFile = (await upload(photo, { domain: 'DATA_VALUE' })).body.response.fileResource.id as string
    const wrongDomain = await c.call('POST', `${MC}/${uid}?attachments=${dataValueFile}`, {
      as: 'relais',
      ...text('?'),
    })
    expect(wrongDomain.status).toBe(409)
  })

  test.each([
    // Just over: the body is kept and parsed; far over: it is counted and dropped, the size still exact.
    { name: 'just over the limit', size: 10_000_001 },
    { name: 'far over the limit', size: 12_500_000 },
  ])('a file $name: 409 with DHIS2 message and the exact size', async ({ size }) => {
    const res = await upload(new Uint8Array(size))
    expect(res.status).toBe(409)
    expect(res.body).toMatchObject({
      httpStatusCode: 409,
      status: 'ERROR',
      message: `File size can't be bigger than 10000000, current file size ${size}`,
    })
  })

  test('an empty file (409), a bad domain (400), a request that is not multipart (500)', async () => {
    const empty = await upload(new Uint8Array(0))
    expect(empty.status).toBe(409)
    expect(empty.body.message).toBe('Could not read file or file is empty.')
    const badDomain = await upload(photo, { domain: 'PHOTO' })
    expect(badDomain.status).toBe(400)
    expect(badDomain.body.message).toMatch(/^Value 'PHOTO' is not valid for parameter domain\. Valid values are: \[/)
    const notMultipart = await c.call('POST', '/api/fileResources', { as: 'relais', body: { file: 'x' } })
    expect(notMultipart.status).toBe(500)
  })
})
