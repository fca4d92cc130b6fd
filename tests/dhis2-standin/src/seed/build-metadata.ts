/**
 * Builds the programme's metadata snapshot (community-program.md) and the org-unit tree for a seed
 * size. UIDs derive from codes, so every run and every machine gets the same objects.
 */
import { uidFromSeed } from '@relais/mappings'
import type {
  Category,
  CategoryCombo,
  CategoryOption,
  CategoryOptionCombo,
  DataElement,
  DataSet,
  Indicator,
  IndicatorType,
  MetadataSnapshot,
  OrganisationUnit,
  OrganisationUnitGroup,
  OrganisationUnitGroupSet,
  OrganisationUnitLevel,
  Ref,
  Section,
  Translation,
  ValidationRule,
} from '@relais/mappings'
import { FIRST_NAMES, SURNAMES, VILLAGE_ROOTS, VILLAGE_SUFFIXES } from './names'
import {
  ACTIVE_RC_GROUP,
  ACTIVITY_GROUP_SET,
  CATEGORIES,
  CATEGORY_COMBOS,
  COUNTRY,
  DATA_SETS,
  DEPARTMENTS,
  INDICATORS,
  LEVELS,
  MONTHLY_SECTIONS,
  TARGET_ELEMENTS,
  VALIDATION_RULES,
  type DataElementDef,
  type Named,
} from './program'
import { Random } from './random'

export type SeedSize = 'small' | 'demo' | 'large'

export const RC_COUNT: Record<SeedSize, number> = { small: 60, demo: 1200, large: 20000 }

/** When the programme's metadata was "created" in DHIS2: fixed, so snapshots are reproducible. */
const CREATED = '2024-01-15T09:00:00.000'

const uidCache = new Map<string, string>()
/** The UID of an object of a kind and code; memoised because the seed asks for the same ones millions of times. */
export function uid(kind: string, code: string): string {
  const key = `${kind}:${code}`
  let id = uidCache.get(key)
  if (id === undefined) {
    id = uidFromSeed(key)
    uidCache.set(key, id)
  }
  return id
}
const ref = (id: string): Ref => ({ id })

function base(kind: string, item: Named, withShortName = true) {
  const translations: Translation[] = [{ property: 'NAME', locale: 'en', value: item.en }]
  if (withShortName) translations.push({ property: 'SHORT_NAME', locale: 'en', value: item.en.slice(0, 50) })
  return {
    id: uid(kind, item.code),
    code: item.code,
    name: item.fr,
    shortName: item.fr.slice(0, 50),
    created: CREATED,
    lastUpdated: CREATED,
    translations,
  }
}

export interface SeededOrgUnits {
  orgUnits: OrganisationUnit[]
  /** Level-5 org units (relais communautaires) in code order. */
  rcs: OrganisationUnit[]
  /** RC org unit ids that are not in OUG_RC_ACTIFS (inactive: not expected to report). */
  inactive: Set<string>
}

