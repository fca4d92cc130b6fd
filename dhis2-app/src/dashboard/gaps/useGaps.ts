import { useDataEngine } from '@dhis2/app-runtime'
import { useLoad } from '../analytics/useLoad'
import { gapKey, readGapDocument, type GapDocument } from './gaps'

const NAMESPACE = 'relais'

const statusOf = (error: unknown): number | undefined =>
  (error as { details?: { httpStatusCode?: number } } | null)?.details?.httpStatusCode

type Engine = ReturnType<typeof useDataEngine>

/** The stored document, or null when the key does not exist yet (404). */
async function readDocument(engine: Engine, periodId: string): Promise<GapDocument | null> {
  try {
    const data = (await engine.query({ doc: { resource: `dataStore/${NAMESPACE}`, id: gapKey(periodId) } })) as {
      doc: unknown
    }
    return readGapDocument(data.doc, periodId)
  } catch (error) {
    if (statusOf(error) === 404) return null
    throw error
  }
}

/**
 * The gaps recorded for one period (dataStore `relais/gaps-<period>`). A change is applied to the document
 * as stored right now, not as loaded when the screen opened, so that two supervisors working on the same
 * period do not erase each other's entries (the window left is the time of one request).
 */
export function useGaps(periodId: string) {
  const engine = useDataEngine()
  const state = useLoad(`gaps|${periodId}`, () => readDocument(engine, periodId))
  const save = async (change: (document: GapDocument | null) => GapDocument): Promise<void> => {
    const current = await readDocument(engine, periodId)
    const next = change(current)
    const id = gapKey(periodId)
    // 'create' takes no id (the engine refuses one): the key goes in the path.
    const replace = (data: GapDocument) =>
      engine.mutate({ type: 'replace', resource: `dataStore/${NAMESPACE}`, id, data })
    if (current === null) {
      try {
        await engine.mutate({ type: 'create', resource: `dataStore/${NAMESPACE}/${id}`, data: next })
      } catch (error) {
        // Someone created the key in between (409): apply the change to their document instead.
        if (statusOf(error) !== 409) throw error
        const theirs = await readDocument(engine, periodId)
        await replace(change(theirs))
      }
    } else {
      await replace(next)
    }
    state.reload()
  }
  return { ...state, document: state.data ?? null, save }
}
