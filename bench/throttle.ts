/**
 * A slow phone on a slow mobile network, in Chromium through the DevTools protocol: 500 kbit/s each way, a
 * 150 ms round trip (a typical 3G/poor 4G RTT in rural Benin) and a CPU 4× slower than this machine's.
 *
 * Measured here (Chromium 156, Playwright 1.65): a page's `Network.emulateNetworkConditions` does NOT slow its
 * service worker's own fetches. With the page alone throttled, the worker precached the app's ~1 MB in about a
 * second (main-*.js, 223 KB, in 18 ms), and on the repeat load its network-first fetch of the data values (72 KB)
 * took 16 ms where the throttled page had taken 1.3 s. So the worker target is throttled too, from its first
 * instruction (throttleServiceWorkers); each run prints the rate of the worker's largest precache fetch, which
 * shows it (≈ 480 kbit/s). Another session attaching to and detaching from the worker (Playwright does so for
 * each page in its scope) was checked not to lift the throttling.
 * Limits: each target gets its own 500 kbit/s pipe (CDP cannot make page and worker share one link, as they do
 * on a phone, so the precache that starts during the first load does not slow it here), and Chromium refuses CPU
 * throttling on a worker ("Operation is only supported for pages, not workers"): the worker's own work (cache
 * lookups) runs at full speed.
 */
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core'

export const SLOW = { kbitPerSecond: 500, latencyMs: 150, cpuSlowdown: 4 }

const NETWORK = {
  offline: false,
  latency: SLOW.latencyMs,
  downloadThroughput: (SLOW.kbitPerSecond * 1000) / 8, // bytes per second
  uploadThroughput: (SLOW.kbitPerSecond * 1000) / 8,
}

export const describeSlow = () =>
  `${SLOW.kbitPerSecond} kbit/s down and up, ${SLOW.latencyMs} ms round trip, CPU ${SLOW.cpuSlowdown}× slower`

/** Throttles a page's network and main thread; its session also reads the page's main-thread time. */
export async function throttlePage(context: BrowserContext, page: Page): Promise<CDPSession> {
  const cdp = await context.newCDPSession(page)
  await cdp.send('Network.enable')
  await cdp.send('Network.emulateNetworkConditions', NETWORK)
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: SLOW.cpuSlowdown })
  await cdp.send('Performance.enable')
  return cdp
}

/** Milliseconds the page's main thread spent in tasks and in script since `Performance.enable`. */
export async function mainThreadMs(cdp: CDPSession): Promise<{ taskMs: number; scriptMs: number }> {
  const { metrics } = await cdp.send('Performance.getMetrics')
  const seconds = (name: string) => metrics.find((m) => m.name === name)?.value ?? NaN
  return { taskMs: seconds('TaskDuration') * 1000, scriptMs: seconds('ScriptDuration') * 1000 }
}

/**
 * Throttles the service workers of `page`'s browser context until `stop()`, both ways Chromium allows:
 * - a worker that starts while the page lives is caught by the page's auto-attach, paused
 *   (`waitForDebuggerOnStart`) until its conditions are set: the first load's worker precaches throttled;
 * - a worker already running (the repeat load's: a page's session dies with the page) is attached from a
 *   browser-level session. Chromium refuses browser-level auto-attach without `flatten`, and Playwright routes
 *   only the flat sessions it made itself, hence `flatten: false` and `Target.sendMessageToTarget` here.
 */
export async function throttleServiceWorkers(
  browser: Browser,
  context: BrowserContext,
  page: Page,
): Promise<{ stop: () => Promise<void> }> {
  const own = await context.newCDPSession(page)
  const { targetInfo } = await own.send('Target.getTargetInfo')
  const browserSession = await browser.newBrowserCDPSession()
  let id = 0
  const sender =
    (session: CDPSession, sessionId: string) =>
    (method: string, params: object = {}) =>
      session.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: ++id, method, params }) })
  // Sent in order on one connection: the worker runs only once its conditions are set.
  const throttle = (send: ReturnType<typeof sender>) =>
    send('Network.enable').then(() => send('Network.emulateNetworkConditions', NETWORK))

  own.on('Target.attachedToTarget', ({ sessionId, targetInfo: target, waitingForDebugger }) => {
    const send = sender(own, sessionId)
    const setUp = target.type === 'service_worker' ? throttle(send) : Promise.resolve()
    if (waitingForDebugger) void setUp.then(() => send('Runtime.runIfWaitingForDebugger')).catch(() => undefined)
  })
  await own.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: false })

  const { targetInfos } = await browserSession.send('Target.getTargets')
  for (const worker of targetInfos) {
    if (worker.type !== 'service_worker' || worker.browserContextId !== targetInfo.browserContextId) continue
    const { sessionId } = await browserSession.send('Target.attachToTarget', {
      targetId: worker.targetId,
      flatten: false,
    })
    await throttle(sender(browserSession, sessionId))
  }
  return {
    stop: async () => {
      await own.detach().catch(() => undefined)
      await browserSession.detach().catch(() => undefined)
    },
  }
}
