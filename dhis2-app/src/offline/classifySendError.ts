import { importRefusal } from '../shared/dhis2/registrations'
import type { SendOutcome } from './types'

interface FetchErrorLike {
  type?: string
  message?: string
  details?: { httpStatusCode?: number; message?: string; status?: string; response?: unknown }
}

/**
 * What a failed send means for the value: no network (or a server that is not answering) keeps it
 * queued; 401 (the DHIS2 session expired) keeps it queued until the person signs in again; any other
 * refusal (409: locked period, invalid value…) is final and shown on the cell.
 */
export function classifySendError(error: unknown): SendOutcome {
  const e = (typeof error === 'object' && error !== null ? error : {}) as FetchErrorLike
  const status = e.details?.httpStatusCode
  if (e.type === 'network' || e.type === 'aborted') return { kind: 'offline' }
  if (status === 401 || (e.type === 'access' && status === undefined && e.message === 'Unauthorized')) {
    return { kind: 'session-expired' }
  }
  if (e.type === 'unknown' && (status === undefined || status >= 500)) return { kind: 'offline' }
  // A refused completion answers with an import summary: its conflicts say why.
  return { kind: 'rejected', message: importRefusal(e.details) ?? e.details?.message ?? e.message ?? String(error) }
}
