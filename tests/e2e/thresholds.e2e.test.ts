/**
 * Class thresholds on a phone (issue 14 §4): an administrator opens the dashboard at 375 × 740 with touch, sees the
 * RC classed with the programme's thresholds, lowers « Average from » to 0 % and every « Poor » RC becomes
 * « Average », in the preview first, then on the dashboard once saved — in the dataStore, for everyone.
 */
import { join } from 'node:path'
import { runAnalyticsTables } from '@relais/dhis2-standin'
import { adminJson, signIn } from '../support/app-page'
import { ARTIFACTS, phoneContext } from '../support/browser'
import { appInStandin } from '../support/app-in-standin'

jest.setTimeout(180_000)

// Analytics run once, as the nightly job would: the dashboard reads its tables.
const app = appInStandin({ now: '2026-10-03T09:00:00Z', ready: (standin) => void runAnalyticsTables(standin.ctx) })

test('an administrator sets a class threshold on a phone and the classes change', async () => {
  const context = await phoneContext(app.browser, 'en-GB')
  const page = await context.newPage()
  try {
    await signIn(page, app.url, 'admin', 'district')
    await page.getByRole('navigation', { name: 'Relais menu' }).getByRole('link', { name: 'Dashboard' }).tap()
    const count = async (name: string) =>
      Number(
        (await page.locator(`strong[aria-label^="${name} "]`).getAttribute('aria-label', { timeout: 60_000 }))
          ?.split(' ')
          .at(-1),
      )
    const before = { good: await count('Good'), average: await count('Average'), poor: await count('Poor') }
    expect(before.poor).toBeGreaterThan(0)

    await page.getByRole('button', { name: 'Set the class thresholds' }).tap()
    await page.getByLabel('Average from (%)').fill('0')
    // The preview says what the thresholds would do before anything is saved.
    const moved = before.average + before.poor
    await page.getByText(`this selection has ${before.good} good, ${moved} average and 0 poor`).waitFor()
    await page.screenshot({ path: join(ARTIFACTS, 'thresholds-375.png') })
    await page.getByRole('button', { name: 'Save the thresholds' }).tap()
    await page.getByRole('button', { name: 'Save the thresholds' }).waitFor({ state: 'detached' })
    expect({ good: await count('Good'), average: await count('Average'), poor: await count('Poor') }).toEqual({
      good: before.good,
      average: moved,
      poor: 0,
    })
    const saved = await adminJson<{ thresholds: { fair: number } }>(app.url, '/api/dataStore/relais/dashboard-settings')
    expect(saved.thresholds.fair).toBe(0)
  } finally {
    await context.close()
  }
})
