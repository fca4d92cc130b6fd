/**
 * The national mapping spec (mappings/specs/hmis/national-hmis.yaml), read with the same loader as every other
 * spec (`loadSpec`: YAML and format errors at their line), then narrowed to what a DHIS2-to-DHIS2 push is: code
 * to code. A value rule's `field` names the programme's cell as `DATA_ELEMENT_CODE.COC_CODE` (or the element's
 * code alone for its `default` combo), its `dataElement` / `categoryOptionCombo` the national instance's codes;
 * `orgUnit.aliases` is the table from the programme's zone codes to the national instance's. Anything else a spec
 * may say for a form (sums, lookups, conditions) has no meaning here and is refused, never ignored.
 */
import { loadSpec, formatSpecError } from '@relais/mappings'

export interface NationalCell {
  dataElement: string
  categoryOptionCombo: string
}

export interface NationalSpec {
  id: string
  version: number
  /** The national data set's code. */
  dataSet: string
  /** Programme cell key (`DE.COC`) → national cell. */
  cells: Map<string, NationalCell>
  /** Programme zone code → national org unit code. */
  orgUnits: Map<string, string>
}

export class NationalSpecError extends Error {
  constructor(readonly problems: string[]) {
    super(`national mapping spec: ${problems.join('; ')}`)
  }
}

/** The key of a programme or national cell: `DE.COC`, `default` spelt out. */
export function cellKey(dataElement: string, categoryOptionCombo: string | undefined): string {
  return `${dataElement}.${categoryOptionCombo ?? 'default'}`
}

export function parseNationalSpec(text: string): NationalSpec {
  const loaded = loadSpec(text)
  if (!loaded.ok) throw new NationalSpecError(loaded.errors.map((e) => formatSpecError(e, 'en')))
  const { spec } = loaded
  const problems: string[] = []
  if (spec.source.kind !== 'dhis2') problems.push('source.kind must be `dhis2` for the national push')
  const cells = new Map<string, NationalCell>()
  const targets = new Set<string>()
  spec.values.forEach((rule, i) => {
    if (rule.field === undefined) {
      problems.push(`values[${i}]: only \`field: DATA_ELEMENT.CATEGORY_OPTION_COMBO\` maps code to code`)
      return
    }
    const [de, coc, ...rest] = rule.field.split('.')
    if (!de || rest.length > 0 || coc === '') {
      problems.push(`values[${i}].field "${rule.field}" must be DATA_ELEMENT_CODE or DATA_ELEMENT_CODE.COC_CODE`)
      return
    }
    const source = cellKey(de, coc)
    const target = cellKey(rule.dataElement, rule.categoryOptionCombo)
    if (cells.has(source)) problems.push(`values[${i}]: the programme's ${source} is mapped twice`)
    // Two programme cells into one national cell would overwrite each other at the national instance.
    if (targets.has(target)) problems.push(`values[${i}]: the national ${target} receives two programme cells`)
    targets.add(target)
    cells.set(source, { dataElement: rule.dataElement, categoryOptionCombo: rule.categoryOptionCombo ?? 'default' })
  })
  const orgUnits = new Map(Object.entries(spec.orgUnit.aliases))
  if (orgUnits.size === 0) problems.push('orgUnit.aliases must list each zone: programme code → national code')
  if (problems.length > 0) throw new NationalSpecError(problems)
  return { id: spec.id, version: spec.version, dataSet: spec.target.dataSet, cells, orgUnits }
}
