/**
 * Validation rule analysis as DHIS2 2.41 runs it for `POST /api/dataAnalysis/validationRules` (core@2.41
 * `WEBAPI/controller/DataAnalysisController.performValidationRulesAnalysis`, `reporting/…/validation/
 * DefaultValidationService`, `DataValidationRunner`, `API/validation/comparator/ValidationResultComparator`,
 * `WEBAPI/webdomain/ValidationResultView`):
 * - rules: the members of group `vrg`, or every rule when `vrg` is absent *or names no group*;
 * - org units: `ou` and all its descendants (a rule with `organisationUnitLevels` only at those levels);
 * - periods: the periods of the rules' types lying inside [startDate, endDate] (`getPeriodsBetweenDates`);
 *   dates are `yyyy-MM-dd` (I18nFormat): one that does not parse is null, and then there is no period;
 * - per org unit × period × attribute option combo that has data on either side: each side is evaluated
 *   with its missing-value strategy (SKIP_IF_ALL_VALUES_MISSING / SKIP_IF_ANY_VALUE_MISSING: null;
 *   NEVER_SKIP: missing items count 0, a null side counts 0), then `isViolation`: a null side under a
 *   skip strategy is no violation; compulsory_pair / exclusive_pair look at presence only;
 * - values in the answer are `roundSignificant(zeroIfNull(x))`; results sorted by period start date (then
 *   org unit path and rule, where DHIS2's HashSet leaves the order open), cut at maxResults.
 */
import type { StandinContext } from '../context'
import { evaluateExpression, parseExpression, type ParsedExpression } from '../analytics/expression'
import { periodOf } from '../analytics/periods'
import { periodName, type OrganisationUnit, type ValidationRule } from '@relais/mappings'

export interface ValidationViolation {
  rule: ValidationRule
  orgUnit: OrganisationUnit
  period: string
  attributeOptionCombo: string
  leftSideValue: number
  rightSideValue: number
}

type Strategy = 'SKIP_IF_ANY_VALUE_MISSING' | 'SKIP_IF_ALL_VALUES_MISSING' | 'NEVER_SKIP'
type Operator = ValidationRule['operator'] | 'compulsory_pair' | 'exclusive_pair'

const SYMBOLS: Record<Operator, string> = {
  equal_to: '==',
  not_equal_to: '!=',
  greater_than: '>',
  greater_than_or_equal_to: '>=',
  less_than: '<',
  less_than_or_equal_to: '<=',
  compulsory_pair: '[Compulsory pair]',
  exclusive_pair: '[Exclusive pair]',
}

/** `MathUtils.roundSignificant`: one decimal from 10 up, else three significant digits. */
export function roundSignificant(value: number): number {
  if (Math.abs(value) >= 10) return Math.round(value * 10) / 10
  if (value === 0) return 0
  return Number(value.toPrecision(3))
}

interface CompiledSide {
  parsed: ParsedExpression
  strategy: Strategy
}

interface CompiledRule {
  rule: ValidationRule
  operator: Operator
  left: CompiledSide
  right: CompiledSide
  levels: number[]
  dataElements: Set<string>
}

function compile(rule: ValidationRule): CompiledRule | undefined {
  try {
    const side = (s: ValidationRule['leftSide']): CompiledSide => ({
      parsed: parseExpression(s.expression),
      strategy: (s.missingValueStrategy ?? 'SKIP_IF_ALL_VALUES_MISSING') as Strategy,
    })
    const left = side(rule.leftSide)
    const right = side(rule.rightSide)
    const dataElements = new Set<string>()
    for (const s of [left, right]) for (const i of s.parsed.items) if (i.de) dataElements.add(i.de)
    const levels = (rule as { organisationUnitLevels?: number[] }).organisationUnitLevels ?? []
    return { rule, operator: rule.operator as Operator, left, right, levels, dataElements }
  } catch {
    return undefined // an expression the stand-in cannot read: DHIS2 would fail the whole run, we skip the rule
  }
}

/** One side for one AOC: null when skipped, else the expression's value (missing items 0). */
function sideValue(side: CompiledSide, values: Map<string, number>, aoc: string): number | null {
  const items = side.parsed.items
  let present = 0
  const itemValues = items.map((item) => {
    if (item.kind !== 'DE' || !item.de) return undefined
    if (item.aoc && item.aoc !== aoc) return undefined
    let total: number | undefined
    for (const [key, v] of values) {
      const [de, coc] = key.split('.')
      if (de !== item.de || (item.coc && item.coc !== coc)) continue
      total = (total ?? 0) + v
    }
    if (total !== undefined) present++
    return total
  })
  if (items.length > 0 && present === 0) return null // no data for this AOC on this side
  if (side.strategy === 'SKIP_IF_ANY_VALUE_MISSING' && present < items.length) return null
  // The analytics evaluator with every item present (missing ones count 0); null on division by zero.
  const result = evaluateExpression(
    side.parsed,
    itemValues.map((v) => v ?? 0),
    { days: undefined, periodInYear: undefined, yearlyPeriodCount: undefined },
  )
  return result !== null && Number.isFinite(result) ? result : null
}

