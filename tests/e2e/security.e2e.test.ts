/**
 * « Sécurité » end to end (issue 16 §3): the built app in the DHIS2 stand-in, in Chromium and in French, with a
 * real `relais serve` behind the route. An administrator runs the security check and sees the seeded cases (an
 * old password, a privileged account without two-factor, a superuser nobody agreed to, a role without its group;
 * a disabled account is not judged); sends a French message to the person whose password expired (DHIS2 records
 * the conversation); in the access review DHIS2 refuses to let them disable an account holding more rights than
 * they do, and disables another one (DHIS2 says disabled afterwards); the audit log screen shows both actions,
 * and the evidence pack's CSV holds the findings and the audit entries. A data manager cannot open the screen.
 */
import { readFileSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { createStandin, type Standin } from '@relais/dhis2-standin'
import { expectAccessible } from '../support/a11y'
import { adminJson, asAdmin, screenshotAt, signIn } from '../support/app-page'
import type { BridgeProcess } from '../support/bridge-process'
import { startRoutedBridge } from '../support/routed-bridge'
import { launchBrowser, phoneContext } from '../support/browser'
import { ensureBuiltApp } from '../support/built-app'
import { parseCsv } from '../support/csv'

jest.setTimeout(300_000)

const SECRET = 'route-secret-security-e2e-0123456789abcdef0123'
const INTERN = { id: 'usrStagiai1', username: 'stagiaire', firstName: 'Romaric', surname: 'Ahouansou' }

let standin: Standin
let bridge: BridgeProcess
let browser: Browser
let url: string

const userId = (username: string) => standin.ctx.state.users.find((u) => u.username === username)!.id

beforeAll(async () => {
  const app = ensureBuiltApp()
  standin = createStandin({ seed: 'small', apps: { relais: app }, months: 0, testEndpoints: true })
  url = await standin.listen()
  bridge = await startRoutedBridge({
    dhis2Url: url,
    redisDb: 15,
    secret: SECRET,
    config: 'sources: []\n',
  })
  // An intern's account that only opens Relais: the Relais administrator holds every right it has, so DHIS2 lets
  // them disable it (checkCurrentUserCanModify), unlike the data managers' accounts.
  const { status, body } = await asAdmin(url, '/api/metadata', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      userRoles: [{ id: 'roleConsult', name: 'Consultation Relais', authorities: ['M_relais'] }],
      users: [{ ...INTERN, password: 'Romaric-Relais-2026!', userRoles: [{ id: 'roleConsult' }] }],
    }),
  })
  expect({ status, body }).toMatchObject({ status: 200 })
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await bridge?.stop()
  await standin?.close()
})

async function openScreen(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Menu de Relais' }).getByRole('link', { name }).click()
}

