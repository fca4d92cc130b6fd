/**
 * Saisie end to end: the built Relais app served by the DHIS2 stand-in at /api/apps/relais/, in
 * headless Chromium. The RC `relais` signs in, lands on their own report for the open month, enters
 * values that are saved one by one, completes the report — and DHIS2 (the stand-in) has the values and
 * the registration. Un-completing and re-completing later keeps the first completion date. A
 * supervisor finds an RC by code. Screenshots of the form at 1280, 768 and 375 px go to tests/artifacts/.
 */
import type { Page } from 'playwright-core'
import { adminJson, screenshotAt, signIn, uidOf } from '../support/app-page'
import { appInStandin } from '../support/app-in-standin'

jest.setTimeout(180_000)

// 3 October 2026, 10:00 in Porto-Novo: September 2026 is open (until 15 October), August is closed.
const NOW = '2026-10-03T09:00:00Z'

const app = appInStandin({ now: NOW })

async function enter(page: Page, label: string, value: string): Promise<void> {
  const box = page.getByRole('textbox', { name: label, exact: true })
  await box.fill(value)
  await box.press('Tab')
  await page.locator(`[aria-label="${label}"][data-status="saved"]`).waitFor()
}

interface DataValue {
  dataElement: string
  categoryOptionCombo: string
  value: string
}
interface RegistrationJson {
  period: string
  date: string
  completed: boolean
}

test('the RC enters, saves and completes their September report, and DHIS2 has it', async () => {
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' })
  const page = await context.newPage()
  // Completion goes through the queue: the status shows the wish at once, then (no data-status) what DHIS2 holds.
  const inDhis2 = page.locator('[data-test="relais-completion-status"]:not([data-status])')
  try {
    await signIn(page, app.url, 'relais')
    await page.getByRole('navigation', { name: 'Menu de Relais' }).getByRole('link', { name: 'Saisie' }).click()
    // an RC lands directly on their own form for the open month
    await page.getByRole('heading', { name: /RC-AQ-00001\) — septembre 2026/ }).waitFor({ timeout: 30_000 })
    expect(await page.getByText('Trouver un relais communautaire par nom ou code').count()).toBe(0)

    await enter(page, 'Personnes sensibilisées sur le VIH/IST, Masculin, 15-24', '7')
    await enter(page, 'Personnes sensibilisées sur le VIH/IST, Féminin, 15-24', '9')
    await enter(page, 'TDR paludisme réalisés', '6')
    await enter(page, 'TDR paludisme positifs', '2')
    await enter(page, 'Visites à domicile réalisées', '14')
    await page.getByRole('combobox', { name: "Rupture d'intrants pendant le mois" }).selectOption('false')
    await enter(page, 'Difficultés rencontrées', 'Pluies : villages difficiles d’accès')

    // validation as you type: a wrong value is refused before it leaves the browser
    await page.getByRole('textbox', { name: 'Causeries éducatives animées', exact: true }).fill('deux')
    await page.getByText('Tapez un nombre en chiffres seulement, par exemple 12.').waitFor()
    await enter(page, 'Causeries éducatives animées', '2')

    await screenshotAt(page, 1280, 'saisie-form-1280.png')
    await screenshotAt(page, 768, 'saisie-form-768.png')
    await screenshotAt(page, 375, 'saisie-form-375.png')
    await page.setViewportSize({ width: 1280, height: 900 })

    await page.getByRole('button', { name: 'Compléter le rapport' }).click()
    await inDhis2.getByText('Complété le 3 octobre 2026').waitFor()
    await screenshotAt(page, 1280, 'saisie-completed-1280.png')
    await page.setViewportSize({ width: 1280, height: 900 })

    // the values and the registration are really in DHIS2
    const dataSet = await uidOf(app.url, 'dataSets', 'RC_MENSUEL')
    const orgUnit = await uidOf(app.url, 'organisationUnits', 'RC-AQ-00001')
    const vad = await uidOf(app.url, 'dataElements', 'RC_VAD')
    const sens = await uidOf(app.url, 'dataElements', 'RC_VIH_SENS')
    const difficulties = await uidOf(app.url, 'dataElements', 'RC_DIFFICULTES')
    const set = await adminJson<{ dataValues: DataValue[] }>(
      app.url,
      `/api/dataValueSets?dataSet=${dataSet}&period=202609&orgUnit=${orgUnit}`,
    )
    const valueOf = (de: string) => set.dataValues.filter((v) => v.dataElement === de).map((v) => v.value)
    expect(valueOf(vad)).toEqual(['14'])
    expect(valueOf(sens).sort()).toEqual(['7', '9'])
    expect(valueOf(difficulties)).toEqual(['Pluies : villages difficiles d’accès'])
    expect(set.dataValues).toHaveLength(8)

    const registrations = async () =>
      (
        await adminJson<{ completeDataSetRegistrations: RegistrationJson[] }>(
          app.url,
          `/api/completeDataSetRegistrations?dataSet=${dataSet}&period=202609&orgUnit=${orgUnit}`,
        )
      ).completeDataSetRegistrations
    const [first] = await registrations()
    expect(first).toMatchObject({ period: '202609', completed: true })
    expect(first?.date.slice(0, 10)).toBe('2026-10-03')

    // three days later: un-complete and re-complete; the report stays completed on 3 October (on time)
    app.standin.ctx.clock.advance(3 * 24 * 3600 * 1000)
    await page.getByRole('button', { name: 'Annuler la complétude' }).click()
    await inDhis2.getByText(/Non complété \(complété une première fois le 3 octobre 2026/).waitFor()
    expect(await registrations()).toEqual([expect.objectContaining({ completed: false, date: first?.date })])
    await page.getByRole('button', { name: 'Compléter le rapport' }).click()
    await inDhis2.getByText('Complété le 3 octobre 2026').waitFor()
    expect(await registrations()).toEqual([expect.objectContaining({ completed: true, date: first?.date })])
  } finally {
    await context.close()
  }
})

