import type { PeriodTypeName, ValidationRule, ValueType } from '../../shared/mappings'

export interface CategoryOptionMeta {
  id: string
  code?: string
  displayName: string
}

export interface CategoryMeta {
  id: string
  displayName: string
  categoryOptions: CategoryOptionMeta[]
}

export interface OptionComboMeta {
  id: string
  code?: string
  displayName: string
  categoryOptions: Array<{ id: string }>
}

export interface CategoryComboMeta {
  id: string
  isDefault: boolean
  categories: CategoryMeta[]
  categoryOptionCombos: OptionComboMeta[]
}

export interface DataElementMeta {
  id: string
  code?: string
  displayFormName: string
  valueType: ValueType
  zeroIsSignificant?: boolean
  aggregationType?: string
  categoryCombo: CategoryComboMeta
}

export interface SectionMeta {
  id: string
  code?: string
  displayName: string
  sortOrder: number
  dataElements: DataElementMeta[]
}

export interface DataSetMeta {
  id: string
  code?: string
  displayName: string
  periodType: PeriodTypeName
  openFuturePeriods: number
  expiryDays: number
  categoryCombo: { id: string }
  sections: SectionMeta[]
  /** Boxes that must be filled: one option combo, or (no combo) at least one box of the element. */
  compulsoryDataElementOperands?: Array<{ dataElement: { id: string }; categoryOptionCombo?: { id: string } }>
  /** DHIS2 refuses to complete a report with an empty compulsory box (otherwise it completes, with a conflict). */
  compulsoryFieldsCompleteOnly?: boolean
}

/** Everything the entry screen needs besides the values: the form, its rules and the server's clock. */
export interface EntryMetadata {
  dataSet: DataSetMeta
  rules: ValidationRule[]
  /** `serverDate` of /api/system/info, and when (browser ms) it was read. */
  serverDate: string
  readAt: number
}

/** Identifies one cell of the form: data element and category option combo. */
export const cellKey = (dataElement: string, optionCombo: string): string => `${dataElement}.${optionCombo}`
