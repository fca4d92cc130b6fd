/**
 * Tableau de bord end to end: the built Relais app served by the DHIS2 stand-in at /api/apps/relais/, in
 * headless Chromium. Analytics ran at 10:00; the RC `relais` then fills and completes their September
 * report. The supervisor opens the dashboard: the RC counts as reported straight away (a completion after
 * the analytics run, taken from completeDataSetRegistrations), and still after analytics run again. The
 * supervisor then records the follow-up of an RC that has not reported, and it is in the dataStore with
 * its history. Screenshots of the dashboard at 1280 and 375 px go to tests/artifacts/.
 */
import { runAnalyticsTables } from '@relais/dhis2-standin'
import { adminJson, screenshotAt, signIn } from '../support/app-page'
import { appInStandin } from '../support/app-in-standin'

jest.setTimeout(180_000)

// 3 October 2026, 10:00 in Porto-Novo: September's reports are being completed (on time until the 5th).
const NOW = '2026-10-03T09:00:00Z'

// The nightly run, as of now; everything completed later is invisible to analytics until the next one.
const app = appInStandin({
  now: NOW,
  ready: (standin) => {
    runAnalyticsTables(standin.ctx)
    standin.ctx.clock.advance(60_000)
  },
})

interface GapChangeJson {
  key: string
  value: { event: string; orgUnitName: string; cause: string; action: string; dueDate: string; by?: string }
}