test('a closed month is read-only and says since when', async () => {
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 } })
  const page = await context.newPage()
  try {
    await signIn(page, app.url, 'relais')
    await page.goto(`${app.url}/api/apps/relais/index.html#/saisie?pe=202608`)
    await page.getByText('Ce mois est clos depuis le 16 septembre 2026').waitFor({ timeout: 30_000 })
    await screenshotAt(page, 375, 'saisie-closed-375.png')
    expect(await page.getByRole('textbox', { name: 'Visites à domicile réalisées', exact: true }).isDisabled()).toBe(
      true,
    )
    expect(await page.getByRole('button', { name: 'Compléter le rapport' }).count()).toBe(0)
  } finally {
    await context.close()
  }
})

test('a supervisor finds an RC of their zone by code and opens the report', async () => {
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 } })
  const page = await context.newPage()
  try {
    await signIn(page, app.url, 'superviseur')
    await page.getByRole('link', { name: 'Saisie' }).first().click()
    await page.getByText('Choisissez un relais communautaire pour ouvrir son rapport.').waitFor({ timeout: 30_000 })
    const started = Date.now()
    await page.getByRole('searchbox', { name: /Trouver un relais communautaire/ }).fill('RC-AQ-00002')
    const result = page.getByRole('button', { name: /RC-AQ-00002/ })
    await result.waitFor()
    // the debounce (300 ms) plus one request; generous for a 2-core machine
    expect(Date.now() - started).toBeLessThan(3000)
    await screenshotAt(page, 1280, 'saisie-search-1280.png')
    await result.click()
    await page.getByRole('heading', { name: /RC-AQ-00002\) — septembre 2026/ }).waitFor()
    await page.getByRole('textbox', { name: 'Visites à domicile réalisées', exact: true }).waitFor()
  } finally {
    await context.close()
  }
})
