import { ancestorAt, deskStatus, statusNoteText, ticketFromConversation, type ConversationJson } from './tickets'

const RC = { id: 'usrRelais01', displayName: 'Mathias Hounsou' }
const ADMIN = { id: 'usrAdmin001', displayName: 'Afi Mensah' }
const PATH = '/ouBenin0001/ouDepAq0001/ouZsAq00001/ouAsAq00001/ouRcAq00001'

const conversation = (over: Partial<ConversationJson> = {}): ConversationJson => ({
  id: 'mcTicket001',
  subject: '[stock] Plus de TDR (#ABCDEF)',
  status: 'OPEN',
  created: '2026-10-01T08:00:00.000',
  lastUpdated: '2026-10-01T08:00:00.000',
  createdBy: { ...RC, organisationUnits: [{ id: 'ouRcAq00001', path: PATH }] },
  messages: [
    { id: 'm1', text: 'Plus de TDR depuis lundi', created: '2026-10-01T08:00:00.000', sender: RC },
    { id: 'm2', text: '📷', created: '2026-10-01T08:01:00.000', sender: RC, attachments: [{ id: 'f1' }] },
    {
      id: 'm3',
      text: 'Voir avec le magasin',
      created: '2026-10-01T09:00:00.000',
      sender: ADMIN,
      internal: true,
    },
    { id: 'm4', text: 'Livraison jeudi', created: '2026-10-01T10:30:00.000', sender: ADMIN },
  ],
  ...over,
})

describe('a feedback conversation read as a ticket', () => {
  it('takes category, reference, RC, zone and the first answer (not the RC, not a note)', () => {
    const t = ticketFromConversation(conversation(), { showInternal: true })
    expect(t).toMatchObject({
      category: 'stock',
      title: 'Plus de TDR',
      ref: 'ABCDEF',
      status: 'new',
      rc: { id: RC.id, name: 'Mathias Hounsou' },
      zoneId: 'ouZsAq00001',
      firstAnswerAt: '2026-10-01T10:30:00.000',
    })
    expect(t.messages.map((m) => [m.id, m.fromRc, m.internal])).toEqual([
      ['m1', true, false],
      ['m2', true, false],
      ['m3', false, true],
      ['m4', false, false],
    ])
    expect(t.resolvedAt).toBeUndefined()
  })

  it('hides the internal notes from the RC (DHIS2 2.41 lists them to everyone)', () => {
    const t = ticketFromConversation(conversation(), { showInternal: false })
    expect(t.messages.map((m) => m.id)).toEqual(['m1', 'm2', 'm4'])
  })

  it('dates a resolution by the desk status note, else by lastUpdated', () => {
    const note = {
      id: 'm5',
      text: statusNoteText('SOLVED'),
      created: '2026-10-02T12:00:00.000',
      sender: ADMIN,
      internal: true,
    }
    const solved = conversation({ status: 'SOLVED', lastUpdated: '2026-10-05T00:00:00.000' })
    const withNote = ticketFromConversation(
      { ...solved, messages: [...solved.messages!, note] },
      { showInternal: true },
    )
    expect(withNote.status).toBe('resolved')
    expect(withNote.resolvedAt).toBe('2026-10-02T12:00:00.000')
    expect(withNote.messages.at(-1)?.statusNote).toBe('SOLVED')
    expect(ticketFromConversation(solved, { showInternal: true }).resolvedAt).toBe('2026-10-05T00:00:00.000')
  })

  it("maps DHIS2's five statuses on the desk's three", () => {
    expect(['NONE', 'OPEN', 'PENDING', 'INVALID', 'SOLVED', undefined].map(deskStatus)).toEqual([
      'new',
      'new',
      'in-progress',
      'resolved',
      'resolved',
      'new',
    ])
  })

  it('has no zone when the sender has no org unit deep enough', () => {
    expect(ancestorAt('/ouBenin0001/ouDepAq0001', 3)).toBeUndefined()
    const t = ticketFromConversation(conversation({ createdBy: RC }), { showInternal: false })
    expect(t.zoneId).toBeUndefined()
  })
})
