/**
 * The data-quality screen end to end (issue 15 §3, Done when): the built app in the DHIS2 stand-in (seed
 * « small », which plants exactly 4 outliers and 4 validation-rule violations and lists them in
 * `standin.findings`), in Chromium and in French.
 * - A data manager sees exactly the seed's findings over the last twelve months (every one, and no other row);
 *   marks one checked; it stays checked after a reload, and the dashboard's quality score of that zone for
 *   that month rises by the RC it no longer counts against.
 * - A supervisor on a phone (375 px) sees only their zone's findings: none of the seed's, and the one value
 *   someone marked for follow-up there; its link opens the app's report form of that RC for that month.
 */
import type { Browser, Page } from 'playwright-core'
import { createStandin, uid, type Standin } from '@relais/dhis2-standin'
import { expectAccessible } from '../support/a11y'
import { ADMIN_AUTHORIZATION, adminJson, screenshotAt, signIn, uidOf } from '../support/app-page'
import { launchBrowser, phoneContext } from '../support/browser'
import { ensureBuiltApp } from '../support/built-app'

jest.setTimeout(180_000)

// The 6th of December: the seed's twelve months (December 2025 – November 2026) are the screen's default range.
const NOW = '2026-12-06T09:00:00Z'
const DEFAULT_COC = uid('categoryOptionCombo', 'default')

let standin: Standin
let browser: Browser
let url: string

async function call(method: string, path: string, body?: unknown): Promise<void> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { Authorization: ADMIN_AUTHORIZATION, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`)
}

beforeAll(async () => {
  const app = ensureBuiltApp()
  standin = createStandin({ seed: 'small', apps: { relais: app }, now: NOW, testEndpoints: true })
  url = await standin.listen()
  // DHIS2's nightly analytics have run (the dashboard reads its tables).
  await call('POST', '/api/resourceTables/analytics', {})
  for (let i = 0; i < 100 && !standin.ctx.state.lastAnalyticsTableSuccess; i++)
    await new Promise((resolve) => setTimeout(resolve, 100))
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await standin?.close()
})

/** The ids the screen gives the seed's findings (kind, RC, month, cell or rule, attribute option combo). */
function expectedIds(): string[] {
  return standin.findings
    .map((f) =>
      f.kind === 'OUTLIER'
        ? `outlier.${f.orgUnit}.${f.period}.${f.dataElement}.${f.categoryOptionCombo}.${DEFAULT_COC}`
        : `validation.${f.orgUnit}.${f.period}.${f.validationRule}.${DEFAULT_COC}`,
    )
    .sort()
}

const findingRows = (page: Page) => page.locator('[data-finding]')
async function shownIds(page: Page): Promise<string[]> {
  const rows = await findingRows(page).all()
  return (await Promise.all(rows.map(async (r) => (await r.getAttribute('data-finding')) ?? ''))).sort()
}

async function openQuality(page: Page, query = ''): Promise<void> {
  await page.goto(`${url}/api/apps/relais/index.html#/qualite${query}`)
  await page.getByRole('heading', { name: /^Valeurs aberrantes \(\d+\)$/ }).waitFor({ timeout: 30_000 })
}

/** The dashboard's quality score of a zone for a month (its table's last cell). */
async function dashboardScore(page: Page, zone: string, month: string, label: string): Promise<string> {
  await page.goto(`${url}/api/apps/relais/index.html#/tableau-de-bord?pt=Monthly&pe=${month}&ou=${zone}`)
  const table = page.getByRole('region', { name: 'Score qualité' })
  const row = table.getByRole('row').filter({ hasText: label })
  await row.waitFor({ timeout: 30_000 })
  return (await row.getByRole('cell').last().innerText()).trim()
}

