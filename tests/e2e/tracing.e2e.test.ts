/**
 * Tracing people living with HIV lost to follow-up (issue 19 §3), end to end: two tracing events for the RC
 * `RC-AQ-00001`, made through the stand-in's `POST /api/tracker` as the bridge makes them (event program, the
 * RC's org unit, ACTIVE); the RC on a phone, in French, sees them, loses the network, records an outcome — kept
 * on the phone, « En attente d'envoi », still there after a reload — and once the network returns DHIS2 holds
 * the event COMPLETED with the outcome. The supervisor's dashboard then counts the cases of September.
 */
import { runAnalyticsTables } from '@relais/dhis2-standin'
import { expectAccessible } from '../support/a11y'
import { adminJson, asAdmin, screenshotAt, signIn, uidOf } from '../support/app-page'
import { appInStandin } from '../support/app-in-standin'
import { phoneContext } from '../support/browser'

jest.setTimeout(180_000)

// 3 October 2026, 10:00 in Porto-Novo.
const NOW = '2026-10-03T09:00:00Z'

const app = appInStandin({
  now: NOW,
  // The dashboard's other panels read analytics: without a run they stand in the way of the page.
  ready: (standin) => {
    runAnalyticsTables(standin.ctx)
    standin.ctx.clock.advance(60_000)
  },
})

const ELEMENT_CODES = [
  'RC_PDV_PSEUDONYME',
  'RC_PDV_SITE',
  'RC_PDV_SEXE',
  'RC_PDV_TRANCHE_AGE',
  'RC_PDV_LOCALITE',
  'RC_PDV_RDV_MANQUE',
  'RC_PDV_RESULTAT',
  'RC_PDV_DATE_RESULTAT',
] as const
type ElementCode = (typeof ELEMENT_CODES)[number]

interface EventJson {
  event: string
  status: string
  dataValues?: Array<{ dataElement: string; value: string }>
}

async function tracingMetadata(url: string) {
  const { programs } = await adminJson<{ programs: Array<{ id: string; programStages: Array<{ id: string }> }> }>(
    url,
    '/api/programs?filter=code:eq:RC_PDV_RECHERCHE&fields=id,programStages[id]&paging=false',
  )
  const program = programs[0]
  if (!program?.programStages[0]) throw new Error('The tracing program is not in the stand-in')
  const { dataElements } = await adminJson<{ dataElements: Array<{ id: string; code: string }> }>(
    url,
    `/api/dataElements?filter=code:in:[${ELEMENT_CODES.join(',')}]&fields=id,code&paging=false`,
  )
  const de = Object.fromEntries(dataElements.map((d) => [d.code, d.id])) as Record<ElementCode, string>
  return { program: program.id, stage: program.programStages[0].id, de }
}

type TracingMetadata = Awaited<ReturnType<typeof tracingMetadata>>

/** Tracing events for the RC `RC-AQ-00001`, made as the bridge makes them: synchronous, with its own uids. */
async function seedTasks(
  meta: TracingMetadata,
  tasks: Array<{ event: string; code: string; locality: string; missed: string; occurred: string }>,
): Promise<void> {
  const { program, stage, de } = meta
  const rc = await uidOf(app.url, 'organisationUnits', 'RC-AQ-00001')
  const events = tasks.map((t) => ({
    event: t.event,
    program,
    programStage: stage,
    orgUnit: rc,
    occurredAt: t.occurred,
    status: 'ACTIVE',
    dataValues: [
      { dataElement: de.RC_PDV_PSEUDONYME, value: t.code },
      { dataElement: de.RC_PDV_SITE, value: 'CS-GRAND-POPO' },
      { dataElement: de.RC_PDV_SEXE, value: 'F' },
      { dataElement: de.RC_PDV_TRANCHE_AGE, value: 'A_25PLUS' },
      { dataElement: de.RC_PDV_LOCALITE, value: t.locality },
      { dataElement: de.RC_PDV_RDV_MANQUE, value: t.missed },
    ],
  }))
  const created = await asAdmin<{ status: string }>(app.url, '/api/tracker?async=false&importStrategy=CREATE', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ events }),
  })
  expect(created).toMatchObject({ status: 200, body: { status: 'OK' } })
}

