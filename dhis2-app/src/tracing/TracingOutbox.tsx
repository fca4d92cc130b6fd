import { useQueueRetry } from '../offline/useQueueRetry'
import { useCurrentUser } from '../shared/CurrentUserProvider'
import { useOutcomeQueueInstance } from './outcomeQueueRegistry'

/**
 * Sends the tracing outcomes left waiting on this device, on every screen (its own small chunk): when the app
 * opens, when the network returns, when the person comes back to the tab, and every 15 s while one waits.
 * Only RC record outcomes, so only their queue is opened. Shows nothing.
 */
export function TracingOutbox() {
  const { roles } = useCurrentUser()
  return roles.includes('relais') ? <Retry /> : null
}

function Retry() {
  useQueueRetry(useOutcomeQueueInstance())
  return null
}
