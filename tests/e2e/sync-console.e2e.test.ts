/**
 * The sync console end to end: the built Relais app served by the DHIS2 stand-in, in headless Chromium, talking to
 * a real `relais serve` process only through the stand-in's Route `relais-bridge` (which drops Content-Type and
 * Authorization, as DHIS2 does). First, with no route in DHIS2, the data manager gets the help that says how to
 * create it. Then, with the route: the data manager uploads the partners' CSV, one row of which is refused (a
 * negative number of home visits), watches the run finish, opens the quarantine, corrects the value and releases
 * the record — and the corrected value is in DHIS2. Screenshots of each screen go to tests/artifacts/.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { createStandin, type Standin } from '@relais/dhis2-standin'
import { asAdmin, createBridgeRoute, screenshotAt, signIn, uidOf } from '../support/app-page'
import type { BridgeProcess } from '../support/bridge-process'
import { startRoutedBridge } from '../support/routed-bridge'
import { expectAccessible } from '../support/a11y'
import { launchBrowser } from '../support/browser'
import { ensureBuiltApp } from '../support/built-app'

jest.setTimeout(240_000)

const ROOT = join(__dirname, '..', '..')
const NOW = '2026-10-03T09:00:00Z'
const SECRET = 'route-secret-sync-e2e-0123456789abcdef01234567'

let standin: Standin
let bridge: BridgeProcess
let browser: Browser
let url: string

beforeAll(async () => {
  const app = ensureBuiltApp()
  standin = createStandin({ seed: 'small', apps: { relais: app }, now: NOW, months: 0 })
  url = await standin.listen()
  bridge = await startRoutedBridge({
    dhis2Url: url,
    redisDb: 10,
    secret: SECRET,
    route: false, // its tests make the route
    config: `sources:\n  - name: csv-partenaires\n    kind: csv\n    mapping: ${join(ROOT, 'mappings', 'specs', 'csv-partenaires.yaml')}\n`,
  })
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await bridge?.stop()
  await standin?.close()
})

async function openConsole(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Menu de Relais' }).getByRole('link', { name: 'Synchronisation' }).click()
}

/** The partners' clean CSV (4 RC of Borgou), with RC-BO-00003 reporting -5 home visits (a negative count). */
function csvWithOneBadRow(): string {
  const clean = readFileSync(join(ROOT, 'mappings', 'samples', 'partenaires.clean.csv'), 'utf8')
    .trimEnd()
    .split('\n')
  const header = (clean[0] ?? '').split(',')
  const vad = header.indexOf('vad')
  const rows = clean.map((line) => {
    if (!line.startsWith('RC-BO-00003,')) return line
    const cells = line.split(',')
    cells[vad] = '-5'
    return cells.join(',')
  })
  const file = join(tmpdir(), `partenaires-${process.pid}.csv`)
  writeFileSync(file, `${rows.join('\n')}\n`)
  return file
}

// In order: the route does not exist yet in the first test; the second creates it.
test('with no route relais-bridge in DHIS2, the data manager is told how to create it', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' })
  const page = await context.newPage()
  try {
    await signIn(page, url, 'gestionnaire')
    await openConsole(page)
    await page.getByText('La route vers la passerelle Relais est absente').waitFor({ timeout: 30_000 })
    const definition = await page.getByLabel('Définition de la route').textContent()
    expect(definition).toContain('"code": "relais-bridge"')
    expect(definition).toContain('"X-Relais-Route-Secret"')
    await screenshotAt(page, 1280, 'sync-route-missing-1280.png')
    await screenshotAt(page, 375, 'sync-route-missing-375.png')
  } finally {
    await context.close()
  }
})

/** How many values DHIS2 holds for September at the RCs of the partners' file. */
async function valuesOfFile(): Promise<number> {
  const dataSet = await uidOf(url, 'dataSets', 'RC_MENSUEL')
  let total = 0
  for (const code of ['RC-BO-00001', 'RC-BO-00002', 'RC-BO-00003', 'RC-BO-00004']) {
    const orgUnit = await uidOf(url, 'organisationUnits', code)
    const { body } = await asAdmin<{ dataValues?: unknown[] }>(
      url,
      `/api/dataValueSets?dataSet=${dataSet}&period=202609&orgUnit=${orgUnit}`,
    )
    total += body.dataValues?.length ?? 0
  }
  return total
}

