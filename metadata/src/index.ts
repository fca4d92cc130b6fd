/**
 * The programme's DHIS2 metadata package (README.md): read from its JSON files, typed. Objects are as DHIS2's
 * import takes them — no `created`/`lastUpdated`, references by `{id}`.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type {
  Category,
  CategoryCombo,
  CategoryOption,
  CategoryOptionCombo,
  DataElement,
  DataSet,
  Indicator,
  IndicatorType,
  OrganisationUnitGroup,
  OrganisationUnitGroupSet,
  OrganisationUnitLevel,
  Ref,
  Section,
  Sharing,
  Translation,
  ValidationRule,
} from '@relais/mappings'

/** An object as imported: DHIS2 stamps the times itself. */
type Imported<T> = Omit<T, 'created' | 'lastUpdated'>

export interface ValidationRuleGroup {
  id: string
  code: string
  name: string
  description?: string
  translations?: Translation[]
  validationRules: Ref[]
}

export interface PackageUserGroup {
  id: string
  code: string
  name: string
  translations?: Translation[]
  sharing: Sharing
}

export interface PackageUserRole {
  id: string
  code: string
  name: string
  authorities: string[]
  sharing: Sharing
}

/** An option of an option set (issue 19 §3): `code` is what a data value holds. */
export interface PackageOption {
  id: string
  code: string
  name: string
  translations?: Translation[]
  sortOrder: number
  optionSet: Ref
}

export interface PackageOptionSet {
  id: string
  code: string
  name: string
  translations?: Translation[]
  valueType: string
  /** In order: DHIS2 keeps the options' order from this list. */
  options: Ref[]
  sharing: Sharing
}

/** A program as imported: org units come from the roster (as for the data sets), the category combo is the default. */
export interface PackageProgram {
  id: string
  code: string
  name: string
  shortName: string
  description?: string
  translations?: Translation[]
  programType: 'WITHOUT_REGISTRATION' | 'WITH_REGISTRATION'
  programStages: Ref[]
  expiryDays: number
  completeEventsExpiryDays: number
  sharing: Sharing
}

/** One data element of a program stage (an embedded object: DHIS2 keeps it inside its stage). */
export interface PackageProgramStageDataElement {
  id: string
  dataElement: Ref
  compulsory: boolean
  allowProvidedElsewhere: boolean
  displayInReports: boolean
  sortOrder: number
}

export interface PackageProgramStage {
  id: string
  code: string
  name: string
  translations?: Translation[]
  program: Ref
  repeatable: boolean
  minDaysFromStart: number
  sortOrder: number
  programStageDataElements: PackageProgramStageDataElement[]
  sharing: Sharing
}

export interface RelaisMetadataPackage {
  package: { name: string; version: string; description: string; dhis2: string[] }
  categoryOptions: Imported<Omit<CategoryOption, 'organisationUnits'>>[]
  categories: Imported<Category>[]
  /** Without `categoryOptionCombos`: the option combos own that link. */
  categoryCombos: Imported<Omit<CategoryCombo, 'categoryOptionCombos'>>[]
  categoryOptionCombos: Imported<CategoryOptionCombo>[]
  optionSets: PackageOptionSet[]
  options: PackageOption[]
  /** Without `categoryCombo` when it is DHIS2's default. */
  dataElements: Imported<Omit<DataElement, 'categoryCombo'> & { categoryCombo?: Ref }>[]
  /**
   * Without org units (the roster assigns them), without `sections` (the sections own that link) and without
   * `categoryCombo` when it is the default.
   */
  dataSets: Imported<Omit<DataSet, 'organisationUnits' | 'categoryCombo' | 'sections'> & { categoryCombo?: Ref }>[]
  sections: Imported<Section>[]
  /** The event programs (no registration: no tracked entity, so no personal attribute), without org units. */
  programs: PackageProgram[]
  programStages: PackageProgramStage[]
  indicatorTypes: Imported<IndicatorType>[]
  indicators: Imported<Indicator>[]
  validationRules: Imported<ValidationRule>[]
  validationRuleGroups: ValidationRuleGroup[]
  organisationUnitLevels: Imported<OrganisationUnitLevel>[]
  organisationUnitGroupSets: Imported<OrganisationUnitGroupSet>[]
  /** Without members (the roster keeps the active-RC group in step) and sets (the set owns that link). */
  organisationUnitGroups: Imported<Omit<OrganisationUnitGroup, 'organisationUnits' | 'groupSets'>>[]
  userGroups: PackageUserGroup[]
  userRoles: PackageUserRole[]
}

export const PACKAGE_DIR = join(__dirname, '..')
export const PACKAGE_FILE = join(PACKAGE_DIR, 'relais-metadata.json')
export const DATASTORE_FILE = join(PACKAGE_DIR, 'datastore.json')

/** The object types of the package, in the order DHIS2 imports them (references before referrers). */
export const PACKAGE_TYPES = [
  'categoryOptions',
  'categories',
  'categoryCombos',
  'categoryOptionCombos',
  'optionSets',
  'options',
  'dataElements',
  'dataSets',
  'sections',
  'programs',
  'programStages',
  'indicatorTypes',
  'indicators',
  'validationRules',
  'validationRuleGroups',
  'organisationUnitLevels',
  'organisationUnitGroups',
  'organisationUnitGroupSets',
  'userGroups',
  'userRoles',
] as const satisfies readonly (keyof RelaisMetadataPackage)[]

let cached: RelaisMetadataPackage | undefined

/** The package (parsed once; callers must not change it: copy what they adapt). */
export function relaisPackage(): RelaisMetadataPackage {
  cached ??= JSON.parse(readFileSync(PACKAGE_FILE, 'utf8')) as RelaisMetadataPackage
  return cached
}

/** dataStore defaults: namespace → key → value. */
export function dataStoreDefaults(): Record<string, Record<string, unknown>> {
  return JSON.parse(readFileSync(DATASTORE_FILE, 'utf8')) as Record<string, Record<string, unknown>>
}