const stored = async (event: string) =>
  adminJson<EventJson>(app.url, `/api/tracker/events/${event}?fields=event,status,dataValues[dataElement,value]`)

test('the RC records an outcome offline; it waits on the phone, survives a reload and closes the task in DHIS2', async () => {
  const meta = await tracingMetadata(app.url)
  const { de } = meta
  await seedTasks(meta, [
    { event: 'evTrace0001', code: 'PDV-7Q2K', locality: 'Agoué', missed: '2026-09-12', occurred: '2026-09-25' },
    { event: 'evTrace0002', code: 'PDV-3M9X', locality: 'Avloh', missed: '2026-09-20', occurred: '2026-09-28' },
  ])

  const context = await phoneContext(app.browser)
  const page = await context.newPage()
  const card = (code: string) =>
    page.locator('[data-test="relais-tracing-task"]').filter({ has: page.getByRole('heading', { name: code }) })
  try {
    await signIn(page, app.url, 'relais')
    // Under the service worker (installed on the first load), the screen's reads are kept for offline use.
    await page.waitForFunction('navigator.serviceWorker.ready.then(() => true)')
    await page.reload()
    await page.waitForFunction('navigator.serviceWorker.controller !== null')
    await page.getByRole('navigation', { name: 'Menu de Relais' }).getByRole('link', { name: 'Recherche PDV' }).tap()
    await page.getByRole('heading', { name: 'Tâches à faire (2)' }).waitFor({ timeout: 30_000 })
    await card('PDV-7Q2K').getByText('Agoué').waitFor()
    await card('PDV-7Q2K')
      .getByText(/12 septembre 2026 \(il y a 21 jours\)/)
      .waitFor()
    await page.getByText(/Rencontrez le conseiller du site/).waitFor()
    // Usable on the phone: nothing wider than the screen, and no serious accessibility fault.
    expect(await page.evaluate<boolean>('document.querySelector("main").scrollWidth <= window.innerWidth')).toBe(true)
    await expectAccessible(page, 'recherche-pdv')

    await context.setOffline(true)
    const first = card('PDV-7Q2K')
    await first.getByRole('button', { name: 'Noter le résultat' }).tap()
    await first.getByText('Retrouvé et revenu aux soins').tap()
    expect(await first.getByLabel('Date du résultat').inputValue()).toBe('2026-10-03')
    await expectAccessible(page, 'recherche-pdv, the outcome form')
    await screenshotAt(page, 375, 'tracing-phone.png')
    await page.setViewportSize({ width: 375, height: 740 })
    await first.getByRole('button', { name: 'Enregistrer le résultat' }).tap()
    const dialog = page.getByRole('dialog')
    await dialog.getByText(/Tâche PDV-7Q2K — Retrouvé et revenu aux soins, le 3 octobre 2026/).waitFor()
    await dialog.getByRole('button', { name: 'Clôturer la tâche' }).tap()
    await first.getByText("En attente d'envoi").waitFor()
    await page.getByText('Pas de connexion à DHIS2').waitFor()
    expect((await stored('evTrace0001')).status).toBe('ACTIVE')

    // Kept on the phone: a reload offline still shows it waiting.
    await page.reload()
    await page.getByRole('heading', { name: 'Tâches à faire (2)' }).waitFor({ timeout: 30_000 })
    await card('PDV-7Q2K').getByText("En attente d'envoi").waitFor()
    expect((await stored('evTrace0001')).status).toBe('ACTIVE')

    await context.setOffline(false)
    await page.getByRole('heading', { name: 'Tâches à faire (1)' }).waitFor({ timeout: 30_000 })
    await card('PDV-7Q2K').getByText('Retrouvé et revenu aux soins — 3 octobre 2026').waitFor()
    const closed = await stored('evTrace0001')
    expect(closed.status).toBe('COMPLETED')
    expect(closed.dataValues).toEqual(
      expect.arrayContaining([
        { dataElement: de.RC_PDV_RESULTAT, value: 'RETROUVE_REVENU' },
        { dataElement: de.RC_PDV_DATE_RESULTAT, value: '2026-10-03' },
        { dataElement: de.RC_PDV_PSEUDONYME, value: 'PDV-7Q2K' },
        { dataElement: de.RC_PDV_LOCALITE, value: 'Agoué' },
      ]),
    )
    expect((await stored('evTrace0002')).status).toBe('ACTIVE')
  } finally {
    await context.close()
  }

  // The supervisor of the zone: September's cases on the dashboard.
  const supervisor = await app.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' })
  const board = await supervisor.newPage()
  try {
    await signIn(board, app.url, 'superviseur')
    await board.goto(`${app.url}/api/apps/relais/index.html#/tableau-de-bord?pt=Monthly&pe=202609`)
    const panel = board.getByRole('region', { name: 'Recherche des perdus de vue' })
    await panel.waitFor({ timeout: 30_000 })
    await panel.getByLabel('Cas attribués 2').waitFor({ timeout: 30_000 })
    await panel.getByLabel('Cas recherchés 1').waitFor()
    await panel.getByLabel('Revenus aux soins 1').waitFor()
    await panel.getByLabel(/Revenus parmi les recherchés 100\s?%/).waitFor()
  } finally {
    await supervisor.close()
  }
})

