import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import type { PendingOutcome } from './outcomeQueue'
import { aTask, DE, OU_RC, renderTracing, SUPERVISOR } from './testing/fakeTracing'
import type { TrackerEvent } from './trackerEvents'

const TASK_A = aTask('evTraceA001', {
  code: 'PDV-7Q2K',
  site: 'CS-GRAND-POPO',
  sex: 'F',
  ageBand: 'A_25PLUS',
  locality: 'Agoué',
  missedOn: '2026-09-12',
})
const TASK_B = aTask('evTraceB001', {
  code: 'PDV-3M9X',
  site: 'CS-GRAND-POPO',
  sex: 'M',
  ageBand: 'A_15_24',
  locality: 'Avloh',
  missedOn: '2026-09-25',
})
const CLOSED = aTask(
  'evTraceC001',
  { code: 'PDV-1AAA', locality: 'Gbéhoué', missedOn: '2026-08-01', outcome: 'DEMENAGE', outcomeDate: '2026-08-20' },
  { status: 'COMPLETED' },
)

/** TASK_A's outcome « not found », recorded on an earlier visit and still waiting on the phone. */
const QUEUED_A: PendingOutcome = {
  key: 'evTraceA001',
  seq: 1,
  queuedAt: '2026-10-02T18:00:00.000Z',
  code: 'PDV-7Q2K',
  outcome: 'NON_RETROUVE',
  outcomeDate: '2026-10-02',
  values: [
    { dataElement: DE.outcome, value: 'NON_RETROUVE' },
    { dataElement: DE.outcomeDate, value: '2026-10-02' },
  ],
}
const cards = () => screen.getAllByRole('listitem').filter((li) => li.dataset.test === 'relais-tracing-task')
const card = async (code: string) => {
  const heading = await screen.findByRole('heading', { name: `Tracing code ${code}` })
  return heading.closest('li') as HTMLElement
}

async function recordOutcome(code: string, outcome: string, date?: string) {
  const task = await card(code)
  fireEvent.click(within(task).getByRole('button', { name: 'Record the outcome' }))
  fireEvent.click(within(task).getByRole('radio', { name: outcome }))
  if (date !== undefined)
    fireEvent.change(within(task).getByLabelText('Date of the outcome'), { target: { value: date } })
  fireEvent.click(within(task).getByRole('button', { name: 'Save the outcome' }))
  const dialog = await screen.findByRole('dialog')
  fireEvent.click(within(dialog).getByRole('button', { name: 'Close the task' }))
}

const trackerPosts = (calls: ReturnType<typeof renderTracing>['calls']) =>
  calls.filter((c) => c.resource === 'tracker' && c.type === 'create')

