/**
 * What bench:app waits for on the Relais app, shared by its measures (bench/app-load.ts) and its slow-network
 * section (bench/app-slow-network.ts), so that both stop their timers at the same moment.
 */
import type { Page } from 'playwright-core'
import type { Standin } from '@relais/dhis2-standin'

export function codeOfUser(standin: Standin, username: string): string {
  const user = standin.ctx.state.users.find((u) => u.username === username)
  const unit = standin.ctx.state.metadata.organisationUnits.find((o) => o.id === user?.organisationUnits[0]?.id)
  if (!unit?.code) throw new Error(`no org unit for ${username}`)
  return unit.code
}

/** The entry form is usable: the heading names the RC `rc`, and its first field is editable. */
export async function entryFormUsable(page: Page, rc: string, timeout = 60_000): Promise<void> {
  await page.getByRole('heading', { name: new RegExp(`${rc}\\) — `) }).waitFor({ timeout })
  await page.locator('main input[type=text]:not([disabled])').first().waitFor({ timeout })
}
