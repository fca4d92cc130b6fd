/**
 * bench:app's slow-network section. The issue: "bench:app measures, in Chromium throttled to 500 kbit/s and 4× CPU,
 * side by side with DHIS2's bare header-bar page in the same run: first load to a usable entry form ≤ 8 s, repeat
 * load from the service worker ≤ 2 s, and prints the transferred bytes."
 *
 * Relais and the reference (bench/reference-app.ts: the App Platform shell and its header bar, nothing else) are
 * installed side by side in one stand-in (demo seed) and loaded alternately, SLOW_RUNS times each (default 3: a
 * run takes about a minute, most of it the throttled precache). A run, in a fresh browser context, throttled as
 * bench/throttle.ts says (page and service worker):
 * 1. first load: cold HTTP cache, no service worker; timed from navigation to Relais's usable entry form (the
 *    same moment as the fast measure's) or to the reference's header bar drawn (its profile button shown);
 * 2. then waits for the service worker to be active (its install is the precache) and the network to be quiet;
 * 3. repeat load: the page closed, a new one in the same context navigates again, timed the same way; its app
 *    JavaScript must come from the service worker.
 * bench/slow-network-report.ts prints the figures; a Relais median over its target fails the bench.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { createStandin } from '@relais/dhis2-standin'
import { DEMO_PASSWORD } from '../tests/support/app-page'
import { codeOfUser, entryFormUsable } from './app-screens'
import { ensureReferenceApp } from './reference-app'
import { mainThreadMs, throttlePage, throttleServiceWorkers } from './throttle'
import { report, type Load, type Run } from './slow-network-report'
import { WireLog } from './wire-log'

const SLOW_RUNS = Number(process.env.SLOW_RUNS ?? 3)
const TIMEOUT = 180_000
const fmt = (n: number) => Math.round(n).toLocaleString('en')

interface Subject {
  name: 'relais' | 'headerbar'
  label: 'Relais' | 'header bar'
  hash: string
  ready: (page: Page) => Promise<void>
}

/**
 * Signs in through DHIS2's login API. Not tests/support's signIn: DHIS2 lands a browser that signs in on its
 * first installed app, Relais, which would fill the HTTP cache and start the service worker before the cold load.
 */
async function signInByApi(context: BrowserContext, url: string, username: string): Promise<void> {
  const response = await context.request.post(`${url}/api/auth/login`, { data: { username, password: DEMO_PASSWORD } })
  const { loginStatus } = (await response.json()) as { loginStatus?: string }
  if (loginStatus !== 'SUCCESS') throw new Error(`sign-in of ${username}: ${response.status()} ${loginStatus}`)
}

async function timedLoad(context: BrowserContext, page: Page, log: WireLog, url: string, subject: Subject) {
  const cdp = await throttlePage(context, page)
  const mark = log.mark()
  const started = performance.now()
  // 'commit': the timer stops when the screen is usable, whatever the load event does.
  await page.goto(`${url}/api/apps/${subject.name}/index.html#${subject.hash}`, {
    waitUntil: 'commit',
    timeout: TIMEOUT,
  })
  await subject.ready(page)
  const ms = performance.now() - started
  const load: Load = { started, ms, transfers: await log.since(mark), ...(await mainThreadMs(cdp)) }
  return load
}

/** `promise`, or an error after TIMEOUT (`navigator.serviceWorker.ready` never rejects, it just waits). */
async function withTimeout<T>(promise: Promise<T>, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), TIMEOUT)))
  try {
    return await Promise.race([promise, late])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Resolves once the page has an active service worker, i.e. installed: the platform's worker precaches the app in
 * its install. On activation the platform reloads the page, which may destroy the context of this very question:
 * it is asked again.
 */
async function workerActive(page: Page): Promise<void> {
  for (;;) {
    try {
      await page.evaluate<boolean>('navigator.serviceWorker.ready.then(() => true)')
      return
    } catch (error) {
      if (!/context was destroyed|navigat/i.test(String(error))) throw error
      await page.waitForLoadState('domcontentloaded')
    }
  }
}

async function oneRun(browser: Browser, url: string, subject: Subject): Promise<Run> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' })
  const workers: { stop: () => Promise<void> }[] = []
  try {
    await signInByApi(context, url, 'relais')
    const log = new WireLog(context)
    const page = await context.newPage()
    workers.push(await throttleServiceWorkers(browser, context, page))
    const first = await timedLoad(context, page, log, url, subject)
    const mark = log.mark()
    const started = performance.now()
    await withTimeout(workerActive(page), `${subject.name}: no service worker`)
    const workerReadyMs = performance.now() - started
    await log.idle(1_000, TIMEOUT)
    const afterFirst = await log.since(mark)
    await page.close()
    const again = await context.newPage()
    workers.push(await throttleServiceWorkers(browser, context, again))
    const repeat = await timedLoad(context, again, log, url, subject)
    return { first, afterFirst, workerReadyMs, repeat }
  } finally {
    for (const w of workers) await w.stop()
    await context.close()
  }
}

/** One unthrottled load of each app, not counted: the stand-in's first answers (indexes, gzip of files). */
async function warmUp(browser: Browser, url: string, subject: Subject): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' })
  try {
    await signInByApi(context, url, 'relais')
    const page = await context.newPage()
    await page.goto(`${url}/api/apps/${subject.name}/index.html#${subject.hash}`)
    await subject.ready(page)
  } finally {
    await context.close()
  }
}

/** Measures; the figures are printed by the `report` it returns (after the other sections' table), true: failed. */
export async function measureSlowNetwork(
  browser: Browser,
  app: string,
  now: string,
): Promise<{ report: () => boolean }> {
  const reference = ensureReferenceApp()
  // Relais first: DHIS2 lands a signed-in browser on the first installed app.
  const standin = createStandin({ seed: 'demo', apps: { relais: app, headerbar: reference }, now })
  const url = await standin.listen()
  const rc = codeOfUser(standin, 'relais')
  const subjects: Subject[] = [
    { name: 'relais', label: 'Relais', hash: '/saisie', ready: (page) => entryFormUsable(page, rc, TIMEOUT) },
    {
      name: 'headerbar',
      label: 'header bar',
      hash: '/',
      ready: (page) => page.locator('[data-test="headerbar-profile"]').waitFor({ timeout: TIMEOUT }),
    },
  ]
  const runs: Record<Subject['label'], Run[]> = { Relais: [], 'header bar': [] }
  try {
    for (const subject of subjects) await warmUp(browser, url, subject)
    // Alternately, so that a slower moment of the machine weighs on both alike.
    for (let i = 0; i < SLOW_RUNS; i++) {
      for (const subject of subjects) {
        const run = await oneRun(browser, url, subject)
        runs[subject.label].push(run)
        console.log(
          `  slow ${subject.label} run ${i + 1}: first ${fmt(run.first.ms)} ms, repeat ${fmt(run.repeat.ms)} ms, worker ready ${fmt(run.workerReadyMs)} ms later`,
        )
      }
    }
  } finally {
    await standin.close()
  }
  return { report: () => report(runs) }
}
