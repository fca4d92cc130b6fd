import type { useDataEngine } from '@dhis2/app-runtime'
import { classifySendError } from './classifySendError'
import type { PendingValue, SendOutcome } from './types'

type DataEngine = ReturnType<typeof useDataEngine>
type EngineMutation = Parameters<DataEngine['mutate']>[0]

/**
 * `POST /api/dataValues?de&pe&ou&co&value`: the parameters go in the query string and the body stays
 * empty. (With a `data` body the engine sends multipart form data, which the DHIS2 stand-in does not
 * read; DHIS2 itself accepts both.) An empty value deletes the stored one.
 */
export function dataValueMutation(item: PendingValue): EngineMutation {
  const mutation = {
    type: 'create',
    resource: 'dataValues',
    params: { de: item.de, pe: item.pe, ou: item.ou, co: item.co, value: item.value },
  }
  // The engine's type wants `data` on a create; without one it sends no body, which is what we want.
  return mutation as unknown as EngineMutation
}

export function engineSender(engine: DataEngine): (item: PendingValue) => Promise<SendOutcome> {
  return async (item) => {
    try {
      await engine.mutate(dataValueMutation(item))
      return { kind: 'sent' }
    } catch (error) {
      return classifySendError(error)
    }
  }
}
