import { useEffect } from 'react'

/**
 * The Cache Storage the platform's service worker reads DHIS2's answers from when there is no network
 * (@dhis2/pwa: workbox NetworkFirst, cacheName 'app-shell', used as is).
 */
export const APP_SHELL_CACHE = 'app-shell'

/**
 * Reads never kept: the bridge's live answers (d2.config.js), pings, and the write-only endpoints (the single
 * value, the tracker import of the tracing outcomes): the page's POSTs are in its resource timings too.
 */
const NEVER = [
  /\/api\/routes\//,
  /\/api\/(\d+\/)?(system\/)?ping\b/,
  /\/api\/(\d+\/)?dataValues(\?|$)/,
  /\/api\/(\d+\/)?tracker(\?|$)/,
]

interface ResourceEntry {
  name: string
  initiatorType: string
}

/** The DHIS2 reads (fetch / XHR to this origin's /api/) among what the page loaded, once each. */
export function dhis2Reads(entries: readonly ResourceEntry[], origin: string): string[] {
  const urls = new Set<string>()
  for (const entry of entries) {
    if (entry.initiatorType !== 'fetch' && entry.initiatorType !== 'xmlhttprequest') continue
    let url: URL
    try {
      url = new URL(entry.name)
    } catch {
      continue
    }
    if (url.origin !== origin || !url.pathname.includes('/api/')) continue
    if (NEVER.some((pattern) => pattern.test(url.pathname + url.search))) continue
    urls.add(url.href)
  }
  return [...urls]
}

async function keep(url: string): Promise<void> {
  try {
    const response = await fetch(url, { credentials: 'include' })
    if (response.ok) await (await caches.open(APP_SHELL_CACHE)).put(url, response)
  } catch {
    // No network now: what is not kept will be by the service worker on a later visit.
  }
}

/**
 * The first visit on a device is not under the service worker yet (it installs during that visit and only
 * controls the next page load), so nothing it read is kept: an offline reload then found neither the user
 * nor the form, and DHIS2's platform showed an English « Please sign in » that stayed after the network
 * returned. So, while the page is not controlled, each DHIS2 read it makes is read once more into the
 * worker's cache — the next load works offline. `data-relais-offline="ready"` on <html> says it is done.
 */
export function useWarmOfflineCache(): void {
  useEffect(() => {
    if (!('serviceWorker' in navigator) || !('caches' in window) || !('PerformanceObserver' in window)) return
    const kept = new Set<string>()
    let observer: PerformanceObserver | null = null
    let stopped = false
    const warm = async (entries: readonly ResourceEntry[]) => {
      const fresh = dhis2Reads(entries, window.location.origin).filter((url) => !kept.has(url))
      for (const url of fresh) kept.add(url)
      await Promise.all(fresh.map(keep))
    }
    void navigator.serviceWorker.ready.then(async () => {
      if (stopped) return
      if (navigator.serviceWorker.controller === null) {
        observer = new PerformanceObserver((list) => void warm(list.getEntries() as PerformanceResourceTiming[]))
        observer.observe({ type: 'resource' })
        await warm(performance.getEntriesByType('resource') as PerformanceResourceTiming[])
      }
      document.documentElement.dataset.relaisOffline = 'ready'
    })
    return () => {
      stopped = true
      observer?.disconnect()
    }
  }, [])
}
