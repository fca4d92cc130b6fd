// The upload goes over real HTTP (XMLHttpRequest, for its progress), not through the data engine: a local server
// stands in for DHIS2's route here and checks what the browser sends — the raw file, never multipart.
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { configure, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { proofKey } from '../shared/bridge/routeProof'
import type { RunDiff } from './api/types'
import { counts, FakeBridge, run } from './testing/fakeBridge'
import { renderSync } from './testing/renderSync'

// @dhis2/ui's controls are slow to draw under jsdom: on a busy machine a screen can take more than a second.
jest.setTimeout(20_000)
configure({ asyncUtilTimeout: 5000 })

interface Received {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
}

let server: Server
let baseUrl: string
let received: Received[] = []
type Answer = { status: number; body: unknown }
let answer: Answer = { status: 202, body: { id: 'run-up', rows: 2 } }
/** Answers for the next uploads, in order (then `answer`). */
let answers: Answer[] = []

beforeAll(async () => {
  server = createServer((req, res) => {
    // jsdom enforces CORS like a browser: the page is http://localhost, this server another origin.
    res.setHeader('Access-Control-Allow-Origin', 'http://localhost')
    res.setHeader('Access-Control-Allow-Credentials', 'true')
    res.setHeader('Access-Control-Allow-Headers', 'x-requested-with, accept, content-type')
    res.setHeader('Access-Control-Allow-Methods', 'POST')
    if (req.method === 'OPTIONS') return void res.writeHead(204).end()
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      })
      const next = answers.shift() ?? answer
      res.writeHead(next.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(next.body))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

beforeEach(() => {
  received = []
  answers = []
  answer = { status: 202, body: { id: 'run-up', rows: 2 } }
})

const CSV = 'code_rc,mois,vad\nRC-BO-00001,2026-09,25\nRC-BO-00002,2026-09,-5\n'

async function chooseAndSend(name = 'partenaires septembre.csv') {
  const user = userEvent.setup()
  const card = within(await screen.findByRole('article', { name: 'csv-partenaires' }))
  await user.click(card.getByRole('button', { name: 'Upload a file…' }))
  await user.upload(card.getByLabelText('CSV or XLSX file'), new File([CSV], name, { type: 'text/csv' }))
  await user.click(card.getByRole('button', { name: 'Check the file' }))
  return card
}

const queryOf = (request: Received | undefined) => {
  const { relaisProof: _proof, ...query } = Object.fromEntries(new URL(request!.url, baseUrl).searchParams)
  return query
}

const DIFF: RunDiff = {
  records: 2,
  totals: { new: 24, changed: 1, same: 3, overwrite: 1, refused: 0 },
  rows: [
    {
      orgUnit: 'ouBo1',
      rcCode: 'RC-BO-00001',
      period: '202609',
      records: 1,
      counts: { new: 0, changed: 1, same: 3, overwrite: 1, refused: 0 },
    },
    {
      orgUnit: 'ouBo2',
      rcCode: 'RC-BO-00002',
      period: '202609',
      records: 1,
      counts: { new: 24, changed: 0, same: 0, overwrite: 0, refused: 0 },
    },
  ],
  lines: [
    {
      kind: 'overwrite',
      rcCode: 'RC-BO-00001',
      dataElement: 'deVad',
      categoryOptionCombo: 'cocDefault',
      period: '202609',
      orgUnit: 'ouBo1',
      before: '777',
      after: '25',
    },
  ],
  truncated: false,
}

/** A dry run of the upload that finished, with its diff. */
function checkedUpload(bridge: FakeBridge) {
  const done = run('run-up', { status: 'completed', mode: 'dry-run', trigger: 'upload' })
  bridge.runScripts.set('run-up', [{ run: done, counts: counts({ unchanged: 1, discarded: 1 }) }])
  bridge.diffs.set('run-up', DIFF)
}

describe('Synchronisation: upload', () => {
  it('checks a file first, shows what it would change, and imports exactly that after a confirmation', async () => {
    const bridge = new FakeBridge()
    checkedUpload(bridge)
    bridge.runScripts.set('run-imp', [
      {
        run: run('run-imp', { status: 'completed', trigger: 'upload' }),
        counts: counts({ imported: 1, quarantined: 1 }),
      },
    ])
    answers = [
      { status: 202, body: { id: 'run-up', rows: 2 } },
      { status: 202, body: { id: 'run-imp', rows: 2 } },
    ]
    renderSync({ bridge, baseUrl })
    await chooseAndSend()

    const summary = await screen.findByRole('list', { name: 'What the import would do' })
    expect(summary.textContent).toContain('24 new values')
    expect(summary.textContent).toContain('1 lines of the file would wait in quarantine (see its records)')
    expect(summary.textContent).toContain(
      '1 values entered by a person would not be replaced, their reports wait in quarantine for your decision',
    )
    const perRc = screen.getByRole('table', { name: 'Per community health worker and month' })
    expect(within(perRc).getByRole('row', { name: /RC-BO-00002 September 2026 24 0 0 0 0/ })).toBeTruthy()
    expect(screen.getByRole('table', { name: 'Values that would change' }).textContent).toContain('777')
    expect(queryOf(received[0])).toEqual({
      source: 'csv-partenaires',
      filename: 'partenaires septembre.csv',
      mode: 'dry-run',
    })

    const user = userEvent.setup()
    await user.click(screen.getByRole('button', { name: 'Import this file' }))
    const dialog = within(await screen.findByRole('dialog'))
    expect(dialog.getByText('25 values will be written to DHIS2 (24 new, 1 changed).')).toBeTruthy()
    await user.click(dialog.getByRole('button', { name: 'Import' }))

    await waitFor(() => expect(received).toHaveLength(2))
    expect(await screen.findByRole('button', { name: 'Review its quarantine (1)' })).toBeTruthy()
    expect(queryOf(received[1])).toEqual({
      source: 'csv-partenaires',
      filename: 'partenaires septembre.csv',
      mode: 'import',
      confirms: 'run-up',
    })
    expect(received[1]!.body).toBe(CSV)
  })

  it('imports a file whose every line would wait in quarantine: that is how they reach a person', async () => {
    const bridge = new FakeBridge()
    const done = run('run-up', { status: 'completed', mode: 'dry-run', trigger: 'upload' })
    bridge.runScripts.set('run-up', [{ run: done, counts: counts({ discarded: 2 }) }])
    answers = [
      { status: 202, body: { id: 'run-up', rows: 2 } },
      { status: 202, body: { id: 'run-imp', rows: 2 } },
    ]
    renderSync({ bridge, baseUrl })
    await chooseAndSend()

    const summary = await screen.findByRole('list', { name: 'What the import would do' })
    expect(summary.textContent).toContain('2 lines of the file would wait in quarantine (see its records)')
    expect(screen.queryByRole('table', { name: 'Per community health worker and month' })).toBeNull()
    const user = userEvent.setup()
    await user.click(screen.getByRole('button', { name: 'Import this file' }))
    const dialog = within(await screen.findByRole('dialog'))
    expect(dialog.getByText('2 lines of the file will wait in quarantine for your decision.')).toBeTruthy()
    await user.click(dialog.getByRole('button', { name: 'Import' }))
    await waitFor(() => expect(received).toHaveLength(2))
    expect(queryOf(received[1])).toMatchObject({ mode: 'import', confirms: 'run-up' })
  })

  it('says what changed in DHIS2 since the check, imports nothing, and checks again on request', async () => {
    const bridge = new FakeBridge()
    checkedUpload(bridge)
    const changed = {
      error: 'dhis2-changed',
      message: 'DHIS2 changed since the dry run: 1 value(s) differ.',
      changes: [
        {
          dataElement: 'deVad',
          categoryOptionCombo: 'cocDefault',
          period: '202609',
          orgUnit: 'ouBo2',
          then: null,
          now: '41',
        },
      ],
    }
    answers = [
      { status: 202, body: { id: 'run-up', rows: 2 } },
      { status: 409, body: changed },
    ]
    answer = { status: 202, body: { id: 'run-again', rows: 2 } }
    renderSync({ bridge, baseUrl })
    await chooseAndSend()
    const user = userEvent.setup()
    await user.click(await screen.findByRole('button', { name: 'Import this file' }))
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Import' }))

    expect(await screen.findByText('DHIS2 changed since the check, nothing was imported')).toBeTruthy()
    expect(screen.getByRole('list', { name: 'Values changed in DHIS2 since the check' }).textContent).toBe(
      'RC-BO-00002 — September 2026 — deVad : — → 41',
    )
    await user.click(screen.getByRole('button', { name: 'Check the file again' }))
    await waitFor(() => expect(received).toHaveLength(3))
    expect(queryOf(received[2])).toMatchObject({ mode: 'dry-run' })
  })

  it('asks for the checked file again when the page no longer holds it, and imports that one', async () => {
    const bridge = new FakeBridge()
    // a check of another day: this page never had its file
    const done = run('run-old', { status: 'completed', mode: 'dry-run', trigger: 'upload' })
    bridge.runScripts.set('run-old', [{ run: done, counts: counts({ unchanged: 1, discarded: 1 }) }])
    bridge.diffs.set('run-old', DIFF)
    answers = [{ status: 202, body: { id: 'run-imp', rows: 2 } }]
    renderSync({ bridge, baseUrl, query: 'view=runs&run=run-old' })
    const user = userEvent.setup()
    expect((await screen.findByRole('button', { name: 'Import this file' })).hasAttribute('disabled')).toBe(true)
    await user.upload(
      screen.getByLabelText('Choose the same file again to import it'),
      new File([CSV], 'partenaires septembre.csv', { type: 'text/csv' }),
    )
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Import this file' }).hasAttribute('disabled')).toBe(false),
    )
    await user.click(screen.getByRole('button', { name: 'Import this file' }))
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Import' }))
    await waitFor(() => expect(received).toHaveLength(1))
    expect(queryOf(received[0])).toEqual({
      source: 'csv-partenaires',
      filename: 'partenaires septembre.csv',
      mode: 'import',
      confirms: 'run-old',
    })
    expect(received[0]!.body).toBe(CSV)
  })

  it('sends the file as the raw body through the route, then follows the run it created', async () => {
    const bridge = new FakeBridge()
    bridge.runScripts.set('run-up', [
      { run: run('run-up', { status: 'running', finishedAt: null }), counts: counts({ received: 2 }) },
      { run: run('run-up', { status: 'completed' }), counts: counts({ imported: 1, quarantined: 1 }) },
    ])
    renderSync({ bridge, baseUrl })
    await chooseAndSend('partenaires septembre.csv')

    expect(await screen.findByRole('heading', { name: 'Run of csv-partenaires' })).toBeTruthy()
    await screen.findByText('Finished — 2 of 2 records processed')
    expect(screen.getByRole('button', { name: 'Review its quarantine (1)' })).toBeTruthy()

    expect(received).toHaveLength(1)
    const [upload] = received
    const url = new URL(upload!.url, baseUrl)
    expect(upload!.method).toBe('POST')
    expect(url.pathname).toBe('/api/routes/relais-bridge/run/api/v1/uploads')
    const { relaisProof, ...query } = Object.fromEntries(url.searchParams)
    expect(query).toEqual({ source: 'csv-partenaires', filename: 'partenaires septembre.csv', mode: 'dry-run' })
    // The route proof the app wrote in DHIS2's data store before the call (issue 11 §6).
    expect(bridge.proofKeys.has(proofKey(relaisProof ?? ''))).toBe(true)
    expect(upload!.body).toBe(CSV)
    expect(upload!.headers['content-type'] ?? '').not.toMatch(/multipart/)
    expect(upload!.headers['x-requested-with']).toBe('XMLHttpRequest')
  })

  it("says in the user's words why the bridge refused the file", async () => {
    answer = { status: 415, body: { error: 'unsupported-format', message: 'The file is neither CSV nor XLSX' } }
    renderSync({ baseUrl })
    const card = await chooseAndSend('photo.csv')
    expect(await card.findByText('This file is neither a CSV nor an XLSX file.')).toBeTruthy()
    expect(card.getByText('The file was not accepted')).toBeTruthy()
    expect(screen.queryByRole('heading', { name: /Run of/ })).toBeNull()
  })

  it('says the bridge is not answering when the route cannot reach it during an upload', async () => {
    answer = { status: 503, body: { httpStatusCode: 503, status: 'ERROR', message: 'I/O error: Connection refused' } }
    renderSync({ baseUrl })
    const card = await chooseAndSend()
    await waitFor(() => expect(card.getByText('The Relais bridge is not answering.')).toBeTruthy())
  })
})
