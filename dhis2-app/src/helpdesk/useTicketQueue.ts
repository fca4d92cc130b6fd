import { useDataEngine } from '@dhis2/app-runtime'
import { useSyncExternalStore } from 'react'
import { useCurrentUser } from '../shared/CurrentUserProvider'
import type { TicketQueue, TicketQueueSnapshot } from './ticketQueue'
import { ticketQueueFor, useTicketStorage } from './ticketQueueRegistry'

export interface TicketQueueApi extends TicketQueueSnapshot {
  file: TicketQueue['file']
  retry: TicketQueue['retry']
  discard: TicketQueue['discard']
  flush: TicketQueue['flush']
}

/** The signed-in user's ticket queue and what it holds now. */
export function useTicketQueue(): TicketQueueApi {
  const engine = useDataEngine()
  const { user } = useCurrentUser()
  const queue = ticketQueueFor(engine, user.username, useTicketStorage())
  const snapshot = useSyncExternalStore(queue.subscribe, queue.getSnapshot)
  return { ...snapshot, file: queue.file, retry: queue.retry, discard: queue.discard, flush: queue.flush }
}