test('an administrator checks, messages, disables, reads the audit log and downloads the evidence pack', async () => {
  const context = await phoneContext(browser)
  const page = await context.newPage()
  try {
    await signIn(page, url, 'administrateur')
    await openScreen(page, 'Sécurité')
    await page.getByRole('heading', { name: 'Sécurité' }).waitFor()
    await page.getByText("Aucune vérification de sécurité n'a encore eu lieu.").waitFor({ timeout: 30_000 })

    // Today: the check runs now; the report replaces the empty state.
    await page.getByRole('button', { name: 'Lancer la vérification maintenant' }).click()
    await page.getByText('Vérification terminée').waitFor({ timeout: 60_000 })
    const fresh = page.getByRole('list', { name: 'Nouveau depuis hier' })
    await fresh.getByText("Honorine Dossa (superviseur.aire) n'a pas changé son mot de passe depuis").waitFor()
    await fresh.getByText('Pélagie Soglo (administrateur) détient').waitFor()
    await fresh.getByText('John Traore (admin) est super-utilisateur DHIS2 (ALL)').waitFor()
    await fresh.getByText('Sèna Kiki (controleur) a le rôle ROLE_GESTIONNAIRE sans être dans le groupe').waitFor()
    // the disabled account is not judged
    expect(await page.getByText('Orou Bio', { exact: false }).count()).toBe(0)
    await page.getByRole('heading', { name: 'Évolution' }).waitFor()
    await expectAccessible(page, 'security today at 375 px')
    await screenshotAt(page, 375, 'security-today-375.png')
    await screenshotAt(page, 1280, 'security-today-1280.png')

    // Passwords: a French message to Honorine Dossa, previewed and confirmed.
    await page.getByRole('tab', { name: 'Mots de passe' }).click()
    await page.getByRole('checkbox', { name: 'Choisir Honorine Dossa' }).check()
    await page.getByRole('button', { name: 'Envoyer un message' }).click()
    const messageDialog = page.getByRole('dialog')
    await messageDialog.getByText('Bonjour Honorine Dossa,', { exact: false }).waitFor()
    await expectAccessible(page, 'security message preview at 375 px')
    await messageDialog.getByRole('button', { name: 'Envoyer', exact: true }).click()
    await page.getByText('Fait pour 1 sur 1.').waitFor()
    // DHIS2 keeps the conversation from the administrator to her (the stand-in's state, as DHIS2's database)
    const theirs = standin.ctx.state.messageConversations.filter((c) => c.subject === 'Votre mot de passe DHIS2')
    expect(theirs).toHaveLength(1)
    expect(JSON.stringify(theirs[0])).toContain(userId('superviseur.aire'))
    expect(JSON.stringify(theirs[0])).toContain('votre mot de passe DHIS2 a expiré')

    // Access review: DHIS2 refuses to let the administrator disable a data manager (more rights than theirs)…
    await page.getByRole('tab', { name: 'Revue des accès' }).click()
    const search = async (text: string) => {
      await page.getByLabel("Nom, nom d'utilisateur ou e-mail").fill(text)
      await page.getByRole('button', { name: 'Rechercher' }).click()
    }
    await search('controleur')
    await page.getByRole('checkbox', { name: 'Choisir Sèna Kiki' }).check()
    await page.getByRole('button', { name: 'Désactiver' }).click()
    let dialog = page.getByRole('dialog')
    await dialog.getByText('Sèna Kiki (controleur)').waitFor()
    await dialog.getByRole('button', { name: 'Désactiver' }).click()
    await page.getByText('Fait pour 0 sur 1.').waitFor()
    await page
      .getByText(
        'Sèna Kiki: You must have permissions to create user, or ability to manage at least one user group for the user. (409)',
      )
      .waitFor()
    // …and disables the intern's account.
    await search('stagiaire')
    await page.getByRole('checkbox', { name: 'Choisir Romaric Ahouansou' }).check()
    await page.getByRole('button', { name: 'Désactiver' }).click()
    dialog = page.getByRole('dialog')
    await dialog.getByText('Désactiver pour 1 personne(s) ?').waitFor()
    await dialog.getByRole('button', { name: 'Désactiver' }).click()
    await page.getByText('Fait pour 1 sur 1.').waitFor()
    await page.getByRole('row').filter({ hasText: 'Romaric Ahouansou' }).getByText('Compte désactivé').waitFor()
    expect((await adminJson<{ disabled: boolean }>(url, `/api/users/${INTERN.id}?fields=disabled`)).disabled).toBe(true)
    expect(standin.ctx.state.users.find((u) => u.username === 'controleur')!.disabled).toBe(false)
    await expectAccessible(page, 'security access review at 375 px')
    await screenshotAt(page, 375, 'security-review-375.png')
    await screenshotAt(page, 1280, 'security-review-1280.png')

    // The audit log: both actions, who, what, to whom, from where.
    await page.getByRole('tab', { name: "Journal d'audit" }).click()
    const log = page.getByRole('region', { name: "Journal d'audit" })
    await log.getByRole('row').filter({ hasText: 'security.message' }).waitFor()
    const disables = log.getByRole('row').filter({ hasText: 'security.disable' })
    expect(await disables.count()).toBe(2)
    expect(await disables.first().textContent()).toContain(`user:${INTERN.id}`)
    expect(await disables.first().textContent()).toContain('done: 1')
    await page.getByLabel('Action').fill('security.message')
    await page.getByRole('button', { name: 'Rechercher' }).click()
    await page.getByText('Page 1 sur 1 (1 entrées)').waitFor()
    await expectAccessible(page, 'security audit log at 375 px')
    await screenshotAt(page, 1280, 'security-audit-1280.png')

    // The evidence pack: the printable page, then its CSV.
    await page.getByRole('tab', { name: 'Dossier de preuves' }).click()
    await page.getByRole('button', { name: 'Préparer le dossier de preuves' }).click()
    await page.getByRole('heading', { name: 'Dossier de preuves de sécurité Relais' }).waitFor({ timeout: 30_000 })
    await expectAccessible(page, 'security evidence pack at 375 px')
    await screenshotAt(page, 375, 'security-evidence-375.png')
    // Printed, the pack stands alone: no DHIS2 header, no tabs, no controls.
    await page.emulateMedia({ media: 'print' })
    expect(await page.getByRole('heading', { name: 'Dossier de preuves de sécurité Relais' }).isVisible()).toBe(true)
    expect(await page.getByRole('tab', { name: 'Dossier de preuves' }).isVisible()).toBe(false)
    expect(await page.getByRole('button', { name: 'Télécharger CSV' }).isVisible()).toBe(false)
    expect(await page.getByRole('button', { name: 'Préparer le dossier de preuves' }).isVisible()).toBe(false)
    expect(await page.getByRole('navigation', { name: 'Menu de Relais' }).isVisible()).toBe(false)
    await page.emulateMedia({ media: 'screen' })
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Télécharger CSV' }).click(),
    ])
    expect(download.suggestedFilename()).toMatch(/^relais-securite_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv$/)
    const text = readFileSync((await download.path())!, 'utf8')
    expect(text.charCodeAt(0)).toBe(0xfeff)
    const csv = parseCsv(text.slice(1))
    expect(csv[0]).toEqual(['Dossier de preuves de sécurité Relais'])
    const findings = csv.findIndex((r) => r[0] === 'Gravité')
    expect(csv[findings]).toEqual([
      'Gravité',
      'Code',
      'Constat',
      'Objet',
      'Détail',
      'Vu la première fois',
      'Vu la dernière fois',
      'Jours constatés',
    ])
    const expired = csv.find((r) => r[1] === 'password-expired')
    expect(expired?.[3]).toBe('Honorine Dossa (superviseur.aire)')
    const audit = csv.slice(csv.findIndex((r) => r[0] === 'Quand'))
    expect(audit.filter((r) => r[3] === 'security.disable')).toHaveLength(2)
    expect(audit.filter((r) => r[3] === 'security.message')).toHaveLength(1)
    expect(audit.filter((r) => r[3] === 'security.run')).toHaveLength(1)
    expect(audit.find((r) => r[3] === 'security.message')?.[1]).toBe('administrateur')
  } finally {
    await context.close()
  }
})

test('a data manager cannot open the security screen', async () => {
  const context = await phoneContext(browser)
  const page = await context.newPage()
  try {
    await signIn(page, url, 'gestionnaire')
    await page.getByRole('navigation', { name: 'Menu de Relais' }).waitFor()
    expect(
      await page.getByRole('navigation', { name: 'Menu de Relais' }).getByRole('link', { name: 'Sécurité' }).count(),
    ).toBe(0)
    await page.evaluate("location.hash = '#/securite'")
    await page.getByText('Non disponible pour votre rôle').waitFor()
    expect(await page.getByRole('heading', { name: 'Sécurité' }).count()).toBe(0)
  } finally {
    await context.close()
  }
})
