/**
 * Table-driven tests of the shared import rules on a small local metadata snapshot (not the stand-in's
 * seed, so that mappings stays independent): one case at least per rule of DATA_VALUE_RULES, with
 * DHIS2's exact `errorCode`, `property`, `object`, `objects` and message, plus the check order and what
 * a passing value resolves to.
 */
import type {
  Category,
  CategoryCombo,
  CategoryOption,
  CategoryOptionCombo,
  DataElement,
  DataSet,
  MetadataSnapshot,
  OrganisationUnit,
} from './metadata'
import { MetadataIndex } from './metadata-index'
import {
  DATA_VALUE_RULES,
  checkDataSetLevel,
  createConflict,
  createDataValueValidator,
  validateDataValue,
  type DataValueInput,
  type DataValueRuleOptions,
  type DataValueRuleUser,
  type DataValueSetHeader,
} from './data-value-rules'

const T = '2024-01-01T00:00:00.000'
const ref = (id: string) => ({ id })

// Identifiers read like codes but have the 11-character UID shape.
const OU = {
  root: 'OuRoot00001',
  depA: 'OuDepA00001',
  depB: 'OuDepB00001',
  rc1: 'OuRc1000001',
  rc2: 'OuRc2000001',
  rcB: 'OuRcB000001',
}

function orgUnit(id: string, code: string, parent?: OrganisationUnit): OrganisationUnit {
  const unit: OrganisationUnit = {
    id,
    code,
    name: code,
    shortName: code,
    created: T,
    lastUpdated: T,
    level: parent ? parent.level + 1 : 1,
    path: `${parent ? parent.path : ''}/${id}`,
    children: [],
    openingDate: '2000-01-01T00:00:00.000',
    organisationUnitGroups: [],
  }
  if (parent) {
    unit.parent = ref(parent.id)
    parent.children.push(ref(id))
  }
  return unit
}

