import { act, configure, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { switchLanguage } from '../shared/testing/switchLanguage'
import {
  BRIDGE_REFUSED,
  BRIDGE_TIMEOUT,
  conflictRecord,
  overwriteRecord,
  counts,
  FakeBridge,
  httpError,
  quarantinedRecord,
  ROUTE_MISSING,
  run,
  T0,
} from './testing/fakeBridge'
import { ADMIN, renderSync, SUPERVISOR } from './testing/renderSync'
import { chooseIn, filterSelect, openOptions, shownIn } from './testing/selects'

// @dhis2/ui's controls are slow to draw and to type into under jsdom (tens of milliseconds a key): a test that
// filters and types a reason is seconds long, and a screen can take more than a second to show on a busy machine.
jest.setTimeout(20_000)
configure({ asyncUtilTimeout: 5000 })

const card = (name: string) => screen.findByRole('article', { name })

describe('Synchronisation: sources', () => {
  it('lists the sources with their health, last run and its counts, and the actions for a data manager', async () => {
    renderSync()
    const csv = within(await card('csv-partenaires'))
    expect(csv.getByText('Needs attention')).toBeTruthy()
    expect(csv.getByRole('button', { name: /Completed · Import · 3 Oct 2026/ })).toBeTruthy()
    const countsList = within(csv.getByRole('list', { name: 'Records of the last run' }))
    expect(countsList.getAllByRole('listitem').map((li) => li.textContent)).toEqual(['Imported 3', 'In quarantine 1'])
    expect(csv.getByRole('button', { name: 'Dry run' })).toBeTruthy()
    expect(csv.getByRole('button', { name: 'Import' })).toBeTruthy()
    expect(csv.getByRole('button', { name: 'Upload a file…' })).toBeTruthy()

    const kobo = within(await card('kobo-rapport-rc'))
    expect(kobo.getAllByText('Never run')).toHaveLength(2) // health and last run
    expect(kobo.queryByRole('button', { name: 'Upload a file…' })).toBeNull() // a Kobo form takes no files
  })
})

describe('Synchronisation: runs', () => {
  it('starts a dry run and follows it live until it is done, then stops asking', async () => {
    const bridge = new FakeBridge()
    const running = (n: ReturnType<typeof counts>) => ({
      run: run('x', { status: 'running', finishedAt: null }),
      counts: n,
    })
    bridge.runScripts.set('next', [
      running(counts({ received: 4 })),
      running(counts({ imported: 1, mapped: 3 })),
      running(counts({ imported: 3, quarantined: 1 })),
      { run: run('x', { status: 'completed' }), counts: counts({ imported: 3, quarantined: 1 }) },
    ])
    renderSync({ bridge })
    const user = userEvent.setup()
    await user.click(within(await card('csv-partenaires')).getByRole('button', { name: 'Dry run' }))

    expect(bridge.requestsTo('create', 'runs').map((r) => r.data)).toEqual([
      { source: 'csv-partenaires', mode: 'dry-run' },
    ])
    expect(await screen.findByRole('heading', { name: 'Run of csv-partenaires' })).toBeTruthy()
    await screen.findByText('Finished — 4 of 4 records processed', {}, { timeout: 3000 })
    expect(screen.getByRole('progressbar', { name: 'Run progress' }).getAttribute('aria-valuenow')).toBe('100')
    expect(screen.getByText('Completed')).toBeTruthy()
    const table = within(screen.getByRole('table', { name: 'Records per status' }))
    expect(table.getAllByRole('row').map((row) => row.textContent)).toEqual([
      'StatusRecords',
      'Imported3',
      'In quarantine1',
      'Total4',
    ])
    const asked = bridge.requestsTo('read', 'runs/run-new-1').length
    expect(asked).toBe(4)
    await act(() => new Promise((resolve) => setTimeout(resolve, 100)))
    expect(bridge.requestsTo('read', 'runs/run-new-1')).toHaveLength(asked) // a finished run is not polled
  })

  it('says so when a run found nothing new, instead of « 0 of 0 »', async () => {
    const bridge = new FakeBridge()
    bridge.runScripts.set('run-0', [
      { run: run('run-0', { source: 'kobo-rapport-rc', finalCounts: counts({}) }), counts: counts({}) },
    ])
    renderSync({ bridge, query: 'view=runs&run=run-0', pollMs: 10_000 })
    expect(await screen.findByText('Finished — nothing new at the source, no record to bring to DHIS2.')).toBeTruthy()
    expect(screen.queryByText(/0 of 0/)).toBeNull()
  })

  it('shows the progress of a running run in percent', async () => {
    const bridge = new FakeBridge()
    bridge.runScripts.set('run-9', [
      { run: run('run-9', { status: 'running', finishedAt: null }), counts: counts({ imported: 1, mapped: 3 }) },
    ])
    renderSync({ bridge, query: 'view=runs&run=run-9', pollMs: 10_000 })
    expect(await screen.findByText('1 of 4 records processed (25 %)')).toBeTruthy()
    expect(screen.getByRole('progressbar', { name: 'Run progress' }).getAttribute('aria-valuenow')).toBe('25')
    expect(screen.getByRole('button', { name: 'Cancel the run' })).toBeTruthy()
  })

  it('asks before an import, and says why the bridge refused to start it', async () => {
    const bridge = new FakeBridge()
    bridge.overrides.set('create runs', () => {
      throw httpError(409, { error: 'state-conflict', message: 'source csv-partenaires already has a running run' })
    })
    renderSync({ bridge })
    const user = userEvent.setup()
    await user.click(within(await card('csv-partenaires')).getByRole('button', { name: 'Import' }))
    expect(bridge.requestsTo('create', 'runs')).toEqual([])
    expect(await screen.findByText('Import from csv-partenaires?')).toBeTruthy()
    await user.click(screen.getByRole('button', { name: 'Start the import' }))

    expect(
      await screen.findByText(
        'This is no longer possible; someone else may have acted first. Refresh to see the current state.',
      ),
    ).toBeTruthy()
    expect(screen.getByText('source csv-partenaires already has a running run')).toBeTruthy()
    expect(bridge.requestsTo('create', 'runs').map((r) => r.data)).toEqual([
      { source: 'csv-partenaires', mode: 'import' },
    ])
  })

  it('pages through the run history', async () => {
    const bridge = new FakeBridge()
    bridge.runs = Array.from({ length: 25 }, (_, i) =>
      run(`run-${i + 1}`, { startedAt: `2026-10-${String(28 - i).padStart(2, '0')}T08:00:00.000Z` }),
    )
    renderSync({ bridge, query: 'view=runs' })
    const user = userEvent.setup()
    expect(await screen.findByText('Page 1 of 2 (25 in all)')).toBeTruthy()
    expect(within(screen.getByRole('table', { name: 'Runs' })).getAllByRole('row')).toHaveLength(21)
    await user.click(screen.getByRole('button', { name: 'Next' }))
    expect(await screen.findByText('Page 2 of 2 (25 in all)')).toBeTruthy()
    expect(within(screen.getByRole('table', { name: 'Runs' })).getAllByRole('row')).toHaveLength(6)
    expect(bridge.requestsTo('read', 'runs').at(-1)?.params).toEqual({ page: 2, pageSize: 20 })
  })
  it('filters the run history by source and status, kept in the address, and the arrow keys choose too', async () => {
    const bridge = new FakeBridge()
    renderSync({ bridge, query: 'view=runs&status=completed' })
    const user = userEvent.setup()
    await screen.findByRole('table', { name: 'Runs' })
    // from the address: the filter shows it, the bridge is asked with it
    expect(shownIn('Run status')).toBe('Completed')
    expect(shownIn('Source')).toBe('All sources')
    expect(bridge.requestsTo('read', 'runs').at(-1)?.params).toEqual({ page: 1, pageSize: 20, status: 'completed' })

    await chooseIn(user, 'Source', 'kobo-rapport-rc')
    await waitFor(() =>
      expect(bridge.requestsTo('read', 'runs').at(-1)?.params).toEqual({
        page: 1,
        pageSize: 20,
        source: 'kobo-rapport-rc',
        status: 'completed',
      }),
    )
    expect(shownIn('Source')).toBe('kobo-rapport-rc')

    // the keyboard: the arrows take the next or the previous status, the list stays closed
    filterSelect('Run status').focus()
    await user.keyboard('{ArrowDown}')
    await waitFor(() => expect(shownIn('Run status')).toBe('Run failed'))
    expect(bridge.requestsTo('read', 'runs').at(-1)?.params).toMatchObject({ status: 'failed' })
    await user.keyboard('{ArrowUp}{ArrowUp}{ArrowUp}')
    await waitFor(() => expect(shownIn('Run status')).toBe('All statuses'))
    expect(bridge.requestsTo('read', 'runs').at(-1)?.params).toEqual({
      page: 1,
      pageSize: 20,
      source: 'kobo-rapport-rc',
    })
    expect(openOptions()).toEqual([])
  })
})

describe('Synchronisation: records', () => {
  it('searches records by RC code, period and status, and opens one with its history', async () => {
    const bridge = new FakeBridge()
    renderSync({ bridge, query: 'view=records' })
    const user = userEvent.setup()
    await user.type(await screen.findByRole('textbox', { name: 'RC code' }), 'rc-bo-00001')
    await user.type(screen.getByRole('textbox', { name: 'Period' }), '2026-09')
    expect(shownIn('Status')).toBe('All statuses')
    await chooseIn(user, 'Status', 'Imported')
    expect(shownIn('Status')).toBe('Imported')
    await user.click(screen.getByRole('button', { name: 'Search' }))

    await waitFor(() =>
      expect(bridge.requestsTo('read', 'records').at(-1)?.params).toEqual({
        rcCode: 'RC-BO-00001',
        period: '202609',
        status: 'imported',
        page: 1,
        pageSize: 20,
      }),
    )
    const results = within(await screen.findByRole('table', { name: 'Records found' }))
    await waitFor(() => expect(results.getAllByRole('row')).toHaveLength(2))
    await user.click(results.getByRole('button', { name: 'RC-BO-00001' }))

    expect(await screen.findByRole('heading', { name: 'Record RC-BO-00001|2026-09' })).toBeTruthy()
    const history = within(screen.getByRole('table', { name: 'History' }))
    expect(history.getAllByRole('row').map((row) => (row as HTMLTableRowElement).cells[1]?.textContent)).toEqual([
      'Status',
      'Received',
      'Received → Ready to send',
      'Ready to send → Imported',
    ])
    expect(history.getByText('push-worker')).toBeTruthy()
  })

  it("shows DHIS2's own messages for a record DHIS2 refused", async () => {
    const bridge = new FakeBridge()
    bridge.records.set('rec-c', conflictRecord())
    renderSync({ bridge, query: 'view=records&record=rec-c' })
    const messages = within(await screen.findByRole('table', { name: "DHIS2's messages" }))
    expect(
      messages.getByText('Period: `202609` is after latest open future period: `202608` for data element: `RC_VAD`'),
    ).toBeTruthy()
    expect(messages.getByText('E7641')).toBeTruthy()
    expect(screen.getByText('Refused by DHIS2')).toBeTruthy()
  })
})

describe('Synchronisation: an import that would overwrite a person’s value', () => {
  it('shows both values, who entered DHIS2’s and when, and offers to take the source’s', async () => {
    const bridge = new FakeBridge()
    bridge.records.set('rec-o', overwriteRecord())
    renderSync({ bridge, query: 'view=records&record=rec-o' })
    const table = within(
      await screen.findByRole('table', { name: 'Values entered by a person that the import would replace' }),
    )
    const [row] = table.getAllByRole('row').slice(1)
    expect(
      within(row!)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual([
      'deRcVad0001', // no name from DHIS2 here: its id
      '777',
      'relais',
      expect.stringMatching(/2 Oct/),
      '25',
    ])
    expect(screen.getAllByText('Would overwrite values entered by a person').length).toBeGreaterThan(0)
    await userEvent.setup().click(screen.getByRole('button', { name: "Take the source's values" }))
    expect(
      await screen.findByText(
        "The values a person entered in DHIS2 (above) will be replaced by the source's. This is recorded with your name.",
      ),
    ).toBeTruthy()
  })

  it('decides value by value: the values of DHIS2 ticked are kept, the others take the source’s', async () => {
    const bridge = new FakeBridge()
    bridge.records.set('rec-o', overwriteRecord())
    renderSync({ bridge, query: 'view=records&record=rec-o' })
    const user = userEvent.setup()
    await user.click(await screen.findByRole('checkbox', { name: 'Keep deRcVad0001 = 777 (the source brings 25)' }))
    await user.click(screen.getByRole('button', { name: "Release, keeping 1 of DHIS2's values" }))
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Release' }))
    await waitFor(() => expect(bridge.requestsTo('create', 'quarantine/rec-o/release')).toHaveLength(1))
    expect(bridge.requestsTo('create', 'quarantine/rec-o/release')[0]?.data).toEqual({
      keep: [{ dataElement: 'deRcVad0001', categoryOptionCombo: expect.any(String) }],
    })
  })
})

describe('Synchronisation: quarantine', () => {
  async function openQuarantined(bridge = new FakeBridge()) {
    const view = renderSync({ bridge, query: 'view=quarantine' })
    const list = within(await screen.findByRole('table', { name: 'Records found' }))
    expect(list.getByText('Value must be zero or a positive integer')).toBeTruthy() // why, in the list
    await userEvent.setup().click(list.getByRole('button', { name: 'RC-BO-00002' }))
    await screen.findByRole('heading', { name: 'Decide on this record' })
    return view
  }

  it('corrects the value and releases the record after confirming; it goes on to DHIS2', async () => {
    const { bridge } = await openQuarantined()
    const user = userEvent.setup()
    const vad = screen.getByRole('textbox', { name: 'vad' })
    expect(vad.getAttribute('aria-invalid')).toBe('true')
    expect(screen.getAllByText('Value must be zero or a positive integer').length).toBeGreaterThan(0)
    // why, read with the field by a screen reader
    expect(document.getElementById(vad.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
      'Value must be zero or a positive integer',
    )
    expect(screen.getByRole('textbox', { name: 'causeries' }).hasAttribute('aria-invalid')).toBe(false)

    await user.clear(vad)
    await user.type(vad, '25')
    await user.click(screen.getByRole('button', { name: 'Release with the corrections' }))
    expect(screen.getByText('vad becomes 25 (was -5)')).toBeTruthy()
    expect(bridge.requestsTo('create', 'quarantine/rec-q/release')).toEqual([])
    await user.click(screen.getByRole('button', { name: 'Release' }))

    expect(await screen.findByText('Record released')).toBeTruthy()
    expect(bridge.requestsTo('create', 'quarantine/rec-q/release').map((r) => r.data)).toEqual([
      { corrected: { code_rc: 'RC-BO-00002', mois: '2026-09', vad: '25', causeries: '3' } },
    ])
    // The record page follows it while the pipeline works: mapped, then imported.
    await waitFor(() => expect(screen.getAllByText('Imported').length).toBeGreaterThan(0))
    expect(screen.queryByRole('heading', { name: 'Decide on this record' })).toBeNull()
  })

  it('shows why the bridge still refuses a corrected value, and keeps the record in quarantine', async () => {
    const { bridge } = await openQuarantined()
    const user = userEvent.setup()
    const vad = screen.getByRole('textbox', { name: 'vad' })
    await user.clear(vad)
    await user.type(vad, '2.5')
    await user.click(screen.getByRole('button', { name: 'Release with the corrections' }))
    await user.click(screen.getByRole('button', { name: 'Release' }))

    expect(await screen.findByText('The corrected record is still refused')).toBeTruthy()
    expect(bridge.records.get('rec-q')?.record.status).toBe('quarantined')
    expect(screen.queryByText('Record released')).toBeNull()
    expect((screen.getByRole('textbox', { name: 'vad' }) as HTMLInputElement).value).toBe('2.5')
  })

  it('filters by RC and month, and discards several records at once with one reason', async () => {
    const bridge = new FakeBridge()
    const second = quarantinedRecord()
    second.record = { ...second.record, id: 'rec-q2', sourceKey: 'RC-BO-00002|2026-08', period: '202608' }
    bridge.records.set('rec-q2', second)
    renderSync({ bridge, query: 'view=quarantine' })
    const user = userEvent.setup()
    const list = within(await screen.findByRole('table', { name: 'Records found' }))
    expect(list.getAllByText('September 2026').length).toBe(1)
    expect(list.getByText('August 2026')).toBeTruthy()

    await user.type(screen.getByRole('textbox', { name: 'RC code' }), 'rc-bo-00002')
    await user.type(screen.getByRole('textbox', { name: 'Month' }), '2026-09')
    await user.click(screen.getByRole('button', { name: 'Filter' }))
    await waitFor(() =>
      expect(bridge.requestsTo('read', 'quarantine').at(-1)?.params).toMatchObject({
        rcCode: 'RC-BO-00002',
        period: '202609',
      }),
    )
    // Back to the whole list: both records, selected with the header box.
    await user.clear(screen.getByRole('textbox', { name: 'RC code' }))
    await user.clear(screen.getByRole('textbox', { name: 'Month' }))
    await user.click(screen.getByRole('button', { name: 'Filter' }))
    await user.click(await screen.findByRole('checkbox', { name: 'Select every record of the page' }))
    expect(screen.getByText('2 selected')).toBeTruthy()
    await user.click(screen.getByRole('button', { name: 'Discard the selection' }))
    const dialog = within(await screen.findByRole('dialog'))
    expect(dialog.getByText('Discard 2 records?')).toBeTruthy()
    await user.type(dialog.getByRole('textbox'), 'Rapports papier déjà saisis')
    await user.click(dialog.getByRole('button', { name: 'Discard' }))

    expect(await screen.findByText('2 records discarded')).toBeTruthy()
    expect(bridge.requestsTo('create', 'quarantine/bulk').map((r) => r.data)).toEqual([
      { action: 'discard', ids: ['rec-q', 'rec-q2'], reason: 'Rapports papier déjà saisis' },
    ])
    expect(bridge.records.get('rec-q2')?.record.status).toBe('discarded')
  })

  it('keeps the filters of the address, a zone not (yet) among the choices too', async () => {
    const bridge = new FakeBridge()
    renderSync({ bridge, query: 'view=quarantine&reason=invalid&within=ouZone00001' })
    const user = userEvent.setup()
    await screen.findByRole('table', { name: 'Records found' })
    expect(shownIn('Reason')).toBe('Invalid values')
    expect(shownIn('Zone')).toBe('ouZone00001') // this DHIS2 has no zone: its id, never a crash
    expect(bridge.requestsTo('read', 'quarantine').at(-1)?.params).toMatchObject({
      reason: 'invalid',
      within: 'ouZone00001',
    })
    await chooseIn(user, 'Reason', 'All reasons')
    expect(shownIn('Reason')).toBe('All reasons')
    await user.click(screen.getByRole('button', { name: 'Filter' }))
    await waitFor(() =>
      expect(bridge.requestsTo('read', 'quarantine').at(-1)?.params).toEqual({
        page: 1,
        pageSize: 20,
        within: 'ouZone00001',
      }),
    )
  })

  it('selects records one by one; the box of the page says when only some are', async () => {
    const bridge = new FakeBridge()
    const second = quarantinedRecord()
    second.record = { ...second.record, id: 'rec-q2', sourceKey: 'RC-BO-00002|2026-08', period: '202608' }
    bridge.records.set('rec-q2', second)
    renderSync({ bridge, query: 'view=quarantine' })
    const user = userEvent.setup()
    const list = within(await screen.findByRole('table', { name: 'Records found' }))
    await waitFor(() => expect(list.getAllByRole('checkbox', { name: 'Select RC-BO-00002' })).toHaveLength(2))
    const page = list.getByRole('checkbox', { name: 'Select every record of the page' }) as HTMLInputElement
    const [first] = list.getAllByRole('checkbox', { name: 'Select RC-BO-00002' }) as HTMLInputElement[]
    await user.click(first!)
    expect(first!.checked).toBe(true)
    expect(screen.getByText('1 selected')).toBeTruthy()
    expect([page.checked, page.indeterminate]).toEqual([false, true])
    await user.click(page)
    expect(screen.getByText('2 selected')).toBeTruthy()
    expect([page.checked, page.indeterminate]).toEqual([true, false])
    await user.click(page)
    expect(screen.getByText('0 selected')).toBeTruthy()
    expect(first!.checked).toBe(false)
  })

  it('releases into a closed period only with a reason, naming the month and the RC', async () => {
    const bridge = new FakeBridge()
    const late = bridge.records.get('rec-q')!
    late.record = {
      ...late.record,
      reason: 'late',
      lastError: null,
      raw: { ...(late.record.raw as Record<string, unknown>), vad: '25' },
    }
    // What the bridge reads in DHIS2 for that report: the RC's own value of home visits would be replaced.
    bridge.previews.set('rec-q', {
      period: '202609',
      orgUnit: 'ouRcBo00002',
      counts: { new: 24, changed: 0, same: 1, overwrite: 1, refused: 0 },
      lines: [
        {
          kind: 'overwrite',
          dataElement: 'deRcVad0001',
          categoryOptionCombo: 'cocDefault1',
          period: '202609',
          orgUnit: 'ouRcBo00002',
          before: '31',
          after: '25',
          storedBy: 'rc_bo_00002',
          lastUpdated: '2026-10-02T18:12:00.000',
        },
      ],
    })
    renderSync({ bridge, query: 'view=quarantine' })
    const user = userEvent.setup()
    await user.click(
      within(await screen.findByRole('table', { name: 'Records found' })).getByRole('button', { name: 'RC-BO-00002' }),
    )
    await user.click(await screen.findByRole('button', { name: 'Release as it is' }))
    const dialog = within(await screen.findByRole('dialog'))
    expect(dialog.getByText('Release into a closed period?')).toBeTruthy()
    expect(dialog.getByText(/September 2026 is closed for RC-BO-00002/)).toBeTruthy()
    // Before deciding: what it would write, and whose value it would replace (nothing written yet).
    expect(await dialog.findByText('24 new values')).toBeTruthy()
    expect(dialog.getByText(/1 values entered by a person would be replaced/)).toBeTruthy()
    const replaced = within(dialog.getByRole('table', { name: 'Values the release would replace' }))
    expect(replaced.getAllByRole('row')[1]?.textContent).toMatch(/^Entered by a person.*31rc_bo_00002.*25$/)
    expect(bridge.requestsTo('create', 'quarantine/rec-q/preview').map((r) => r.data)).toEqual([{}])
    const confirm = dialog.getByRole('button', { name: 'Release' })
    expect(confirm.hasAttribute('disabled')).toBe(true)
    await user.type(
      dialog.getByRole('textbox', { name: 'Why it must go in (required)' }),
      'Rapport remis en main propre le 14',
    )
    await user.click(confirm)
    expect(await screen.findByText('Record released')).toBeTruthy()
    expect(bridge.requestsTo('create', 'quarantine/rec-q/release').map((r) => r.data)).toEqual([
      { note: 'Rapport remis en main propre le 14' },
    ])
  })

  it('discards a record with a reason, after confirming', async () => {
    const { bridge } = await openQuarantined()
    const user = userEvent.setup()
    const discard = screen.getByRole('button', { name: 'Discard the record' })
    expect(discard.hasAttribute('disabled')).toBe(true) // no reason yet
    await user.type(screen.getByRole('textbox', { name: 'Reason for discarding' }), 'Doublon du rapport papier')
    await user.click(discard)
    expect(await screen.findByText('Discard this record?')).toBeTruthy()
    await user.click(screen.getByRole('button', { name: 'Discard' }))

    expect(await screen.findByText('Record discarded')).toBeTruthy()
    expect(bridge.requestsTo('create', 'quarantine/rec-q/discard').map((r) => r.data)).toEqual([
      { reason: 'Doublon du rapport papier' },
    ])
    expect(bridge.records.get('rec-q')?.record.status).toBe('discarded')
  })
})

describe('Synchronisation: a report its source deleted', () => {
  it('says DHIS2 keeps it, and un-completes it only with a reason, after confirming', async () => {
    const bridge = new FakeBridge()
    const imported = bridge.records.get('rec-ok')!
    imported.history.push({
      id: 'del',
      at: T0,
      actor: 'source:kobo-rapport-rc',
      fromStatus: 'imported',
      toStatus: 'imported',
      reason: 'deleted-at-source',
      detail: {},
    })
    renderSync({ bridge, query: 'view=records&record=rec-ok' })
    const user = userEvent.setup()
    expect(await screen.findByText('The source deleted this report')).toBeTruthy()
    const button = screen.getByRole('button', { name: 'Un-complete the report in DHIS2' })
    expect(button.hasAttribute('disabled')).toBe(true)
    await user.type(screen.getByRole('textbox', { name: 'Reason for un-completing (required)' }), 'Doublon')
    await user.click(button)
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Un-complete' }))
    expect(await screen.findByText('The report is no longer complete in DHIS2; its first date is kept.')).toBeTruthy()
    expect(bridge.requestsTo('create', 'records/rec-ok/uncomplete').map((r) => r.data)).toEqual([{ reason: 'Doublon' }])
    expect(await screen.findByText('Report un-completed in DHIS2 by a data manager')).toBeTruthy()
  })
})

describe('Synchronisation: the tabs', () => {
  it('opens each part of the console from its tab, and the list again from one of its records', async () => {
    renderSync({ query: 'view=records&record=rec-ok' })
    const user = userEvent.setup()
    expect(await screen.findByRole('heading', { name: 'Record RC-BO-00001|2026-09' })).toBeTruthy()
    const tabs = within(screen.getByRole('navigation', { name: 'Parts of the console' }))
    expect(tabs.getAllByRole('tab').map((tab) => [tab.textContent, tab.getAttribute('aria-selected')])).toEqual([
      ['Sources', 'false'],
      ['Run history', 'false'],
      ['Records', 'true'],
      ['Quarantine', 'false'],
      ['Partner deliveries', 'false'],
      ['National HMIS', 'false'],
    ])
    await user.click(tabs.getByRole('tab', { name: 'Records' }))
    expect(await screen.findByRole('search', { name: 'Search records' })).toBeTruthy()
    expect(screen.queryByRole('heading', { name: 'Record RC-BO-00001|2026-09' })).toBeNull()
    await user.click(tabs.getByRole('tab', { name: 'Quarantine' }))
    expect(await screen.findByRole('search', { name: 'Filter the quarantine' })).toBeTruthy()
    expect(tabs.getByRole('tab', { name: 'Quarantine' }).getAttribute('aria-selected')).toBe('true')
    await user.click(tabs.getByRole('tab', { name: 'Sources' }))
    expect(await card('csv-partenaires')).toBeTruthy()
  })
})

describe('Synchronisation: when the bridge cannot be reached', () => {
  it('explains how to create the route when DHIS2 has none, and opens the console once it exists', async () => {
    const bridge = new FakeBridge()
    bridge.fail = ROUTE_MISSING
    renderSync({ bridge })
    expect(await screen.findByText('The route to the Relais bridge is missing')).toBeTruthy()
    const definition = screen.getByLabelText('Route definition').textContent ?? ''
    expect(definition).toMatch(/^POST \/api\/routes/)
    const body = JSON.parse(definition.slice(definition.indexOf('{'))) as Record<string, unknown>
    expect(body).toMatchObject({
      code: 'relais-bridge',
      url: 'https://relais-bridge.example.org/**',
      auth: { type: 'api-headers', headers: { 'X-Relais-Route-Secret': 'the route secret' } },
      authorities: ['M_relais'],
    })
    expect(screen.queryByRole('tab')).toBeNull()

    bridge.fail = undefined
    await userEvent.setup().click(screen.getByRole('button', { name: 'Try again' }))
    expect(await card('csv-partenaires')).toBeTruthy()
  })

  it.each([
    ['refused (503)', BRIDGE_REFUSED, 503],
    ['timed out (504)', BRIDGE_TIMEOUT, 504],
  ])('says the bridge is not answering when the route %s', async (_what, error, status) => {
    const bridge = new FakeBridge()
    bridge.fail = error
    renderSync({ bridge })
    expect(await screen.findByText('The Relais bridge is not answering')).toBeTruthy()
    expect(
      screen.getByText(`DHIS2 has the route relais-bridge, but the bridge behind it did not answer (HTTP ${status}).`),
    ).toBeTruthy()
    expect(screen.queryByText('The route to the Relais bridge is missing')).toBeNull()
  })

  it("tells a bridge's own 404 (an unknown record) from a missing route", async () => {
    renderSync({ query: 'view=records&record=nope' })
    expect(await screen.findByText('Could not load the record')).toBeTruthy()
    expect(screen.getByText('Not found. It may have been removed.')).toBeTruthy()
    expect(screen.queryByText('The route to the Relais bridge is missing')).toBeNull()
  })
})

describe('Synchronisation: proving who calls (issue 11 §6)', () => {
  it('writes a proof in DHIS2 before calling the bridge, and a new one when the bridge refuses the old', async () => {
    const bridge = new FakeBridge()
    renderSync({ bridge })
    const csv = within(await card('csv-partenaires'))
    expect(bridge.proofsWritten).toBe(1)
    // The bridge let the proof expire and deleted it: the next call is refused once, then made again.
    bridge.proofKeys.clear()
    await userEvent.setup().click(csv.getByRole('button', { name: 'Dry run' }))
    expect(await screen.findByRole('heading', { name: 'Run of csv-partenaires' })).toBeTruthy()
    expect(bridge.proofsWritten).toBe(2)
    expect(bridge.requestsTo('create', 'runs')).toHaveLength(1)
  })

  it('says what to check when the bridge never takes the proof', async () => {
    const bridge = new FakeBridge()
    bridge.checkProof = () => {
      throw httpError(401, { error: 'unauthorized', reason: 'route-proof-refused', message: 'DHIS2 does not vouch' })
    }
    renderSync({ bridge })
    expect(await screen.findByText('The bridge could not confirm who you are')).toBeTruthy()
    expect(screen.getByText(/namespace relais-proofs/)).toBeTruthy()
  })
})

describe('Synchronisation: roles and languages', () => {
  it('does not open the console for a supervisor, and never calls the bridge for them', async () => {
    const { bridge } = renderSync({ user: SUPERVISOR })
    expect(await screen.findByText('Not available for your role')).toBeTruthy()
    expect(bridge.requests).toEqual([])
  })

  it('gives an administrator the actions too', async () => {
    renderSync({ user: ADMIN, query: 'view=quarantine&record=rec-q' })
    expect(await screen.findByRole('button', { name: 'Release as it is' })).toBeTruthy()
    expect(screen.queryByText(/Read only/)).toBeNull()
  })

  it('says « téléverser » in French, never the « télécharger » (download) of @dhis2/ui’s file input', async () => {
    await switchLanguage('fr')
    try {
      renderSync()
      const csv = within(await card('csv-partenaires'))
      await userEvent.setup().click(csv.getByRole('button', { name: 'Téléverser un fichier…' }))
      expect(csv.getByRole('button', { name: 'Choisir un fichier' })).toBeTruthy()
      expect(csv.getByLabelText('Fichier CSV ou XLSX')).toBeTruthy()
      expect(screen.queryByText(/Télécharger/)).toBeNull()
    } finally {
      await switchLanguage('en')
    }
  })

  it('speaks French to French users', async () => {
    await switchLanguage('fr')
    try {
      renderSync({ query: 'view=quarantine&record=rec-q' })
      expect(await screen.findByRole('heading', { name: 'Décider du sort de cet enregistrement' })).toBeTruthy()
      expect(screen.getByRole('tab', { name: 'Historique des exécutions' })).toBeTruthy()
      expect(screen.getAllByText('La valeur doit être zéro ou un entier positif').length).toBeGreaterThan(0)
      expect(screen.getByText('En quarantaine')).toBeTruthy()
    } finally {
      await switchLanguage('en')
    }
  })
})
