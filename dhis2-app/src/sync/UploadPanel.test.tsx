// The upload goes over real HTTP (XMLHttpRequest, for its progress), not through the data engine: a local server
// stands in for DHIS2's route here and checks what the browser sends — the raw file, never multipart.
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { proofKey } from './api/routeProof'
import { counts, FakeBridge, run } from './testing/fakeBridge'
import { renderSync } from './testing/renderSync'

interface Received {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
}

let server: Server
let baseUrl: string
let received: Received[] = []
let answer: { status: number; body: unknown } = { status: 202, body: { id: 'run-up', rows: 2 } }

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
      res.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer.body))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

beforeEach(() => {
  received = []
  answer = { status: 202, body: { id: 'run-up', rows: 2 } }
})

const CSV = 'code_rc,mois,vad\nRC-BO-00001,2026-09,25\nRC-BO-00002,2026-09,-5\n'

async function chooseAndSend(name = 'partenaires septembre.csv', mode?: string) {
  const user = userEvent.setup()
  const card = within(await screen.findByRole('article', { name: 'csv-partenaires' }))
  await user.click(card.getByRole('button', { name: 'Upload a file' }))
  await user.upload(card.getByLabelText('CSV or XLSX file'), new File([CSV], name, { type: 'text/csv' }))
  if (mode) await user.selectOptions(card.getByRole('combobox', { name: 'What to do with it' }), mode)
  await user.click(card.getByRole('button', { name: 'Send the file' }))
  return card
}

describe('Synchronisation: upload', () => {
  it('sends the file as the raw body through the route, then follows the run it created', async () => {
    const bridge = new FakeBridge()
    bridge.runScripts.set('run-up', [
      { run: run('run-up', { status: 'running', finishedAt: null }), counts: counts({ received: 2 }) },
      { run: run('run-up', { status: 'completed' }), counts: counts({ imported: 1, quarantined: 1 }) },
    ])
    renderSync({ bridge, baseUrl })
    await chooseAndSend('partenaires septembre.csv', 'dry-run')

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
