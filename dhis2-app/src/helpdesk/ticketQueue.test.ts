import { TicketQueue, type PendingTicket, type TicketSender, type TicketSendOutcome } from './ticketQueue'
import { memoryTicketStorage } from './ticketStorage'

const photo = { name: 'ecran.jpg', type: 'image/jpeg', size: 3, blob: new Blob(['abc'], { type: 'image/jpeg' }) }

/** A sender that answers from a script, and records what it was given. */
function scripted(outcomes: TicketSendOutcome[]) {
  const seen: PendingTicket[] = []
  const send: TicketSender = async (ticket, progress) => {
    seen.push(ticket)
    const outcome = outcomes.shift() ?? { kind: 'sent' }
    // Even a try that ends offline may have done a step: it is kept.
    if (!ticket.fileResourceId && ticket.photo) await progress({ ...ticket, fileResourceId: 'fileRes0001' })
    return outcome
  }
  return { send, seen }
}

describe('the ticket queue', () => {
  it('keeps a ticket filed offline, with its photo and the steps done, and sends it when the network returns', async () => {
    const storage = memoryTicketStorage()
    const { send, seen } = scripted([{ kind: 'offline' }, { kind: 'sent' }])
    const queue = new TicketQueue(storage, send, () => new Date('2026-10-03T09:00:00Z'))
    await queue.init()
    await queue.file({ ref: 'ABCDEF', category: 'connexion', text: 'Pas de réseau', photo })

    expect(queue.getSnapshot()).toMatchObject({ held: 'offline', sent: 0 })
    expect(queue.getSnapshot().pending.map((t) => t.ref)).toEqual(['ABCDEF'])
    expect(storage.items.get('ABCDEF')).toMatchObject({
      text: 'Pas de réseau',
      photo: { name: 'ecran.jpg' },
      fileResourceId: 'fileRes0001',
      queuedAt: '2026-10-03T09:00:00.000Z',
    })

    await queue.flush()
    // The second try starts from the step the first one did: the photo is not uploaded twice.
    expect(seen[1]?.fileResourceId).toBe('fileRes0001')
    expect(queue.getSnapshot()).toMatchObject({ held: null, sent: 1, pending: [] })
    expect(storage.items.size).toBe(0)
  })

  it('sends in the order filed, and a ticket left by a previous visit first', async () => {
    const earlier: PendingTicket = {
      ref: 'OLDOLD',
      seq: 4,
      queuedAt: '2026-10-02T09:00:00Z',
      category: 'stock',
      text: 'x',
    }
    const { send, seen } = scripted([])
    const queue = new TicketQueue(memoryTicketStorage([earlier]), send)
    await queue.init()
    await queue.file({ ref: 'NEWNEW', category: 'saisie', text: 'y' })
    expect(seen.map((t) => t.ref)).toEqual(['OLDOLD', 'NEWNEW'])
  })

  it('keeps what DHIS2 refused, sends it again when asked, or lets it go', async () => {
    const storage = memoryTicketStorage()
    const { send } = scripted([
      { kind: 'rejected', message: 'Refusé' },
      { kind: 'rejected', message: 'Encore' },
    ])
    const queue = new TicketQueue(storage, send)
    await queue.init()
    await queue.file({ ref: 'ABCDEF', category: 'autre', text: 'Question' })
    expect(queue.getSnapshot().refused.map((t) => [t.ref, t.refused])).toEqual([['ABCDEF', 'Refusé']])
    expect(storage.items.get('ABCDEF')?.refused).toBe('Refusé')
    // A refused ticket is not sent again by itself.
    await queue.flush()
    expect(queue.getSnapshot().refused[0]?.refused).toBe('Refusé')

    await queue.retry('ABCDEF')
    expect(queue.getSnapshot().refused[0]?.refused).toBe('Encore')
    await queue.discard('ABCDEF')
    expect(queue.getSnapshot().refused).toEqual([])
    expect(storage.items.size).toBe(0)
  })

  it('holds everything while the session has expired', async () => {
    const { send } = scripted([{ kind: 'session-expired' }])
    const queue = new TicketQueue(memoryTicketStorage(), send)
    await queue.init()
    await queue.file({ ref: 'ABCDEF', category: 'autre', text: 'Question' })
    expect(queue.getSnapshot()).toMatchObject({ held: 'session-expired' })
    expect(queue.getSnapshot().pending).toHaveLength(1)
  })
})
