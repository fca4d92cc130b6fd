/**
 * The periodic bulletin end to end (issue 15 §4): the built app in the DHIS2 stand-in, in Chromium and in French.
 * A data manager makes the monthly bulletin of a département: its completeness and timeliness (the département
 * and each zone) and its indicators are what DHIS2's analytics API answers for the same org unit and period, asked
 * separately here; then the quarterly one. The CSV download holds the page's figures (« ; », decimal comma, UTF-8
 * with a BOM). Printed (print media), the controls, DHIS2's header bar and Relais' menu are gone. The route to the
 * bridge leads nowhere: the reminders' sections say so and the rest of the bulletin stays. A supervisor on a
 * phone (375 px) is offered their zone only, even when the address names a département.
 */
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { createStandin, type Standin } from '@relais/dhis2-standin'
import { expectAccessible } from '../support/a11y'
import { ADMIN_AUTHORIZATION, adminJson, createBridgeRoute, screenshotAt, signIn, uidOf } from '../support/app-page'
import { ARTIFACTS, launchBrowser, phoneContext } from '../support/browser'
import { ensureBuiltApp } from '../support/built-app'
import { parseCsv } from '../support/csv'

jest.setTimeout(180_000)

// 20 October 2026: September's reports are all in; the latest month of a bulletin is September.
const NOW = '2026-10-20T09:00:00Z'
const SECRET = 'route-secret-bulletin-e2e-0123456789abcdef0123'

let standin: Standin
let browser: Browser
let url: string
let rc1Name: string

/** A local port nobody listens on: the route's bridge refuses the connection (DHIS2 answers 503). */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

beforeAll(async () => {
  const app = ensureBuiltApp()
  standin = createStandin({ seed: 'small', apps: { relais: app }, now: NOW, testEndpoints: true })
  url = await standin.listen()
  expect(await createBridgeRoute(url, `http://127.0.0.1:${await closedPort()}`, SECRET)).toBe(201)
  // Two RC of the Atlantique took their September report back before the night's run: two gaps.
  const ds = await uidOf(url, 'dataSets', 'RC_MENSUEL')
  for (const code of ['RC-AQ-00001', 'RC-AQ-00002']) {
    const ou = await uidOf(url, 'organisationUnits', code)
    const removed = await fetch(`${url}/api/completeDataSetRegistrations?ds=${ds}&pe=202609&ou=${ou}`, {
      method: 'DELETE',
      headers: { Authorization: ADMIN_AUTHORIZATION },
    })
    expect(removed.status).toBeLessThan(300)
  }
  // Their supervisor records the follow-up of the first one, as the dashboard does (a change in the gap store).
  const rc1 = await adminJson<{ id: string; name: string }>(
    url,
    `/api/organisationUnits/${await uidOf(url, 'organisationUnits', 'RC-AQ-00001')}?fields=id,name`,
  )
  const recorded = await fetch(`${url}/api/dataStore/relais/gap-202609-${rc1.id}-e2e00001`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from('superviseur:Relais-2026').toString('base64')}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({
      event: 'record',
      orgUnit: rc1.id,
      orgUnitName: rc1.name,
      period: '202609',
      reason: 'notReported',
      cause: 'reseau',
      causeDetail: '',
      action: 'Renvoyer le rapport depuis le centre de santé',
      dueDate: '2026-10-31',
    }),
  })
  expect(recorded.status).toBe(201)
  rc1Name = rc1.name
  const run = await fetch(`${url}/api/resourceTables/analytics`, {
    method: 'POST',
    headers: { Authorization: ADMIN_AUTHORIZATION },
  })
  expect(run.ok).toBe(true)
  for (let i = 0; i < 100 && !standin.ctx.state.lastAnalyticsTableSuccess; i++)
    await new Promise((resolve) => setTimeout(resolve, 100))
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await standin?.close()
})

interface AnalyticsJson {
  headers: Array<{ name: string }>
  rows: string[][]
}

