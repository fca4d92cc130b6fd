import { useDataEngine } from '@dhis2/app-runtime'
import { createContext, useContext, useEffect, useMemo, useSyncExternalStore, type ReactNode } from 'react'
import { useCurrentUser } from '../shared/CurrentUserProvider'
import { engineSender } from './sendDataValue'
import { idbQueueStorage } from './storage'
import type { QueueStorage } from './types'
import { useQueueRetry } from './useQueueRetry'
import { ValueQueue, type QueueSnapshot } from './valueQueue'

const ValueQueueContext = createContext<ValueQueue | null>(null)

/** One queue for the whole app, so values keep going out while the person moves between screens. */
export function ValueQueueProvider({ children, storage }: { children: ReactNode; storage?: QueueStorage }) {
  const engine = useDataEngine()
  const { user } = useCurrentUser()
  const queue = useMemo(
    () => new ValueQueue(storage ?? idbQueueStorage(user.username), engineSender(engine)),
    [engine, storage, user.username],
  )
  useEffect(() => {
    void queue.init().then(() => queue.flush())
  }, [queue])
  useQueueRetry(queue)
  return <ValueQueueContext.Provider value={queue}>{children}</ValueQueueContext.Provider>
}

export interface ValueQueueApi extends QueueSnapshot {
  save: ValueQueue['save']
  saveCompletion: ValueQueue['saveCompletion']
  discard: ValueQueue['discard']
  flush: ValueQueue['flush']
}

export function useValueQueue(): ValueQueueApi {
  const queue = useContext(ValueQueueContext)
  if (!queue) throw new Error('useValueQueue needs a ValueQueueProvider')
  const snapshot = useSyncExternalStore(queue.subscribe, queue.getSnapshot)
  return {
    ...snapshot,
    save: queue.save,
    saveCompletion: queue.saveCompletion,
    discard: queue.discard,
    flush: queue.flush,
  }
}
