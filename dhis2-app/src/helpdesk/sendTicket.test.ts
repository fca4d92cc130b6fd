import type { DataEngine } from './helpdeskApi'
import { engineTicketSender } from './sendTicket'
import type { PendingTicket } from './ticketQueue'

const PATH = '/ouBenin0001/ouDepAq0001/ouZsAq00001/ouAsAq00001/ouRcAq00001'

type Call = { type: string; resource: string; id?: string; params?: Record<string, unknown>; data?: unknown }

/** A data engine answering from a script: `mutate` and `query` record their calls; `fail` throws once. */
function fakeEngine(existing: string | undefined, fail: Partial<Record<string, unknown>> = {}) {
  const calls: Call[] = []
  let conversation = existing
  const step = (call: Call) => {
    calls.push(call)
    const error = fail[call.resource]
    if (error) {
      delete fail[call.resource]
      throw error
    }
  }
  const engine = {
    query: async (q: Record<string, Call>) => {
      const [[alias, call]] = Object.entries(q) as [[string, Call]]
      step({ ...call, type: 'read' })
      const found = {
        id: conversation,
        createdBy: { id: 'usrRelais01', organisationUnits: [{ id: 'ouRc', path: PATH }] },
      }
      return { [alias]: { messageConversations: conversation ? [found] : [] } }
    },
    mutate: async (m: Call) => {
      step(m)
      if (m.resource === 'fileResources') return { response: { fileResource: { id: 'fileRes0001' } } }
      if (m.resource === 'messageConversations/feedback') conversation = 'mcTicket001'
      return {}
    },
  }
  return { engine: engine as unknown as DataEngine, calls }
}

const ticket: PendingTicket = {
  ref: 'K7Q2M9',
  seq: 1,
  queuedAt: '2026-10-03T09:00:00Z',
  category: 'connexion',
  text: 'Le réseau coupe',
  photo: { name: 'ecran.png', type: 'image/png', size: 3, blob: new Blob(['abc'], { type: 'image/png' }) },
}

describe('sending a ticket to DHIS2', () => {
  it('uploads the photo, files the feedback, finds it by its reference, adds the supervisors, attaches the photo', async () => {
    const { engine, calls } = fakeEngine(undefined)
    const steps: PendingTicket[] = []
    const outcome = await engineTicketSender(engine)(ticket, async (t) => void steps.push(t))
    expect(outcome).toEqual({ kind: 'sent' })
    expect(calls.map((c) => `${c.type} ${c.resource}`)).toEqual([
      'create fileResources',
      'read messageConversations',
      'create messageConversations/feedback',
      'read messageConversations',
      'create messageConversations/mcTicket001/recipients',
      'create messageConversations/mcTicket001',
    ])
    expect(calls[0]?.params).toEqual({ domain: 'MESSAGE_ATTACHMENT' })
    expect((calls[0]?.data as { file: File }).file.name).toBe('ecran.png')
    expect(calls[1]?.params?.filter).toEqual(['messageType:eq:TICKET', 'subject:like:(#K7Q2M9)'])
    expect(calls[2]).toMatchObject({
      params: { subject: '[connexion] Le réseau coupe (#K7Q2M9)' },
      data: 'Le réseau coupe',
    })
    // The RC's zone and aire: the users assigned there (their supervisors) follow the ticket.
    expect(calls[4]?.data).toEqual({ organisationUnits: [{ id: 'ouZsAq00001' }, { id: 'ouAsAq00001' }] })
    expect(calls[5]?.params).toEqual({ attachments: 'fileRes0001' })
    expect(steps.at(-1)).toMatchObject({
      fileResourceId: 'fileRes0001',
      conversationId: 'mcTicket001',
      supervisorsAdded: true,
      photoAttached: true,
    })
  })

  it('never files twice: a ticket DHIS2 already has (its answer was lost) is only completed', async () => {
    const { engine, calls } = fakeEngine('mcTicket001')
    const outcome = await engineTicketSender(engine)({ ...ticket, fileResourceId: 'fileRes0001' }, async () => {})
    expect(outcome).toEqual({ kind: 'sent' })
    expect(calls.map((c) => c.resource)).toEqual([
      'messageConversations',
      'messageConversations/mcTicket001/recipients',
      'messageConversations/mcTicket001',
    ])
  })

  it('stops offline after the upload, keeping the file resource for the next try', async () => {
    const { engine } = fakeEngine(undefined, {
      'messageConversations/feedback': { type: 'network', message: 'Failed to fetch' },
    })
    const steps: PendingTicket[] = []
    const outcome = await engineTicketSender(engine)(ticket, async (t) => void steps.push(t))
    expect(outcome).toEqual({ kind: 'offline' })
    expect(steps).toEqual([{ ...ticket, fileResourceId: 'fileRes0001' }])
  })

  it('takes « already used » on the photo as attached by an earlier try', async () => {
    const used = {
      type: 'access',
      details: { httpStatusCode: 409, message: "Attachment 'fileRes0001' is already used" },
    }
    const { engine } = fakeEngine('mcTicket001', { 'messageConversations/mcTicket001': used })
    const outcome = await engineTicketSender(engine)(
      { ...ticket, fileResourceId: 'fileRes0001', conversationId: 'mcTicket001', supervisorsAdded: true },
      async () => {},
    )
    expect(outcome).toEqual({ kind: 'sent' })
  })

  it('keeps a refusal with DHIS2 message', async () => {
    const refused = {
      type: 'access',
      message: 'Forbidden',
      details: { httpStatusCode: 403, message: 'Access is denied' },
    }
    const { engine } = fakeEngine(undefined, { fileResources: refused })
    expect(await engineTicketSender(engine)(ticket, async () => {})).toEqual({
      kind: 'rejected',
      message: 'Access is denied',
    })
  })
})