/** DHIS2's analytics for one org unit (or its zones) and one period, counting active RC only, as the superuser. */
async function analytics(dx: string[], pe: string, ou: string, ouAsFilter = true): Promise<Map<string, string[]>> {
  const groupSet = await uidOf(url, 'organisationUnitGroupSets', 'OUGS_ACTIVITE_RC')
  const group = await uidOf(url, 'organisationUnitGroups', 'OUG_RC_ACTIFS')
  const params = new URLSearchParams()
  params.append('dimension', `dx:${dx.join(';')}`)
  params.append('dimension', `pe:${pe}`)
  params.append(ouAsFilter ? 'filter' : 'dimension', `ou:${ou}`)
  params.append('filter', `${groupSet}:${group}`)
  params.append('includeNumDen', 'true')
  const body = await adminJson<AnalyticsJson>(url, `/api/analytics?${params}`)
  const at = (name: string) => body.headers.findIndex((h) => h.name === name)
  const [dxAt, ouAt, valueAt, numAt, denAt] = ['dx', 'ou', 'value', 'numerator', 'denominator'].map(at)
  return new Map(
    body.rows.map((row) => [
      ouAsFilter ? row[dxAt!]! : `${row[dxAt!]}|${row[ouAt!]}`,
      [row[valueAt!]!, row[numAt!]!, row[denAt!]!],
    ]),
  )
}

/** « 85,4 % », « 1 234 » → 85.4, 1234 (French numbers as the page writes them). */
const frNumber = (text: string) => Number(text.replace(/[\s\u00a0\u202f%]/g, '').replace(',', '.'))
const oneDecimal = (value: string | number) => Math.round(Number(value) * 10) / 10

/** The rows of a section's table: each row's cells' text (body rows, then the total). */
async function tableRows(page: Page, section: string): Promise<string[][]> {
  const region = page.getByRole('region', { name: section })
  const rows = region.locator('tbody tr, tfoot tr')
  const out: string[][] = []
  for (let i = 0; i < (await rows.count()); i++) out.push(await rows.nth(i).locator('td').allInnerTexts())
  return out.map((cells) => cells.map((c) => c.trim()))
}