function buildSnapshot(): MetadataSnapshot {
  const root = orgUnit(OU.root, 'BJ')
  const depA = orgUnit(OU.depA, 'DEP-A', root)
  const depB = orgUnit(OU.depB, 'DEP-B', root)
  const rc1 = orgUnit(OU.rc1, 'RC-1', depA)
  const rc2 = orgUnit(OU.rc2, 'RC-2', depA)
  const rcB = orgUnit(OU.rcB, 'RC-B', depB)

  const option = (id: string, code: string, extra: Partial<CategoryOption> = {}): CategoryOption => ({
    id,
    code,
    name: code,
    shortName: code,
    created: T,
    lastUpdated: T,
    organisationUnits: [],
    ...extra,
  })
  const categoryOptions = [
    option('CoDefault01', 'default'),
    option('CoMale00001', 'M'),
    option('CoFemale001', 'F'),
    // A project option limited in time and to département A: the attribute-combo rules E7638/E7639.
    option('CoProjet001', 'P1', {
      startDate: '2026-01-01T00:00:00.000',
      endDate: '2026-06-30T00:00:00.000',
      organisationUnits: [ref(OU.depA)],
    }),
  ]
  const category = (
    id: string,
    code: string,
    options: string[],
    type: Category['dataDimensionType'] = 'DISAGGREGATION',
  ): Category => ({
    id,
    code,
    name: code,
    shortName: code,
    created: T,
    lastUpdated: T,
    dataDimensionType: type,
    categoryOptions: options.map(ref),
  })
  const categories = [
    category('CaDefault01', 'default', ['CoDefault01']),
    category('CaSexe00001', 'SEXE', ['CoMale00001', 'CoFemale001']),
    category('CaProjet001', 'PROJET', ['CoProjet001'], 'ATTRIBUTE'),
  ]
  const combo = (id: string, code: string, cats: string[], cocs: string[], isDefault = false): CategoryCombo => ({
    id,
    code,
    name: code,
    created: T,
    lastUpdated: T,
    dataDimensionType: code === 'PROJET' ? 'ATTRIBUTE' : 'DISAGGREGATION',
    isDefault,
    skipTotal: false,
    categories: cats.map(ref),
    categoryOptionCombos: cocs.map(ref),
  })
  const categoryCombos = [
    combo('CcDefault01', 'default', ['CaDefault01'], ['CocDefault1'], true),
    combo('CcSexe00001', 'SEXE', ['CaSexe00001'], ['CocMale0001', 'CocFemale01']),
    combo('CcProjet001', 'PROJET', ['CaProjet001'], ['CocProjet01']),
  ]
  const coc = (id: string, code: string, comboId: string, options: string[]): CategoryOptionCombo => ({
    id,
    code,
    name: code,
    created: T,
    lastUpdated: T,
    categoryCombo: ref(comboId),
    categoryOptions: options.map(ref),
    ignoreApproval: false,
  })
  const categoryOptionCombos = [
    coc('CocDefault1', 'default', 'CcDefault01', ['CoDefault01']),
    coc('CocMale0001', 'M', 'CcSexe00001', ['CoMale00001']),
    coc('CocFemale01', 'F', 'CcSexe00001', ['CoFemale001']),
    coc('CocProjet01', 'P1', 'CcProjet001', ['CoProjet001']),
  ]
  const element = (
    id: string,
    code: string,
    valueType: DataElement['valueType'],
    comboId = 'CcDefault01',
    extra: Partial<DataElement> = {},
  ): DataElement => ({
    id,
    code,
    name: code,
    shortName: code,
    created: T,
    lastUpdated: T,
    valueType,
    aggregationType: 'SUM',
    domainType: 'AGGREGATE',
    categoryCombo: ref(comboId),
    zeroIsSignificant: false,
    ...extra,
  })
  const dataElements = [
    element('DeSens00001', 'SENS', 'INTEGER_ZERO_OR_POSITIVE', 'CcSexe00001'),
    element('DeVad000001', 'VAD', 'INTEGER_ZERO_OR_POSITIVE'),
    element('DeRupture01', 'RUPTURE', 'BOOLEAN'),
    element('DeTexte0001', 'TEXTE', 'LONG_TEXT'),
    element('DeMoyenne01', 'MOYENNE', 'INTEGER', 'CcDefault01', { aggregationType: 'AVERAGE' }),
    // Own combo default, but the monthly data set disaggregates it by sex: the override wins there.
    element('DeOverride1', 'OVERRIDE', 'INTEGER_ZERO_OR_POSITIVE'),
    element('DeCible0001', 'CIBLE', 'INTEGER_POSITIVE'),
    element('DeOrphan001', 'ORPHAN', 'NUMBER'),
  ]
  const dataSet = (
    id: string,
    code: string,
    periodType: DataSet['periodType'],
    elements: { de: string; combo?: string }[],
    extra: Partial<DataSet>,
  ): DataSet => ({
    id,
    code,
    name: code,
    shortName: code,
    created: T,
    lastUpdated: T,
    periodType,
    categoryCombo: ref('CcDefault01'),
    dataSetElements: elements.map((e) => ({
      dataSet: ref(id),
      dataElement: ref(e.de),
      ...(e.combo ? { categoryCombo: ref(e.combo) } : {}),
    })),
    organisationUnits: [ref(OU.rc1), ref(OU.rc2), ref(OU.rcB)],
    sections: [],
    expiryDays: 15,
    openFuturePeriods: 0,
    timelyDays: 5,
    compulsoryDataElementOperands: [],
    validCompleteOnly: false,
    ...extra,
  })
  const dataSets = [
    dataSet(
      'DsMensuel01',
      'MENSUEL',
      'Monthly',
      [
        { de: 'DeSens00001' },
        { de: 'DeVad000001' },
        { de: 'DeRupture01' },
        { de: 'DeTexte0001' },
        { de: 'DeMoyenne01' },
        { de: 'DeOverride1', combo: 'CcSexe00001' },
      ],
      {},
    ),
    dataSet('DsCibles001', 'CIBLES', 'Yearly', [{ de: 'DeCible0001' }], { expiryDays: 0, openFuturePeriods: 1 }),
    // TEXTE is in two data sets: the project one never expires.
    dataSet('DsProjet001', 'PROJET', 'Monthly', [{ de: 'DeTexte0001' }], {
      categoryCombo: ref('CcProjet001'),
      expiryDays: 0,
      organisationUnits: [ref(OU.rc1)],
    }),
  ]
  return {
    organisationUnits: [root, depA, depB, rc1, rc2, rcB],
    organisationUnitGroups: [],
    organisationUnitGroupSets: [],
    organisationUnitLevels: [],
    categoryOptions,
    categories,
    categoryCombos,
    categoryOptionCombos,
    dataElements,
    dataSets,
    sections: [],
    indicatorTypes: [],
    indicators: [],
    validationRules: [],
  }
}

const index = new MetadataIndex(buildSnapshot())
const NOW = '2026-10-10T10:00:00.000'

