/**
 * Offline loading end to end (the App Platform's PWA service worker, d2.config.js `pwa`): the RC opens their
 * report once online; later, with no network at all, the app still loads from the service worker, the form
 * shows with what DHIS2 last answered, and a value typed offline waits in the visible queue (IndexedDB) —
 * then reaches DHIS2 when the network returns. Headless Debian Chromium, the built app in the stand-in.
 */
import type { Browser } from 'playwright-core'
import { createStandin, type Standin } from '@relais/dhis2-standin'
import { ADMIN_AUTHORIZATION, adminJson, signIn, uidOf } from '../support/app-page'
import { launchBrowser } from '../support/browser'
import { ensureBuiltApp } from '../support/built-app'
import { cuttableProxy } from '../support/cuttable-proxy'

jest.setTimeout(180_000)

const NOW = '2026-10-03T09:00:00Z'
const FORM_HEADING = /RC-AQ-00001\) — septembre 2026/

let standin: Standin
let browser: Browser
let url: string

beforeAll(async () => {
  standin = createStandin({ seed: 'small', apps: { relais: ensureBuiltApp() }, now: NOW })
  url = await standin.listen()
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await standin?.close()
})

/** DHIS2's stored value of a data element (code) in the RC's September report, or undefined. */
async function stored(dataElement = 'RC_VAD'): Promise<string | undefined> {
  const query = new URLSearchParams({
    dataSet: 'RC_MENSUEL',
    period: '202609',
    orgUnit: 'RC-AQ-00001',
    idScheme: 'code',
    inputIdScheme: 'code',
  })
  const res = await fetch(`${url}/api/dataValueSets?${query}`, { headers: { Authorization: ADMIN_AUTHORIZATION } })
  const body = (await res.json()) as { dataValues?: Array<{ dataElement: string; value: string }> }
  return body.dataValues?.find((v) => v.dataElement === dataElement)?.value
}
const storedVisits = () => stored('RC_VAD')

/** DHIS2's completion of the RC's September report, or undefined. */
async function registration(): Promise<{ completed: boolean; date: string } | undefined> {
  const query = new URLSearchParams({
    dataSet: await uidOf(url, 'dataSets', 'RC_MENSUEL'),
    period: '202609',
    orgUnit: await uidOf(url, 'organisationUnits', 'RC-AQ-00001'),
  })
  const body = await adminJson<{ completeDataSetRegistrations?: Array<{ completed: boolean; date: string }> }>(
    url,
    `/api/completeDataSetRegistrations?${query}`,
  )
  return body.completeDataSetRegistrations?.[0]
}

test('the app loads with no network, keeps a value typed offline, and sends it when the network returns', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' })
  const page = await context.newPage()
  try {
    await signIn(page, url, 'relais')
    // The service worker installs on the first load; once it controls the page, the requests of the next
    // load pass through it and their answers are kept (network first).
    await page.waitForFunction('navigator.serviceWorker.ready.then(() => true)')
    await page.reload()
    await page.waitForFunction('navigator.serviceWorker.controller !== null')
    await page.goto(`${url}/api/apps/relais/index.html#/saisie`)
    await page.getByRole('heading', { name: FORM_HEADING }).waitFor({ timeout: 30_000 })
    await page.getByRole('textbox', { name: 'Visites à domicile réalisées', exact: true }).waitFor()

    await context.setOffline(true)
    await page.reload()
    await page.getByRole('heading', { name: FORM_HEADING }).waitFor({ timeout: 30_000 })
    const visits = page.getByRole('textbox', { name: 'Visites à domicile réalisées', exact: true })
    await visits.fill('17')
    await visits.press('Tab')
    await page.locator('[aria-label="Visites à domicile réalisées"][data-status="waiting"]').waitFor()
    await page.getByText("En attente d'envoi (1)").waitFor()
    expect(await storedVisits()).toBeUndefined()

    await context.setOffline(false)
    await page.locator('[aria-label="Visites à domicile réalisées"][data-status="saved"]').waitFor({ timeout: 30_000 })
    expect(await storedVisits()).toBe('17')
  } finally {
    await context.close()
  }
})

