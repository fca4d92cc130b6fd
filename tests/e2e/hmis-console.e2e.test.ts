/**
 * « SNIS national » in the sync console end to end (issue 19 §2): a real `relais serve` process with `hmis:`
 * configured against a second DHIS2 stand-in seeded as the national HMIS (its own codes; one zone it does not hold
 * yet), the programme's stand-in with September and October reported and analytics generated, the built Relais app
 * in it, headless Chromium at 375 px in French. The data manager runs a trial (nothing written at the national
 * instance), then « Envoyer » after confirming, and reads the report: the zone the national instance lacks is
 * refused, with DHIS2's reason. Screenshots go to tests/artifacts/.
 */
import { join } from 'node:path'
import type { Browser, Locator, Page } from 'playwright-core'
import { createStandin, NATIONAL_MISSING_ZONE, runAnalyticsTables, type Standin } from '@relais/dhis2-standin'
import { expectAccessible } from '../support/a11y'
import { screenshotAt, signIn } from '../support/app-page'
import type { BridgeProcess } from '../support/bridge-process'
import { startRoutedBridge } from '../support/routed-bridge'
import { launchBrowser } from '../support/browser'
import { ensureBuiltApp } from '../support/built-app'

jest.setTimeout(300_000)

const ROOT = join(__dirname, '..', '..')
// September and October 2026 reported (months: 2); the app offers the months before DHIS2's date (the stand-in's clock).
const NOW = '2026-11-20T10:00:00Z'
const SECRET = 'route-secret-hmis-console-e2e-0123456789abcdef'
const PHONE = { width: 375, height: 800 }

let programme: Standin
let national: Standin
let bridge: BridgeProcess
let browser: Browser
let url: string

beforeAll(async () => {
  const app = ensureBuiltApp()
  programme = createStandin({ seed: 'small', apps: { relais: app }, now: NOW, months: 2 })
  national = createStandin({ seed: 'national', now: NOW })
  url = await programme.listen()
  await national.listen(0, '127.0.0.1')
  await runAnalyticsTables(programme.ctx, {})
  bridge = await startRoutedBridge({
    dhis2Url: url,
    redisDb: 8,
    secret: SECRET,
    env: { HMIS_USERNAME: 'admin', HMIS_PASSWORD: 'district' },
    config: [
      'sources: []',
      'hmis:',
      `  url: ${national.url}`,
      '  usernameEnv: HMIS_USERNAME',
      '  passwordEnv: HMIS_PASSWORD',
      `  mapping: ${join(ROOT, 'mappings', 'specs', 'hmis', 'national-hmis.yaml')}`,
      '  level: 3',
      // on demand only: no monthly tick during the test
      '  pushDay: 0',
      '',
    ].join('\n'),
  })
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await bridge?.stop()
  await Promise.all([programme?.close(), national?.close()])
})

const nationalValues = () => national.ctx.state.dataValues.size

async function phoneShot(page: Page, name: string): Promise<void> {
  await screenshotAt(page, PHONE.width, name)
  await page.setViewportSize(PHONE) // screenshotAt puts the viewport back to 1280 px
}

async function choose(page: Page, label: string, option: string): Promise<void> {
  const box = page.getByRole('combobox', { name: label })
  // Picking the option already shown leaves @dhis2/ui's menu open over the page.
  if ((await box.textContent())?.includes(option)) return
  await box.click()
  await page.getByRole('option', { name: option, exact: true }).click()
}

/** Nothing is cut off on a phone: the card fits the screen's width. */
async function fitsPhone(card: Locator): Promise<void> {
  const box = await card.boundingBox()
  expect(box).not.toBeNull()
  expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width)
}