const rcUser: DataValueRuleUser = {
  id: 'UserRc00001',
  username: 'relais',
  captureOrgUnitIds: [OU.depA],
  authorities: ['F_DATAVALUE_ADD'],
  isSuperuser: false,
}
const bridgeUser: DataValueRuleUser = {
  ...rcUser,
  id: 'UserBridge1',
  username: 'passerelle',
  captureOrgUnitIds: [OU.root],
  authorities: new Set(['F_DATAVALUE_ADD', 'F_EDIT_EXPIRED']),
}
const superuser: DataValueRuleUser = {
  id: 'UserAdmin01',
  username: 'admin',
  captureOrgUnitIds: [OU.root],
  authorities: ['ALL'],
  isSuperuser: true,
}

/** A valid monthly value of VAD in RC-1 for September 2026, open until 15 October. */
const base: DataValueInput = { dataElement: 'DeVad000001', period: '202609', orgUnit: OU.rc1, value: '12' }

interface Case {
  name: string
  code: string
  dv?: DataValueInput
  header?: DataValueSetHeader
  options?: DataValueRuleOptions
  user?: DataValueRuleUser
  now?: string
  property?: string | null
  object?: string | null
  objects: Record<string, string>
  message: string
}

const CASES: Case[] = [
  // Data-set level.
  {
    name: 'unknown payload data set',
    code: 'E7600',
    header: { dataSet: 'DsNope00001' },
    property: 'dataSet',
    object: 'DsNope00001',
    objects: { dataSet: 'DsNope00001' },
    message: 'Data set not found or not accessible: `DsNope00001`',
  },
  {
    name: 'data set code under the UID scheme',
    code: 'E7600',
    header: { dataSet: 'MENSUEL' },
    property: 'dataSet',
    object: 'MENSUEL',
    objects: { dataSet: 'MENSUEL' },
    message: 'Data set not found or not accessible: `MENSUEL`',
  },
  {
    name: 'no data write sharing',
    code: 'E7601',
    header: { dataSet: 'DsMensuel01' },
    user: { ...rcUser, canWriteDataSet: (ds) => ds.code !== 'MENSUEL' },
    property: 'dataSet',
    object: 'DsMensuel01',
    objects: { dataSet: 'DsMensuel01' },
    message: 'User does not have write access for DataSet: `DsMensuel01`',
  },
  {
    name: 'strictDataElements without a data set',
    code: 'E7602',
    options: { strictDataElements: true },
    property: 'dataSet',
    object: null,
    objects: {},
    message: 'A valid dataset is required',
  },
  {
    name: 'unknown payload org unit',
    code: 'E7603',
    header: { dataSet: 'DsMensuel01', orgUnit: 'OuNope00001' },
    property: 'orgUnit',
    object: 'OuNope00001',
    objects: { organisationUnit: 'OuNope00001', dataSet: 'DsMensuel01' },
    message: 'Org unit not found or not accessible: `OuNope00001`',
  },
  {
    name: 'unknown payload attribute option combo',
    code: 'E7604',
    header: { attributeOptionCombo: 'CocNope0001' },
    property: 'attributeOptionCombo',
    object: 'CocNope0001',
    objects: { categoryOptionCombo: 'CocNope0001' },
    message: 'Attribute option combo not found or not accessible: `CocNope0001`',
  },
  // Per value.
  {
    name: 'unknown data element',
    code: 'E7610',
    dv: { ...base, dataElement: 'DeNope00001' },
    property: 'dataElement',
    object: 'DeNope00001',
    objects: { dataElement: 'DeNope00001' },
    message: 'Data element not found or not accessible: `DeNope00001`',
  },
  {
    name: 'missing data element',
    code: 'E7610',
    dv: { ...base, dataElement: undefined },
    property: 'dataElement',
    object: null,
    objects: {},
    message: 'Data element not found or not accessible: `null`',
  },
  {
    name: 'data element code under the UID scheme',
    code: 'E7610',
    dv: { ...base, dataElement: 'VAD' },
    property: 'dataElement',
    object: 'VAD',
    objects: { dataElement: 'VAD' },
    message: 'Data element not found or not accessible: `VAD`',
  },
  {
    name: 'not a period',
    code: 'E7611',
    dv: { ...base, period: '2026-13' },
    property: 'period',
    object: '2026-13',
    objects: { period: '2026-13' },
    message: 'Period not valid: `2026-13`',
  },
  {
    name: 'week 53 of a 52-week year',
    code: 'E7611',
    dv: { ...base, period: '2025W53' },
    property: 'period',
    object: '2025W53',
    objects: { period: '2025W53' },
    message: 'Period not valid: `2025W53`',
  },
  {
    name: 'unknown org unit',
    code: 'E7612',
    dv: { ...base, orgUnit: 'OuNope00001' },
    property: 'orgUnit',
    object: 'OuNope00001',
    objects: { organisationUnit: 'OuNope00001' },
    message: 'Organisation unit not found or not accessible: `OuNope00001`',
  },
  {
    name: 'unknown category option combo',
    code: 'E7613',
    dv: { ...base, categoryOptionCombo: 'CocNope0001' },
    property: 'categoryOptionCombo',
    object: 'CocNope0001',
    objects: { categoryOptionCombo: 'CocNope0001' },
    message: 'Category option combo not found or not accessible for writing data: `CocNope0001`',
  },
  {
    name: 'no data write sharing on a category option of the disaggregation',
    code: 'E7614',
    dv: { ...base, categoryOptionCombo: 'CocFemale01' },
    user: { ...rcUser, canWriteCategoryOption: (id) => id !== 'CoFemale001' },
    property: 'categoryOptionCombo',
    object: 'CocFemale01',
    objects: { categoryOptionCombo: 'CocFemale01', categoryOption: 'CoFemale001' },
    message: 'Category option combo: `CocFemale01` option not accessible: `CoFemale001`',
  },
  {
    name: 'unknown attribute option combo',
    code: 'E7615',
    dv: { ...base, attributeOptionCombo: 'CocNope0001' },
    property: 'attributeOptionCombo',
    object: 'CocNope0001',
    objects: { categoryOptionCombo: 'CocNope0001' },
    message: 'Attribute option combo not found or not accessible for writing data: `CocNope0001`',
  },
  {
    name: "no data write sharing on the attribute option combo's category option",
    code: 'E7616',
    dv: { ...base, attributeOptionCombo: 'CocProjet01' },
    user: { ...rcUser, canWriteCategoryOption: (id) => id !== 'CoProjet001' },
    property: 'attributeOptionCombo',
    object: 'CocProjet01',
    objects: { categoryOptionCombo: 'CocProjet01', categoryOption: 'CoProjet001' },
    message: 'Attribute option combo: `CocProjet01` option not accessible: `CoProjet001`',
  },
  {
    name: 'org unit outside the capture hierarchy',
    code: 'E7617',
    dv: { ...base, orgUnit: OU.rcB },
    property: 'orgUnit',
    object: OU.rcB,
    objects: { organisationUnit: OU.rcB, user: 'UserRc00001' },
    message: `Organisation unit: \`${OU.rcB}\` not in hierarchy of current user: \`UserRc00001\``,
  },
  {
    name: 'the capture root itself is in the hierarchy, its parent is not',
    code: 'E7617',
    dv: { ...base, orgUnit: OU.root },
    property: 'orgUnit',
    object: OU.root,
    objects: { organisationUnit: OU.root, user: 'UserRc00001' },
    message: `Organisation unit: \`${OU.root}\` not in hierarchy of current user: \`UserRc00001\``,
  },
  {
    name: 'null value and no comment',
    code: 'E7618',
    dv: { ...base, value: null },
    property: 'value',
    object: 'DeVad000001',
    objects: { dataElement: 'DeVad000001' },
    message: 'Data value or comment not specified for data element: `DeVad000001`',
  },
  {
    name: 'absent value and no comment',
    code: 'E7618',
    dv: { dataElement: 'DeVad000001', period: '202609', orgUnit: OU.rc1 },
    property: 'value',
    object: 'DeVad000001',
    objects: { dataElement: 'DeVad000001' },
    message: 'Data value or comment not specified for data element: `DeVad000001`',
  },
  {
    name: 'negative for zero-or-positive',
    code: 'E7619',
    dv: { ...base, value: '-3' },
    property: 'value',
    object: 'DeVad000001',
    objects: { dataElement: 'DeVad000001', value: 'value_not_zero_or_positive_integer' },
    message: 'Value must match value type of data element `DeVad000001`: `value_not_zero_or_positive_integer`',
  },
  {
    name: 'decimal for zero-or-positive',
    code: 'E7619',
    dv: { ...base, value: '1.5' },
    property: 'value',
    object: 'DeVad000001',
    objects: { dataElement: 'DeVad000001', value: 'value_not_zero_or_positive_integer' },
    message: 'Value must match value type of data element `DeVad000001`: `value_not_zero_or_positive_integer`',
  },
  {
    name: 'padded number (nothing is trimmed)',
    code: 'E7619',
    dv: { ...base, value: ' 12' },
    property: 'value',
    object: 'DeVad000001',
    objects: { dataElement: 'DeVad000001', value: 'value_not_zero_or_positive_integer' },
    message: 'Value must match value type of data element `DeVad000001`: `value_not_zero_or_positive_integer`',
  },
  {
    name: 'not a boolean',
    code: 'E7619',
    dv: { ...base, dataElement: 'DeRupture01', value: 'oui' },
    property: 'value',
    object: 'DeRupture01',
    objects: { dataElement: 'DeRupture01', value: 'value_not_bool' },
    message: 'Value must match value type of data element `DeRupture01`: `value_not_bool`',
  },
  {
    name: 'text over 50,000 characters',
    code: 'E7619',
    dv: { ...base, dataElement: 'DeTexte0001', value: 'x'.repeat(50001) },
    property: 'value',
    object: 'DeTexte0001',
    objects: { dataElement: 'DeTexte0001', value: 'value_length_greater_than_max_length' },
    message: 'Value must match value type of data element `DeTexte0001`: `value_length_greater_than_max_length`',
  },
  {
    name: 'comment over 50,000 characters',
    code: 'E7620',
    dv: { ...base, comment: 'c'.repeat(50001) },
    property: 'comment',
    object: 'comment_length_greater_than_max_length',
    objects: { comment: 'comment_length_greater_than_max_length' },
    message: 'Invalid comment: comment_length_greater_than_max_length',
  },
  {
    name: 'required category option combo missing',
    code: 'E7630',
    dv: base,
    options: { requireCategoryOptionCombo: true },
    property: 'categoryOptionCombo',
    object: null,
    objects: {},
    message: 'Category option combo is required but is not specified',
  },
  {
    name: 'required attribute option combo missing',
    code: 'E7631',
    dv: { ...base, categoryOptionCombo: 'CocDefault1' },
    options: { requireAttributeOptionCombo: true },
    property: 'attributeOptionCombo',
    object: null,
    objects: {},
    message: 'Attribute option combo is required but is not specified',
  },
  {
    name: 'weekly period for a monthly element (strictPeriods)',
    code: 'E7632',
    dv: { ...base, period: '2026W36' },
    options: { strictPeriods: true },
    property: null,
    object: '2026W36',
    objects: { period: '2026W36', dataElement: 'DeVad000001' },
    message: 'Period type of period: `2026W36` not valid for data element: `DeVad000001`',
  },
  {
    name: 'element outside the payload data set (strictDataElements)',
    code: 'E7633',
    header: { dataSet: 'DsCibles001' },
    dv: base,
    options: { strictDataElements: true },
    property: 'dataElement',
    object: 'DeVad000001',
    objects: { dataElement: 'DeVad000001', dataSet: 'DsCibles001' },
    message: 'Data element: `DeVad000001` is not part of dataset(s): `DsCibles001`',
  },
  {
    name: 'sex combo on a default element (strict combos)',
    code: 'E7634',
    dv: { ...base, categoryOptionCombo: 'CocMale0001' },
    options: { strictCategoryOptionCombos: true },
    property: 'categoryOptionCombo',
    object: 'CocMale0001',
    objects: { categoryOptionCombo: 'CocMale0001', dataElement: 'DeVad000001' },
    message: 'Category option combo: `CocMale0001` must be part of category combo of data element: `DeVad000001`',
  },
  {
    name: "element's own default combo where the data set overrides it (strict combos)",
    code: 'E7634',
    header: { dataSet: 'DsMensuel01' },
    dv: { ...base, dataElement: 'DeOverride1', categoryOptionCombo: 'CocDefault1' },
    options: { strictCategoryOptionCombos: true },
    property: 'categoryOptionCombo',
    object: 'CocDefault1',
    objects: { categoryOptionCombo: 'CocDefault1', dataElement: 'DeOverride1' },
    message: 'Category option combo: `CocDefault1` must be part of category combo of data element: `DeOverride1`',
  },
  {
    name: 'disaggregation combo as attribute (strict attribute combos)',
    code: 'E7635',
    dv: { ...base, attributeOptionCombo: 'CocMale0001' },
    options: { strictAttributeOptionCombos: true },
    property: 'attributeOptionCombo',
    object: 'CocMale0001',
    objects: { categoryOptionCombo: 'CocMale0001', dataElement: 'DeVad000001' },
    message:
      'Attribute option combo: `CocMale0001` must be part of category combo of data sets of data element: `DeVad000001`',
  },
  {
    name: 'aire org unit has no data set (strictOrganisationUnits)',
    code: 'E7636',
    dv: { ...base, orgUnit: OU.depA },
    options: { strictOrganisationUnits: true },
    property: 'orgUnit',
    object: OU.depA,
    objects: { organisationUnit: OU.depA, dataElement: 'DeVad000001' },
    message: `Data element: \`DeVad000001\` must be assigned through data sets to organisation unit: \`${OU.depA}\``,
  },
  {
    name: 'storedBy over 255 characters',
    code: 'E7637',
    dv: { ...base, storedBy: 's'.repeat(256) },
    property: 'storedBy',
    object: 'stored_by_length_greater_than_max_length',
    objects: { storedBy: 'stored_by_length_greater_than_max_length' },
    message: 'Invalid storedBy: stored_by_length_greater_than_max_length',
  },
  {
    name: "period after the project option's end date",
    code: 'E7638',
    dv: { ...base, attributeOptionCombo: 'CocProjet01' },
    property: 'period',
    object: '202609',
    objects: { period: '202609', categoryOptionCombo: 'CocProjet01' },
    message: 'Period: `202609` is not within date range of attribute option combo: `CocProjet01`',
  },
  {
    name: "org unit outside the project option's org units",
    code: 'E7639',
    dv: { ...base, period: '202605', orgUnit: OU.rcB, attributeOptionCombo: 'CocProjet01' },
    user: bridgeUser,
    property: 'orgUnit',
    object: OU.rcB,
    objects: { organisationUnit: OU.rcB, categoryOptionCombo: 'CocProjet01' },
    message: `Organisation unit: \`${OU.rcB}\` is not valid for attribute option combo: \`CocProjet01\``,
  },
  {
    name: 'September expired on 16 October',
    code: 'E7640',
    dv: base,
    now: '2026-10-16T00:00:00.000',
    property: 'period',
    object: '202609',
    objects: { period: '202609', dataSet: 'DsMensuel01' },
    message: 'Current date is past expiry days for period: `202609`  and data set: `DsMensuel01`',
  },
  {
    name: 'August expired long ago',
    code: 'E7640',
    dv: { ...base, period: '202608' },
    property: 'period',
    object: '202608',
    objects: { period: '202608', dataSet: 'DsMensuel01' },
    message: 'Current date is past expiry days for period: `202608`  and data set: `DsMensuel01`',
  },
  {
    name: 'current month with 0 open future periods',
    code: 'E7641',
    dv: { ...base, period: '202610' },
    property: 'period',
    object: '202610',
    objects: { period: '202610', dataElement: 'DeVad000001', dataSet: 'DsMensuel01' },
    message:
      'Period: `202610` is after latest open future period: `202609` for data element: `DeVad000001` and data set: `DsMensuel01`',
  },
  {
    name: 'next year with 1 open future period',
    code: 'E7641',
    dv: { dataElement: 'DeCible0001', period: '2027', orgUnit: OU.rc1, value: '5' },
    property: 'period',
    object: '2027',
    objects: { period: '2027', dataElement: 'DeCible0001', dataSet: 'DsCibles001' },
    message:
      'Period: `2027` is after latest open future period: `2026` for data element: `DeCible0001` and data set: `DsCibles001`',
  },
]