function isViolation(rule: CompiledRule, leftIn: number | null, rightIn: number | null): boolean {
  if (rule.operator === 'compulsory_pair') return (leftIn === null) !== (rightIn === null)
  if (rule.operator === 'exclusive_pair') return leftIn !== null && rightIn !== null
  let left = leftIn
  let right = rightIn
  if (left === null) {
    if (rule.left.strategy !== 'NEVER_SKIP') return false
    left = 0
  }
  if (right === null) {
    if (rule.right.strategy !== 'NEVER_SKIP') return false
    right = 0
  }
  switch (rule.operator) {
    case 'equal_to':
      return !(left === right)
    case 'not_equal_to':
      return !(left !== right)
    case 'greater_than':
      return !(left > right)
    case 'greater_than_or_equal_to':
      return !(left >= right)
    case 'less_than':
      return !(left < right)
    default:
      return !(left <= right)
  }
}

export interface AnalysisOptions {
  rules: ValidationRule[]
  orgUnit: OrganisationUnit
  /** `yyyy-MM-dd`, or undefined when absent or not parsable (→ no period, no result). */
  startDate?: string
  endDate?: string
  maxResults: number
}

export function runValidationAnalysis(ctx: StandinContext, options: AnalysisOptions): ValidationViolation[] {
  const { startDate, endDate } = options
  if (startDate === undefined || endDate === undefined) return []
  const rules = options.rules.map(compile).filter((r): r is CompiledRule => r !== undefined)
  const wanted = new Set<string>()
  for (const r of rules) for (const de of r.dataElements) wanted.add(de)
  const subTree = ctx.state.metadata.organisationUnits.filter((o) => o.path.startsWith(options.orgUnit.path))
  const violations: ValidationViolation[] = []
  for (const ou of subTree) {
    // period → aoc → "de.coc" → value
    const data = new Map<string, Map<string, Map<string, number>>>()
    for (const v of ctx.state.dataValues.valuesOf(ou.id)) {
      if (v.deleted || !wanted.has(v.dataElement)) continue
      const period = periodOf(v.period)
      if (!period || period.startDate < startDate || period.endDate > endDate) continue
      const value = Number(v.value)
      if (v.value.trim() === '' || !Number.isFinite(value)) continue
      let byAoc = data.get(v.period)
      if (!byAoc) data.set(v.period, (byAoc = new Map()))
      let values = byAoc.get(v.attributeOptionCombo)
      if (!values) byAoc.set(v.attributeOptionCombo, (values = new Map()))
      values.set(`${v.dataElement}.${v.categoryOptionCombo}`, value)
    }
    for (const [pe, byAoc] of data) {
      const periodType = periodOf(pe)?.periodType
      for (const rule of rules) {
        if (rule.rule.periodType !== periodType) continue
        if (rule.levels.length > 0 && !rule.levels.includes(ou.level)) continue
        for (const [aoc, values] of byAoc) {
          const left = sideValue(rule.left, values, aoc)
          const right = sideValue(rule.right, values, aoc)
          // An AOC is evaluated only when one side has a value for it (the union of both sides' maps).
          if (left === null && right === null) continue
          if (!isViolation(rule, left, right)) continue
          violations.push({
            rule: rule.rule,
            orgUnit: ou,
            period: pe,
            attributeOptionCombo: aoc,
            leftSideValue: roundSignificant(left ?? 0),
            rightSideValue: roundSignificant(right ?? 0),
          })
        }
      }
    }
  }
  const starts = new Map<string, string>()
  const startOf = (pe: string) => {
    let s = starts.get(pe)
    if (s === undefined) starts.set(pe, (s = periodOf(pe)?.startDate ?? ''))
    return s
  }
  violations.sort(
    (a, b) =>
      startOf(a.period).localeCompare(startOf(b.period)) ||
      a.orgUnit.path.localeCompare(b.orgUnit.path) ||
      a.rule.id.localeCompare(b.rule.id) ||
      a.attributeOptionCombo.localeCompare(b.attributeOptionCombo),
  )
  return violations.slice(0, options.maxResults)
}

/** `ValidationResultView` as the controller fills it (nulls omitted by DHIS2's object mapper). */
export function violationView(ctx: StandinContext, v: ValidationViolation, locale: string) {
  const objects = ctx.index.metadata.objects
  const ancestors = v.orgUnit.path
    .split('/')
    .filter(Boolean)
    .slice(0, -1)
    .map((id) => objects.organisationUnits.byId.get(id)?.name ?? '')
  const period = periodOf(v.period)
  const description = (v.rule as { description?: string }).description
  return {
    validationRuleId: v.rule.id,
    ...(description ? { validationRuleDescription: description } : {}),
    organisationUnitId: v.orgUnit.id,
    organisationUnitDisplayName: v.orgUnit.name,
    organisationUnitPath: v.orgUnit.path,
    organisationUnitAncestorNames: ancestors.map((n) => `${n} / `).join(''),
    periodId: v.period,
    periodDisplayName: period ? periodName(period, locale.startsWith('fr') ? 'fr' : 'en') : v.period,
    attributeOptionComboId: v.attributeOptionCombo,
    attributeOptionComboDisplayName: objects.categoryOptionCombos.byId.get(v.attributeOptionCombo)?.name ?? '',
    importance: v.rule.importance,
    leftSideValue: v.leftSideValue,
    operator: SYMBOLS[v.rule.operator as Operator] ?? v.rule.operator,
    rightSideValue: v.rightSideValue,
  }
}
