/**
 * « Envois aux partenaires » end to end (issue 19 §4): a real `relais serve` process subscribed (relais.config.yaml
 * `outbound:`) to run.finished at a partner's HTTP receiver on this machine, the built Relais app in the DHIS2
 * stand-in, headless Chromium at 375 px in French. A run ends; the partner refuses its delivery (HTTP 400, so it
 * fails at once); the data manager sees it failed in the console, retries it after confirming, and sees it delivered
 * — and the partner got the same delivery id twice, signed each time. Screenshots go to tests/artifacts/.
 */
import { createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { createStandin, type Standin } from '@relais/dhis2-standin'
import { expectAccessible } from '../support/a11y'
import { screenshotAt, signIn } from '../support/app-page'
import type { BridgeProcess } from '../support/bridge-process'
import { startRoutedBridge } from '../support/routed-bridge'
import { launchBrowser } from '../support/browser'
import { ensureBuiltApp } from '../support/built-app'
import { makeRouteProof, withProof } from '../support/route-proof'

jest.setTimeout(240_000)

const ROOT = join(__dirname, '..', '..')
const NOW = '2026-10-03T09:00:00Z'
const SECRET = 'route-secret-outbound-e2e-0123456789abcdef0123'
const PARTNER_SECRET = 'partner-secret-outbound-e2e-0123456789abcdef'
const PHONE = { width: 375, height: 800 }

interface Call {
  headers: IncomingHttpHeaders
  body: string
}

let standin: Standin
let bridge: BridgeProcess
let browser: Browser
let partner: Server
let url: string
const calls: Call[] = []

/** A partner that refuses the first delivery (a 400: the bridge gives up at once), then accepts. */
async function startPartner(): Promise<string> {
  partner = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      calls.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
      res.writeHead(calls.length === 1 ? 400 : 200, { 'Content-Type': 'application/json' })
      res.end(calls.length === 1 ? '{"error":"unknown dataset"}' : '{"ok":true}')
    })
  })
  await new Promise<void>((resolve) => partner.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(partner.address() as AddressInfo).port}/hooks/relais`
}

/** As a partner checks it: HMAC-SHA256 of "<timestamp>.<raw body>" with the shared secret. */
const signedBy = (call: Call, secret: string) =>
  call.headers['x-relais-signature'] ===
  `sha256=${createHmac('sha256', secret)
    .update(`${String(call.headers['x-relais-timestamp'])}.${call.body}`)
    .digest('hex')}`

beforeAll(async () => {
  const app = ensureBuiltApp()
  const hook = await startPartner()
  standin = createStandin({ seed: 'small', apps: { relais: app }, now: NOW, months: 0 })
  url = await standin.listen()
  bridge = await startRoutedBridge({
    dhis2Url: url,
    redisDb: 1,
    secret: SECRET,
    env: { RELAIS_PARTNER_SECRET: PARTNER_SECRET },
    config: [
      'sources:',
      '  - name: csv-partenaires',
      '    kind: csv',
      `    mapping: ${join(ROOT, 'mappings', 'specs', 'csv-partenaires.yaml')}`,
      'outbound:',
      '  - name: partenaire-fhi',
      `    url: ${hook}`,
      '    secretEnv: RELAIS_PARTNER_SECRET',
      '    events: [run.finished]',
      '',
    ].join('\n'),
  })
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await bridge?.stop()
  await standin?.close()
  await new Promise<void>((resolve) => (partner ? partner.close(() => resolve()) : resolve()))
})

const basic = (user: string, password = 'Relais-2026') =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

/** A call to the bridge through the DHIS2 route, as the data manager (with their route proof). */
async function asManager(path: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> {
  const proof = await makeRouteProof(url, basic('gestionnaire'))
  const res = await fetch(withProof(`${url}/api/routes/relais-bridge/run${path}`, proof), {
    ...init,
    headers: { ...init.headers, Authorization: basic('gestionnaire') },
  })
  const text = await res.text()
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : {} }
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > end) throw new Error(`${what}: not in time\n${bridge.output().slice(-3000)}`)
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

async function phoneShot(page: Page, name: string): Promise<void> {
  await screenshotAt(page, PHONE.width, name)
  await page.setViewportSize(PHONE) // screenshotAt puts the viewport back to 1280 px
}

test('a failed delivery to a partner is seen, retried after confirming, and delivered — in French at 375 px', async () => {
  // A run ends: the partners' clean CSV, through the route.
  const upload = await asManager('/api/v1/uploads?source=csv-partenaires&filename=partenaires.clean.csv', {
    method: 'POST',
    body: readFileSync(join(ROOT, 'mappings', 'samples', 'partenaires.clean.csv')),
  })
  expect(upload.status).toBe(202)

  // The bridge finds the run's end (a search every 5 s), sends it, and the partner refuses it: failed at once.
  type List = { items: Array<{ id: string; status: string; event: string; lastStatus: number | null }> }
  const failed = await until('a failed delivery', async () => {
    const list = await asManager('/api/v1/outbound?status=failed')
    return (list.body as List).items?.[0]
  })
  expect(failed).toMatchObject({ event: 'run.finished', lastStatus: 400 })
  expect(calls).toHaveLength(1)

  const context = await browser.newContext({ viewport: PHONE, locale: 'fr-FR' })
  const page = await context.newPage()
  try {
    await signIn(page, url, 'gestionnaire')
    await page
      .getByRole('navigation', { name: 'Menu de Relais' })
      .getByRole('link', { name: 'Synchronisation' })
      .click()
    await page.getByRole('tab', { name: 'Envois aux partenaires' }).click({ timeout: 30_000 })
    const card = page.getByRole('article', { name: 'Exécution terminée vers partenaire-fhi' })
    await card.waitFor({ timeout: 30_000 })
    await card.getByText("Échec de l'envoi").waitFor()
    await card.getByText(/^HTTP 400/).waitFor()
    await card.getByText('1 au tour 1').waitFor()
    await card.getByRole('button', { name: 'Voir les tentatives' }).click()
    await card
      .getByRole('list', { name: 'Tentatives de cet envoi' })
      .getByText(/HTTP 400/)
      .waitFor()
    // Nothing is cut off on a phone: the card fits the screen's width.
    const box = await card.boundingBox()
    expect(box).not.toBeNull()
    expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width)
    await expectAccessible(page, 'outbound-failed')
    await phoneShot(page, 'outbound-failed-375.png')

    // « Réessayer », confirmed: the partner now accepts, and the console follows the delivery until it is delivered.
    await card.getByRole('button', { name: 'Réessayer' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.getByText('Renvoyer cet envoi ?').waitFor()
    expect(calls).toHaveLength(1) // nothing sent before confirming
    await phoneShot(page, 'outbound-retry-confirm-375.png')
    await dialog.getByRole('button', { name: 'Réessayer' }).click()
    await page.getByText('Envoi relancé').waitFor()
    await card.getByText('Livré', { exact: true }).waitFor({ timeout: 60_000 })
    await card.getByText('Livré le').waitFor()
    await card.getByText('1 au tour 2').waitFor()
    expect(await card.getByRole('button', { name: 'Réessayer' }).count()).toBe(0)
    await phoneShot(page, 'outbound-delivered-375.png')
  } finally {
    await context.close()
  }

  // The partner got the same delivery twice, signed with the shared secret each time: it dedupes on the id.
  expect(calls).toHaveLength(2)
  expect(calls.map((c) => c.headers['x-relais-delivery'])).toEqual([failed.id, failed.id])
  expect(calls.every((c) => signedBy(c, PARTNER_SECRET))).toBe(true)
  const delivered = await asManager(`/api/v1/outbound?status=delivered`)
  expect((delivered.body as List).items.map((d) => d.id)).toEqual([failed.id])
})