function buildCategories() {
  const categoryOptions: CategoryOption[] = []
  const categories: Category[] = []
  for (const cat of CATEGORIES) {
    for (const opt of cat.options) {
      categoryOptions.push({ ...base('categoryOption', opt), organisationUnits: [] })
    }
    categories.push({
      ...base('category', cat),
      dataDimensionType: 'DISAGGREGATION',
      categoryOptions: cat.options.map((o) => ref(uid('categoryOption', o.code))),
    })
  }
  const defaultOption: CategoryOption = {
    ...base('categoryOption', { code: 'default', fr: 'default', en: 'default' }),
    organisationUnits: [],
  }
  const defaultCategory: Category = {
    ...base('category', { code: 'default', fr: 'default', en: 'default' }),
    dataDimensionType: 'DISAGGREGATION',
    categoryOptions: [ref(defaultOption.id)],
  }
  categoryOptions.push(defaultOption)
  categories.push(defaultCategory)

  const categoryCombos: CategoryCombo[] = []
  const categoryOptionCombos: CategoryOptionCombo[] = []
  const defaultCombo: CategoryCombo = {
    id: uid('categoryCombo', 'default'),
    code: 'default',
    name: 'default',
    created: CREATED,
    lastUpdated: CREATED,
    dataDimensionType: 'DISAGGREGATION',
    isDefault: true,
    skipTotal: false,
    categories: [ref(defaultCategory.id)],
    categoryOptionCombos: [ref(uid('categoryOptionCombo', 'default'))],
  }
  categoryCombos.push(defaultCombo)
  categoryOptionCombos.push({
    id: uid('categoryOptionCombo', 'default'),
    code: 'default',
    name: 'default',
    created: CREATED,
    lastUpdated: CREATED,
    categoryCombo: ref(defaultCombo.id),
    categoryOptions: [ref(defaultOption.id)],
    ignoreApproval: false,
  })

  for (const comboDef of CATEGORY_COMBOS) {
    const cats = comboDef.categories.map((code) => {
      const found = CATEGORIES.find((c) => c.code === code)
      if (!found) throw new Error(`unknown category ${code}`)
      return found
    })
    // The cartesian product of options, in category order: COC codes join option codes with `_`.
    let products: Named[][] = [[]]
    for (const cat of cats) products = products.flatMap((p) => cat.options.map((o) => [...p, o]))
    const comboId = uid('categoryCombo', comboDef.code)
    const cocs = products.map((opts): CategoryOptionCombo => {
      const code = opts.map((o) => o.code).join('_')
      return {
        id: uid('categoryOptionCombo', code),
        code,
        name: opts.map((o) => o.fr).join(', '),
        created: CREATED,
        lastUpdated: CREATED,
        translations: [{ property: 'NAME', locale: 'en', value: opts.map((o) => o.en).join(', ') }],
        categoryCombo: ref(comboId),
        categoryOptions: opts.map((o) => ref(uid('categoryOption', o.code))),
        ignoreApproval: false,
      }
    })
    categoryOptionCombos.push(...cocs)
    categoryCombos.push({
      ...base('categoryCombo', comboDef, false),
      dataDimensionType: 'DISAGGREGATION',
      isDefault: false,
      skipTotal: false,
      categories: cats.map((c) => ref(uid('category', c.code))),
      categoryOptionCombos: cocs.map((c) => ref(c.id)),
    })
  }
  return { categoryOptions, categories, categoryCombos, categoryOptionCombos }
}

function buildDataElement(def: DataElementDef): DataElement {
  return {
    ...base('dataElement', def),
    formName: def.fr,
    valueType: def.valueType,
    aggregationType: def.aggregationType,
    domainType: 'AGGREGATE',
    categoryCombo: ref(uid('categoryCombo', def.combo)),
    zeroIsSignificant: false,
  }
}

/** Splits `total` into `parts` positive integers that vary around the mean. */
function spread(random: Random, total: number, parts: number): number[] {
  const weights = Array.from({ length: parts }, () => 0.6 + random.next() * 0.8)
  const sum = weights.reduce((a, b) => a + b, 0)
  const counts = weights.map((w) => Math.max(1, Math.floor((w / sum) * total)))
  let remaining = total - counts.reduce((a, b) => a + b, 0)
  for (let i = 0; remaining > 0; i = (i + 1) % parts, remaining--) counts[i] = (counts[i] ?? 0) + 1
  return counts
}