test('an outcome recorded offline on a task closed meanwhile in DHIS2 is not sent, and the RC is told why', async () => {
  const meta = await tracingMetadata(app.url)
  const { de } = meta
  await seedTasks(meta, [
    { event: 'evTrace0003', code: 'PDV-8Z1W', locality: 'Comè', missed: '2026-09-28', occurred: '2026-10-01' },
  ])
  const context = await phoneContext(app.browser)
  const page = await context.newPage()
  try {
    await signIn(page, app.url, 'relais')
    await page.goto(`${app.url}/api/apps/relais/index.html#/recherche-pdv`)
    const task = page
      .locator('[data-test="relais-tracing-task"]')
      .filter({ has: page.getByRole('heading', { name: 'PDV-8Z1W' }) })
    await task.waitFor({ timeout: 30_000 })

    await context.setOffline(true)
    await task.getByRole('button', { name: 'Noter le résultat' }).tap()
    await task.getByText('Non retrouvé').tap()
    await task.getByRole('button', { name: 'Enregistrer le résultat' }).tap()
    await page.getByRole('dialog').getByRole('button', { name: 'Clôturer la tâche' }).tap()
    await task.getByText("En attente d'envoi").waitFor()

    // Meanwhile the task is closed in DHIS2 with another outcome (the supervisor heard the person died).
    const current = await stored('evTrace0003')
    const closed = await asAdmin<{ status: string }>(app.url, '/api/tracker?async=false&importStrategy=UPDATE', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        events: [
          {
            ...(await adminJson<Record<string, unknown>>(
              app.url,
              '/api/tracker/events/evTrace0003?fields=event,program,programStage,orgUnit,occurredAt,status',
            )),
            status: 'COMPLETED',
            dataValues: [
              ...(current.dataValues ?? []),
              { dataElement: de.RC_PDV_RESULTAT, value: 'DECEDE' },
              { dataElement: de.RC_PDV_DATE_RESULTAT, value: '2026-10-02' },
            ],
          },
        ],
      }),
    })
    expect(closed).toMatchObject({ status: 200, body: { status: 'OK' } })

    await context.setOffline(false)
    await page
      .getByText(/La tâche avait déjà été clôturée dans DHIS2 le \d+ octobre 2026 ; ce résultat n'a pas été envoyé\./)
      .waitFor({ timeout: 30_000 })
    await page.getByText('Résultats refusés par DHIS2').waitFor()
    expect((await stored('evTrace0003')).dataValues).toContainEqual({
      dataElement: de.RC_PDV_RESULTAT,
      value: 'DECEDE',
    })
  } finally {
    await context.close()
  }
})