function run(c: Pick<Case, 'dv' | 'header' | 'options' | 'user' | 'now'>) {
  return validateDataValue({
    index,
    options: c.options,
    user: c.user ?? rcUser,
    now: c.now ?? NOW,
    dataValue: c.dv ?? base,
    header: c.header,
  })
}

describe('DATA_VALUE_RULES', () => {
  it('has one entry per code, in DHIS2 check order, with en/fr descriptions', () => {
    const codes = DATA_VALUE_RULES.map((r) => r.code)
    expect(new Set(codes).size).toBe(codes.length)
    expect([...codes].sort()).toEqual(codes)
    for (const rule of DATA_VALUE_RULES) {
      expect(rule.description.en.length).toBeGreaterThan(5)
      expect(rule.description.fr.length).toBeGreaterThan(5)
      expect(rule.level).toBe(rule.code < 'E7610' ? 'dataSet' : 'dataValue')
    }
  })

  it('every rule has at least one case below', () => {
    const covered = new Set(CASES.map((c) => c.code))
    expect(DATA_VALUE_RULES.map((r) => r.code).filter((code) => !covered.has(code))).toEqual([])
  })
})

describe.each(CASES)('$code: $name', (c) => {
  it('is the first failing rule, with DHIS2 shapes', () => {
    const result = run(c)
    expect(result.ok).toBe(false)
    if (result.ok) return
    const { conflict } = result
    expect(conflict.errorCode).toBe(c.code)
    expect(conflict.property ?? null).toBe(c.property ?? null)
    expect(conflict.object ?? null).toBe(c.object ?? null)
    expect(conflict.objects).toEqual(c.objects)
    expect(conflict.message).toBe(c.message)
  })
})

