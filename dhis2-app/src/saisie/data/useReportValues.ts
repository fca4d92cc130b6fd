import { useDataQuery } from '@dhis2/app-runtime'
import { useMemo } from 'react'
import type { Period } from '../../shared/mappings'
import {
  minMaxParams,
  reportValuesParams,
  splitReportValues,
  type DataValueJson,
  type MinMaxJson,
  type ReportValues,
} from './reportValues'

const query = {
  report: {
    resource: 'dataValueSets',
    params: (variables: Record<string, string>) => ({ ...variables }),
  },
  ranges: {
    resource: 'minMaxDataElements',
    params: (variables: Record<string, string>) => minMaxParams(variables.orgUnit ?? ''),
  },
}

interface Result {
  report: { dataValues?: DataValueJson[] }
  ranges: { minMaxDataElements?: MinMaxJson[] }
}

/**
 * The stored values of one report, the RC's history (one GET /api/dataValueSets) and DHIS2's min–max ranges
 * of their boxes, in parallel. The variables are read once: the caller remounts the form (React key) when
 * the RC or the month changes.
 */
export function useReportValues(dataSetId: string, orgUnitId: string, period: Period) {
  const variables = useMemo(() => reportValuesParams(dataSetId, orgUnitId, period), [dataSetId, orgUnitId, period])
  const { loading, error, data, refetch } = useDataQuery<Result>(query, { variables })
  const report: ReportValues | undefined = useMemo(
    () =>
      data
        ? splitReportValues(data.report.dataValues ?? [], period.id, data.ranges.minMaxDataElements ?? [])
        : undefined,
    [data, period.id],
  )
  return { loading, error, report, refetch }
}
