import { useDataQuery } from '@dhis2/app-runtime'
import { useMemo } from 'react'
import type { ValidationRule } from '../../shared/mappings'
import type { DataSetMeta, EntryMetadata } from './types'

import { DATA_SET_CODE } from '../../shared/programme'

export { DATA_SET_CODE }

const COMBO_FIELDS =
  'id,isDefault,categories[id,displayName,categoryOptions[id,code,displayName]],categoryOptionCombos[id,code,displayName,categoryOptions[id]]'
export const DATA_SET_FIELDS = [
  'id,code,displayName,periodType,openFuturePeriods,expiryDays,categoryCombo[id]',
  'compulsoryDataElementOperands[dataElement[id],categoryOptionCombo[id]],compulsoryFieldsCompleteOnly',
  `sections[id,code,displayName,sortOrder,dataElements[id,code,displayFormName,valueType,zeroIsSignificant,aggregationType,categoryCombo[${COMBO_FIELDS}]]]`,
].join(',')
/** Raw rules with their translations: the mappings engine writes the French and English messages. */
export const RULE_FIELDS =
  'id,code,name,displayName,instruction,importance,operator,periodType,leftSide,rightSide,translations'

export const entryMetadataQuery = {
  dataSets: {
    resource: 'dataSets',
    params: { filter: `code:eq:${DATA_SET_CODE}`, fields: DATA_SET_FIELDS, paging: false },
  },
  rules: {
    resource: 'validationRules',
    params: { filter: 'periodType:eq:Monthly', fields: RULE_FIELDS, paging: false },
  },
  info: { resource: 'system/info' },
}

export interface EntryMetadataResult {
  dataSets: { dataSets: DataSetMeta[] }
  rules: { validationRules: ValidationRule[] }
  info: { serverDate: string }
}

export function toEntryMetadata(result: EntryMetadataResult, readAt: number): EntryMetadata | null {
  const dataSet = result.dataSets.dataSets[0]
  if (!dataSet) return null
  const sections = [...dataSet.sections].sort((a, b) => a.sortOrder - b.sortOrder)
  return {
    dataSet: { ...dataSet, sections },
    rules: result.rules.validationRules,
    serverDate: result.info.serverDate,
    readAt,
  }
}

/** Loads the form's metadata once per visit of the screen (three requests in parallel). */
export function useEntryMetadata() {
  const { loading, error, data, refetch } = useDataQuery<EntryMetadataResult>(entryMetadataQuery)
  const metadata = useMemo(() => (data ? toEntryMetadata(data, Date.now()) : undefined), [data])
  return { loading, error, metadata, refetch }
}
