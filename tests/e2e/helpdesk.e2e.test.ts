/**
 * The help desk end to end (issue 15 §2, its « Done when »): on a phone (375 × 740, touch, French), an RC with no
 * network files a difficulty with a photo taken on the phone (a 1400 × 1100 image of several MB, reduced under
 * 1 MB in the browser); it waits on the phone, survives a reload, and reaches DHIS2 when the network returns — a
 * TICKET to the feedback group with the photo as a file resource attached. An administrator, whose desk was open
 * all along, sees it arrive within 30 s without reloading, sees the photo and answers; the RC sees the answer and
 * the status « En cours » within 30 s. axe-core finds no serious or critical violation on either screen.
 * The RC's supervisor (their zone, not in the feedback group) sees it arrive too, on their phone.
 * Headless Debian Chromium; the built app in the stand-in; the RC's network is a proxy the test cuts for real.
 */
import { deflateSync } from 'node:zlib'
import { join } from 'node:path'
import { expectAccessible } from '../support/a11y'
import { signIn } from '../support/app-page'
import { appInStandin } from '../support/app-in-standin'
import { ARTIFACTS, phoneContext } from '../support/browser'
import { cuttableProxy } from '../support/cuttable-proxy'

jest.setTimeout(240_000)

const NOW = '2026-10-03T09:00:00Z'
const TEXT = "Le réseau coupe quand j'envoie le rapport de septembre"

const app = appInStandin({ now: NOW })

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
function crc32(bytes: Buffer): number {
  let c = 0xffffffff
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

/** A PNG « photo » of several MB (a gradient with noise: it compresses badly, like a photo). */
function bigPhoto(width = 1400, height = 1100): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height)
  let seed = 42
  const noise = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16) & 0x3f
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1)
    for (let x = 0; x < width; x++) {
      raw[row + 1 + x * 3] = (x / 6 + noise()) & 0xff
      raw[row + 2 + x * 3] = (y / 5 + noise()) & 0xff
      raw[row + 3 + x * 3] = ((x + y) / 10 + noise()) & 0xff
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4)
    length.writeUInt32BE(data.length)
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(body))
    return Buffer.concat([length, body, crc])
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header[8] = 8 // bit depth
  header[9] = 2 // RGB
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 1 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