test('a report completed in Saisie shows on the dashboard; the supervisor records a gap', async () => {
  const rcUnit = (
    await adminJson<{ organisationUnits: Array<{ id: string; name: string }> }>(
      app.url,
      '/api/organisationUnits?filter=code:eq:RC-AQ-00001&fields=id,name&paging=false',
    )
  ).organisationUnits[0]
  if (!rcUnit) throw new Error('no RC-AQ-00001 in the seed')

  // 1. The RC fills and completes September.
  const rcContext = await app.browser.newContext({ viewport: { width: 1280, height: 900 } })
  const rcPage = await rcContext.newPage()
  try {
    await signIn(rcPage, app.url, 'relais')
    await rcPage.getByRole('navigation', { name: 'Menu de Relais' }).getByRole('link', { name: 'Saisie' }).click()
    await rcPage.getByRole('heading', { name: /RC-AQ-00001\) — septembre 2026/ }).waitFor({ timeout: 30_000 })
    for (const [label, value] of [
      ['TDR paludisme réalisés', '6'],
      ['TDR paludisme positifs', '2'],
      ['Visites à domicile réalisées', '14'],
    ] as const) {
      const box = rcPage.getByRole('textbox', { name: label, exact: true })
      await box.fill(value)
      await box.press('Tab')
      await rcPage.locator(`[aria-label="${label}"][data-status="saved"]`).waitFor()
    }
    await rcPage.getByRole('button', { name: 'Compléter le rapport' }).click()
    // Once DHIS2 holds it (the completion is queued like a value): no data-status on the status line.
    await rcPage
      .locator('[data-test="relais-completion-status"]:not([data-status])')
      .getByText('Complété le 3 octobre 2026')
      .waitFor()
  } finally {
    await rcContext.close()
  }

  // 2. The supervisor opens the dashboard (French user): September, their zone.
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 } })
  const page = await context.newPage()
  try {
    await signIn(page, app.url, 'superviseur')
    await page
      .getByRole('navigation', { name: 'Menu de Relais' })
      .getByRole('link', { name: 'Tableau de bord' })
      .click()
    const ranking = page.getByRole('region', { name: 'Relais communautaires classés' })
    await ranking.waitFor({ timeout: 30_000 })
    // @dhis2/ui's select: the combobox shows the name of the chosen period.
    expect(await page.getByRole('combobox', { name: 'Période', exact: true }).textContent()).toBe('septembre 2026')
    const rcRow = ranking.locator('tbody tr', { hasText: rcUnit.name })
    // completed after the analytics run: counted from the completion registrations
    await expect(rcRow.textContent()).resolves.toContain('1 / 1')
    await page.getByText(/enregistrements de complétude \(1 ajouté\(s\)\)/).waitFor()

    // 3. Analytics run again (POST /api/resourceTables/analytics); after a refresh analytics has the report.
    const before = (await adminJson<{ lastAnalyticsTableSuccess: string }>(app.url, '/api/system/info'))
      .lastAnalyticsTableSuccess
    app.standin.ctx.clock.advance(60_000)
    await adminJson(app.url, '/api/resourceTables/analytics', { method: 'POST' })
    for (let i = 0; i < 50; i++) {
      const info = await adminJson<{ lastAnalyticsTableSuccess: string }>(app.url, '/api/system/info')
      if (info.lastAnalyticsTableSuccess !== before) break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    await page.getByRole('button', { name: 'Actualiser' }).click()
    await page.getByText(/enregistrements de complétude \(0 ajouté\(s\)\)/).waitFor()
    await expect(ranking.locator('tbody tr', { hasText: rcUnit.name }).textContent()).resolves.toContain('1 / 1')

    await screenshotAt(page, 1280, 'dashboard-1280.png')
    await screenshotAt(page, 375, 'dashboard-375.png')
    await page.setViewportSize({ width: 1280, height: 900 })

    // 4. A gap: an RC of the zone that has not reported September.
    const gaps = page.getByRole('region', { name: 'Écarts à suivre' })
    const missing = gaps.locator('tbody tr', { hasText: 'Pas de rapport' }).first()
    await missing.waitFor()
    const name = ((await missing.locator('td').first().textContent()) ?? '').trim()
    expect(name).not.toBe(rcUnit.name)
    await missing.getByRole('button', { name: `Suivre ${name}` }).click()
    const editor = page.getByRole('region', { name: `Suivi de ${name}` })
    // The panel opens in view, below a long table: its title on screen.
    const heading = editor.getByRole('heading', { name: `Suivi de ${name}` })
    await heading.waitFor()
    const box = await heading.boundingBox()
    expect(box && box.y >= 0 && box.y + box.height <= (page.viewportSize()?.height ?? 0)).toBe(true)
    // No cause is chosen for the supervisor: the select shows its placeholder.
    const cause = editor.getByRole('combobox', { name: 'Cause', exact: true })
    expect(await cause.textContent()).toBe('Choisir la cause')
    // @dhis2/ui's select: its options open in a layer outside the panel, a listbox named as the select.
    await cause.click()
    await page
      .getByRole('listbox', { name: 'Cause', exact: true })
      .getByRole('option', { name: 'Problème de réseau', exact: true })
      .click()
    expect(await cause.textContent()).toBe('Problème de réseau')
    await editor
      .getByRole('textbox', { name: 'Action décidée' })
      .fill('Envoyer le rapport par SMS depuis le centre de santé')
    await editor.getByLabel('Échéance', { exact: true }).fill('2026-10-10')
    await editor.getByRole('button', { name: 'Enregistrer le suivi' }).click()
    await gaps.locator('tbody tr', { hasText: name }).filter({ hasText: 'Problème de réseau' }).waitFor()
    // This RC has no DHIS2 account: the supervisor is told to pass the action on themselves.
    await editor.getByText("Enregistré, mais le relais n'a pas été prévenu").waitFor()
    await screenshotAt(page, 1280, 'dashboard-gap-1280.png')

    // One entry for the change, its author set by DHIS2 and shared with the Relais groups only (issue 11 §7).
    const changes = await adminJson<GapChangeJson[]>(
      app.url,
      '/api/dataStore/relais?fields=.&filter=_:$like:gap-202609-&paging=false',
    )
    const recorded = changes.find((c) => c.value.orgUnitName === name)
    expect(recorded?.value).toMatchObject({ event: 'record', cause: 'reseau', dueDate: '2026-10-10' })
    expect(recorded?.value.by).toBeUndefined()
    const meta = await adminJson<{ id: string; createdBy: { username: string } }>(
      app.url,
      `/api/dataStore/relais/${recorded!.key}/metaData`,
    )
    expect(meta.createdBy.username).toBe('superviseur')
    const sharing = await adminJson<{ object: { publicAccess: string } }>(
      app.url,
      `/api/sharing?type=dataStore&id=${meta.id}`,
    )
    expect(sharing.object.publicAccess).toBe('--------')
    const asRc = await fetch(`${app.url}/api/dataStore/relais/${recorded!.key}`, {
      headers: { Authorization: `Basic ${Buffer.from('relais:Relais-2026').toString('base64')}` },
    })
    expect(asRc.status).toBe(403)
  } finally {
    await context.close()
  }
})
