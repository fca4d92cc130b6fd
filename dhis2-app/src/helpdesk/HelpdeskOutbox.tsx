import { useDataEngine } from '@dhis2/app-runtime'
import { useQueueRetry } from '../offline/useQueueRetry'
import { useCurrentUser } from '../shared/CurrentUserProvider'
import { ticketQueueFor, useTicketStorage } from './ticketQueueRegistry'

/**
 * Sends the tickets left waiting on this device, on every screen (its own small chunk, loaded after the app
 * starts): when the app opens, when the network returns, when the person comes back to the tab, and every 15 s
 * while one waits. Shows nothing.
 */
export function HelpdeskOutbox() {
  const engine = useDataEngine()
  const { user } = useCurrentUser()
  useQueueRetry(ticketQueueFor(engine, user.username, useTicketStorage()))
  return null
}
