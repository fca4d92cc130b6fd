/**
 * The RC on a phone (issue 14 §2): 375 × 740 with touch, in French. A wrong number gets a message that says
 * what exactly is wrong, at the box; « Compléter » with wrong boxes takes the RC to the first one (it was below
 * the screen's bottom: « Compléter » seemed to do nothing) and names each; once corrected, the report completes
 * and DHIS2 has it; a number outside the min–max range DHIS2 keeps for the box is questioned; « Mes résultats » then shows it completed on time. A stand-in of its own: the other saisie tests complete the same RC's September.
 */
import { join } from 'node:path'
import { adminJson, signIn, uidOf } from '../support/app-page'
import { ARTIFACTS, phoneContext } from '../support/browser'
import { appInStandin } from '../support/app-in-standin'

jest.setTimeout(180_000)

// 3 October 2026, 10:00 in Porto-Novo: September 2026 is open.
const NOW = '2026-10-03T09:00:00Z'

const app = appInStandin({ now: NOW })

test('on a phone, a wrong number says what is wrong, and « Compléter » takes the RC to it', async () => {
  const context = await phoneContext(app.browser)
  const page = await context.newPage()
  try {
    // A data manager keeps a min–max range for the RC's talks (DHIS2's own outlier bounds, issue 14 §2).
    const [causeriesId, rcId] = await Promise.all([
      uidOf(app.url, 'dataElements', 'RC_CAUSERIES'),
      uidOf(app.url, 'organisationUnits', 'RC-AQ-00001'),
    ])
    const { categoryCombo } = await adminJson<{ categoryCombo: { categoryOptionCombos: Array<{ id: string }> } }>(
      app.url,
      `/api/dataElements/${causeriesId}?fields=categoryCombo[categoryOptionCombos[id]]`,
    )
    await adminJson(app.url, '/api/dataEntry/minMaxValues', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        dataElement: causeriesId,
        orgUnit: rcId,
        categoryOptionCombo: categoryCombo.categoryOptionCombos[0]?.id,
        minValue: 1,
        maxValue: 20,
      }),
    })
    await signIn(page, app.url, 'relais')
    await page.getByRole('navigation', { name: 'Menu de Relais' }).getByRole('link', { name: 'Saisie' }).tap()
    await page.getByRole('heading', { name: /RC-AQ-00001\) — septembre 2026/ }).waitFor({ timeout: 30_000 })

    const box = (name: string) => page.getByRole('textbox', { name, exact: true })
    const causeries = box('Causeries éducatives animées')
    const visits = box('Visites à domicile réalisées')
    await causeries.tap()
    await causeries.fill('-3')
    await page.getByText('Ce nombre ne peut pas être négatif.').waitFor()
    await visits.tap()
    await visits.fill('2,5')
    await page.getByText('Un nombre entier est attendu ici, sans décimales.').waitFor()

    // At the bottom of the form, « Compléter »: the RC is taken to the first wrong box, on screen, focused.
    const complete = page.getByRole('button', { name: 'Compléter le rapport' })
    await complete.scrollIntoViewIfNeeded()
    await complete.tap()
    const notice = page.getByText("Corrigez d'abord ces cases :").locator('xpath=..')
    await notice.waitFor()
    const focused = await page.evaluate<string | null>('document.activeElement?.getAttribute("aria-label") ?? null')
    expect(['Causeries éducatives animées', 'Visites à domicile réalisées']).toContain(focused)
    const where = await box(focused ?? '').boundingBox()
    expect(where && where.y >= 0 && where.y + where.height <= 740).toBe(true)
    expect(await notice.getByRole('listitem').allInnerTexts()).toHaveLength(2)
    await page.screenshot({ path: join(ARTIFACTS, 'saisie-phone-correct-375.png') })

    // Outside the range kept in DHIS2: a question, not a refusal.
    await causeries.fill('45')
    await causeries.press('Tab')
    await page
      .getByText("45, c'est en dehors de l'intervalle habituel pour ce relais (de 1 à 20). Est-ce bien le bon nombre ?")
      .waitFor()

    // Corrected, the report completes, and DHIS2 has the values and the completion.
    await causeries.fill('3')
    await causeries.press('Tab')
    await visits.fill('25')
    await visits.press('Tab')
    await page.locator('[aria-label="Visites à domicile réalisées"][data-status="saved"]').waitFor()
    expect(await notice.count()).toBe(0)
    await complete.tap()
    await page
      .locator('[data-test="relais-completion-status"]:not([data-status])')
      .getByText('Complété le 3 octobre 2026')
      .waitFor()
    const dataSet = await uidOf(app.url, 'dataSets', 'RC_MENSUEL')
    const orgUnit = await uidOf(app.url, 'organisationUnits', 'RC-AQ-00001')
    const set = await adminJson<{ dataValues: Array<{ value: string }> }>(
      app.url,
      `/api/dataValueSets?dataSet=${dataSet}&period=202609&orgUnit=${orgUnit}`,
    )
    expect(set.dataValues.map((v) => v.value).sort()).toEqual(['25', '3'])

    // « Mes résultats »: the report just completed, on time, and the months before (issue 14 §3).
    await page.getByRole('navigation', { name: 'Menu de Relais' }).getByRole('link', { name: 'Mes résultats' }).tap()
    const due = page.getByRole('region', { name: 'Rapport de septembre 2026' })
    await due.getByText('Complété le 3 octobre 2026, à temps.').waitFor({ timeout: 30_000 })
    const months = page.getByRole('region', { name: 'Les six derniers mois' })
    expect(await months.getByRole('listitem').count()).toBe(6)
    await page.getByRole('region', { name: "Mes cibles de l'année" }).getByText('Visites à domicile').waitFor()
    await page.screenshot({ path: join(ARTIFACTS, 'resultats-375.png'), fullPage: true })
  } finally {
    await context.close()
  }
})

test("a supervisor on a phone finds an RC in DHIS2's org unit tree, a finger's width per row", async () => {
  const context = await phoneContext(app.browser)
  const page = await context.newPage()
  try {
    const found = await adminJson<{
      organisationUnits: Array<{ name: string; parent: { name: string; parent: { name: string } } }>
    }>(app.url, '/api/organisationUnits?filter=code:eq:RC-AQ-00001&fields=name,parent[name,parent[name]]')
    // Names as the French user reads them (the admin's displayName is the English translation).
    const rc = found.organisationUnits[0]!
    await signIn(page, app.url, 'superviseur')
    await page.getByRole('navigation', { name: 'Menu de Relais' }).getByRole('link', { name: 'Saisie' }).tap()
    await page.getByText('Parcourir la hiérarchie').tap()
    const tree = page.getByRole('group', { name: "Unités d'organisation" })
    const label = (name: string) =>
      tree.locator('[data-test="dhis2-uiwidgets-orgunittree-node-label"]').getByText(name, { exact: true })
    // The supervisor's zone is the tree's top; tapping a zone's or an aire's name opens it (only an RC can be
    // chosen for a report).
    await label(rc.parent.parent.name).tap({ timeout: 30_000 })
    await label(rc.parent.name).tap({ timeout: 30_000 })
    const row = label(rc.name)
    await row.waitFor({ timeout: 30_000 })
    const box = await row.boundingBox()
    expect(box?.height).toBeGreaterThanOrEqual(44)
    await page.screenshot({ path: join(ARTIFACTS, 'saisie-tree-375.png') })
    await row.tap()
    await page.getByRole('heading', { name: /RC-AQ-00001\) — septembre 2026/ }).waitFor({ timeout: 30_000 })
  } finally {
    await context.close()
  }
})
