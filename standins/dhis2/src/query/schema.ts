/**
 * What the list API needs to know about each metadata type: its endpoint, singular name, which
 * properties reference other objects (so `fields=parent[id,name]` can expand them), which are not
 * owned (left out of `:owner`), and which are computed on read.
 */
export type CollectionName =
  | 'organisationUnits'
  | 'organisationUnitGroups'
  | 'organisationUnitGroupSets'
  | 'organisationUnitLevels'
  | 'validationRuleGroups'
  | 'categoryOptions'
  | 'categories'
  | 'categoryCombos'
  | 'categoryOptionCombos'
  | 'dataElements'
  | 'dataSets'
  | 'sections'
  | 'indicatorTypes'
  | 'indicators'
  | 'validationRules'
  | 'users'
  | 'userGroups'
  | 'userRoles'
  | 'programs'
  | 'programStages'
  | 'optionSets'
  | 'options'

export interface PropertyInfo {
  /** The collection the property's `{id}` references point into. */
  ref?: CollectionName
  /** Not owned by this object (DHIS2 leaves these out of `:owner`). */
  notOwner?: boolean
  /** Computed when read (ancestors, display names…), never stored. */
  computed?: boolean
}

export interface CollectionSchema {
  singular: string
  properties: Record<string, PropertyInfo>
}

const IDENTIFIABLE: Record<string, PropertyInfo> = {
  displayName: { computed: true },
  href: { computed: true },
}
const NAMEABLE: Record<string, PropertyInfo> = {
  ...IDENTIFIABLE,
  displayShortName: { computed: true },
  displayDescription: { computed: true },
}

export const SCHEMAS: Record<CollectionName, CollectionSchema> = {
  organisationUnits: {
    singular: 'organisationUnit',
    properties: {
      ...NAMEABLE,
      parent: { ref: 'organisationUnits' },
      children: { ref: 'organisationUnits', notOwner: true },
      ancestors: { ref: 'organisationUnits', computed: true },
      organisationUnitGroups: { ref: 'organisationUnitGroups', notOwner: true },
      dataSets: { ref: 'dataSets', notOwner: true, computed: true },
    },
  },
  organisationUnitGroups: {
    singular: 'organisationUnitGroup',
    properties: {
      ...NAMEABLE,
      organisationUnits: { ref: 'organisationUnits' },
      groupSets: { ref: 'organisationUnitGroupSets', notOwner: true },
    },
  },
  organisationUnitGroupSets: {
    singular: 'organisationUnitGroupSet',
    properties: { ...NAMEABLE, organisationUnitGroups: { ref: 'organisationUnitGroups' } },
  },
  organisationUnitLevels: { singular: 'organisationUnitLevel', properties: { ...IDENTIFIABLE } },
  categoryOptions: {
    singular: 'categoryOption',
    properties: { ...NAMEABLE, organisationUnits: { ref: 'organisationUnits' } },
  },
  categories: { singular: 'category', properties: { ...NAMEABLE, categoryOptions: { ref: 'categoryOptions' } } },
  categoryCombos: {
    singular: 'categoryCombo',
    properties: {
      ...IDENTIFIABLE,
      categories: { ref: 'categories' },
      categoryOptionCombos: { ref: 'categoryOptionCombos', notOwner: true },
    },
  },
  categoryOptionCombos: {
    singular: 'categoryOptionCombo',
    properties: {
      ...IDENTIFIABLE,
      categoryCombo: { ref: 'categoryCombos' },
      categoryOptions: { ref: 'categoryOptions' },
    },
  },
  dataElements: {
    singular: 'dataElement',
    properties: {
      ...NAMEABLE,
      displayFormName: { computed: true },
      categoryCombo: { ref: 'categoryCombos' },
      optionSet: { ref: 'optionSets' },
      dataSetElements: { notOwner: true, computed: true },
    },
  },
  dataSets: {
    singular: 'dataSet',
    properties: {
      ...NAMEABLE,
      categoryCombo: { ref: 'categoryCombos' },
      organisationUnits: { ref: 'organisationUnits' },
      sections: { ref: 'sections', notOwner: true },
    },
  },
  sections: {
    singular: 'section',
    properties: { ...IDENTIFIABLE, dataSet: { ref: 'dataSets' }, dataElements: { ref: 'dataElements' } },
  },
  indicatorTypes: { singular: 'indicatorType', properties: { ...IDENTIFIABLE } },
  indicators: { singular: 'indicator', properties: { ...NAMEABLE, indicatorType: { ref: 'indicatorTypes' } } },
  validationRules: { singular: 'validationRule', properties: { ...NAMEABLE } },
  validationRuleGroups: {
    singular: 'validationRuleGroup',
    properties: { ...IDENTIFIABLE, validationRules: { ref: 'validationRules' } },
  },
  users: {
    singular: 'user',
    properties: {
      ...IDENTIFIABLE,
      organisationUnits: { ref: 'organisationUnits' },
      dataViewOrganisationUnits: { ref: 'organisationUnits' },
      teiSearchOrganisationUnits: { ref: 'organisationUnits' },
      userGroups: { ref: 'userGroups', notOwner: true },
      userRoles: { ref: 'userRoles' },
      userCredentials: { computed: true },
      // Named by version (setup-ops §5.1): computed so that 2.42 leaves it out and 2.39 names it `twoFA`.
      twoFactorEnabled: { computed: true },
      twoFA: { computed: true },
    },
  },
  userGroups: { singular: 'userGroup', properties: { ...IDENTIFIABLE, users: { ref: 'users' } } },
  userRoles: { singular: 'userRole', properties: { ...IDENTIFIABLE, users: { ref: 'users', notOwner: true } } },
  // Tracker (store/tracker-metadata.ts). Both sides of program↔stage and option set↔option are owners: neither
  // collection is `inverse` in Program.hbm.xml / OptionSet.hbm.xml (core@2.41.9), so `:owner` shows both.
  programs: {
    singular: 'program',
    properties: {
      ...NAMEABLE,
      categoryCombo: { ref: 'categoryCombos' },
      organisationUnits: { ref: 'organisationUnits' },
      programStages: { ref: 'programStages' },
    },
  },
  programStages: { singular: 'programStage', properties: { ...IDENTIFIABLE, program: { ref: 'programs' } } },
  optionSets: { singular: 'optionSet', properties: { ...IDENTIFIABLE, options: { ref: 'options' } } },
  options: { singular: 'option', properties: { ...IDENTIFIABLE, optionSet: { ref: 'optionSets' } } },
}

/** Nested reference properties inside embedded objects (e.g. dataSetElements[].dataElement). */
export const EMBEDDED_REFS: Record<string, CollectionName> = {
  dataElement: 'dataElements',
  dataSet: 'dataSets',
  categoryCombo: 'categoryCombos',
  categoryOptionCombo: 'categoryOptionCombos',
  organisationUnit: 'organisationUnits',
  indicatorType: 'indicatorTypes',
  program: 'programs',
  programStage: 'programStages',
  optionSet: 'optionSets',
}

export const COLLECTIONS = Object.keys(SCHEMAS) as CollectionName[]