test('a data manager’s monthly and quarterly bulletins of a département: DHIS2’s figures, CSV, print', async () => {
  const zone = (
    await adminJson<{ organisationUnits: Array<{ id: string; parent: { id: string; name: string } }> }>(
      url,
      '/api/organisationUnits?filter=code:eq:ZS-AQ-01&fields=id,parent[id,name]&paging=false',
    )
  ).organisationUnits[0]!
  const dep = zone.parent
  const ds = await uidOf(url, 'dataSets', 'RC_MENSUEL')
  const RR = `${ds}.REPORTING_RATE`
  const RR_T = `${ds}.REPORTING_RATE_ON_TIME`
  const tdrPos = await uidOf(url, 'indicators', 'IND_TDR_POS')

  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: 'fr-FR',
    acceptDownloads: true,
  })
  const page = await context.newPage()
  try {
    await signIn(page, url, 'gestionnaire')
    await page.getByRole('navigation', { name: 'Menu de Relais' }).getByRole('link', { name: 'Bulletin' }).click()
    await page.getByRole('heading', { name: 'Bulletin périodique' }).waitFor({ timeout: 30_000 })
    // The département, chosen in the list of the user's zones and départements.
    await page.getByRole('combobox', { name: 'Zone ou département' }).click()
    await page.getByRole('option', { name: `Département ${dep.name}` }).click()
    const title = page.getByRole('heading', { name: `Bulletin mensuel — Département ${dep.name}` })
    await title.waitFor({ timeout: 30_000 })
    const bulletin = page.locator('[data-test="relais-bulletin"]')
    expect(await bulletin.locator('dd').allInnerTexts()).toEqual(
      expect.arrayContaining([
        `Département ${dep.name}`,
        'septembre 2026',
        expect.stringMatching(/^20 octobre 2026 \d\d:\d\d$/),
      ]),
    )
    await bulletin.getByText(/Analyses mises à jour le 20 octobre 2026/).waitFor()

    // Completeness and timeliness: the département (the total line) and each zone, as DHIS2 answers.
    const own = await analytics([RR, RR_T, tdrPos], '202609', dep.id)
    const zones = await analytics([RR, RR_T], '202609', `${dep.id};LEVEL-3`, false)
    const rows = await tableRows(page, 'Complétude et promptitude')
    const total = rows.at(-1)!
    const [rate, actual, expected] = own.get(RR)!
    const [rateOnTime, onTime] = own.get(RR_T)!
    expect(Number(expected)).toBeGreaterThan(0)
    expect(total.slice(1).map(frNumber)).toEqual([
      Number(expected),
      Number(actual),
      Number(onTime),
      oneDecimal(rate!),
      oneDecimal(rateOnTime!),
    ])
    const zoneNames = await adminJson<{ organisationUnits: Array<{ id: string; name: string }> }>(
      url,
      `/api/organisationUnits?filter=parent.id:eq:${dep.id}&fields=id,name&paging=false`,
    )
    expect(rows.length - 1).toBe(zoneNames.organisationUnits.length)
    for (const z of zoneNames.organisationUnits) {
      const shown = rows.find((r) => r[0] === z.name)
      const [zRate, zActual, zExpected] = zones.get(`${RR}|${z.id}`)!
      expect([z.name, ...shown!.slice(1, 3).map(frNumber), frNumber(shown![4]!)]).toEqual([
        z.name,
        Number(zExpected),
        Number(zActual),
        oneDecimal(zRate!),
      ])
    }
    // An indicator against DHIS2's own value.
    const indicators = await tableRows(page, 'Indicateurs et cibles')
    const positivity = indicators.find((r) => r[0] === 'Taux de positivité des TDR')!
    expect(frNumber(positivity[1]!)).toBe(oneDecimal(own.get(tdrPos)![0]!))

    // The bridge cannot be reached: the reminders' parts say so, the rest is there.
    const effect = page.getByRole('region', { name: 'Effet des rappels' })
    await effect.getByText(/^Non disponible/).waitFor({ timeout: 30_000 })
    expect(await effect.innerText()).toContain('Non disponible. La passerelle Relais ne répond pas.')
    const gaps = page.getByRole('region', { name: 'Écarts et leur suivi' })
    await gaps.getByText('Les rappels envoyés ne sont pas disponibles. La passerelle Relais ne répond pas.').waitFor()
    const gapRows = await tableRows(page, 'Écarts et leur suivi')
    expect(gapRows.length).toBe(Number(expected) - Number(actual))
    expect(gapRows.length).toBeGreaterThanOrEqual(2)
    // Month, sub-unit, RC, reminders (unknown), last reminder, cause, action, due date, follow-up status.
    const followed = gapRows.find((r) => r[2] === rc1Name)
    expect(followed?.slice(5)).toEqual([
      'Problème de réseau',
      'Renvoyer le rapport depuis le centre de santé',
      '31 octobre 2026',
      'Ouvert',
    ])
    expect(gapRows[0]?.[0]).toBe('septembre 2026')
    expect(gapRows.find((r) => r[2] !== rc1Name)?.slice(3)).toEqual(['—', '—', '—', '—', '—', 'Non renseigné'])
    await page.getByRole('region', { name: 'Assistance' }).getByRole('table').waitFor()
    await expectAccessible(page, 'bulletin (data manager) at 1280 px')
    await screenshotAt(page, 1280, 'bulletin-departement-1280.png')

    // The CSV: a BOM, « ; », the page's figures.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Télécharger CSV' }).click(),
    ])
    expect(download.suggestedFilename()).toMatch(/^bulletin_.*_202609\.csv$/)
    const text = readFileSync((await download.path())!, 'utf8')
    expect(text.charCodeAt(0)).toBe(0xfeff)
    const csv = parseCsv(text.slice(1))
    expect(csv[0]?.[0]).toBe(`Bulletin mensuel — Département ${dep.name}`)
    const header = csv.findIndex((r) => r[0] === "Unité d'organisation" && r.length > 2)
    expect(csv[header]).toEqual([
      "Unité d'organisation",
      'Rapports attendus',
      'Rapports complétés',
      'Complétés à temps',
      'Complétude',
      'Promptitude',
    ])
    const csvRows = csv.slice(header + 1, header + rows.length + 1)
    expect(csvRows.map((r) => [r[0], ...r.slice(1).map(frNumber)])).toEqual(
      rows.map((r) => [r[0], ...r.slice(1).map(frNumber)]),
    )
    expect(csv.some((r) => r[0] === 'Effet des rappels')).toBe(true)

    // Printed: only the document.
    await page.emulateMedia({ media: 'print' })
    await title.waitFor()
    for (const control of [
      page.getByRole('button', { name: 'Imprimer / PDF' }),
      page.getByRole('button', { name: 'Télécharger CSV' }),
      page.getByRole('combobox', { name: 'Zone ou département' }),
      page.getByRole('navigation', { name: 'Menu de Relais' }),
      page.locator('header').first(),
    ])
      expect(await control.isVisible()).toBe(false)
    expect(await page.getByRole('region', { name: 'Complétude et promptitude' }).isVisible()).toBe(true)
    // The whole document, not the app shell's visible box: more than one A4 page (one page when the shell clips).
    const pdf = await page.pdf({ path: join(ARTIFACTS, 'bulletin-departement.pdf'), format: 'A4' })
    expect(Number(/\/Count (\d+)/.exec(pdf.toString('latin1'))?.[1])).toBeGreaterThan(1)
    await page.emulateMedia({ media: 'screen' })

    // The quarter: three months per RC, as DHIS2 counts it.
    await page.getByRole('combobox', { name: 'Type de période' }).click()
    await page.getByRole('option', { name: 'Trimestre' }).click()
    await page
      .getByRole('heading', { name: `Bulletin trimestriel — Département ${dep.name}` })
      .waitFor({ timeout: 30_000 })
    await bulletin.locator('dd', { hasText: 'juillet - septembre 2026' }).waitFor()
    const quarter = await analytics([RR, RR_T], '2026Q3', dep.id)
    const quarterTotal = (await tableRows(page, 'Complétude et promptitude')).at(-1)!
    const [qRate, qActual, qExpected] = quarter.get(RR)!
    expect(quarterTotal.slice(1, 3).map(frNumber)).toEqual([Number(qExpected), Number(qActual)])
    expect(frNumber(quarterTotal[4]!)).toBe(oneDecimal(qRate!))
    expect(Number(qExpected)).toBeGreaterThan(Number(expected))

    // A week (19–25 October): September's reports, completed during the week and in all by its end.
    await page.getByRole('combobox', { name: 'Type de période' }).click()
    await page.getByRole('option', { name: 'Semaine' }).click()
    await page
      .getByRole('heading', { name: `Bulletin hebdomadaire — Département ${dep.name}` })
      .waitFor({ timeout: 30_000 })
    const weekly = page.getByRole('region', { name: 'Complétude et promptitude' })
    await weekly.getByText(/ce bulletin hebdomadaire suit les rapports de septembre 2026/).waitFor()
    const weekTotal = (await tableRows(page, 'Complétude et promptitude')).at(-1)!
    // Expected, completed during the week (none: they all came in early October), completed in all.
    expect(weekTotal.slice(1, 4).map(frNumber)).toEqual([Number(expected), 0, Number(actual)])
  } finally {
    await context.close()
  }
})

