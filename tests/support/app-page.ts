/**
 * What the browser tests and the app bench do with the Relais app in the DHIS2 stand-in: sign in through
 * DHIS2's login page, screenshot a whole screen, call DHIS2's API as the superuser.
 */
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { ARTIFACTS } from './browser'

export const DEMO_PASSWORD = 'Relais-2026'
export const ADMIN_AUTHORIZATION = `Basic ${Buffer.from('admin:district').toString('base64')}`

/** Signs in on DHIS2's login page at `url`, and waits for DHIS2 to open the Relais app. */
export async function signIn(page: Page, url: string, username: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto(`${url}/`)
  await page.waitForURL(/login\.action/)
  await page.fill('#j_username', username)
  await page.fill('#j_password', password)
  await page.click('button[type=submit]')
  await page.waitForURL(/\/api\/apps\/relais\//)
}

/**
 * A screenshot of the whole screen at a width, into tests/artifacts/: the DHIS2 app shell scrolls inside its
 * own container, so Playwright's fullPage sees only the viewport; the viewport is made as tall as the content
 * instead, then put back to 1280 × 900.
 */
export async function screenshotAt(page: Page, width: number, name: string): Promise<void> {
  await page.setViewportSize({ width, height: 800 })
  // a string, evaluated in the page: the tests project has no DOM types
  const height = await page.evaluate<number>(
    'Math.max(...Array.from(document.querySelectorAll("main, main *"), (element) => element.scrollHeight))',
  )
  await page.setViewportSize({ width, height: Math.min(height + 120, 8000) })
  await page.screenshot({ path: join(ARTIFACTS, name) })
  await page.setViewportSize({ width: 1280, height: 900 })
}

/** DHIS2's answer to the superuser: its status and parsed JSON body (`{}` when empty). */
export async function asAdmin<T>(
  url: string,
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${url}${path}`, {
    ...init,
    headers: { Authorization: ADMIN_AUTHORIZATION, Accept: 'application/json', ...init.headers },
  })
  const text = await response.text()
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as T }
}

/** The uid of the object of `collection` with this code (throws when there is none). */
export async function uidOf(url: string, collection: string, code: string): Promise<string> {
  const { body } = await asAdmin<Record<string, Array<{ id: string }>>>(
    url,
    `/api/${collection}?filter=code:eq:${code}&fields=id&paging=false`,
  )
  const id = body[collection]?.[0]?.id
  if (!id) throw new Error(`No ${collection} with code ${code}`)
  return id
}

/** The superuser's GET (or other call) that must succeed: its JSON body, or an error naming the status. */
export async function adminJson<T>(url: string, path: string, init: RequestInit = {}): Promise<T> {
  const { status, body } = await asAdmin<T>(url, path, init)
  if (status < 200 || status >= 300)
    throw new Error(`${init.method ?? 'GET'} ${path} → ${status}: ${JSON.stringify(body)}`)
  return body
}

/**
 * The DHIS2 Route `relais-bridge` to a bridge, as `relais setup` makes it: the secret header, open to the
 * users holding the app's authority (`M_relais`). Answers DHIS2's HTTP status (201 when created).
 */
export async function createBridgeRoute(
  url: string,
  bridgeUrl: string,
  secret: string,
  extra: Record<string, unknown> = {},
): Promise<number> {
  const { status } = await asAdmin(url, '/api/routes', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      name: 'Relais bridge',
      code: 'relais-bridge',
      url: `${bridgeUrl}/**`,
      auth: { type: 'api-headers', headers: { 'X-Relais-Route-Secret': secret } },
      authorities: ['M_relais'],
      ...extra,
    }),
  })
  return status
}
