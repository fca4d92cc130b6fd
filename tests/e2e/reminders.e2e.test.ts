/**
 * Reminders end to end (issue 15 §1, Done when): the built app in the DHIS2 stand-in, in Chromium and in French,
 * with a real `relais serve` behind the route. A data manager sets a reminder rule on a phone; DHIS2's clock
 * moves to the 3rd; the check runs; RC without a complete report get a DHIS2 message and an SMS (the stand-in
 * records both, as DHIS2's outbound SMS API does) and the log says so; one RC completes; the dashboard's effect
 * of reminders moves from 0 of N to 1 of N.
 */
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { createStandin, type Standin } from '@relais/dhis2-standin'
import { expectAccessible } from '../support/a11y'
import { ADMIN_AUTHORIZATION, adminJson, screenshotAt, signIn, uidOf } from '../support/app-page'
import type { BridgeProcess } from '../support/bridge-process'
import { startRoutedBridge } from '../support/routed-bridge'
import { ARTIFACTS, launchBrowser, phoneContext } from '../support/browser'
import { ensureBuiltApp } from '../support/built-app'

jest.setTimeout(300_000)

const SECRET = 'route-secret-reminders-e2e-0123456789abcdef012'
const PASSWORD = 'Relais-Test-2026!'
const RCS = ['RC-AQ-00002', 'RC-AQ-00003', 'RC-AQ-00004']
const phoneOf = (i: number) => `+2290197000${i}0`

let standin: Standin
let bridge: BridgeProcess
let browser: Browser
let url: string

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

