import { useDataQuery } from '@dhis2/app-runtime'
import { ORG_UNIT_FIELDS, type OrgUnitNode } from './types'

const query = {
  unit: {
    resource: 'organisationUnits',
    id: (variables: Record<string, string>) => variables.id ?? '',
    params: { fields: ORG_UNIT_FIELDS },
  },
}

/**
 * One org unit's name, code and path (the path is what the hierarchy check needs). Remount to change id. Two
 * screens asking for the same unit share one request (the engine's cache): asking early starts it early.
 */
export function useOrgUnit(id: string, { lazy = false }: { lazy?: boolean } = {}) {
  const { loading, error, data, refetch } = useDataQuery<{ unit: OrgUnitNode }>(query, { variables: { id }, lazy })
  return { loading, error, unit: data?.unit, refetch }
}
