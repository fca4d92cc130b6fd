/**
 * Every screen of the app, as each role opens it, at 375 and 1366 px: axe-core finds no serious or critical
 * WCAG 2 A/AA violation (issue 14 §1), and a screenshot of each goes to tests/artifacts/ (a11y-<screen>-<width>).
 * The sync console is seen as a data manager meets it before the route to the bridge exists.
 */
import { runAnalyticsTables } from '@relais/dhis2-standin'
import { screenshotAt, signIn } from '../support/app-page'
import { appInStandin } from '../support/app-in-standin'
import { expectAccessible } from '../support/a11y'

jest.setTimeout(240_000)

// Analytics ran: the dashboard has figures to show.
const app = appInStandin({ now: '2026-10-03T09:00:00Z', ready: (standin) => runAnalyticsTables(standin.ctx) })

const SCREENS = [
  { user: 'relais', path: '', name: 'home-rc', ready: 'Bienvenue' },
  { user: 'relais', path: 'saisie', name: 'saisie', ready: 'Compléter le rapport' },
  { user: 'relais', path: 'mes-resultats', name: 'resultats', ready: 'Les six derniers mois' },
  { user: 'relais', path: 'recherche-pdv', name: 'recherche-pdv', ready: 'Tâches à faire' },
  { user: 'superviseur', path: 'tableau-de-bord', name: 'tableau-de-bord', ready: 'Écarts à suivre' },
  { user: 'superviseur', path: 'saisie', name: 'saisie-superviseur', ready: 'Trouver un relais communautaire' },
  { user: 'gestionnaire', path: 'synchronisation', name: 'synchronisation', ready: 'La route vers la passerelle' },
] as const

test.each(SCREENS)('$name ($user) has no serious accessibility violation at 375 and 1366 px', async (screen) => {
  const context = await app.browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'fr-FR' })
  const page = await context.newPage()
  try {
    await signIn(page, app.url, screen.user)
    await page.goto(`${app.url}/api/apps/relais/index.html#/${screen.path}`)
    await page.getByText(screen.ready, { exact: false }).first().waitFor({ timeout: 30_000 })
    for (const width of [1366, 375]) {
      await page.setViewportSize({ width, height: width === 375 ? 740 : 900 })
      await expectAccessible(page, `${screen.name} at ${width} px`)
      await screenshotAt(page, width, `a11y-${screen.name}-${width}.png`)
    }
  } finally {
    await context.close()
  }
})