test('a trial, then « Envoyer » after confirming, and the report with the zone the national HMIS lacks — in French at 375 px', async () => {
  const context = await browser.newContext({ viewport: PHONE, locale: 'fr-FR' })
  const page = await context.newPage()
  try {
    await signIn(page, url, 'gestionnaire')
    await page
      .getByRole('navigation', { name: 'Menu de Relais' })
      .getByRole('link', { name: 'Synchronisation' })
      .click()
    await page.getByRole('tab', { name: 'SNIS national' }).click({ timeout: 30_000 })
    await page.getByText("Aucun envoi au SNIS national pour l'instant").waitFor({ timeout: 30_000 })

    // The trial: DHIS2's dry run at the national instance, started at once, followed until its report opens.
    await choose(page, 'Mois', 'octobre 2026')
    expect(await page.getByRole('combobox', { name: 'Mode' }).textContent()).toBe("Essai (rien n'est écrit)")
    await page.getByRole('button', { name: 'Lancer' }).click()
    const trial = page.getByRole('article', { name: 'octobre 2026 — Essai' })
    await trial.getByText('Terminé').waitFor({ timeout: 120_000 })
    const wouldRefuse = page.getByRole('article', { name: `ZS-MO-04 → ${NATIONAL_MISSING_ZONE}` }).first()
    await wouldRefuse.getByText('Valeur refusée').waitFor({ timeout: 30_000 })
    await wouldRefuse.getByText(/^le DHIS2 national le refuserait :/).waitFor()
    await page.getByText(/^Pour cet essai, le DHIS2 national importerait \d+ valeurs/).waitFor()
    expect(nationalValues()).toBe(0)
    await fitsPhone(wouldRefuse)
    await phoneShot(page, 'hmis-trial-report-375.png')

    // « Envoyer »: asked first, naming the month and that values are written in the national instance.
    await page.getByRole('button', { name: 'Retour aux envois' }).click()
    await trial.waitFor()
    await choose(page, 'Mois', 'octobre 2026')
    await choose(page, 'Mode', 'Envoyer')
    await page.getByRole('button', { name: 'Lancer' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.getByText('Envoyer octobre 2026 au SNIS national ?').waitFor()
    await dialog.getByText(/pour octobre 2026 seront écrits dans l'instance nationale/).waitFor()
    await phoneShot(page, 'hmis-push-confirm-375.png')
    expect(nationalValues()).toBe(0) // nothing written before confirming
    await dialog.getByRole('button', { name: 'Envoyer' }).click()

    const pushed = page.getByRole('article', { name: 'octobre 2026 — Envoi' })
    await pushed.getByText('Terminé').waitFor({ timeout: 120_000 })
    const summary = page.getByRole('list', { name: 'Résumé du rapport' })
    await summary.waitFor()
    const refused = page.getByRole('article', { name: `ZS-MO-04 → ${NATIONAL_MISSING_ZONE}` }).first()
    await refused.getByText('Valeur refusée').waitFor({ timeout: 30_000 })
    await refused.getByText(/^refusé par le DHIS2 national : .*Organisation unit not found or not accessible/).waitFor()
    await refused.getByText('Case nationale').waitFor()
    expect(nationalValues()).toBeGreaterThan(100)
    // The summary counts what the national instance now holds as matches.
    const matches = await summary.getByText(/Identique$/).textContent()
    expect(Number(matches?.split(' ')[0])).toBe(nationalValues())
    await fitsPhone(refused)
    await expectAccessible(page, 'hmis-report')
    await phoneShot(page, 'hmis-push-report-375.png')

    // Only the refused lines, from the filter: each for the zone the national instance lacks.
    const refusedCount = Number((await summary.getByText(/Valeur refusée$/).textContent())?.split(' ')[0])
    expect(refusedCount).toBeGreaterThan(0)
    await choose(page, 'Lignes affichées', 'Valeur refusée')
    await page.getByText(`(${refusedCount} en tout)`, { exact: false }).waitFor()
    const names = await page.getByRole('article').locator('h3').allTextContents()
    expect(names[0]).toBe('octobre 2026 — Envoi')
    expect(new Set(names.slice(1))).toEqual(new Set([`ZS-MO-04 → ${NATIONAL_MISSING_ZONE}`]))

    // Both runs in the list, newest first.
    await page.getByRole('button', { name: 'Retour aux envois' }).click()
    await pushed.waitFor()
    const titles = await page.getByRole('article').locator('h3').allTextContents()
    expect(titles).toEqual(['octobre 2026 — Envoi', 'octobre 2026 — Essai'])
  } finally {
    await context.close()
  }
})
