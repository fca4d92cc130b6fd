/**
 * The « national » seed: a second DHIS2 that plays Benin's national HMIS (SNIGS) for the national push
 * (issue 19 §2). It is a DHIS2 of its own, with its own codes — a monthly community-health data set
 * `SNIGS_SC_MENSUEL`, elements `SNIGS_SC_*`, sex and sex × age option combos `SNIGS_*`, the départements and
 * zones sanitaires coded `SNIGS-DEP-*` and `SNIGS-ZS-*` — so that the bridge must map code to code. The zones
 * follow the programme seed's tree (build-metadata.ts: 2 + index % 3 zones per département), except one zone
 * the national instance has not created yet (`NATIONAL_MISSING_ZONE`): values the bridge sends there are
 * refused by DHIS2, as a real national instance refuses an org unit it does not know.
 *
 * Users: `admin` / `district` (superuser), as on a blank instance.
 */
import type {
  Category,
  CategoryCombo,
  CategoryOption,
  CategoryOptionCombo,
  DataElement,
  DataSet,
  OrganisationUnit,
  Ref,
} from '@relais/mappings'
import type { StandinState } from '../store/state'
import { buildBlankMetadata, uid } from './build-metadata'
import { createSeededState } from './index'
import { COUNTRY, DEPARTMENTS } from './program'

const CREATED = '2023-06-01T08:00:00.000'
const ref = (id: string): Ref => ({ id })
const stamp = { created: CREATED, lastUpdated: CREATED }

/** The programme's zone the national instance does not hold (a zone split after its last metadata update). */
export const NATIONAL_MISSING_ZONE = 'SNIGS-ZS-MO04'

/** The national code of a programme zone sanitaire (`ZS-AQ-01` → `SNIGS-ZS-AQ01`). */
export function nationalZoneCode(programmeZone: string): string {
  return `SNIGS-ZS-${programmeZone.slice(3).replace('-', '')}`
}

/** The programme seed's zones, in order: `ZS-<dep>-<nn>`. */
export function programmeZoneCodes(): string[] {
  return DEPARTMENTS.flatMap((dep, index) =>
    Array.from({ length: 2 + (index % 3) }, (_, z) => `ZS-${dep.code.slice(3)}-${String(z + 1).padStart(2, '0')}`),
  )
}

interface NationalCombo {
  code: string
  name: string
  options: { code: string; name: string }[]
}

/** The national instance's disaggregations: one category per combo, one option combo per option. */
const COMBOS: NationalCombo[] = [
  {
    code: 'SNIGS_SEXE',
    name: 'SNIGS Sexe',
    options: [
      { code: 'SNIGS_MASCULIN', name: 'Masculin' },
      { code: 'SNIGS_FEMININ', name: 'Féminin' },
    ],
  },
  {
    code: 'SNIGS_SEXE_AGE',
    name: 'SNIGS Sexe et âge',
    options: [
      { code: 'SNIGS_M_0_14', name: 'Masculin, 0-14 ans' },
      { code: 'SNIGS_M_15_24', name: 'Masculin, 15-24 ans' },
      { code: 'SNIGS_M_25P', name: 'Masculin, 25 ans et plus' },
      { code: 'SNIGS_F_0_14', name: 'Féminin, 0-14 ans' },
      { code: 'SNIGS_F_15_24', name: 'Féminin, 15-24 ans' },
      { code: 'SNIGS_F_25P', name: 'Féminin, 25 ans et plus' },
    ],
  },
]

/** The national data set's elements: code, name, combo code (undefined: default). */
export const NATIONAL_ELEMENTS: { code: string; name: string; combo?: string }[] = [
  { code: 'SNIGS_SC_SENSIBILISATION_VIH', name: 'SC - Personnes sensibilisées au VIH', combo: 'SNIGS_SEXE_AGE' },
  { code: 'SNIGS_SC_PRESERVATIFS', name: 'SC - Préservatifs distribués', combo: 'SNIGS_SEXE' },
  { code: 'SNIGS_SC_AUTOTEST_VIH', name: 'SC - Autotests VIH distribués', combo: 'SNIGS_SEXE' },
  { code: 'SNIGS_SC_REF_DEPISTAGE', name: 'SC - Référés pour dépistage VIH', combo: 'SNIGS_SEXE' },
  { code: 'SNIGS_SC_TB_PRESUMES', name: 'SC - Présumés TB référés', combo: 'SNIGS_SEXE' },
  { code: 'SNIGS_SC_PALU_FIEVRE', name: 'SC - Cas de fièvre vus', combo: 'SNIGS_SEXE' },
  { code: 'SNIGS_SC_PALU_TDR', name: 'SC - TDR paludisme réalisés' },
  { code: 'SNIGS_SC_PALU_TDR_POSITIFS', name: 'SC - TDR paludisme positifs' },
  { code: 'SNIGS_SC_PALU_CTA_24H', name: 'SC - Traités par CTA dans les 24 h' },
  { code: 'SNIGS_SC_VAD', name: 'SC - Visites à domicile' },
]

export const NATIONAL_DATA_SET = 'SNIGS_SC_MENSUEL'

