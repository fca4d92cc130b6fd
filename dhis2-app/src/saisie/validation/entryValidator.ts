import i18n from '@dhis2/d2-i18n'
import {
  createDataValueValidator,
  MetadataIndex,
  valueTypeErrorMessage,
  type DataValueConflict,
  type MetadataSnapshot,
  type ValueTypeError,
} from '../../shared/mappings'
import type { Language } from '../../shared/language'
import type { DataSetMeta, EntryMetadata } from '../metadata/types'
import { problemMessage } from './problemMessage'
import { numberProblem } from './valueAdvice'

export interface EntryUser {
  id: string
  username: string
  authorities?: string[]
  organisationUnits: Array<{ id: string }>
}

export interface EntryOrgUnit {
  id: string
  path: string
  level?: number
}

const STAMP = '1970-01-01T00:00:00.000'

/**
 * A metadata snapshot holding just what one form needs — the data set, its elements and combos, the
 * chosen org unit and the rules — so the SAME validator as the bridge and the DHIS2 stand-in
 * (@relais/mappings data-value-rules) can check a value as it is typed.
 */
export function entrySnapshot(metadata: EntryMetadata, orgUnit: EntryOrgUnit): MetadataSnapshot {
  const dataSet: DataSetMeta = metadata.dataSet
  const elements = dataSet.sections.flatMap((s) => s.dataElements)
  const combos = new Map(elements.map((e) => [e.categoryCombo.id, e.categoryCombo]))
  const base = (id: string, name: string, code?: string) => ({
    id,
    code,
    name,
    shortName: name.slice(0, 50),
    created: STAMP,
    lastUpdated: STAMP,
  })
  return {
    organisationUnits: [
      {
        ...base(orgUnit.id, orgUnit.id),
        level: orgUnit.level ?? orgUnit.path.split('/').filter(Boolean).length,
        path: orgUnit.path,
        children: [],
        openingDate: STAMP,
        organisationUnitGroups: [],
      },
    ],
    organisationUnitGroups: [],
    organisationUnitGroupSets: [],
    organisationUnitLevels: [],
    categoryOptions: [],
    categories: [],
    categoryCombos: [...combos.values()].map((combo) => ({
      ...base(combo.id, combo.id),
      dataDimensionType: 'DISAGGREGATION' as const,
      isDefault: combo.isDefault,
      skipTotal: false,
      categories: combo.categories.map((c) => ({ id: c.id })),
      categoryOptionCombos: combo.categoryOptionCombos.map((c) => ({ id: c.id })),
    })),
    categoryOptionCombos: [...combos.values()].flatMap((combo) =>
      combo.categoryOptionCombos.map((coc) => ({
        ...base(coc.id, coc.displayName, coc.code),
        categoryCombo: { id: combo.id },
        categoryOptions: coc.categoryOptions,
        ignoreApproval: false,
      })),
    ),
    dataElements: elements.map((e) => ({
      ...base(e.id, e.displayFormName, e.code),
      valueType: e.valueType,
      aggregationType: (e.aggregationType ?? 'SUM') as 'SUM',
      domainType: 'AGGREGATE' as const,
      categoryCombo: { id: e.categoryCombo.id },
      zeroIsSignificant: e.zeroIsSignificant ?? false,
    })),
    dataSets: [
      {
        ...base(dataSet.id, dataSet.displayName, dataSet.code),
        periodType: dataSet.periodType,
        categoryCombo: dataSet.categoryCombo,
        dataSetElements: elements.map((e) => ({ dataSet: { id: dataSet.id }, dataElement: { id: e.id } })),
        organisationUnits: [{ id: orgUnit.id }],
        sections: [],
        expiryDays: dataSet.expiryDays,
        openFuturePeriods: dataSet.openFuturePeriods,
        timelyDays: 0,
        compulsoryDataElementOperands: [],
        validCompleteOnly: false,
      },
    ],
    sections: [],
    indicatorTypes: [],
    indicators: [],
    validationRules: metadata.rules,
  }
}

export interface CellCheckInput {
  dataElement: string
  optionCombo: string
  period: string
  value: string
}

export type CellCheck = (input: CellCheckInput, now: string, language: Language) => string | null

/** A checker of typed values for one org unit: null when DHIS2 would take the value, else why not. */
export function createCellCheck(
  index: MetadataIndex,
  dataSetId: string,
  orgUnitId: string,
  user: EntryUser,
): CellCheck {
  const authorities = user.authorities ?? []
  const ruleUser = {
    id: user.id,
    username: user.username,
    captureOrgUnitIds: user.organisationUnits.map((o) => o.id),
    authorities,
    isSuperuser: authorities.includes('ALL'),
  }
  const dataSet = index.objects.dataSets.byId.get(dataSetId)
  return (input, now, language) => {
    const validator = createDataValueValidator({
      index,
      user: ruleUser,
      now,
      context: { dataSet, raw: { dataSet: dataSetId } },
    })
    const result = validator.check({
      dataElement: input.dataElement,
      period: input.period,
      orgUnit: orgUnitId,
      categoryOptionCombo: input.optionCombo,
      value: input.value,
    })
    if (result.ok) return null
    // DHIS2's check says what type the box takes; what exactly is wrong with the number says more (« 2,5 »).
    const type = index.objects.dataElements.byId.get(input.dataElement)?.valueType
    const problem = result.conflict.errorCode === 'E7619' && type ? numberProblem(type, input.value) : undefined
    return problem ? problemMessage(problem) : conflictMessage(result.conflict, language)
  }
}

export function conflictMessage(conflict: DataValueConflict, language: Language): string {
  if (conflict.errorCode === 'E7619') {
    return valueTypeErrorMessage(conflict.objects.value as ValueTypeError, language)
  }
  if (conflict.errorCode === 'E7640') return i18n.t('This month is closed; it can no longer be changed.')
  if (conflict.errorCode === 'E7641') return i18n.t('This month is not open for entry yet.')
  return conflict.message
}

export function createEntryIndex(metadata: EntryMetadata, orgUnit: EntryOrgUnit): MetadataIndex {
  return new MetadataIndex(entrySnapshot(metadata, orgUnit))
}
