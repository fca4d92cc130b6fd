import { useEffect, useSyncExternalStore } from 'react'
import type { ValueQueue } from './valueQueue'

export const RETRY_EVERY_MS = 15_000

/**
 * Sends waiting values again when the browser is back online, when the person comes back to the tab
 * (after signing in again elsewhere), and every 15 s while anything waits.
 */
export function useQueueRetry(queue: ValueQueue, everyMs: number = RETRY_EVERY_MS): void {
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