describe('passing values', () => {
  const ok = (c: Parameters<typeof run>[0]) => {
    const result = run(c)
    if (!result.ok) throw new Error(`unexpected ${result.conflict.errorCode}: ${result.conflict.message}`)
    return result
  }

  it('resolves ids, default combos and the canonical period', () => {
    expect(ok({ dv: base })).toEqual({
      ok: true,
      dataElement: 'DeVad000001',
      period: '202609',
      orgUnit: OU.rc1,
      categoryOptionCombo: 'CocDefault1',
      attributeOptionCombo: 'CocDefault1',
      value: '12',
      comment: null,
      followup: false,
      deleted: false,
      zeroInsignificant: false,
    })
    expect(ok({ dv: { ...base, period: '2026-09' } }).period).toBe('202609')
  })

  it('resolves CODE id schemes for every kind of identifier', () => {
    const r = ok({
      dv: {
        dataElement: 'SENS',
        period: '202609',
        orgUnit: 'RC-1',
        categoryOptionCombo: 'F',
        attributeOptionCombo: 'default',
        value: '4',
      },
      options: { idSchemes: { dataElement: 'CODE', orgUnit: 'CODE', categoryOptionCombo: 'CODE' } },
    })
    expect([r.dataElement, r.orgUnit, r.categoryOptionCombo, r.attributeOptionCombo]).toEqual([
      'DeSens00001',
      OU.rc1,
      'CocFemale01',
      'CocDefault1',
    ])
    // The payload header follows the data set and org unit schemes too.
    const header = ok({
      header: { dataSet: 'MENSUEL', orgUnit: 'RC-2', period: '202609' },
      dv: { dataElement: 'DeVad000001', value: '1' },
      options: { idSchemes: { dataSet: 'CODE', orgUnit: 'CODE' } },
    })
    expect([header.orgUnit, header.period]).toEqual([OU.rc2, '202609'])
  })

  it('normalises booleans and trims, keeps blank as null', () => {
    expect(ok({ dv: { ...base, dataElement: 'DeRupture01', value: 'T' } }).value).toBe('true')
    expect(ok({ dv: { ...base, dataElement: 'DeRupture01', value: '0' } }).value).toBe('false')
    expect(ok({ dv: { ...base, value: '' } }).value).toBeNull()
    expect(ok({ dv: { ...base, value: null, comment: '  vu  ' } })).toMatchObject({ value: null, comment: 'vu' })
    expect(ok({ dv: { ...base, followup: 'true', deleted: true } })).toMatchObject({ followup: true, deleted: true })
  })

  it('marks insignificant zeros, except for averages', () => {
    expect(ok({ dv: { ...base, value: '0' } }).zeroInsignificant).toBe(true)
    expect(ok({ dv: { ...base, dataElement: 'DeMoyenne01', value: '0' } }).zeroInsignificant).toBe(false)
  })

  it('null value passes with the DELETE strategy or deleted=true (no E7618)', () => {
    expect(ok({ dv: { ...base, value: null }, options: { importStrategy: 'DELETE' } }).value).toBeNull()
    expect(ok({ dv: { ...base, value: null, deleted: 'true' } }).deleted).toBe(true)
  })

  it('expiry: open until the end of day end+expiryDays; F_EDIT_EXPIRED and superuser force pass', () => {
    expect(ok({ dv: base, now: '2026-10-15T23:59:59.999' }).period).toBe('202609')
    expect(ok({ dv: { ...base, period: '202601' }, user: bridgeUser }).period).toBe('202601')
    // A superuser also holds ALL, which DHIS2 counts as F_EDIT_EXPIRED.
    expect(ok({ dv: { ...base, period: '202601' }, user: superuser }).period).toBe('202601')
  })

  it('expiry passes when any target data set is open, unless strictDataSetLocking', () => {
    const texte: DataValueInput = { ...base, dataElement: 'DeTexte0001', period: '202608', value: 'rien' }
    expect(ok({ dv: texte }).period).toBe('202608')
    expect(run({ dv: texte, options: { strictDataSetLocking: true } })).toMatchObject({
      ok: false,
      conflict: { errorCode: 'E7640', objects: { dataSet: 'DsMensuel01' } },
    })
    // A payload data set narrows the targets to that one.
    expect(run({ dv: texte, header: { dataSet: 'DsMensuel01' } })).toMatchObject({
      ok: false,
      conflict: { errorCode: 'E7640' },
    })
  })

  it('E7641 is enforced even for F_EDIT_EXPIRED; force lifts it for a superuser only', () => {
    expect(run({ dv: { ...base, period: '202610' }, user: bridgeUser })).toMatchObject({
      ok: false,
      conflict: { errorCode: 'E7641' },
    })
    expect(run({ dv: { ...base, period: '202610' }, user: { ...bridgeUser }, options: { force: true } })).toMatchObject(
      { ok: false, conflict: { errorCode: 'E7641' } },
    )
    expect(ok({ dv: { ...base, period: '202610' }, user: superuser, options: { force: true } }).period).toBe('202610')
    // One open future period: the current year is open.
    expect(ok({ dv: { dataElement: 'DeCible0001', period: '2026', orgUnit: OU.rc1, value: '5' } }).period).toBe('2026')
  })

  it('strict combos accept the data set override and, without a data set, any combo of the element', () => {
    expect(
      ok({
        header: { dataSet: 'DsMensuel01' },
        dv: { ...base, dataElement: 'DeOverride1', categoryOptionCombo: 'CocMale0001' },
        options: { strictCategoryOptionCombos: true },
      }).categoryOptionCombo,
    ).toBe('CocMale0001')
    expect(
      ok({
        dv: { ...base, dataElement: 'DeOverride1', categoryOptionCombo: 'CocDefault1' },
        options: { strictCategoryOptionCombos: true },
      }).categoryOptionCombo,
    ).toBe('CocDefault1')
  })

  it('an element in no data set escapes expiry and future checks', () => {
    expect(ok({ dv: { ...base, dataElement: 'DeOrphan001', period: '203001', value: '1.5' } }).period).toBe('203001')
  })
})

