/**
 * Look-ups over a metadata snapshot, built once: by id and by code for every collection, the combo a
 * data set element resolves to, and the org-unit hierarchy. Import validation and analytics read
 * through this index so that no request scans arrays.
 */
import type {
  CategoryCombo,
  DataElement,
  DataSet,
  IdentifiableObject,
  MetadataCollection,
  MetadataSnapshot,
  OrganisationUnit,
} from './metadata'

export type IdScheme = 'UID' | 'CODE'

export class ObjectIndex<T extends IdentifiableObject> {
  readonly byId = new Map<string, T>()
  readonly byCode = new Map<string, T>()

  constructor(readonly items: T[]) {
    for (const item of items) {
      this.byId.set(item.id, item)
      if (item.code !== undefined) this.byCode.set(item.code, item)
    }
  }

  get(idOrCode: string, scheme: IdScheme = 'UID'): T | undefined {
    return scheme === 'CODE' ? this.byCode.get(idOrCode) : this.byId.get(idOrCode)
  }
}

type Indexes = { [K in MetadataCollection]: ObjectIndex<MetadataSnapshot[K][number]> }

export class MetadataIndex {
  readonly objects: Indexes
  /** dataSet id → dataElement id → resolved category combo id (the data set element's override wins). */
  private readonly dataSetCombos = new Map<string, Map<string, string>>()
  /** dataElement id → data sets it belongs to. */
  private readonly dataSetsOfElement = new Map<string, DataSet[]>()
  /** dataSet id → set of assigned org unit ids. */
  private readonly dataSetOrgUnits = new Map<string, Set<string>>()
  /** categoryCombo id → set of its option combo ids. */
  private readonly comboOptionCombos = new Map<string, Set<string>>()
  readonly defaultCategoryCombo: CategoryCombo
  readonly defaultCategoryOptionComboId: string

  constructor(readonly snapshot: MetadataSnapshot) {
    const objects = {} as Record<MetadataCollection, ObjectIndex<IdentifiableObject>>
    for (const key of Object.keys(snapshot) as MetadataCollection[]) {
      objects[key] = new ObjectIndex<IdentifiableObject>(snapshot[key])
    }
    this.objects = objects as unknown as Indexes

    for (const combo of snapshot.categoryCombos) {
      this.comboOptionCombos.set(combo.id, new Set(combo.categoryOptionCombos.map((c) => c.id)))
    }
    for (const dataSet of snapshot.dataSets) {
      const combos = new Map<string, string>()
      for (const dse of dataSet.dataSetElements) {
        const element = this.objects.dataElements.byId.get(dse.dataElement.id)
        if (!element) continue
        combos.set(element.id, dse.categoryCombo?.id ?? element.categoryCombo.id)
        const sets = this.dataSetsOfElement.get(element.id) ?? []
        sets.push(dataSet)
        this.dataSetsOfElement.set(element.id, sets)
      }
      this.dataSetCombos.set(dataSet.id, combos)
      this.dataSetOrgUnits.set(dataSet.id, new Set(dataSet.organisationUnits.map((o) => o.id)))
    }
    const defaultCombo = snapshot.categoryCombos.find((c) => c.isDefault)
    if (!defaultCombo?.categoryOptionCombos[0]) throw new Error('Metadata has no default category combo')
    this.defaultCategoryCombo = defaultCombo
    this.defaultCategoryOptionComboId = defaultCombo.categoryOptionCombos[0].id
  }

  dataSetsOf(dataElementId: string): DataSet[] {
    return this.dataSetsOfElement.get(dataElementId) ?? []
  }

  /** The category combo that disaggregates a data element, in a data set or (without one) on its own. */
  categoryComboOf(element: DataElement, dataSet?: DataSet): string {
    return (dataSet && this.dataSetCombos.get(dataSet.id)?.get(element.id)) ?? element.categoryCombo.id
  }

  /** Every combo the element may be entered with: its own and each data set element override. */
  allowedCategoryCombos(element: DataElement): Set<string> {
    const combos = new Set([element.categoryCombo.id])
    for (const ds of this.dataSetsOf(element.id)) combos.add(this.categoryComboOf(element, ds))
    return combos
  }

  comboHasOptionCombo(comboId: string, optionComboId: string): boolean {
    return this.comboOptionCombos.get(comboId)?.has(optionComboId) ?? false
  }

  isAssigned(dataSetId: string, orgUnitId: string): boolean {
    return this.dataSetOrgUnits.get(dataSetId)?.has(orgUnitId) ?? false
  }

  /** Ancestor ids from the root down to and including the org unit itself, read from its path. */
  pathIds(orgUnit: OrganisationUnit): string[] {
    return orgUnit.path.split('/').filter((s) => s.length > 0)
  }

  /** True when `orgUnit` is `ancestorId` or lies below it. */
  isWithin(orgUnit: OrganisationUnit, ancestorId: string): boolean {
    return `${orgUnit.path}/`.includes(`/${ancestorId}/`)
  }
}
