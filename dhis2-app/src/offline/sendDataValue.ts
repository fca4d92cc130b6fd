import type { useDataEngine } from '@dhis2/app-runtime'
import { findRegistration, importRefusal, registrationPayload, type Registration } from '../shared/dhis2/registrations'
import type { DataValueJson } from '../shared/dhis2/dataValues'
import { classifySendError } from './classifySendError'
import { dhis2IsNewer, supersededReason, type StoredValue } from './freshness'
import { isCompletion, type PendingCompletion, type PendingItem, type PendingValue, type SendOutcome } from './types'

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

/**
 * A queued completion, sent against what DHIS2 holds when it goes (not when it was queued): the first
 * completion date is kept whoever set it, a report already complete is left alone, and un-completing a
 * report DHIS2 never had complete sends nothing.
 */
async function sendCompletion(engine: DataEngine, item: PendingCompletion): Promise<SendOutcome> {
  const target = { dataSet: item.dataSet, period: item.period, organisationUnit: item.organisationUnit }
  const read = (await engine.query({
    registrations: {
      resource: 'completeDataSetRegistrations',
      params: { dataSet: item.dataSet, period: item.period, orgUnit: item.organisationUnit },
    },
  })) as { registrations?: { completeDataSetRegistrations?: Registration[] } }
  const existing = findRegistration(read.registrations?.completeDataSetRegistrations, target)
  if ((existing?.completed ?? false) === item.completed) return { kind: 'sent' }
  const answer = await engine.mutate({
    type: 'create',
    resource: 'completeDataSetRegistrations',
    data: registrationPayload(target, existing, item.completed, item.actedAt),
  })
  const refusal = importRefusal(answer)
  return refusal ? { kind: 'rejected', message: refusal } : { kind: 'sent' }
}

/** A value typed this long before it is sent waited in the queue: DHIS2 may have a newer one by now. */
export const CHECK_AFTER_MS = 10_000

/** DHIS2's value of the cell now, with who stored it and when. */
async function storedValue(engine: DataEngine, item: PendingValue): Promise<StoredValue | undefined> {
  const read = (await engine.query({
    stored: {
      resource: 'dataValueSets',
      params: { dataElement: item.de, period: item.pe, orgUnit: item.ou },
    },
  })) as { stored?: { dataValues?: Array<DataValueJson> } }
  const found = read.stored?.dataValues?.find(
    (dv) => dv.dataElement === item.de && dv.categoryOptionCombo === item.co && dv.period === item.pe && !dv.deleted,
  )
  return found?.value === undefined ? undefined : { ...found, value: found.value }
}

export function engineSender(
  engine: DataEngine,
  now: () => number = Date.now,
): (item: PendingItem) => Promise<SendOutcome> {
  return async (item) => {
    try {
      if (isCompletion(item)) return await sendCompletion(engine, item)
      if (now() - Date.parse(item.queuedAt) > CHECK_AFTER_MS) {
        // It waited (no network, a closed tab): someone may have corrected the cell in DHIS2 meanwhile.
        const stored = await storedValue(engine, item)
        if (stored && dhis2IsNewer(item, stored)) return { kind: 'superseded', message: supersededReason(stored) }
      }
      await engine.mutate(dataValueMutation(item))
      return { kind: 'sent' }
    } catch (error) {
      return classifySendError(error)
    }
  }
}