async function post(path: string, body: unknown, authorization = ADMIN_AUTHORIZATION) {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { Authorization: authorization, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (!res.ok) throw new Error(`POST ${path} → ${res.status} ${await res.text()}`)
}

/** Three RC with an account and a phone number, in the RC group (as `relais roster import --users` makes them). */
async function addRcUsers(): Promise<void> {
  const role = (await adminJson<{ userRoles: { id: string }[] }>(url, '/api/userRoles?filter=code:eq:ROLE_SAISIE_RC'))
    .userRoles[0]!.id
  const users = await Promise.all(
    RCS.map(async (code, i) => ({
      id: `rcRemind${i + 1}xx`,
      username: `rc.rappel${i + 1}`,
      password: PASSWORD,
      firstName: `Afi${i + 1}`,
      surname: 'Houénou',
      phoneNumber: phoneOf(i + 1),
      userRoles: [{ id: role }],
      organisationUnits: [{ id: await uidOf(url, 'organisationUnits', code) }],
    })),
  )
  const group = (
    await adminJson<{ userGroups: { users?: { id: string }[] }[] }>(
      url,
      '/api/userGroups?filter=code:eq:RELAIS_RC&fields=:owner&paging=false',
    )
  ).userGroups[0]!
  await post('/api/metadata', {
    users,
    userGroups: [{ ...group, users: [...(group.users ?? []), ...users.map((u) => ({ id: u.id }))] }],
  })
}

beforeAll(async () => {
  const app = ensureBuiltApp()
  // The 2nd of December: November's reports are being completed; no rule fires on the 2nd.
  standin = createStandin({
    seed: 'small',
    apps: { relais: app },
    now: '2026-12-02T09:00:00Z',
    months: 0,
    testEndpoints: true,
  })
  url = await standin.listen()
  bridge = await startRoutedBridge({
    dhis2Url: url,
    redisDb: 13,
    secret: SECRET,
    config: 'sources: []\n',
  })
  await post('/api/testing/sms-gateway', { configured: true })
  await addRcUsers()
  // DHIS2's nightly analytics have run (the dashboard reads its tables).
  await post('/api/resourceTables/analytics', {})
  for (let i = 0; i < 100 && !standin.ctx.state.lastAnalyticsTableSuccess; i++)
    await new Promise((resolve) => setTimeout(resolve, 100))
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await bridge?.stop()
  await standin?.close()
})

async function smsTo(phone: string): Promise<string[]> {
  const { outboundSmss = [] } = await adminJson<{ outboundSmss?: { message: string; recipients: unknown }[] }>(
    url,
    '/api/sms/outbound?fields=message,recipients&paging=false',
  )
  return outboundSmss.filter((s) => JSON.stringify(s.recipients).includes(phone.slice(1))).map((s) => s.message)
}

async function messagesOf(username: string): Promise<string[]> {
  const res = await fetch(`${url}/api/messageConversations?fields=messages[text]&paging=false`, {
    headers: { Authorization: basic(username, PASSWORD) },
  })
  const body = (await res.json()) as { messageConversations: { messages: { text: string }[] }[] }
  return body.messageConversations.flatMap((c) => c.messages.map((m) => m.text))
}

async function openScreen(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Menu de Relais' }).getByRole('link', { name }).click()
}

test('a data manager sets a rule; on the 3rd the RC without a report get a message and an SMS; the effect follows', async () => {
  const context = await phoneContext(browser)
  const page = await context.newPage()
  try {
    await signIn(page, url, 'gestionnaire')
    await openScreen(page, 'Rappels')
    await page.getByText('personne n', { exact: false }).waitFor({ timeout: 30_000 })
    await page.getByRole('button', { name: 'Ajouter une règle' }).click()
    const form = page.getByRole('form', { name: 'Règle de rappel' })
    await form.getByLabel('Nom de la règle').fill('Rapport manquant')
    await form.getByLabel('Jours après la fin du mois').fill('3, 5')
    await form.getByLabel('Part non relancée chaque jour (%)').fill('0')
    // The preview reads as an RC will, in French.
    await form.getByText('Bonjour Afiavi Houénou, votre rapport de', { exact: false }).waitFor()
    await expectAccessible(page, 'reminders-rule-375')
    await screenshotAt(page, 375, 'reminders-rule-375.png')
    await form.getByRole('button', { name: 'Enregistrer la règle' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.getByText('« Rapport manquant » envoie Message DHIS2 + SMS les jours 3, 5', { exact: false }).waitFor()
    await dialog.getByRole('button', { name: 'Enregistrer', exact: true }).click()
    await page.getByText('Règles de rappel enregistrées').waitFor()

    // DHIS2's clock moves to the 3rd, mid-morning in Porto-Novo; the data manager has the check run now.
    await post('/api/testing/clock', { now: '2026-12-03T09:30:00Z' })
    await page.getByRole('button', { name: 'Vérifier les rappels maintenant' }).click()
    await page.getByText('La vérification a commencé').waitFor()
    const log = page.getByRole('region', { name: 'Rappels envoyés' })
    await log.getByText('Envoyé').first().waitFor({ timeout: 30_000 })
    await expectAccessible(page, 'reminders-log-375')
    await screenshotAt(page, 375, 'reminders-log-375.png')
    await screenshotAt(page, 1366, 'reminders-1366.png')

    for (const [i, code] of RCS.entries()) {
      const sms = await smsTo(phoneOf(i + 1))
      expect({ code, sms }).toEqual({
        code,
        sms: [
          `Bonjour Afi${i + 1} Houénou, votre rapport de novembre 2026 n'est pas encore complet. Merci de le compléter avant le 5 décembre 2026.`,
        ],
      })
      expect(await messagesOf(`rc.rappel${i + 1}`)).toEqual(sms)
    }

    // The dashboard: the RC reminded (these three, and the seed's own RC account), none completed yet; then one
    // completes; the figure moves by one.
    const effectRow = async () => {
      await openScreen(page, 'Tableau de bord')
      const effect = page.getByRole('region', { name: 'Effet des rappels' })
      const all = effect.getByRole('row').filter({ hasText: 'Toutes les zones' })
      await all.waitFor({ timeout: 30_000 })
      return (await all.textContent()) ?? ''
    }
    const before = /\((\d+)\/(\d+)\)/.exec(await effectRow())
    expect(before?.[1]).toBe('0')
    expect(Number(before?.[2])).toBeGreaterThanOrEqual(RCS.length)
    const dataSet = await uidOf(url, 'dataSets', 'RC_MENSUEL')
    await post(
      '/api/completeDataSetRegistrations',
      {
        completeDataSetRegistrations: [
          {
            dataSet,
            period: '202611',
            organisationUnit: await uidOf(url, 'organisationUnits', RCS[0]!),
            completed: true,
          },
        ],
      },
      basic('rc.rappel1', PASSWORD),
    )
    await openScreen(page, 'Rappels')
    expect(await effectRow()).toContain(`(1/${before?.[2]})`)
    await page
      .getByRole('region', { name: 'Effet des rappels' })
      .screenshot({ path: join(ARTIFACTS, 'reminders-effect-375.png') })
  } finally {
    await context.close()
  }
})