function orgUnit(code: string, name: string, parent: OrganisationUnit | undefined): OrganisationUnit {
  const id = uid('organisationUnit', code)
  const unit: OrganisationUnit = {
    id,
    code,
    name,
    shortName: name.slice(0, 50),
    ...stamp,
    translations: [],
    level: parent ? parent.level + 1 : 1,
    path: `${parent ? parent.path : ''}/${id}`,
    children: [],
    openingDate: '1990-01-01T00:00:00.000',
    organisationUnitGroups: [],
  }
  if (parent) {
    unit.parent = ref(parent.id)
    parent.children.push(ref(id))
  }
  return unit
}

/** The national instance's metadata and its superuser `admin` / `district`, with no data values. */
export function createNationalState(options: { now: Date; timeZone: string }): StandinState {
  const { state } = createSeededState({ size: 'blank', now: options.now, timeZone: options.timeZone })
  const metadata = buildBlankMetadata()
  const root = metadata.organisationUnits[0]!
  root.name = `${COUNTRY.fr} (SNIGS)`
  const zones: OrganisationUnit[] = []
  const units: OrganisationUnit[] = [root]
  const programmeZones = programmeZoneCodes()
  for (const dep of DEPARTMENTS) {
    const department = orgUnit(`SNIGS-DEP-${dep.code.slice(3)}`, `Département ${dep.fr}`, root)
    units.push(department)
    for (const zone of programmeZones.filter((z) => z.startsWith(`ZS-${dep.code.slice(3)}-`))) {
      const code = nationalZoneCode(zone)
      if (code === NATIONAL_MISSING_ZONE) continue
      const unit = orgUnit(code, `Zone sanitaire ${dep.fr} ${zone.slice(-2)}`, department)
      units.push(unit)
      zones.push(unit)
    }
  }
  metadata.organisationUnits = units
  metadata.organisationUnitLevels = [
    { id: uid('organisationUnitLevel', 'SNIGS_NIV_1'), code: 'SNIGS_NIV_1', name: 'Pays', level: 1, ...stamp },
    { id: uid('organisationUnitLevel', 'SNIGS_NIV_2'), code: 'SNIGS_NIV_2', name: 'Département', level: 2, ...stamp },
    {
      id: uid('organisationUnitLevel', 'SNIGS_NIV_3'),
      code: 'SNIGS_NIV_3',
      name: 'Zone sanitaire',
      level: 3,
      ...stamp,
    },
  ]

  const defaultCombo = metadata.categoryCombos[0]!
  const comboIds = new Map<string, string>([['default', defaultCombo.id]])
  for (const c of COMBOS) {
    const options: CategoryOption[] = c.options.map((o) => ({
      id: uid('categoryOption', o.code),
      code: o.code,
      name: o.name,
      shortName: o.name,
      ...stamp,
      translations: [],
      organisationUnits: [],
    }))
    const category: Category = {
      id: uid('category', c.code),
      code: c.code,
      name: c.name,
      shortName: c.name,
      ...stamp,
      dataDimensionType: 'DISAGGREGATION',
      categoryOptions: options.map((o) => ref(o.id)),
    }
    const combo: CategoryCombo = {
      id: uid('categoryCombo', c.code),
      code: c.code,
      name: c.name,
      ...stamp,
      dataDimensionType: 'DISAGGREGATION',
      isDefault: false,
      skipTotal: false,
      categories: [ref(category.id)],
      categoryOptionCombos: [],
    }
    const cocs: CategoryOptionCombo[] = options.map((o) => ({
      id: uid('categoryOptionCombo', o.code!),
      code: o.code!,
      name: o.name,
      ...stamp,
      categoryCombo: ref(combo.id),
      categoryOptions: [ref(o.id)],
      ignoreApproval: false,
    }))
    combo.categoryOptionCombos = cocs.map((coc) => ref(coc.id))
    metadata.categoryOptions.push(...options)
    metadata.categories.push(category)
    metadata.categoryCombos.push(combo)
    metadata.categoryOptionCombos.push(...cocs)
    comboIds.set(c.code, combo.id)
  }
  const dataElements: DataElement[] = NATIONAL_ELEMENTS.map((e) => ({
    id: uid('dataElement', e.code),
    code: e.code,
    name: e.name,
    shortName: e.name.slice(0, 50),
    ...stamp,
    translations: [],
    valueType: 'INTEGER_ZERO_OR_POSITIVE',
    aggregationType: 'SUM',
    domainType: 'AGGREGATE',
    categoryCombo: ref(comboIds.get(e.combo ?? 'default')!),
    zeroIsSignificant: false,
  }))
  const dataSet: DataSet = {
    id: uid('dataSet', NATIONAL_DATA_SET),
    code: NATIONAL_DATA_SET,
    name: 'SNIGS - Santé communautaire, rapport mensuel de la zone',
    shortName: 'SNIGS - Santé communautaire',
    ...stamp,
    translations: [],
    periodType: 'Monthly',
    categoryCombo: ref(defaultCombo.id),
    dataSetElements: dataElements.map((de) => ({
      dataSet: ref(uid('dataSet', NATIONAL_DATA_SET)),
      dataElement: ref(de.id),
    })),
    organisationUnits: zones.map((z) => ref(z.id)),
    sections: [],
    expiryDays: 0,
    openFuturePeriods: 0,
    timelyDays: 15,
    compulsoryDataElementOperands: [],
    validCompleteOnly: false,
  }
  metadata.dataElements = dataElements
  metadata.dataSets = [dataSet]
  state.metadata = metadata
  // The admin's capture and view org units: the national root (its id is the blank root's, same code).
  state.systemSettings.applicationTitle = 'DHIS2 (stand-in) — SNIGS Bénin (national)'
  return state
}
