import { useEffect, useSyncExternalStore } from 'react'

export const RETRY_EVERY_MS = 15_000

/** What retrying needs of a queue: the values' (ValueQueue) and the help desk's tickets' alike. */
export interface RetryableQueue {
  subscribe(listener: () => void): () => void
  getSnapshot(): { pending: readonly unknown[] }
  flush(): Promise<void>
}

/**
 * Sends waiting values again when the browser is back online, when the person comes back to the tab
 * (after signing in again elsewhere), and every 15 s while anything waits.
 */
export function useQueueRetry(queue: RetryableQueue, everyMs: number = RETRY_EVERY_MS): void {
  const waiting = useSyncExternalStore(queue.subscribe, () => queue.getSnapshot().pending.length > 0)
  useEffect(() => {
    const retry = () => void queue.flush()
    window.addEventListener('online', retry)
    window.addEventListener('focus', retry)
    return () => {
      window.removeEventListener('online', retry)
      window.removeEventListener('focus', retry)
    }
  }, [queue])
  useEffect(() => {
    if (!waiting) return
    const timer = setInterval(() => void queue.flush(), everyMs)
    return () => clearInterval(timer)
  }, [queue, waiting, everyMs])
}
