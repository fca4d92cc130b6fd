import { useDataEngine } from '@dhis2/app-runtime'
import { engineAccess } from '../../shared/dhis2Access'
import { useLoad } from '../../shared/useLoad'
import { loadGaps, saveGapChange } from './gapStore'
import type { GapChangeValue } from './gaps'

/**
 * The gaps recorded for one period (gapStore.ts). Each change is its own entry, so two supervisors working
 * on the same period never overwrite each other.
 */
export function useGaps(periodId: string) {
  const engine = useDataEngine()
  const state = useLoad(`gaps|${periodId}`, () => loadGaps(engineAccess(engine), periodId))
  const save = async (change: GapChangeValue): Promise<void> => {
    await saveGapChange(engineAccess(engine), change)
    state.reload()
  }
  return { ...state, document: state.data?.document ?? null, ignored: state.data?.ignored ?? 0, save }
}