test("an RC's first visit works offline: values and the completion survive reloads and reach DHIS2", async () => {
  // On a phone, in French, on the first visit only: no second online load to put the service worker in charge.
  // The network is cut for real (a proxy), as well as said to the page (setOffline).
  const network = await cuttableProxy(url)
  const context = await browser.newContext({ viewport: { width: 375, height: 740 }, locale: 'fr-FR' })
  const page = await context.newPage()
  const offline = async (off: boolean) => {
    if (off) network.cut()
    else network.restore()
    await context.setOffline(off)
  }
  const tdr = () => page.getByRole('textbox', { name: 'TDR paludisme réalisés', exact: true })
  const status = page.locator('[data-test="relais-completion-status"]')
  // More RDTs than DHIS2 holds (the seed has some): the positives rule still holds.
  const before = await stored('RC_PALU_TDR')
  const typed = String(Number(before ?? 0) + 7)
  try {
    await signIn(page, network.url, 'relais')
    await page
      .getByRole('link', { name: /^Saisie/ })
      .first()
      .click()
    await page.getByRole('heading', { name: FORM_HEADING }).waitFor({ timeout: 30_000 })
    await status.getByText('Non complété').waitFor()
    await page.locator('html[data-relais-offline="ready"]').waitFor({ timeout: 30_000 })
    // The form's reads are kept as they happen; wait until the last of them is.
    await page.waitForFunction(
      "caches.open('app-shell').then((c) => c.keys()).then((keys) => keys.some((r) => r.url.includes('completeDataSetRegistrations')) && keys.some((r) => r.url.includes('dataValueSets')) && keys.some((r) => r.url.includes('/api/system/info')))",
    )

    await offline(true)
    await page.reload()
    await page.getByRole('heading', { name: FORM_HEADING }).waitFor({ timeout: 30_000 })
    expect(await page.getByText('Please sign in').count()).toBe(0)
    await tdr().fill(typed)
    await tdr().press('Tab')
    await page.locator('[aria-label="TDR paludisme réalisés"][data-status="waiting"]').waitFor()

    // A reload offline shows the queued value, waiting — not DHIS2's older one.
    await page.reload()
    await page.getByRole('heading', { name: FORM_HEADING }).waitFor({ timeout: 30_000 })
    expect(await tdr().inputValue()).toBe(typed)
    await page.locator('[aria-label="TDR paludisme réalisés"][data-status="waiting"]').waitFor()

    // Completing offline is queued after the value, in French, with what will happen.
    await page.getByRole('button', { name: 'Compléter le rapport' }).click()
    await status.getByText(/Complété le 3 octobre 2026 — en attente du réseau/).waitFor()
    expect(await page.getByText('Failed to fetch').count()).toBe(0)
    await page.reload()
    await page.getByRole('heading', { name: FORM_HEADING }).waitFor({ timeout: 30_000 })
    await status.getByText(/en attente du réseau/).waitFor()
    await page.getByText("En attente d'envoi (2)").waitFor()
    expect(await stored('RC_PALU_TDR')).toBe(before)
    expect(await registration()).toBeUndefined()

    await offline(false)
    await page.locator('[aria-label="TDR paludisme réalisés"][data-status="saved"]').waitFor({ timeout: 30_000 })
    await page
      .locator('[data-test="relais-completion-status"]:not([data-status])')
      .getByText('Complété le 3 octobre 2026')
      .waitFor({ timeout: 30_000 })
    expect(await tdr().inputValue()).toBe(typed)
    expect(await stored('RC_PALU_TDR')).toBe(typed)
    expect(await registration()).toMatchObject({ completed: true, date: expect.stringMatching(/^2026-10-03T/) })
    // The network notice has cleared itself.
    await page.getByText('Pas de connexion à DHIS2').waitFor({ state: 'detached' })
  } finally {
    await context.close()
    await network.close()
  }
})