test('an RC files a ticket with a photo offline; it arrives online; an administrator answers; the RC sees it', async () => {
  const state = app.standin.ctx.state
  const tickets = () => state.messageConversations.filter((c) => c.messageType === 'TICKET')
  const network = await cuttableProxy(app.url)
  const rcContext = await phoneContext(app.browser)
  const adminContext = await app.browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'fr-FR' })
  const supervisorContext = await phoneContext(app.browser)
  const rc = await rcContext.newPage()
  const admin = await adminContext.newPage()
  const supervisor = await supervisorContext.newPage()
  const offline = async (off: boolean) => {
    if (off) network.cut()
    else network.restore()
    await rcContext.setOffline(off)
  }
  try {
    // The administrator's desk is open, empty, before anything is filed.
    await signIn(admin, app.url, 'administrateur')
    await admin.goto(`${app.url}/api/apps/relais/index.html#/aide`)
    await admin.getByRole('tab', { name: 'Statistiques' }).waitFor({ timeout: 30_000 })
    await admin.getByText('Aucune demande à afficher.').waitFor()
    // So is the desk of the RC's supervisor (zone), who is not in the feedback group.
    await signIn(supervisor, app.url, 'superviseur')
    await supervisor.goto(`${app.url}/api/apps/relais/index.html#/aide`)
    await supervisor.getByText('Les demandes de vos relais communautaires').waitFor({ timeout: 30_000 })
    await supervisor.getByText('Aucune demande à afficher.').waitFor()

    // The RC opens « Aide » once with a network: the service worker keeps the app for later.
    await signIn(rc, network.url, 'relais')
    await rc.waitForFunction('navigator.serviceWorker.ready.then(() => true)')
    await rc.reload()
    await rc.waitForFunction('navigator.serviceWorker.controller !== null')
    await rc.getByRole('navigation', { name: 'Menu de Relais' }).getByRole('link', { name: 'Aide' }).tap()
    await rc.getByRole('heading', { name: 'Signaler une difficulté' }).waitFor({ timeout: 30_000 })
    await rc.getByText('Aucune demande envoyée pour le moment.').waitFor()
    await expectAccessible(rc, 'aide (RC) at 375 px')

    // No network: category, a few words, a photo of several MB.
    await offline(true)
    await rc.getByRole('radio', { name: 'Connexion' }).tap()
    await rc.getByRole('textbox', { name: /Décrivez la difficulté/ }).fill(TEXT)
    const photo = bigPhoto()
    expect(photo.length).toBeGreaterThan(3_000_000)
    await rc.locator('input[type="file"]').setInputFiles({ name: 'ecran.png', mimeType: 'image/png', buffer: photo })
    await rc.getByRole('button', { name: 'Retirer la photo' }).waitFor()
    const kb = Number((await rc.getByText(/^\d+ ko$/).textContent())?.replace(/\D/g, ''))
    expect(kb).toBeGreaterThan(0)
    expect(kb).toBeLessThanOrEqual(1000)
    await rc.getByRole('button', { name: 'Envoyer la demande' }).tap()
    const outbox = rc.getByRole('region', { name: "Demandes en attente d'envoi (1)" })
    await outbox.waitFor()
    await outbox.getByText('Pas de connexion à DHIS2').waitFor()
    await expectAccessible(rc, 'aide (RC, offline, a ticket waiting) at 375 px')
    await rc.screenshot({ path: join(ARTIFACTS, 'helpdesk-rc-offline-375.png') })
    expect(tickets()).toHaveLength(0)

    // Still offline, a reload: the ticket and its photo are still on the phone (IndexedDB).
    await rc.reload()
    await outbox.waitFor({ timeout: 30_000 })
    await outbox.getByText(TEXT).waitFor()
    await outbox.getByRole('img', { name: 'Photo à envoyer' }).waitFor()
    expect(tickets()).toHaveLength(0)

    // The network returns: the ticket goes, with its photo.
    await offline(false)
    const mine = rc.getByRole('region', { name: 'Mes demandes' })
    await mine.getByText(/^Le réseau coupe quand j'envoie le rapport/).waitFor({ timeout: 30_000 })
    await outbox.waitFor({ state: 'detached' })
    expect(tickets()).toHaveLength(1)
    const ticket = tickets()[0]!
    expect(ticket.subject).toMatch(
      /^\[connexion\] Le réseau coupe quand j'envoie le rapport de septembre \(#[A-Z0-9]{6}\)$/,
    )
    expect(ticket.status ?? 'OPEN').toBe('OPEN')
    const attached = ticket.messages.flatMap((m) => m.attachments ?? [])
    expect(attached).toHaveLength(1)
    const file = state.fileResources?.find((f) => f.id === attached[0])
    expect(file).toMatchObject({ domain: 'MESSAGE_ATTACHMENT', contentType: 'image/jpeg', assigned: true })
    expect(file!.contentLength).toBeLessThanOrEqual(1_000_000)

    // The desk and the RC's supervisor see it within 30 s without a reload (DHIS2 asked every 20 s).
    const row = admin.getByRole('button', { name: /^Le réseau coupe quand j'envoie le rapport/ })
    await Promise.all([
      row.waitFor({ timeout: 30_000 }),
      supervisor
        .getByRole('button', { name: /^Le réseau coupe quand j'envoie le rapport/ })
        .waitFor({ timeout: 30_000 }),
    ])
    await expectAccessible(supervisor, 'aide (supervisor desk) at 375 px')
    // The administrator opens it, with the RC's zone and the photo, and answers.
    expect(await row.textContent()).toMatch(/Nouveau.*Connexion/)
    await row.click()
    const photoShown = admin.getByRole('img', { name: 'Photo envoyée avec la demande' })
    await photoShown.waitFor()
    await admin.waitForFunction(
      'Array.from(document.querySelectorAll("img")).some((img) => img.complete && img.naturalWidth > 0)',
    )
    await expectAccessible(admin, 'aide (administrator, a ticket open) at 1366 px')
    await admin.getByRole('textbox', { name: 'Réponse' }).fill('Redémarrez le téléphone, puis renvoyez le rapport.')
    await admin.getByRole('button', { name: 'Envoyer la réponse' }).click()
    await admin.getByText('Statut changé en « En cours »').waitFor({ timeout: 30_000 })
    await admin.screenshot({ path: join(ARTIFACTS, 'helpdesk-desk-1366.png') })
    expect(tickets()[0]?.status).toBe('PENDING')

    // The RC sees the status and the answer within 30 s, without reloading.
    const item = mine.getByRole('listitem').filter({ hasText: "Le réseau coupe quand j'envoie" })
    await item.getByText('En cours').waitFor({ timeout: 35_000 })
    await item.getByRole('button', { name: 'Voir la conversation' }).tap()
    await item.getByText('Redémarrez le téléphone, puis renvoyez le rapport.').waitFor()
    // The desk's status note is internal: never on the RC's phone.
    expect(await item.getByText('Statut changé').count()).toBe(0)
    await expectAccessible(rc, 'aide (RC, answered) at 375 px')
    await rc.screenshot({ path: join(ARTIFACTS, 'helpdesk-rc-answered-375.png') })
  } finally {
    await rcContext.close()
    await adminContext.close()
    await supervisorContext.close()
    await network.close()
  }
})
