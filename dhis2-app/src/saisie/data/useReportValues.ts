import { useDataQuery } from '@dhis2/app-runtime'
import { useMemo } from 'react'
import type { Period } from '../../shared/mappings'
import { reportValuesParams, splitReportValues, type DataValueJson, type ReportValues } from './reportValues'

const query = {
  report: {
    resource: 'dataValueSets',
    params: (variables: Record<string, string>) => ({ ...variables }),
  },
}

interface Result {
  report: { dataValues?: DataValueJson[] }
}

/**
 * The stored values of one report and the RC's history (one GET /api/dataValueSets). The variables are
 * read once: the caller remounts the form (React key) when the RC or the month changes.
 */
export function useReportValues(dataSetId: string, orgUnitId: string, period: Period) {
  const variables = useMemo(() => reportValuesParams(dataSetId, orgUnitId, period), [dataSetId, orgUnitId, period])
  const { loading, error, data, refetch } = useDataQuery<Result>(query, { variables })
  const report: ReportValues | undefined = useMemo(
    () => (data ? splitReportValues(data.report.dataValues ?? [], period.id) : undefined),
    [data, period.id],
  )
  return { loading, error, report, refetch }
}
