/**
 * What the bridge asks DHIS2 for to build a `MetadataSnapshot` (@relais/mappings), and how the answer is
 * cut down to the data sets a snapshot is for. Pure; the client does the HTTP (`getMetadataSnapshot`).
 *
 * One list request per collection with `paging=false` and explicit `fields`, because DHIS2's `:owner`
 * preset leaves out properties the snapshot type needs (`children` of org units, `categoryOptionCombos`
 * of combos, `sections` of data sets) and `*` brings sharing, access and attribute values we do not keep.
 *
 * Kept whole: the org-unit hierarchy (codes resolve to RCs, and "exists but not in this data set" is a
 * finding), org-unit groups, group sets and levels, indicators and validation rules. Cut to the data sets
 * asked for: data elements, combos, categories, options, option combos, sections.
 */
import type { MetadataCollection, MetadataSnapshot } from '@relais/mappings'

const IDENTIFIABLE = 'id,code,name,created,lastUpdated,translations[property,locale,value]'
const NAMEABLE = `${IDENTIFIABLE},shortName,description`
const SIDE = 'expression,description,missingValueStrategy'

/** The `fields` of each collection's list request, mirroring the @relais/mappings interfaces. */
export const SNAPSHOT_FIELDS: Readonly<Record<MetadataCollection, string>> = {
  organisationUnits: `${NAMEABLE},level,path,parent[id],children[id],openingDate,closedDate,organisationUnitGroups[id]`,
  organisationUnitGroups: `${NAMEABLE},organisationUnits[id],groupSets[id]`,
  organisationUnitGroupSets: `${NAMEABLE},organisationUnitGroups[id],dataDimension`,
  organisationUnitLevels: `${IDENTIFIABLE},level`,
  categoryOptions: `${NAMEABLE},startDate,endDate,organisationUnits[id]`,
  categories: `${NAMEABLE},dataDimensionType,categoryOptions[id]`,
  categoryCombos: `${IDENTIFIABLE},dataDimensionType,isDefault,skipTotal,categories[id],categoryOptionCombos[id]`,
  categoryOptionCombos: `${IDENTIFIABLE},categoryCombo[id],categoryOptions[id],ignoreApproval`,
  dataElements: `${NAMEABLE},formName,valueType,aggregationType,domainType,categoryCombo[id],zeroIsSignificant,optionSet[id]`,
  dataSets:
    `${NAMEABLE},periodType,categoryCombo[id],dataSetElements[dataSet[id],dataElement[id],categoryCombo[id]],` +
    'organisationUnits[id],sections[id],expiryDays,openFuturePeriods,timelyDays,' +
    'compulsoryDataElementOperands[dataElement[id],categoryOptionCombo[id]],validCompleteOnly',
  sections: `${IDENTIFIABLE},dataSet[id],sortOrder,dataElements[id],description`,
  indicatorTypes: `${IDENTIFIABLE},factor,number`,
  indicators: `${NAMEABLE},indicatorType[id],numerator,numeratorDescription,denominator,denominatorDescription,annualized,decimals`,
  validationRules: `${NAMEABLE},importance,operator,periodType,leftSide[${SIDE}],rightSide[${SIDE}],instruction`,
}

export const SNAPSHOT_COLLECTIONS = Object.keys(SNAPSHOT_FIELDS) as MetadataCollection[]

/**
 * A DHIS2 `in` filter value: `[a,b,c]`. Codes holding `,` `[` or `]` cannot be written in it (DHIS2 has
 * no escape), so they are refused rather than silently matching something else.
 */
export function inFilter(values: readonly string[]): string {
  const bad = values.find((v) => /[,[\]]/.test(v) || v.trim() === '')
  if (bad !== undefined) throw new RangeError(`Cannot filter on the code ${JSON.stringify(bad)}`)
  return `[${values.join(',')}]`
}

export interface MetadataSnapshotResult {
  snapshot: MetadataSnapshot
  /** Data set codes asked for that DHIS2 does not have (or the bridge's user cannot see). */
  missingDataSetCodes: string[]
}

/**
 * Keeps, of a full snapshot, what the data sets in it need. `full.dataSets` must already be the data
 * sets wanted; everything they reference is kept, plus the default combo and its option combo (DHIS2's
 * fallback when a value names none).
 */
export function pruneToDataSets(full: MetadataSnapshot): MetadataSnapshot {
  const dataSets = full.dataSets
  const dataSetIds = new Set(dataSets.map((d) => d.id))
  const elementIds = new Set(dataSets.flatMap((d) => d.dataSetElements.map((e) => e.dataElement.id)))
  const dataElements = full.dataElements.filter((e) => elementIds.has(e.id))

  const comboIds = new Set<string>([
    ...dataSets.map((d) => d.categoryCombo.id),
    ...dataSets.flatMap((d) => d.dataSetElements.flatMap((e) => (e.categoryCombo ? [e.categoryCombo.id] : []))),
    ...dataElements.map((e) => e.categoryCombo.id),
    ...full.categoryCombos.filter((c) => c.isDefault).map((c) => c.id),
  ])
  const categoryCombos = full.categoryCombos.filter((c) => comboIds.has(c.id))
  const categoryIds = new Set(categoryCombos.flatMap((c) => c.categories.map((r) => r.id)))
  const categories = full.categories.filter((c) => categoryIds.has(c.id))
  const optionIds = new Set(categories.flatMap((c) => c.categoryOptions.map((r) => r.id)))
  const comboOptionComboIds = new Set(categoryCombos.flatMap((c) => c.categoryOptionCombos.map((r) => r.id)))

  return {
    ...full,
    dataSets,
    dataElements,
    categoryCombos,
    categories,
    categoryOptions: full.categoryOptions.filter((o) => optionIds.has(o.id)),
    categoryOptionCombos: full.categoryOptionCombos.filter(
      (c) => comboIds.has(c.categoryCombo.id) || comboOptionComboIds.has(c.id),
    ),
    sections: full.sections.filter((s) => dataSetIds.has(s.dataSet.id)),
  }
}
