/**
 * DHIS2's password expiry end to end (issue 16 §1): `relais setup` sets `credentialsExpires = 3` on a DHIS2 2.41.10
 * stand-in (the version of docker/compose.yml, where an expired user can choose a new password: POST
 * /api/auth/updatePassword, DHIS2-21120). A supervisor whose password is 100 days old signs in through DHIS2's
 * login page and is taken to DHIS2's expired-password page instead of Relais; the app stays out of reach until
 * they choose a new password; with it, they sign in and use Relais. Headless Debian Chromium, the built app.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { createStandin, type Standin } from '@relais/dhis2-standin'
import { expectAccessible } from '../support/a11y'
import { DEMO_PASSWORD } from '../support/app-page'
import { launchBrowser, phoneContext } from '../support/browser'
import { ensureBuiltApp } from '../support/built-app'

jest.setTimeout(180_000)

const ROOT = join(__dirname, '..', '..')
const SUPERVISOR = 'superviseur.aire' // the seed gives them a password 100 days old
const NEW_PASSWORD = 'Zone-Tori-2027!'

let standin: Standin
let url: string
let browser: Browser
let dir: string

beforeAll(async () => {
  const app = ensureBuiltApp()
  standin = createStandin({ seed: 'small', version: '2.41.10', apps: { relais: app }, now: '2026-10-03T09:00:00Z' })
  url = await standin.listen()
  browser = await launchBrowser()
  dir = mkdtempSync(join(tmpdir(), 'relais-expiry-'))
})
afterAll(async () => {
  await browser?.close()
  await standin?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

/** `npx relais setup --no-app` as an administrator types it (the app is already in the stand-in). */
function setup(): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'npx',
      ['relais', 'setup', '--no-app', '--bridge-url', 'http://127.0.0.1:3999'],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? dir,
          DHIS2_URL: url,
          DHIS2_USERNAME: 'admin',
          DHIS2_PASSWORD: 'district',
          RELAIS_ROUTE_SECRET: 'route-secret-expiry-0123456789abcdef0123456789',
          RELAIS_DATA_DIR: join(dir, 'data'),
        },
      },
      (error, stdout, stderr) =>
        resolve({ status: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    )
  })
}

test('a supervisor whose password is 100 days old must choose a new one before using Relais', async () => {
  const result = await setup()
  expect(result.stderr).toBe('')
  expect(result.status).toBe(0)
  expect(result.stdout).toContain('credentialsExpires — expiration des mots de passe (mois) : 0 → 3')
  expect(standin.ctx.state.systemSettings.credentialsExpires).toBe(3)

  const context = await phoneContext(browser)
  const page = await context.newPage()
  try {
    // DHIS2's login page, then DHIS2's expired-password page instead of the app.
    await page.goto(`${url}/`)
    await page.waitForURL(/login\.action/)
    await page.fill('#j_username', SUPERVISOR)
    await page.fill('#j_password', DEMO_PASSWORD)
    await page.click('button[type=submit]')
    await page.waitForURL(/\/dhis-web-commons\/security\/expired\.action/)
    await page.getByRole('heading', { name: 'Mot de passe expiré / Password expired' }).waitFor()
    await expectAccessible(page, 'password-expiry-expired-page')

    // Relais stays out of reach: no session, so DHIS2 sends the browser back to its login page.
    await page.goto(`${url}/api/apps/relais/index.html`)
    await page.waitForURL(/login\.action/)
    // And DHIS2 refuses the API to that password too.
    const api = await fetch(`${url}/api/me`, {
      headers: { Authorization: `Basic ${Buffer.from(`${SUPERVISOR}:${DEMO_PASSWORD}`).toString('base64')}` },
    })
    expect(api.status).toBe(401)

    // Back to the expired-password page through the sign-in; a password DHIS2's rules refuse is said as DHIS2 says it.
    await page.fill('#j_username', SUPERVISOR)
    await page.fill('#j_password', DEMO_PASSWORD)
    await page.click('button[type=submit]')
    await page.waitForURL(/expired\.action/)
    await page.getByLabel('Ancien mot de passe / Old password').fill(DEMO_PASSWORD)
    await page.getByLabel('Nouveau mot de passe / New password').fill('Court-1!')
    await page.getByLabel('Confirmer le mot de passe / Confirm password').fill('Court-1!')
    await page.getByRole('button', { name: 'Enregistrer / Save' }).click()
    // relais setup raised DHIS2's minimum length to 10.
    await page.getByRole('alert').getByText('Password must have at least 10, and at most 72 characters').waitFor()

    await page.getByLabel('Nouveau mot de passe / New password').fill(NEW_PASSWORD)
    await page.getByLabel('Confirmer le mot de passe / Confirm password').fill(NEW_PASSWORD)
    await page.getByRole('button', { name: 'Enregistrer / Save' }).click()
    await page.waitForURL(/login\.action\?passwordChanged=true/)
    await page.getByText('Mot de passe changé : connectez-vous avec le nouveau.', { exact: false }).waitFor()

    // The old password no longer opens anything; the new one opens Relais.
    await page.fill('#j_username', SUPERVISOR)
    await page.fill('#j_password', NEW_PASSWORD)
    await page.click('button[type=submit]')
    await page.waitForURL(/\/api\/apps\/relais\//)
    await page
      .getByRole('navigation', { name: 'Menu de Relais' })
      .getByRole('link', { name: 'Saisie' })
      .waitFor({ timeout: 60_000 })
    const old = await fetch(`${url}/api/me`, {
      headers: { Authorization: `Basic ${Buffer.from(`${SUPERVISOR}:${DEMO_PASSWORD}`).toString('base64')}` },
    })
    expect(old.status).toBe(401)
  } finally {
    await context.close()
  }
})