describe('Recherche PDV', () => {
  it('shows the RC their open tasks, oldest appointment first, with only what helps find the person', async () => {
    renderTracing({ events: [TASK_B, TASK_A, CLOSED] })

    const first = await card('PDV-7Q2K')
    expect(screen.getByRole('heading', { name: 'Tasks to do (2)' })).toBeTruthy()
    expect(cards()[0]).toBe(first)
    expect(within(first).getByText('Agoué')).toBeTruthy()
    expect(within(first).getByText('Female')).toBeTruthy()
    expect(within(first).getByText('25 and over')).toBeTruthy()
    expect(within(first).getByText('12 September 2026 (21 days ago)')).toBeTruthy()
    expect(within(first).getByText('CS-GRAND-POPO')).toBeTruthy()
    expect(screen.getByText(/Meet the counsellor of the care site/)).toBeTruthy()
    // The closed one, with its outcome, and no way to record it again.
    const closed = await card('PDV-1AAA')
    expect(within(closed).getByText('Has moved away — 20 August 2026')).toBeTruthy()
    expect(within(closed).queryByRole('button')).toBeNull()
  })

  it('closes a task in DHIS2 with the outcome, after a confirmation, sending the whole event', async () => {
    const view = renderTracing({ events: [TASK_A, TASK_B] })

    await recordOutcome('PDV-7Q2K', 'Found and returned to care')

    await waitFor(() => expect(trackerPosts(view.calls)).toHaveLength(1))
    const post = trackerPosts(view.calls)[0]!
    expect(post.params).toMatchObject({ async: false, importStrategy: 'UPDATE' })
    const sent = (post.data as { events: TrackerEvent[] }).events
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatchObject({
      event: 'evTraceA001',
      program: TASK_A.program,
      programStage: TASK_A.programStage,
      orgUnit: OU_RC,
      occurredAt: TASK_A.occurredAt,
      status: 'COMPLETED',
    })
    expect(sent[0]!.dataValues).toEqual(
      expect.arrayContaining([
        { dataElement: DE.code, value: 'PDV-7Q2K' },
        { dataElement: DE.missedOn, value: '2026-09-12' },
        { dataElement: DE.outcome, value: 'RETROUVE_REVENU' },
        { dataElement: DE.outcomeDate, value: '2026-10-03' },
      ]),
    )
    // Reloaded: the task is now among the closed ones.
    await screen.findByRole('heading', { name: 'Tasks to do (1)' })
    const closed = await card('PDV-7Q2K')
    expect(within(closed).getByText('Found and returned to care — 3 October 2026')).toBeTruthy()
    expect(view.storage.items.size).toBe(0)
  })

  it('sends nothing when the confirmation is cancelled', async () => {
    const view = renderTracing({ events: [TASK_A] })
    const task = await card('PDV-7Q2K')
    fireEvent.click(within(task).getByRole('button', { name: 'Record the outcome' }))
    fireEvent.click(within(task).getByRole('radio', { name: 'Not found' }))
    fireEvent.click(within(task).getByRole('button', { name: 'Save the outcome' }))
    fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Cancel' }))
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(trackerPosts(view.calls)).toHaveLength(0)
  })

  it('refuses an outcome date in the future or before the missed appointment', async () => {
    renderTracing({ events: [TASK_A] })
    const task = await card('PDV-7Q2K')
    fireEvent.click(within(task).getByRole('button', { name: 'Record the outcome' }))
    fireEvent.click(within(task).getByRole('radio', { name: 'Deceased' }))
    const date = within(task).getByLabelText('Date of the outcome')
    fireEvent.change(date, { target: { value: '2026-10-04' } })
    expect(within(task).getByText('The date cannot be in the future')).toBeTruthy()
    expect((within(task).getByRole('button', { name: 'Save the outcome' }) as HTMLButtonElement).disabled).toBe(true)
    fireEvent.change(date, { target: { value: '2026-09-01' } })
    expect(within(task).getByText('The date cannot be before the missed appointment')).toBeTruthy()
    fireEvent.change(date, { target: { value: '2026-10-01' } })
    expect((within(task).getByRole('button', { name: 'Save the outcome' }) as HTMLButtonElement).disabled).toBe(false)
  })

  it('keeps an outcome recorded offline on the phone, waiting, and sends it when the network returns', async () => {
    const view = renderTracing({ events: [TASK_A, TASK_B] })
    await card('PDV-7Q2K')
    view.online(false)

    await recordOutcome('PDV-3M9X', 'Found, refuses to return', '2026-10-02')

    const task = await card('PDV-3M9X')
    await within(task).findByText('Waiting to be sent')
    expect(await screen.findByText('No connection to DHIS2')).toBeTruthy()
    expect(view.storage.items.get('evTraceB001')).toMatchObject({
      outcome: 'RETROUVE_REFUS',
      outcomeDate: '2026-10-02',
    })
    expect(view.events().find((e) => e.event === 'evTraceB001')?.status).toBe('ACTIVE')

    await act(async () => view.online(true))
    await waitFor(() => expect(view.events().find((e) => e.event === 'evTraceB001')?.status).toBe('COMPLETED'))
    await screen.findByRole('heading', { name: 'Tasks to do (1)' })
    expect(view.storage.items.size).toBe(0)
    expect(screen.queryByText('No connection to DHIS2')).toBeNull()
  })

  it('sends an outcome a previous visit left waiting on the phone', async () => {
    const view = renderTracing({ events: [TASK_A], queued: [QUEUED_A] })
    await waitFor(() => expect(view.events()[0]?.status).toBe('COMPLETED'))
    expect(view.storage.items.size).toBe(0)
    await screen.findByRole('heading', { name: 'Tasks to do (0)' })
  })

  it('builds the update on the event as DHIS2 holds it when sent, keeping a correction made meanwhile', async () => {
    const view = renderTracing({ events: [TASK_A] })
    await card('PDV-7Q2K')
    view.online(false)
    await recordOutcome('PDV-7Q2K', 'Has moved away')
    await within(await card('PDV-7Q2K')).findByText('Waiting to be sent')
    view.change('evTraceA001', (e) => ({
      ...e,
      dataValues: e.dataValues?.map((dv) => (dv.dataElement === DE.locality ? { ...dv, value: 'Agoué-Plage' } : dv)),
    }))

    await act(async () => view.online(true))
    await waitFor(() => expect(trackerPosts(view.calls).filter((c) => c.online)).toHaveLength(1))
    const sent = (trackerPosts(view.calls).find((c) => c.online)!.data as { events: TrackerEvent[] }).events[0]!
    expect(sent.dataValues).toEqual(
      expect.arrayContaining([
        { dataElement: DE.locality, value: 'Agoué-Plage' },
        { dataElement: DE.outcome, value: 'DEMENAGE' },
      ]),
    )
  })

  it('does not overwrite a task someone else closed meanwhile, and says so', async () => {
    const view = renderTracing({ events: [TASK_A] })
    await card('PDV-7Q2K')
    view.online(false)
    await recordOutcome('PDV-7Q2K', 'Not found')
    view.change('evTraceA001', (e) => ({
      ...e,
      status: 'COMPLETED',
      completedAt: '2026-10-03T08:00:00.000',
      dataValues: [...(e.dataValues ?? []), { dataElement: DE.outcome, value: 'DECEDE' }],
    }))

    await act(async () => view.online(true))
    expect(
      await screen.findByText(/The task was already closed in DHIS2 on 3 October 2026; this outcome was not sent./),
    ).toBeTruthy()
    expect(trackerPosts(view.calls).filter((c) => c.online)).toHaveLength(0)
    expect(view.events()[0]?.dataValues).toContainEqual({ dataElement: DE.outcome, value: 'DECEDE' })
  })

  it('counts as sent an outcome DHIS2 already holds (the answer of an earlier try was lost)', async () => {
    const closed = aTask(
      'evTraceA001',
      { code: 'PDV-7Q2K', outcome: 'NON_RETROUVE', outcomeDate: '2026-10-02' },
      { status: 'COMPLETED' },
    )
    const view = renderTracing({ events: [closed], queued: [QUEUED_A] })
    await waitFor(() => expect(view.storage.items.size).toBe(0))
    expect(trackerPosts(view.calls)).toHaveLength(0)
    expect(screen.queryByText('Outcomes refused by DHIS2')).toBeNull()
  })

  it('says so when the task is no longer in DHIS2', async () => {
    const view = renderTracing({ events: [TASK_A] })
    await card('PDV-7Q2K')
    view.online(false)
    await recordOutcome('PDV-7Q2K', 'Not found')
    view.remove('evTraceA001')
    await act(async () => view.online(true))
    expect(await screen.findByText(/Event with id evTraceA001 could not be found./)).toBeTruthy()
    expect(trackerPosts(view.calls).filter((c) => c.online)).toHaveLength(0)
  })

  it('shows a refusal by DHIS2 once, keeps it until discarded, and never sends it again', async () => {
    const view = renderTracing({
      events: [TASK_A],
      refuse: { evTraceA001: 'User has no access to update a completed event' },
    })
    await recordOutcome('PDV-7Q2K', 'Not found')

    const refused = await screen.findByText(/E1083 User has no access to update a completed event/)
    expect(screen.getByText('Outcomes refused by DHIS2')).toBeTruthy()
    expect(view.storage.items.get('evTraceA001')?.refused).toMatch(/E1083/)
    // Retries (the network returning, the tab regaining focus) do not send it again.
    await act(async () => {
      window.dispatchEvent(new Event('online'))
      window.dispatchEvent(new Event('focus'))
    })
    expect(trackerPosts(view.calls)).toHaveLength(1)

    fireEvent.click(within(refused.closest('li') as HTMLElement).getByRole('button', { name: 'Discard' }))
    await waitFor(() => expect(screen.queryByText('Outcomes refused by DHIS2')).toBeNull())
    expect(view.storage.items.size).toBe(0)
    // The task can be recorded again.
    expect(within(await card('PDV-7Q2K')).getByRole('button', { name: 'Record the outcome' })).toBeTruthy()
  })

  it("shows a supervisor their area's tasks with the RC's name, without recording", async () => {
    const view = renderTracing({ user: SUPERVISOR, events: [TASK_A] })
    const task = await card('PDV-7Q2K')
    expect(await within(task).findByText('RC Mathias Hounsou (Grand-Popo)')).toBeTruthy()
    expect(within(task).queryByRole('button', { name: 'Record the outcome' })).toBeNull()
    const list = view.calls.find((c) => c.resource === 'tracker/events')
    expect(list?.params).toMatchObject({ orgUnit: 'ouZsAq00001', orgUnitMode: 'DESCENDANTS' })
  })

  it('says so when the tracing programme is not in DHIS2', async () => {
    renderTracing({ programSet: false })
    expect(await screen.findByText('Patient tracing is not set up in DHIS2')).toBeTruthy()
  })
})
