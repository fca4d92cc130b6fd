/**
 * The accessibility check of every screen (issue 14 §1): axe-core run in the page, WCAG 2 A and AA rules.
 * A serious or critical violation fails the test with what and where; moderate and minor ones are
 * returned for the report. The DHIS2 header bar is DHIS2's, not ours: left out.
 */
import { readFileSync } from 'node:fs'
import type { Page } from 'playwright-core'

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

export interface A11yViolation {
  id: string
  impact: string | null
  help: string
  targets: string[]
}

interface AxeResults {
  violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: string[] }> }>
}

/** Every WCAG 2 A/AA violation on the page now. */
export async function axeViolations(page: Page): Promise<A11yViolation[]> {
  if (!(await page.evaluate<boolean>('typeof window.axe !== "undefined"')))
    await page.addScriptTag({ content: AXE_SOURCE })
  const results = await page.evaluate<AxeResults>(
    `window.axe.run({ exclude: [['header:has([data-test="headerbar-apps-icon"])']] }, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })`,
  )
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
  }))
}

/** Fails with the serious and critical violations of the screen, named. */
export async function expectAccessible(page: Page, screen: string): Promise<A11yViolation[]> {
  const all = await axeViolations(page)
  const blocking = all.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  expect({ screen, blocking }).toEqual({ screen, blocking: [] })
  return all
}
