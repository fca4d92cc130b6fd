/**
 * The programme's values aggregated to the zones, turned into the national instance's codes (pure). A value
 * whose cell or zone the spec does not map is kept aside with what is missing: the reconciliation report lists
 * it as « not sent », so nothing is dropped silently.
 */
import { cellKey, type NationalSpec } from './national-spec'

/** A value as analytics gives it: the programme's codes (zone, element, option combo), one period. */
export interface ProgrammeValue {
  period: string
  orgUnit: string
  dataElement: string
  categoryOptionCombo: string
  value: string
}

/** A value in the national instance's codes (as sent, or as read back from it). */
export interface NationalValue {
  period: string
  orgUnit: string
  dataElement: string
  categoryOptionCombo: string
  value: string
}

export interface PlannedValue {
  source: ProgrammeValue
  target: NationalValue
}

export interface UnmappedValue {
  source: ProgrammeValue
  /** What the spec lacks: the element/option combo, or the zone. */
  missing: 'cell' | 'orgUnit'
}

export interface MappedValues {
  planned: PlannedValue[]
  unmapped: UnmappedValue[]
}

export function mapToNational(values: readonly ProgrammeValue[], spec: NationalSpec): MappedValues {
  const planned: PlannedValue[] = []
  const unmapped: UnmappedValue[] = []
  for (const source of values) {
    const cell = spec.cells.get(cellKey(source.dataElement, source.categoryOptionCombo))
    const orgUnit = spec.orgUnits.get(source.orgUnit)
    if (!cell) unmapped.push({ source, missing: 'cell' })
    else if (!orgUnit) unmapped.push({ source, missing: 'orgUnit' })
    else
      planned.push({
        source,
        target: {
          period: source.period,
          orgUnit,
          dataElement: cell.dataElement,
          categoryOptionCombo: cell.categoryOptionCombo,
          value: source.value,
        },
      })
  }
  return { planned, unmapped }
}

/** The key of a national value: period, org unit and cell. */
export function nationalKey(v: Pick<NationalValue, 'period' | 'orgUnit' | 'dataElement' | 'categoryOptionCombo'>) {
  return `${v.period}|${v.orgUnit}|${cellKey(v.dataElement, v.categoryOptionCombo)}`
}

/** Analytics answers `12` or `12.0`, DHIS2's data values `12`: the same number is the same value. */
export function sameValue(a: string, b: string): boolean {
  if (a === b) return true
  const x = Number(a)
  const y = Number(b)
  return a.trim() !== '' && b.trim() !== '' && Number.isFinite(x) && Number.isFinite(y) && x === y
}

/**
 * Analytics rows (`dx`, `co`, `pe`, `ou`, `value` columns, any order; dx and ou as codes) → programme values.
 * `cocCodes` turns the option combos' UIDs into codes (analytics keeps UIDs for the `co` dimension).
 */
export function valuesFromAnalytics(
  grid: { headers: readonly { name: string }[]; rows: readonly (readonly string[])[] },
  cocCodes: ReadonlyMap<string, string>,
): ProgrammeValue[] {
  const col = (name: string) => grid.headers.findIndex((h) => h.name === name)
  const [dx, co, pe, ou, value] = [col('dx'), col('co'), col('pe'), col('ou'), col('value')]
  if ([dx, co, pe, ou, value].some((i) => i < 0))
    throw new Error('analytics answered without the dx, co, pe, ou and value columns')
  return grid.rows.map((r) => ({
    dataElement: r[dx]!,
    categoryOptionCombo: cocCodes.get(r[co]!) ?? r[co]!,
    period: r[pe]!,
    orgUnit: r[ou]!,
    value: r[value]!,
  }))
}
