import i18n from '@dhis2/d2-i18n'
import { NoticeBox } from '@dhis2/ui'
import { useEffect } from 'react'
import { RETRY_EVERY_MS } from '../offline/useQueueRetry'

interface ErrorLike {
  type?: string
  message?: string
}

/** A request that failed for want of a network (the browser's "Failed to fetch", the engine's "network"). */
export function isNetworkError(error: unknown): boolean {
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike
  return (
    e.type === 'network' ||
    e.type === 'aborted' ||
    /failed to fetch|network ?error|load failed/i.test(e.message ?? '') ||
    (typeof navigator !== 'undefined' && navigator.onLine === false)
  )
}

interface Props {
  /** What could not be loaded: "Impossible de charger le rapport". */
  title: string
  error: unknown
  /** Loads again; called when the network returns (and every 15 s while it has not). */
  retry: () => unknown
}

/**
 * A screen that could not load. Without a network it says so in the person's language, says what will
 * happen (it loads by itself when the connection returns), and does; any other error shows DHIS2's message.
 */
export function LoadError({ title, error, retry }: Props) {
  const offline = isNetworkError(error)
  useEffect(() => {
    if (!offline) return
    const again = () => void retry()
    window.addEventListener('online', again)
    const timer = setInterval(again, RETRY_EVERY_MS)
    return () => {
      window.removeEventListener('online', again)
      clearInterval(timer)
    }
  }, [offline, retry])
  if (offline) {
    return (
      <NoticeBox warning title={i18n.t('No connection to DHIS2')}>
        {i18n.t(
          'This screen has not been opened on this device with a connection yet, so it cannot be shown offline. It will load by itself as soon as the connection returns.',
        )}
      </NoticeBox>
    )
  }
  const message = (error as ErrorLike | null)?.message ?? String(error)
  return (
    <NoticeBox error title={title}>
      {message}
    </NoticeBox>
  )
}