export function buildOrgUnits(size: SeedSize, random: Random): SeededOrgUnits {
  const orgUnits: OrganisationUnit[] = []
  const rcs: OrganisationUnit[] = []
  const inactive = new Set<string>()
  const activeGroupId = uid('organisationUnitGroup', ACTIVE_RC_GROUP.code)

  const add = (
    code: string,
    name: string,
    nameEn: string,
    parent: OrganisationUnit | undefined,
    openingDate: string,
  ) => {
    const id = uid('organisationUnit', code)
    const unit: OrganisationUnit = {
      id,
      code,
      name,
      shortName: name.slice(0, 50),
      created: CREATED,
      lastUpdated: CREATED,
      translations: nameEn === name ? [] : [{ property: 'NAME', locale: 'en', value: nameEn }],
      level: parent ? parent.level + 1 : 1,
      path: `${parent ? parent.path : ''}/${id}`,
      parent: parent ? ref(parent.id) : undefined,
      children: [],
      openingDate,
      organisationUnitGroups: [],
    }
    if (!parent) delete unit.parent
    parent?.children.push(ref(id))
    orgUnits.push(unit)
    return unit
  }

  const country = add(COUNTRY.code, COUNTRY.fr, COUNTRY.en, undefined, '1990-01-01T00:00:00.000')
  const aireCount: Record<SeedSize, [number, number]> = { small: [1, 1], demo: [2, 4], large: [6, 10] }
  const perDepartment = spread(random, RC_COUNT[size], DEPARTMENTS.length)
  DEPARTMENTS.forEach((dep, depIndex) => {
    const depShort = dep.code.slice(3)
    const department = add(dep.code, dep.fr, dep.en, country, '1990-01-01T00:00:00.000')
    const zoneCount = 2 + (depIndex % 3) // 2–4 zones, fixed per department whatever the size
    const rcPerZone = spread(random, perDepartment[depIndex] ?? 0, zoneCount)
    let rcNumber = 0
    for (let z = 1; z <= zoneCount; z++) {
      const root = VILLAGE_ROOTS[(depIndex * 4 + z) % VILLAGE_ROOTS.length] ?? 'Zone'
      const zone = add(`ZS-${depShort}-${pad(z, 2)}`, `ZS ${root}`, `HZ ${root}`, department, '2000-01-01T00:00:00.000')
      const [minA, maxA] = aireCount[size]
      const aires = Math.min(random.int(minA, maxA), rcPerZone[z - 1] ?? 1)
      const rcPerAire = spread(random, rcPerZone[z - 1] ?? 0, Math.max(1, aires))
      for (let a = 1; a <= Math.max(1, aires); a++) {
        const village = `${random.pick(VILLAGE_ROOTS)}-${random.pick(VILLAGE_SUFFIXES)}`
        const aire = add(
          `AS-${depShort}-${pad(z, 2)}-${pad(a, 2)}`,
          `AS ${village}`,
          `HA ${village}`,
          zone,
          '2005-01-01T00:00:00.000',
        )
        for (let r = 0; r < (rcPerAire[a - 1] ?? 0); r++) {
          rcNumber++
          const person = `${random.pick(FIRST_NAMES)} ${random.pick(SURNAMES)}`
          const place = random.chance(0.5) ? village : `${random.pick(VILLAGE_ROOTS)}-${random.pick(VILLAGE_SUFFIXES)}`
          // Most RC were recruited years ago; a few joined this year and are expected only from then.
          const opened = random.chance(0.04) ? `2026-0${random.int(2, 9)}-01T00:00:00.000` : '2020-01-01T00:00:00.000'
          const rc = add(
            `RC-${depShort}-${pad(rcNumber, 5)}`,
            `RC ${person} (${place})`,
            `CHV ${person} (${place})`,
            aire,
            opened,
          )
          if (random.chance(0.05)) inactive.add(rc.id)
          else rc.organisationUnitGroups.push(ref(activeGroupId))
          rcs.push(rc)
        }
      }
    }
  })
  return { orgUnits, rcs, inactive }
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0')
}

/** Rewrites `#{CODE}`, `#{CODE.COC}` and `R{CODE.METRIC}` in a formula to UIDs. */
function formulaToUids(formula: string): string {
  return formula
    .replace(/#\{([A-Z0-9_]+)(?:\.([A-Za-z0-9_]+))?\}/g, (_m, de: string, coc?: string) =>
      coc ? `#{${uid('dataElement', de)}.${uid('categoryOptionCombo', coc)}}` : `#{${uid('dataElement', de)}}`,
    )
    .replace(/R\{([A-Z0-9_]+)\.([A-Z_]+)\}/g, (_m, ds: string, metric: string) => `R{${uid('dataSet', ds)}.${metric}}`)
}

