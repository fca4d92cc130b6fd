import { useDataEngine } from '@dhis2/app-runtime'
import { engineAccess } from '../shared/dhis2Access'
import type { QualityAccess } from './qualityData'

/** The app's data engine as QualityAccess (qualityData.ts stays free of React: tests run it over fetch). */
export function useQualityAccess(): QualityAccess {
  const engine = useDataEngine()
  return {
    ...engineAccess(engine),
    async post(resource, data) {
      return engine.mutate({ type: 'create', resource, data: data as Record<string, unknown> })
    },
  }
}
