/**
 * The demo's promise, end to end: the built Relais app is served by the DHIS2 stand-in at
 * /api/apps/relais/, a demo user signs in through the login page in a real browser and sees the app
 * with their name and role, in their own language.
 */
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { createStandin, type Standin } from '@relais/dhis2-standin'
import { ARTIFACTS, launchBrowser } from '../support/browser'
import { ensureBuiltApp } from '../support/built-app'
import { signIn } from '../support/app-page'

jest.setTimeout(120_000)

let standin: Standin
let browser: Browser
let url: string

beforeAll(async () => {
  const app = ensureBuiltApp()
  standin = createStandin({ seed: 'small', apps: { relais: app } })
  url = await standin.listen()
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await standin?.close()
})

const cases = [
  { username: 'relais', password: 'Relais-2026', expect: ['Bienvenue', 'Relais communautaire'] },
  { username: 'superviseur', password: 'Relais-2026', expect: ['Bienvenue', 'Superviseur'] },
  { username: 'gestionnaire', password: 'Relais-2026', expect: ['Bienvenue', 'Gestionnaire'] },
  { username: 'admin', password: 'district', expect: ['Welcome', 'Administrator'] },
]

test.each(cases)(
  '$username signs in through the login page and sees the Relais app',
  async ({ username, password, expect: texts }) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const page = await context.newPage()
    try {
      await signIn(page, url, username, password)
      for (const text of texts) await page.getByText(text, { exact: false }).first().waitFor({ timeout: 30_000 })
      await page.screenshot({ path: join(ARTIFACTS, `app-in-standin-${username}.png`), fullPage: true })
    } finally {
      await context.close()
    }
  },
)

test('a wrong password keeps the person on the login page with a bilingual message', async () => {
  const context = await browser.newContext()
  const page = await context.newPage()
  try {
    await page.goto(`${url}/dhis-web-commons-security/login.action`)
    await page.fill('#j_username', 'relais')
    await page.fill('#j_password', 'wrong')
    await page.click('button[type=submit]')
    await page.waitForURL(/failed=true/)
    await page.getByRole('alert').waitFor()
    expect(await page.getByRole('alert').textContent()).toContain('Wrong username or password')
  } finally {
    await context.close()
  }
})

test('the language is chosen in the app: it writes the DHIS2 setting and the app follows', async () => {
  const context = await browser.newContext({ viewport: { width: 375, height: 740 } })
  const page = await context.newPage()
  try {
    await signIn(page, url, 'superviseur')
    await page.getByText('Bienvenue', { exact: false }).first().waitFor({ timeout: 30_000 })
    await page.getByRole('button', { name: 'English', exact: true }).click()
    await page.getByText('Welcome', { exact: false }).first().waitFor({ timeout: 30_000 })
    // DHIS2 holds it: a new sign-in opens in English too.
    const setting = await page.evaluate<string>(
      "fetch('../../userSettings/keyUiLocale', { credentials: 'include' }).then((r) => r.text())",
    )
    expect(setting).toBe('en')
    await page.getByRole('button', { name: 'Français', exact: true }).click()
    await page.getByText('Bienvenue', { exact: false }).first().waitFor({ timeout: 30_000 })
  } finally {
    await context.close()
  }
})