test('the data manager uploads a CSV, corrects the quarantined row, releases it, and DHIS2 has the value', async () => {
  expect(await createBridgeRoute(url, bridge.url, SECRET)).toBe(201)

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' })
  const page = await context.newPage()
  try {
    await signIn(page, url, 'gestionnaire')
    await openConsole(page)
    const source = page.getByRole('article', { name: 'csv-partenaires' })
    await source.waitFor({ timeout: 30_000 })
    await source.getByText('Jamais exécutée').first().waitFor()
    await expectAccessible(page, 'sync-sources')
    await screenshotAt(page, 1280, 'sync-sources-1280.png')
    await screenshotAt(page, 768, 'sync-sources-768.png')
    await screenshotAt(page, 375, 'sync-sources-375.png')

    // upload: the raw file through the route, checked first (a dry run); the console follows the check
    const before = await valuesOfFile()
    await source.getByRole('button', { name: 'Téléverser un fichier' }).click()
    await source.getByLabel('Fichier CSV ou XLSX').setInputFiles(csvWithOneBadRow())
    await source.getByRole('button', { name: 'Vérifier le fichier' }).click()
    await page.getByRole('heading', { name: 'Exécution de csv-partenaires' }).waitFor({ timeout: 30_000 })
    const summary = page.getByRole('list', { name: "Ce que ferait l'import" })
    await summary.waitFor({ timeout: 60_000 })
    const newValues = Number(/(\d+) valeurs nouvelles/.exec(await summary.innerText())?.[1])
    expect(newValues).toBeGreaterThan(0)
    expect(await valuesOfFile()).toBe(before)
    await expectAccessible(page, 'sync-dry-run')
    await screenshotAt(page, 1280, 'sync-dry-run-1280.png')
    await screenshotAt(page, 375, 'sync-dry-run-375.png')

    // « Importer ce fichier », confirmed: the import does what the check said, value for value
    await page.getByRole('button', { name: 'Importer ce fichier' }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Importer' }).click()
    await page.getByText('Terminé — 4 enregistrements traités sur 4').waitFor({ timeout: 60_000 })
    await page.getByRole('table', { name: 'Enregistrements par statut' }).getByText('Importé').waitFor()
    expect((await valuesOfFile()) - before).toBe(newValues)
    const counts = page.getByRole('table', { name: 'Enregistrements par statut' })
    expect(await counts.getByRole('row').allTextContents()).toEqual([
      'StatutEnregistrements',
      'Importé3',
      'En quarantaine1',
      'Total4',
    ])
    expect(
      await page.getByRole('progressbar', { name: "Avancement de l'exécution" }).getAttribute('aria-valuenow'),
    ).toBe('100')
    await expectAccessible(page, 'sync-run')
    await screenshotAt(page, 1280, 'sync-run-1280.png')
    await screenshotAt(page, 375, 'sync-run-375.png')

    // the quarantine: why, then correct the value and release, after confirming
    await page.getByRole('button', { name: 'Examiner sa quarantaine (1)' }).click()
    const list = page.getByRole('table', { name: 'Enregistrements trouvés' })
    await list.getByRole('button', { name: 'RC-BO-00003' }).click()
    await page.getByRole('heading', { name: 'Décider du sort de cet enregistrement' }).waitFor()
    const vad = page.getByRole('textbox', { name: 'vad', exact: true })
    expect(await vad.inputValue()).toBe('-5')
    expect(await vad.getAttribute('aria-invalid')).toBe('true')
    await expectAccessible(page, 'sync-quarantine-record')
    await screenshotAt(page, 1280, 'sync-quarantine-record-1280.png')
    await screenshotAt(page, 375, 'sync-quarantine-record-375.png')

    // a value the bridge still refuses is said so, and the record stays in quarantine
    await vad.fill('2,5')
    await page.getByRole('button', { name: 'Libérer avec les corrections' }).click()
    await page.getByRole('button', { name: 'Libérer', exact: true }).click()
    await page.getByText("L'enregistrement corrigé est toujours refusé").waitFor()

    await vad.fill('27')
    await page.getByRole('button', { name: 'Libérer avec les corrections' }).click()
    await page.getByText('vad devient 27 (au lieu de -5)').waitFor()
    // before deciding, what the release would write, read by the bridge in DHIS2 (nothing there yet)
    await page
      .getByRole('dialog')
      .getByText(/\d+ valeurs nouvelles/)
      .waitFor({ timeout: 30_000 })
    await page.getByRole('button', { name: 'Libérer', exact: true }).click()
    await page.getByText('Enregistrement libéré').waitFor()
    // the record page follows it to DHIS2
    await page
      .locator('h3', { hasText: 'Enregistrement' })
      .locator('xpath=..')
      .getByText('Importé', { exact: true })
      .waitFor({ timeout: 60_000 })
    await screenshotAt(page, 1280, 'sync-record-imported-1280.png')

    // the record search finds it, imported
    await page.getByRole('tab', { name: 'Enregistrements' }).click()
    await page.getByRole('textbox', { name: 'Code RC' }).fill('rc-bo-00003')
    await page.getByRole('textbox', { name: 'Période' }).fill('2026-09')
    await page.getByRole('button', { name: 'Rechercher' }).click()
    // the imported record, and the check's preview of it (discarded: a check never imports)
    await list.getByRole('row', { name: /RC-BO-00003 .* Importé/ }).waitFor()
    expect(await list.getByRole('row').count()).toBe(3)
    await expectAccessible(page, 'sync-records')
    await screenshotAt(page, 1280, 'sync-records-1280.png')

    await page.getByRole('tab', { name: 'Historique des exécutions' }).click()
    await page.getByRole('table', { name: 'Exécutions' }).waitFor()
    await expectAccessible(page, 'sync-runs')
    await screenshotAt(page, 1280, 'sync-runs-1280.png')
  } finally {
    await context.close()
  }

  // the corrected value is really in DHIS2, stored by the bridge's account
  const dataSet = await uidOf(url, 'dataSets', 'RC_MENSUEL')
  const orgUnit = await uidOf(url, 'organisationUnits', 'RC-BO-00003')
  const vadDe = await uidOf(url, 'dataElements', 'RC_VAD')
  const { body } = await asAdmin<{ dataValues: Array<{ dataElement: string; value: string }> }>(
    url,
    `/api/dataValueSets?dataSet=${dataSet}&period=202609&orgUnit=${orgUnit}`,
  )
  expect(body.dataValues.filter((v) => v.dataElement === vadDe).map((v) => v.value)).toEqual(['27'])
})

test('releasing a report into a closed month shows first, on a phone, the RC value it would replace', async () => {
  // The RC's August report holds 31 home visits (entered before the month closed); the partners' August line
  // for the same RC arrives after the close: quarantined as late, before any of its values was read.
  const dataSet = await uidOf(url, 'dataSets', 'RC_MENSUEL')
  const orgUnit = await uidOf(url, 'organisationUnits', 'RC-BO-00004')
  const vadDe = await uidOf(url, 'dataElements', 'RC_VAD')
  const entered = await asAdmin(url, '/api/dataValueSets', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ dataSet, period: '202608', orgUnit, dataValues: [{ dataElement: vadDe, value: '31' }] }),
  })
  expect(entered.status).toBe(200)
  const clean = readFileSync(join(ROOT, 'mappings', 'samples', 'partenaires.clean.csv'), 'utf8')
    .trimEnd()
    .split('\n')
  const line = (clean.find((l) => l.startsWith('RC-BO-00004,')) ?? '').replace(',2026-09,', ',2026-08,')
  const file = join(tmpdir(), `partenaires-aout-${process.pid}.csv`)
  writeFileSync(file, `${clean[0]}\n${line}\n`)
  const august = async () =>
    (
      await asAdmin<{ dataValues?: Array<{ dataElement: string; value: string }> }>(
        url,
        `/api/dataValueSets?dataSet=${dataSet}&period=202608&orgUnit=${orgUnit}`,
      )
    ).body.dataValues ?? []

  const context = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'fr-FR' })
  const page = await context.newPage()
  try {
    await signIn(page, url, 'gestionnaire')
    await openConsole(page)
    const source = page.getByRole('article', { name: 'csv-partenaires' })
    await source.waitFor({ timeout: 30_000 })
    await source.getByRole('button', { name: 'Téléverser un fichier' }).click()
    await source.getByLabel('Fichier CSV ou XLSX').setInputFiles(file)
    await source.getByRole('button', { name: 'Vérifier le fichier' }).click()
    await page.getByRole('heading', { name: 'Exécution de csv-partenaires' }).waitFor({ timeout: 30_000 })
    // its one line would wait in quarantine: imported from the check all the same, to reach a person
    await page.getByText('1 lignes du fichier attendraient en quarantaine (voir ses enregistrements)').waitFor({
      timeout: 60_000,
    })
    await page.getByRole('button', { name: 'Importer ce fichier' }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Importer' }).click()
    await page.getByRole('button', { name: 'Examiner sa quarantaine (1)' }).click({ timeout: 60_000 })
    await page
      .getByRole('table', { name: 'Enregistrements trouvés' })
      .getByRole('button', { name: 'RC-BO-00004' })
      .click()
    await page.getByRole('heading', { name: 'Décider du sort de cet enregistrement' }).waitFor()
    await page.getByRole('button', { name: 'Libérer tel quel' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.getByText('Libérer dans une période close ?').waitFor()
    const replaced = dialog.getByRole('table', { name: 'Valeurs que la libération remplacerait' })
    await replaced.waitFor({ timeout: 30_000 })
    // the value by its name, once DHIS2 gave the names
    await replaced.getByText('Visites à domicile réalisées').waitFor()
    const row = await replaced.getByRole('row').nth(1).innerText()
    expect(row).toMatch(/Saisies par une personne/)
    expect(row).toContain('31')
    expect(row).toContain('admin')
    await dialog.getByText(/1 valeurs saisies par une personne seraient remplacées/).waitFor()
    await dialog.screenshot({ path: join(ROOT, 'tests', 'artifacts', 'sync-late-release-preview-375.png') })
    // reading wrote nothing: DHIS2 still holds only the RC's value for August
    expect((await august()).map((v) => v.value)).toEqual(['31'])
    await dialog.getByRole('button', { name: 'Annuler' }).click()
    await dialog.waitFor({ state: 'detached' })
  } finally {
    await context.close()
  }
})
