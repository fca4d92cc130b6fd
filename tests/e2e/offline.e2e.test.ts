/**
 * Offline loading end to end (the App Platform's PWA service worker, d2.config.js `pwa`): the RC opens their
 * report once online; later, with no network at all, the app still loads from the service worker, the form
 * shows with what DHIS2 last answered, and a value typed offline waits in the visible queue (IndexedDB) —
 * then reaches DHIS2 when the network returns. Headless Debian Chromium, the built app in the stand-in.
 */
import type { Browser } from 'playwright-core'
import { createStandin, type Standin } from '@relais/dhis2-standin'
import { ADMIN_AUTHORIZATION, signIn } from '../support/app-page'
import { launchBrowser } from '../support/browser'
import { ensureBuiltApp } from '../support/built-app'

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

/** DHIS2's stored value of RC_VAD for the RC's September report, or undefined. */
async function storedVisits(): Promise<string | undefined> {
  const query = new URLSearchParams({
    dataSet: 'RC_MENSUEL',
    period: '202609',
    orgUnit: 'RC-AQ-00001',
    idScheme: 'code',
    inputIdScheme: 'code',
  })
  const res = await fetch(`${url}/api/dataValueSets?${query}`, { headers: { Authorization: ADMIN_AUTHORIZATION } })
  const body = (await res.json()) as { dataValues?: Array<{ dataElement: string; value: string }> }
  return body.dataValues?.find((v) => v.dataElement === 'RC_VAD')?.value
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