export function buildMetadata(size: SeedSize, seed: number): { snapshot: MetadataSnapshot; units: SeededOrgUnits } {
  const random = new Random(seed)
  const units = buildOrgUnits(size, random)
  const cats = buildCategories()

  const monthlyElements = MONTHLY_SECTIONS.flatMap((s) => s.elements)
  const dataElements = [...monthlyElements, ...TARGET_ELEMENTS].map(buildDataElement)
  const level5 = units.rcs.map((rc) => ref(rc.id))

  const monthly = DATA_SETS.monthly
  const monthlyId = uid('dataSet', monthly.code)
  const sections: Section[] = MONTHLY_SECTIONS.map((s, i) => ({
    id: uid('section', s.code),
    code: s.code,
    name: s.fr,
    created: CREATED,
    lastUpdated: CREATED,
    translations: [{ property: 'NAME', locale: 'en', value: s.en }],
    dataSet: ref(monthlyId),
    sortOrder: i + 1,
    dataElements: s.elements.map((e) => ref(uid('dataElement', e.code))),
  }))

  const dataSet = (
    def: typeof monthly | typeof DATA_SETS.targets,
    elements: DataElementDef[],
    sectionRefs: Ref[],
  ): DataSet => ({
    ...base('dataSet', def),
    periodType: def.periodType,
    categoryCombo: ref(uid('categoryCombo', 'default')),
    dataSetElements: elements.map((e) => ({
      dataSet: ref(uid('dataSet', def.code)),
      dataElement: ref(uid('dataElement', e.code)),
    })),
    organisationUnits: level5,
    sections: sectionRefs,
    expiryDays: def.expiryDays,
    openFuturePeriods: def.openFuturePeriods,
    timelyDays: def.timelyDays,
    compulsoryDataElementOperands: [],
    validCompleteOnly: false,
  })
  const dataSets = [
    dataSet(
      monthly,
      monthlyElements,
      sections.map((s) => ref(s.id)),
    ),
    dataSet(DATA_SETS.targets, TARGET_ELEMENTS, []),
  ]

  const percent: IndicatorType = {
    id: uid('indicatorType', 'POURCENTAGE'),
    code: 'POURCENTAGE',
    name: 'Pourcentage',
    created: CREATED,
    lastUpdated: CREATED,
    translations: [{ property: 'NAME', locale: 'en', value: 'Per cent' }],
    factor: 100,
    number: false,
  }
  const indicators: Indicator[] = INDICATORS.map((ind) => ({
    ...base('indicator', ind),
    indicatorType: ref(percent.id),
    numerator: formulaToUids(ind.numerator),
    numeratorDescription: ind.numeratorDescription,
    denominator: formulaToUids(ind.denominator),
    denominatorDescription: ind.denominatorDescription,
    annualized: false,
    decimals: 1,
  }))

  const validationRules: ValidationRule[] = VALIDATION_RULES.map((vr) => ({
    ...base('validationRule', vr),
    importance: vr.importance,
    operator: 'less_than_or_equal_to',
    periodType: 'Monthly',
    instruction: vr.instructionFr,
    leftSide: {
      expression: `#{${uid('dataElement', vr.left)}}`,
      description: vr.left,
      missingValueStrategy: 'SKIP_IF_ALL_VALUES_MISSING',
    },
    rightSide: {
      expression: `#{${uid('dataElement', vr.right)}}`,
      description: vr.right,
      missingValueStrategy: 'NEVER_SKIP',
    },
    translations: [
      { property: 'NAME', locale: 'en', value: vr.en },
      { property: 'DESCRIPTION', locale: 'en', value: vr.instructionEn },
    ],
  }))

  const activeGroup: OrganisationUnitGroup = {
    ...base('organisationUnitGroup', ACTIVE_RC_GROUP),
    organisationUnits: units.rcs.filter((rc) => !units.inactive.has(rc.id)).map((rc) => ref(rc.id)),
    groupSets: [ref(uid('organisationUnitGroupSet', ACTIVITY_GROUP_SET.code))],
  }
  const groupSet: OrganisationUnitGroupSet = {
    ...base('organisationUnitGroupSet', ACTIVITY_GROUP_SET),
    organisationUnitGroups: [ref(activeGroup.id)],
    dataDimension: true,
  }
  const organisationUnitLevels: OrganisationUnitLevel[] = LEVELS.map((l, i) => ({
    id: uid('organisationUnitLevel', l.code),
    code: l.code,
    name: l.fr,
    created: CREATED,
    lastUpdated: CREATED,
    translations: [{ property: 'NAME', locale: 'en', value: l.en }],
    level: i + 1,
  }))

  const snapshot: MetadataSnapshot = {
    organisationUnits: units.orgUnits,
    organisationUnitGroups: [activeGroup],
    organisationUnitGroupSets: [groupSet],
    organisationUnitLevels,
    ...cats,
    dataElements,
    dataSets,
    sections,
    indicatorTypes: [percent],
    indicators,
    validationRules,
  }
  return { snapshot, units }
}