test('a supervisor on a phone gets their zone only', async () => {
  const zone = (
    await adminJson<{ organisationUnits: Array<{ id: string; name: string; parent: { id: string } }> }>(
      url,
      '/api/organisationUnits?filter=code:eq:ZS-AQ-01&fields=id,name,parent[id]&paging=false',
    )
  ).organisationUnits[0]!
  const context = await phoneContext(browser)
  const page = await context.newPage()
  try {
    await signIn(page, url, 'superviseur')
    // A département typed into the address is not theirs: their zone instead.
    await page.goto(`${url}/api/apps/relais/index.html#/bulletin?ou=${zone.parent.id}&pt=Monthly`)
    await page.getByRole('heading', { name: `Bulletin mensuel — Zone ${zone.name}` }).waitFor({ timeout: 30_000 })
    await page.getByRole('combobox', { name: 'Zone ou département' }).tap()
    expect(await page.getByRole('option').allInnerTexts()).toEqual([`Zone ${zone.name}`])
    await page.keyboard.press('Escape')
    await page.getByRole('region', { name: 'Complétude et promptitude' }).getByRole('table').waitFor()
    // Nothing wider than the phone but the tables' own sideways scroll.
    const overflow = await page.evaluate<number>(
      'Math.max(0, ...Array.from(document.querySelectorAll("main h2, main h3, main p, main button, main dl"), (e) => e.getBoundingClientRect().right - window.innerWidth))',
    )
    expect(overflow).toBeLessThanOrEqual(1)
    await expectAccessible(page, 'bulletin (supervisor) at 375 px')
    await screenshotAt(page, 375, 'bulletin-zone-375.png')
  } finally {
    await context.close()
  }
})
