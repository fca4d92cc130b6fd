/**
 * The DHIS2 metadata objects Relais reads, in the JSON shape of DHIS2's Web API (2.40/2.41): references
 * to other objects are `{ id }`. The DHIS2 stand-in stores and serves these shapes, and the mappings
 * engine validates against a snapshot of them, so that both read the same thing.
 */
import type { PeriodTypeName } from './periods'
import type { ValueType } from './value-types'

export interface Ref {
  id: string
}

export interface Translation {
  property: 'NAME' | 'SHORT_NAME' | 'DESCRIPTION' | 'FORM_NAME'
  locale: string
  value: string
}

/** One user's or group's access to an object: 8 characters, metadata read/write then data read/write. */
export interface SharingAccess {
  id: string
  access: string
}

/** An object's sharing as DHIS2 2.36+ renders and imports it (`public`: everyone's access string). */
export interface Sharing {
  owner?: string
  external?: boolean
  public?: string
  users?: Record<string, SharingAccess>
  userGroups?: Record<string, SharingAccess>
}

export interface IdentifiableObject {
  id: string
  code?: string
  name: string
  created: string
  lastUpdated: string
  translations?: Translation[]
  /** On the types DHIS2 shares (data sets, category options, data elements, indicators, groups, roles…). */
  sharing?: Sharing
}

export interface NameableObject extends IdentifiableObject {
  shortName: string
  description?: string
}

export interface OrganisationUnit extends NameableObject {
  level: number
  path: string
  parent?: Ref
  children: Ref[]
  openingDate: string
  closedDate?: string
  organisationUnitGroups: Ref[]
}

export interface OrganisationUnitGroup extends NameableObject {
  organisationUnits: Ref[]
  groupSets: Ref[]
}

export interface OrganisationUnitGroupSet extends NameableObject {
  organisationUnitGroups: Ref[]
  dataDimension: boolean
}

export interface OrganisationUnitLevel extends IdentifiableObject {
  level: number
}

export type DataDimensionType = 'DISAGGREGATION' | 'ATTRIBUTE'

export interface CategoryOption extends NameableObject {
  startDate?: string
  endDate?: string
  organisationUnits: Ref[]
}

export interface Category extends NameableObject {
  dataDimensionType: DataDimensionType
  categoryOptions: Ref[]
}

export interface CategoryCombo extends IdentifiableObject {
  dataDimensionType: DataDimensionType
  isDefault: boolean
  skipTotal: boolean
  categories: Ref[]
  categoryOptionCombos: Ref[]
}

export interface CategoryOptionCombo extends IdentifiableObject {
  categoryCombo: Ref
  categoryOptions: Ref[]
  ignoreApproval: boolean
}

export type AggregationType = 'SUM' | 'AVERAGE' | 'AVERAGE_SUM_ORG_UNIT' | 'LAST' | 'COUNT' | 'MIN' | 'MAX' | 'NONE'

export interface DataElement extends NameableObject {
  formName?: string
  valueType: ValueType
  aggregationType: AggregationType
  domainType: 'AGGREGATE' | 'TRACKER'
  categoryCombo: Ref
  zeroIsSignificant: boolean
  optionSet?: Ref
}

export interface DataSetElement {
  dataSet: Ref
  dataElement: Ref
  /** When set, overrides the data element's own category combo for this data set. */
  categoryCombo?: Ref
}

export interface DataSet extends NameableObject {
  periodType: PeriodTypeName
  categoryCombo: Ref
  dataSetElements: DataSetElement[]
  organisationUnits: Ref[]
  sections: Ref[]
  /** Days after the period's end during which data can still be entered; 0 = never locked. */
  expiryDays: number
  openFuturePeriods: number
  /** Days after the period's end within which a completed report counts as on time. */
  timelyDays: number
  compulsoryDataElementOperands: { dataElement: Ref; categoryOptionCombo?: Ref }[]
  /** A report with an empty compulsory box cannot be completed (otherwise it is, with a conflict). */
  compulsoryFieldsCompleteOnly?: boolean
  validCompleteOnly: boolean
}

export interface Section extends IdentifiableObject {
  dataSet: Ref
  sortOrder: number
  dataElements: Ref[]
  description?: string
}

export interface IndicatorType extends IdentifiableObject {
  factor: number
  number: boolean
}

export interface Indicator extends NameableObject {
  indicatorType: Ref
  numerator: string
  numeratorDescription: string
  denominator: string
  denominatorDescription: string
  annualized: boolean
  decimals?: number
}

export type MissingValueStrategy = 'SKIP_IF_ANY_VALUE_MISSING' | 'SKIP_IF_ALL_VALUES_MISSING' | 'NEVER_SKIP'

export interface ValidationRuleSide {
  expression: string
  description: string
  missingValueStrategy: MissingValueStrategy
}

export interface ValidationRule extends NameableObject {
  importance: 'HIGH' | 'MEDIUM' | 'LOW'
  operator:
    'equal_to' | 'not_equal_to' | 'greater_than' | 'greater_than_or_equal_to' | 'less_than' | 'less_than_or_equal_to'
  periodType: PeriodTypeName
  leftSide: ValidationRuleSide
  rightSide: ValidationRuleSide
  instruction?: string
}

export interface UserRole extends IdentifiableObject {
  authorities: string[]
  users: Ref[]
}

export interface UserGroup extends IdentifiableObject {
  users: Ref[]
}

export interface User extends IdentifiableObject {
  username: string
  firstName: string
  surname: string
  email?: string
  phoneNumber?: string
  disabled: boolean
  /** DHIS2 2.40+ name of the 2FA flag (2.38/2.39 called it `twoFA`). */
  twoFactorEnabled: boolean
  accountExpiry?: string
  lastLogin?: string
  passwordLastUpdated: string
  externalAuth: boolean
  organisationUnits: Ref[]
  dataViewOrganisationUnits: Ref[]
  teiSearchOrganisationUnits: Ref[]
  userGroups: Ref[]
  userRoles: Ref[]
  settings: { keyUiLocale: string; keyDbLocale: string }
}

/** A metadata snapshot, as `GET /api/metadata` returns it (one array per object type). */
export interface MetadataSnapshot {
  organisationUnits: OrganisationUnit[]
  organisationUnitGroups: OrganisationUnitGroup[]
  organisationUnitGroupSets: OrganisationUnitGroupSet[]
  organisationUnitLevels: OrganisationUnitLevel[]
  categoryOptions: CategoryOption[]
  categories: Category[]
  categoryCombos: CategoryCombo[]
  categoryOptionCombos: CategoryOptionCombo[]
  dataElements: DataElement[]
  dataSets: DataSet[]
  sections: Section[]
  indicatorTypes: IndicatorType[]
  indicators: Indicator[]
  validationRules: ValidationRule[]
}

export type MetadataCollection = keyof MetadataSnapshot