describe('check order', () => {
  it('unknown element wins over everything after it', () => {
    expect(run({ dv: { dataElement: 'x', period: 'y', orgUnit: 'z', value: '-1' } })).toMatchObject({
      conflict: { errorCode: 'E7610' },
    })
  })
  it('hierarchy (E7617) comes before the value checks (E7618/E7619) and expiry', () => {
    expect(run({ dv: { ...base, orgUnit: OU.rcB, value: '-1', period: '202601' } })).toMatchObject({
      conflict: { errorCode: 'E7617' },
    })
  })
  it('value type (E7619) comes before expiry (E7640)', () => {
    expect(run({ dv: { ...base, value: 'abc', period: '202601' } })).toMatchObject({ conflict: { errorCode: 'E7619' } })
  })
  it('storedBy (E7637) comes before the attribute combo range (E7638) and expiry (E7640)', () => {
    expect(
      run({ dv: { ...base, period: '202608', attributeOptionCombo: 'CocProjet01', storedBy: 's'.repeat(300) } }),
    ).toMatchObject({ conflict: { errorCode: 'E7637' } })
  })
  it('a payload-level data set aborts before any value is looked at', () => {
    const level = checkDataSetLevel({ index, user: rcUser, header: { dataSet: 'nope', orgUnit: 'nope' } })
    expect(level).toMatchObject({ ok: false, conflict: { errorCode: 'E7600' } })
  })
})

describe('validator reuse', () => {
  it('caches do not leak between values', () => {
    const v = createDataValueValidator({ index, user: rcUser, now: NOW })
    expect(v.check(base).ok).toBe(true)
    expect(v.check({ ...base, orgUnit: OU.rcB }).ok).toBe(false)
    expect(v.check({ ...base, orgUnit: OU.rc2 }).ok).toBe(true)
    expect(v.check({ ...base, period: '2026-13' }).ok).toBe(false)
    expect(v.check({ ...base, period: '202609' }).ok).toBe(true)
  })

  it('createConflict prints null for a missing argument, like MessageFormat', () => {
    expect(createConflict('E7611', undefined)).toEqual({
      errorCode: 'E7611',
      objects: {},
      message: 'Period not valid: `null`',
      property: 'period',
    })
  })
})
