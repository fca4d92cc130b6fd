/**
 * The seed's metadata snapshot: the programme from the metadata package (`@relais/metadata`, the one
 * description of it), DHIS2's built-in `default` category objects, and the org-unit tree for a seed size,
 * whose RC the data sets and the active-RC group get. UIDs derive from codes, so every run and every machine
 * gets the same objects.
 */
import { relaisPackage } from '@relais/metadata'
import { DEFAULT_OPTION_SHARING } from '../auth/object-sharing'
import { uidFromSeed } from '@relais/mappings'
import type {
  Category,
  CategoryCombo,
  CategoryOption,
  CategoryOptionCombo,
  DataElement,
  DataSet,
  MetadataSnapshot,
  OrganisationUnit,
  OrganisationUnitGroup,
  Ref,
} from '@relais/mappings'
import { FIRST_NAMES, SURNAMES, VILLAGE_ROOTS, VILLAGE_SUFFIXES } from './names'
import { COUNTRY, DEPARTMENTS } from './program'
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

export interface SeededOrgUnits {
  orgUnits: OrganisationUnit[]
  /** Level-5 org units (relais communautaires) in code order. */
  rcs: OrganisationUnit[]
  /** RC org unit ids that are not in OUG_RC_ACTIFS (inactive: not expected to report). */
  inactive: Set<string>
}

/** DHIS2's built-in `default` option, category, combo and option combo (never in the package). */
export function defaults() {
  const stamp = { created: CREATED, lastUpdated: CREATED }
  const named = (kind: string) => ({ id: uid(kind, 'default'), code: 'default', name: 'default' })
  const option: CategoryOption = {
    ...named('categoryOption'),
    shortName: 'default',
    ...stamp,
    translations: [
      { property: 'NAME', locale: 'en', value: 'default' },
      { property: 'SHORT_NAME', locale: 'en', value: 'default' },
    ],
    organisationUnits: [],
    sharing: structuredClone(DEFAULT_OPTION_SHARING),
  }
  const category: Category = {
    ...named('category'),
    shortName: 'default',
    ...stamp,
    translations: option.translations,
    dataDimensionType: 'DISAGGREGATION',
    categoryOptions: [ref(option.id)],
  }
  const combo: CategoryCombo = {
    ...named('categoryCombo'),
    ...stamp,
    dataDimensionType: 'DISAGGREGATION',
    isDefault: true,
    skipTotal: false,
    categories: [ref(category.id)],
    categoryOptionCombos: [ref(uid('categoryOptionCombo', 'default'))],
  }
  const optionCombo: CategoryOptionCombo = {
    ...named('categoryOptionCombo'),
    ...stamp,
    categoryCombo: ref(combo.id),
    categoryOptions: [ref(option.id)],
    ignoreApproval: false,
  }
  return { option, category, combo, optionCombo }
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
  const activeGroupId = relaisPackage().organisationUnitGroups.find((g) => g.code === ACTIVE_RC_GROUP)!.id

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

/** The code of the group of active RC (`OUGS_ACTIVITE_RC` dimension): the seed decides who is in it. */
const ACTIVE_RC_GROUP = 'OUG_RC_ACTIFS'

/** A package object as DHIS2 holds it: with the times DHIS2 stamps (a deep copy: the package is shared). */
function stamped<T extends object>(objects: readonly T[]): (T & { created: string; lastUpdated: string })[] {
  return (JSON.parse(JSON.stringify(objects)) as T[]).map((o) => ({ ...o, created: CREATED, lastUpdated: CREATED }))
}

export function buildMetadata(size: SeedSize, seed: number): { snapshot: MetadataSnapshot; units: SeededOrgUnits } {
  const pkg = relaisPackage()
  const random = new Random(seed)
  const units = buildOrgUnits(size, random)
  const builtIn = defaults()
  const defaultCombo = ref(builtIn.combo.id)
  const level5 = units.rcs.map((rc) => ref(rc.id))

  const dataElements: DataElement[] = stamped(pkg.dataElements).map((de) => ({
    ...de,
    categoryCombo: de.categoryCombo ?? defaultCombo,
  }))
  const dataSets: DataSet[] = stamped(pkg.dataSets).map((ds) => ({
    ...ds,
    categoryCombo: ds.categoryCombo ?? defaultCombo,
    organisationUnits: level5,
    sections: pkg.sections
      .filter((sec) => sec.dataSet.id === ds.id)
      .sort((a, b) => a.sortOrder - b.sortOrder)
      .map((sec) => ref(sec.id)),
  }))
  // The inverse sides DHIS2 derives (not owned, so not in the package): a group's sets, a combo's option
  // combos, a data set's sections.
  const organisationUnitGroups: OrganisationUnitGroup[] = stamped(pkg.organisationUnitGroups).map((g) => ({
    ...g,
    organisationUnits:
      g.code === ACTIVE_RC_GROUP ? units.rcs.filter((rc) => !units.inactive.has(rc.id)).map((rc) => ref(rc.id)) : [],
    groupSets: pkg.organisationUnitGroupSets
      .filter((set) => set.organisationUnitGroups.some((x) => x.id === g.id))
      .map((set) => ref(set.id)),
  }))

  const snapshot: MetadataSnapshot = {
    organisationUnits: units.orgUnits,
    organisationUnitGroups,
    organisationUnitGroupSets: stamped(pkg.organisationUnitGroupSets),
    organisationUnitLevels: stamped(pkg.organisationUnitLevels),
    categoryOptions: [...stamped(pkg.categoryOptions).map((o) => ({ ...o, organisationUnits: [] })), builtIn.option],
    categories: [...stamped(pkg.categories), builtIn.category],
    categoryCombos: [
      builtIn.combo,
      ...stamped(pkg.categoryCombos).map((combo) => ({
        ...combo,
        categoryOptionCombos: pkg.categoryOptionCombos
          .filter((coc) => coc.categoryCombo.id === combo.id)
          .map((coc) => ref(coc.id)),
      })),
    ],
    categoryOptionCombos: [builtIn.optionCombo, ...stamped(pkg.categoryOptionCombos)],
    dataElements,
    dataSets,
    sections: stamped(pkg.sections),
    indicatorTypes: stamped(pkg.indicatorTypes),
    indicators: stamped(pkg.indicators),
    validationRules: stamped(pkg.validationRules),
  }
  return { snapshot, units }
}

/** A blank DHIS2: its built-in `default` category objects and the country's root org unit, nothing else. */
export function buildBlankMetadata(): MetadataSnapshot {
  const builtIn = defaults()
  const rootId = uid('organisationUnit', COUNTRY.code)
  const root: OrganisationUnit = {
    id: rootId,
    code: COUNTRY.code,
    name: COUNTRY.fr,
    shortName: COUNTRY.fr,
    created: CREATED,
    lastUpdated: CREATED,
    translations: [{ property: 'NAME', locale: 'en', value: COUNTRY.en }],
    level: 1,
    path: `/${rootId}`,
    children: [],
    openingDate: '1990-01-01T00:00:00.000',
    organisationUnitGroups: [],
  }
  return {
    organisationUnits: [root],
    organisationUnitGroups: [],
    organisationUnitGroupSets: [],
    organisationUnitLevels: [],
    categoryOptions: [builtIn.option],
    categories: [builtIn.category],
    categoryCombos: [builtIn.combo],
    categoryOptionCombos: [builtIn.optionCombo],
    dataElements: [],
    dataSets: [],
    sections: [],
    indicatorTypes: [],
    indicators: [],
    validationRules: [],
  }
}
