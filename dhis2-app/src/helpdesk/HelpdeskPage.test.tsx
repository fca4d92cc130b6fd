import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { ConversationJson } from './tickets'
import { ADMIN, RC, RC_PATH, renderHelpdesk, SUPERVISOR } from './testing/fakeHelpdesk'

const rcRef = { id: RC.id, displayName: RC.name }
const adminRef = { id: ADMIN.id, displayName: ADMIN.name }

/** A ticket the RC filed on 1 October, answered by the desk, with an internal note the RC must not see. */
const ANSWERED: ConversationJson = {
  id: 'mcTicket001',
  subject: '[stock] Plus de TDR au centre (#ABCDEF)',
  messageType: 'TICKET',
  status: 'PENDING',
  created: '2026-10-01T08:00:00.000',
  lastUpdated: '2026-10-01T10:00:00.000',
  lastMessage: '2026-10-01T10:00:00.000',
  read: false,
  createdBy: { ...rcRef, organisationUnits: [{ id: 'ouRcAq00001', path: RC_PATH, displayName: 'RC Mathias' }] },
  messages: [
    { id: 'msg1', text: 'Plus de TDR au centre depuis lundi', created: '2026-10-01T08:00:00.000', sender: rcRef },
    { id: 'msg2', text: 'Appeler le magasin', created: '2026-10-01T09:00:00.000', sender: adminRef, internal: true },
    { id: 'msg3', text: 'Livraison prévue jeudi', created: '2026-10-01T10:00:00.000', sender: adminRef },
  ],
}

const NEW_TICKET: ConversationJson = {
  ...ANSWERED,
  id: 'mcTicket002',
  subject: '[connexion] Le réseau coupe (#GHJKLM)',
  status: 'OPEN',
  created: '2026-10-02T08:00:00.000',
  lastMessage: '2026-10-02T08:00:00.000',
  messages: [{ id: 'msg4', text: 'Le réseau coupe', created: '2026-10-02T08:00:00.000', sender: rcRef }],
}

/** Chooses in a @dhis2/ui select as a user does: opens its list, clicks the option. */
async function choose(user: ReturnType<typeof userEvent.setup>, name: string, option: string) {
  const select = screen.getByRole('combobox', { name })
  await user.click(select)
  const list = await waitFor(() => {
    const found = document.getElementById(select.getAttribute('aria-controls') ?? '')
    if (!found) throw new Error('the list is not open')
    return found
  })
  await user.click(within(list).getByRole('option', { name: option }))
}