test('a data manager sees exactly the seeded findings, checks one, and the zone’s score follows', async () => {
  expect(standin.findings).toHaveLength(8)
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' })
  const page = await context.newPage()
  try {
    await signIn(page, url, 'gestionnaire')
    await page
      .getByRole('navigation', { name: 'Menu de Relais' })
      .getByRole('link', { name: 'Qualité des données' })
      .click()
    await page.getByRole('heading', { name: /^Valeurs aberrantes \(\d+\)$/ }).waitFor({ timeout: 30_000 })
    expect(await shownIds(page)).toEqual(expectedIds())
    await page.getByRole('heading', { name: 'Valeurs aberrantes (4)' }).waitFor()
    await page.getByRole('heading', { name: 'Violations des règles de validation (4)' }).waitFor()
    await page.getByRole('heading', { name: 'Valeurs marquées pour suivi (0)' }).waitFor()
    await page.getByRole('heading', { name: 'Désagrégations manquantes (0)' }).waitFor()
    await expectAccessible(page, 'quality-manager')
    await screenshotAt(page, 1280, 'quality-manager-1280.png')

    // The first planted outlier: its RC (name and code), the value and the range DHIS2 expected.
    const planted = standin.findings.find((f) => f.kind === 'OUTLIER')!
    const id = `outlier.${planted.orgUnit}.${planted.period}.${planted.dataElement}.${planted.categoryOptionCombo}.${DEFAULT_COC}`
    const row = page.locator(`[data-finding="${id}"]`)
    await row.getByText(`(${planted.rc})`, { exact: false }).waitFor()
    expect(await row.innerText()).toMatch(new RegExp(`${planted.value}\\s?; attendu entre \\d+ et \\d+`))
    // A data manager has no entry screen of the app: the link opens DHIS2's Data Entry app at that report.
    const dataSet = await uidOf(url, 'dataSets', 'RC_MENSUEL')
    const href = await row.getByRole('link', { name: /^Ouvrir le formulaire de / }).getAttribute('href')
    expect(new URL(href ?? '', page.url()).toString()).toBe(
      `${url}/dhis-web-aggregate-data-entry/index.html#/?dataSetId=${dataSet}&orgUnitId=${planted.orgUnit}&periodId=${planted.period}`,
    )

    // The zone of that RC, and its score for that month before the review: one RC of n with an open finding.
    const { path } = await adminJson<{ path: string }>(url, `/api/organisationUnits/${planted.orgUnit}?fields=path`)
    const zoneId = path.split('/')[3]!
    const zone = await adminJson<{ code: string }>(url, `/api/organisationUnits/${zoneId}?fields=code`)
    const values = await adminJson<{ dataValues?: { orgUnit: string }[] }>(
      url,
      `/api/dataValueSets?dataSet=${dataSet}&orgUnit=${zoneId}&children=true&period=${planted.period}`,
    )
    const reporting = new Set((values.dataValues ?? []).map((v) => v.orgUnit)).size
    // The RC of that zone with a seeded finding that month (the small seed has about two RC per zone).
    const zoneOf = async (ou: string) =>
      (await adminJson<{ path: string }>(url, `/api/organisationUnits/${ou}?fields=path`)).path.split('/')[3]
    const flagged = new Set<string>()
    for (const f of standin.findings)
      if (f.period === planted.period && (await zoneOf(f.orgUnit)) === zoneId) flagged.add(f.orgUnit)
    expect(flagged.has(planted.orgUnit)).toBe(true)
    const after = flagged.size - 1
    const percent = (open: number) => `${Math.round((100 * (reporting - open)) / reporting)} %`
    // By its code: the names are translated (the superuser reads « HZ », the French data manager « ZS »).
    const label = `(${zone.code})`
    expect(await dashboardScore(page, zoneId, planted.period, label)).toBe(percent(flagged.size))

    // The review, confirmed in a dialog; it is kept in DHIS2 and shows after a reload.
    await openQuality(page)
    await row.getByRole('button', { name: 'Marquer comme vérifiée' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.getByText('ne comptera plus dans le score qualité', { exact: false }).waitFor()
    await dialog.getByRole('button', { name: 'Marquer comme vérifiée' }).click()
    await page.getByText("L'anomalie est marquée comme vérifiée.").waitFor()
    await page.reload()
    await page.getByRole('heading', { name: 'Valeurs aberrantes (4)' }).waitFor({ timeout: 30_000 })
    await row.getByText(/^Vérifiée par .* — la valeur est juste$/).waitFor()
    expect(await row.getByRole('button', { name: 'Marquer comme vérifiée' }).count()).toBe(0)
    const stored = await adminJson<{ reviews: Record<string, { status: string; by: { username: string } }> }>(
      url,
      `/api/dataStore/relais/quality-reviews-${planted.period}`,
    )
    expect(stored.reviews[id]).toMatchObject({ status: 'checked', by: { username: 'gestionnaire' } })

    expect(await dashboardScore(page, zoneId, planted.period, label)).toBe(percent(after))
    expect(percent(after)).not.toBe(percent(flagged.size))
  } finally {
    await context.close()
  }
})

test('a supervisor on a phone sees only their zone’s findings, and a link opens the RC’s form of that month', async () => {
  // Someone marked one value of an RC of the supervisor's zone for follow-up.
  const rc = await uidOf(url, 'organisationUnits', 'RC-AQ-00001')
  const dataSet = await uidOf(url, 'dataSets', 'RC_MENSUEL')
  const { dataValues = [] } = await adminJson<{
    dataValues?: { dataElement: string; categoryOptionCombo: string; value: string }[]
  }>(url, `/api/dataValueSets?dataSet=${dataSet}&orgUnit=${rc}&period=202609`)
  const value = dataValues.find((v) => /^\d+$/.test(v.value))!
  await call('PUT', '/api/dataValues/followup', {
    dataElement: value.dataElement,
    period: '202609',
    orgUnit: rc,
    categoryOptionCombo: value.categoryOptionCombo,
    followup: true,
  })

  const context = await phoneContext(browser)
  const page = await context.newPage()
  try {
    await signIn(page, url, 'superviseur')
    await openQuality(page)
    expect(await shownIds(page)).toEqual([
      `followup.${rc}.202609.${value.dataElement}.${value.categoryOptionCombo}.${DEFAULT_COC}`,
    ])
    await page.getByRole('heading', { name: 'Valeurs marquées pour suivi (1)' }).waitFor()
    // A supervisor sees the findings; only data managers review them.
    expect(await page.getByRole('button', { name: 'Marquer comme vérifiée' }).count()).toBe(0)
    await expectAccessible(page, 'quality-supervisor-375')
    await screenshotAt(page, 375, 'quality-supervisor-375.png')
    await page.setViewportSize({ width: 375, height: 740 })

    await findingRows(page).getByRole('link', { name: 'Ouvrir le formulaire de septembre 2026' }).tap()
    await page.getByRole('heading', { name: /RC-AQ-00001\) — septembre 2026/ }).waitFor({ timeout: 30_000 })
    expect(page.url()).toContain(`#/saisie?ou=${rc}&pe=202609`)
  } finally {
    await context.close()
  }
})