describe('Aide (help desk)', () => {
  it('lets an RC file a difficulty with a photo offline, and sends it when the network returns', async () => {
    const user = userEvent.setup()
    const fake = renderHelpdesk({ user: RC })
    await screen.findByRole('heading', { name: 'Report a difficulty' })
    await screen.findByText('No request sent yet.')
    fake.online(false)

    await user.click(screen.getByRole('radio', { name: 'Connection' }))
    await user.type(screen.getByRole('textbox', { name: /Describe the difficulty/ }), 'Le réseau coupe quand je valide')
    const photo = new File([new Uint8Array([137, 80, 78, 71])], 'ecran.png', { type: 'image/png' })
    await user.upload(document.querySelector<HTMLInputElement>('input[type="file"]')!, photo)
    await screen.findByText('Remove the photo')
    await user.click(screen.getByRole('button', { name: 'Send the request' }))

    const outbox = await screen.findByRole('region', { name: 'Requests waiting to be sent (1)' })
    expect(within(outbox).getByText('No connection to DHIS2')).toBeTruthy()
    expect(within(outbox).getByText('Le réseau coupe quand je valide')).toBeTruthy()
    const [kept] = [...fake.storage.items.values()]
    expect(kept).toMatchObject({ category: 'connexion', photo: { name: 'ecran.png', type: 'image/png' } })
    expect(fake.conversations).toHaveLength(0)

    fake.online(true)
    act(() => void window.dispatchEvent(new Event('online')))
    const mine = await screen.findByRole('region', { name: 'My requests' })
    await within(mine).findByText('Le réseau coupe quand je valide')
    expect(screen.queryByRole('region', { name: /Requests waiting to be sent/ })).toBeNull()
    expect(fake.storage.items.size).toBe(0)
    // A TICKET whose subject carries the category and the reference, then the photo as a reply.
    expect(fake.conversations[0]?.subject).toBe(`[connexion] Le réseau coupe quand je valide (#${kept?.ref})`)
    // Offline, the photo's upload was tried and failed; online, the three steps went once each.
    expect(fake.calls.filter((c) => c.type === 'create' && !c.online).map((c) => c.resource)).toEqual(['fileResources'])
    const sent = fake.calls.filter((c) => c.type === 'create' && c.online).map((c) => c.resource)
    const id = fake.conversations[0]?.id
    expect(sent).toEqual([
      'fileResources',
      'messageConversations/feedback',
      `messageConversations/${id}/recipients`,
      `messageConversations/${id}`,
    ])
    // The RC's zone and aire follow the ticket: their supervisors see it.
    expect(fake.recipientsAdded).toEqual([
      { conversation: id, data: { organisationUnits: [{ id: 'ouZsAq00001' }, { id: 'ouAsAq00001' }] } },
    ])
    expect(fake.conversations[0]?.messages?.[1]?.attachments).toEqual([{ id: expect.any(String), name: 'ecran.png' }])
  })

  it('says what is missing before filing anything', async () => {
    const user = userEvent.setup()
    const fake = renderHelpdesk({ user: RC })
    await user.click(await screen.findByRole('button', { name: 'Send the request' }))
    expect(await screen.findByText('Choose what the difficulty is about.')).toBeTruthy()
    expect(screen.getByText('Describe the difficulty in a few words.')).toBeTruthy()
    expect(fake.storage.items.size).toBe(0)
  })

  it("shows the RC their ticket's status and the desk's answer, never its internal notes", async () => {
    const user = userEvent.setup()
    const fake = renderHelpdesk({ user: RC, conversations: [ANSWERED] })
    const mine = await screen.findByRole('region', { name: 'My requests' })
    const item = await within(mine).findByText('Plus de TDR au centre')
    const ticket = item.closest('li')!
    expect(within(ticket).getByText('In progress')).toBeTruthy()
    await user.click(within(ticket).getByRole('button', { name: 'Show the conversation' }))
    expect(within(ticket).getByText('Livraison prévue jeudi')).toBeTruthy()
    expect(within(ticket).queryByText('Appeler le magasin')).toBeNull()
    await waitFor(() => expect(fake.conversations[0]?.read).toBe(true))
  })

  it('asks before discarding a ticket DHIS2 refused', async () => {
    const user = userEvent.setup()
    const fake = renderHelpdesk({
      user: RC,
      queued: [
        {
          ref: 'ABCDEF',
          seq: 1,
          queuedAt: '2026-10-03T08:00:00Z',
          category: 'autre',
          text: 'Question',
          refused: 'Access is denied',
        },
      ],
    })
    const outbox = await screen.findByRole('region', { name: 'Requests waiting to be sent (1)' })
    expect(within(outbox).getByText('Access is denied')).toBeTruthy()
    await user.click(within(outbox).getByRole('button', { name: 'Discard' }))
    await user.click(await screen.findByRole('button', { name: 'Keep it' }))
    expect(fake.storage.items.size).toBe(1)
    await user.click(within(outbox).getByRole('button', { name: 'Discard' }))
    await user.click(await screen.findByRole('button', { name: 'Discard the request' }))
    await waitFor(() => expect(fake.storage.items.size).toBe(0))
  })

  it('lets an administrator answer, assign and resolve a ticket at the desk', async () => {
    const user = userEvent.setup()
    const fake = renderHelpdesk({ user: ADMIN, conversations: [NEW_TICKET, ANSWERED] })
    const list = await screen.findByRole('region', { name: 'Requests (2)' })
    const rows = within(list).getAllByRole('button', { name: /Le réseau coupe|Plus de TDR/ })
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringMatching(/^Le réseau coupe.*New requestConnection · Mathias Hounsou · ZS Ouidah/),
      expect.stringMatching(/^Plus de TDR au centre \(new message\)In progressStock/),
    ])
    await user.click(rows[0]!)

    await screen.findByRole('heading', { name: 'Le réseau coupe' })
    // Opened is read, for DHIS2's unread counter too.
    await waitFor(() => expect(fake.conversations[0]?.read).toBe(true))
    await user.type(screen.getByRole('textbox', { name: 'Answer' }), 'Redémarrez le téléphone')
    await user.click(screen.getByRole('button', { name: 'Send the answer' }))
    // A first answer takes a new ticket on: « in progress », dated by a note only the desk sees.
    await waitFor(() => expect(fake.conversations[0]?.status).toBe('PENDING'))
    expect(fake.conversations[0]?.messages?.map((m) => [m.text, m.internal])).toEqual([
      ['Le réseau coupe', undefined],
      ['Redémarrez le téléphone', false],
      ['[statut:PENDING]', true],
    ])

    await choose(user, 'In charge', 'Afi Mensah')
    await waitFor(() => expect(fake.conversations[0]?.assignee?.id).toBe(ADMIN.id))
    await choose(user, 'Priority', 'High')
    await waitFor(() => expect(fake.conversations[0]?.priority).toBe('HIGH'))
    await choose(user, 'Status', 'Resolved')
    await waitFor(() => expect(fake.conversations[0]?.status).toBe('SOLVED'))
    expect(await screen.findByText('Status changed to Resolved')).toBeTruthy()
  })

  it('shows the statistics per category and zone', async () => {
    const user = userEvent.setup()
    renderHelpdesk({ user: ADMIN, conversations: [NEW_TICKET, ANSWERED] })
    await screen.findByRole('region', { name: 'Requests (2)' })
    await user.click(screen.getByRole('tab', { name: 'Statistics' }))
    const byCategory = await screen.findByRole('region', { name: 'By category' })
    const stock = within(byCategory).getByText('Stock').closest('tr')!
    // Open 1, total 1, first answer after 2 h (the internal note does not count), not resolved.
    expect([...stock.querySelectorAll('td')].map((td) => td.textContent)).toEqual(['Stock', '1', '1', '2 h', '—'])
    const byZone = screen.getByRole('region', { name: 'By health zone' })
    const zone = await within(byZone).findByText('ZS Ouidah')
    expect([...zone.closest('tr')!.querySelectorAll('td')].map((td) => td.textContent)).toEqual([
      'ZS Ouidah',
      '2',
      '2',
      '2 h',
      '—',
    ])
  })

  it('gives a supervisor outside the feedback group the desk of their RC, without internal notes', async () => {
    const user = userEvent.setup()
    const fake = renderHelpdesk({ user: SUPERVISOR, conversations: [NEW_TICKET] })
    expect(await screen.findByText('The requests of your community health workers')).toBeTruthy()
    expect(screen.getByText(/members of the user group Administrateurs, who alone write internal notes/)).toBeTruthy()
    await user.click(await screen.findByRole('button', { name: /^Le réseau coupe/ }))
    await screen.findByRole('textbox', { name: 'Answer' })
    expect(screen.queryByRole('checkbox', { name: /Internal note/ })).toBeNull()
    await choose(user, 'Status', 'Resolved')
    await waitFor(() => expect(fake.conversations[0]?.status).toBe('SOLVED'))
    // DHIS2 lets only its ticket managers write internal notes: no status note from a supervisor.
    expect(fake.calls.filter((c) => c.params.internal === true)).toEqual([])
  })

  it('warns the RC when DHIS2 sends the requests to nobody', async () => {
    renderHelpdesk({ user: RC, groupSet: false })
    expect(await screen.findByText('Nobody receives the requests yet')).toBeTruthy()
  })
})
