// What the data-quality screen lists (issue 15 §3): DHIS2's own answers — outlier detection, validation rule
// analysis, values marked for follow-up — and the app's check of missing disaggregations, turned into one
// shape. Pure: no React, no DHIS2 calls.

export type FindingKind = 'outlier' | 'validation' | 'followup' | 'disaggregation'

export const FINDING_KINDS: readonly FindingKind[] = ['outlier', 'validation', 'followup', 'disaggregation']

export interface Named {
  id: string
  name: string
}

export interface Finding {
  /** Stable across loads (the reviews are kept by it): kind, RC, month and the cell or rule. */
  id: string
  kind: FindingKind
  /** The RC's org unit uid. */
  orgUnit: string
  /** The month, `YYYYMM`. */
  period: string
  attributeOptionCombo: string
  dataElement?: Named
  categoryOptionCombo?: Named
  /** The value as DHIS2 holds it (outlier, follow-up); the filled cells' total (disaggregation). */
  value?: string
  /** Outlier: the range DHIS2 expected, from the RC's own history of that cell. */
  bounds?: { lower: number; upper: number }
  /** Validation: the rule broken and its two sides. */
  rule?: {
    id: string
    name: string
    operator: string
    left: number
    right: number
    leftSide?: string
    rightSide?: string
  }
  /** Disaggregation: the option combos left empty. */
  missing?: Named[]
}

/** The finding's id: the parts that say which finding it is, joined (no separator appears in DHIS2 uids). */
export function findingId(kind: FindingKind, orgUnit: string, period: string, ...what: string[]): string {
  return [kind, orgUnit, period, ...what].join('.')
}

/** One value of `GET /api/outlierDetection` (2.41 `OutlierValue`, the fields used here). */
export interface OutlierValue {
  de: string
  deName?: string
  pe: string
  ou: string
  coc: string
  cocName?: string
  aoc: string
  value?: number
  lowerBound?: number
  upperBound?: number
}

/** DHIS2 names a cell the same way in its outlier and follow-up answers: the parts of a finding they share. */
function cellFinding(kind: 'outlier' | 'followup', v: OutlierValue | FollowupValue) {
  return {
    id: findingId(kind, v.ou, v.pe, v.de, v.coc, v.aoc),
    kind,
    orgUnit: v.ou,
    period: v.pe,
    attributeOptionCombo: v.aoc,
    dataElement: { id: v.de, name: v.deName ?? v.de },
    categoryOptionCombo: { id: v.coc, name: v.cocName ?? v.coc },
  } as const
}

/** Monthly periods only: the report is monthly, and another period type cannot be opened in its form. */
const monthly = (v: { pe: string }) => /^\d{6}$/.test(v.pe)

export function outlierFindings(values: readonly OutlierValue[]): Finding[] {
  return values.filter(monthly).map((v) => ({
    ...cellFinding('outlier', v),
    value: v.value === undefined ? undefined : String(v.value),
    bounds:
      v.lowerBound === undefined || v.upperBound === undefined
        ? undefined
        : { lower: v.lowerBound, upper: v.upperBound },
  }))
}

/** One `ValidationResultView` of `POST /api/dataAnalysis/validationRules`. */
export interface ValidationResultView {
  validationRuleId: string
  validationRuleDescription?: string
  organisationUnitId: string
  periodId: string
  attributeOptionComboId: string
  leftSideValue: number
  operator: string
  rightSideValue: number
}

/** The rules as `/api/validationRules` describes them (names and the sides' descriptions). */
export interface RuleInfo {
  id: string
  displayName: string
  leftSide?: { description?: string }
  rightSide?: { description?: string }
}

export function validationFindings(views: readonly ValidationResultView[], rules: readonly RuleInfo[]): Finding[] {
  const byId = new Map(rules.map((r) => [r.id, r]))
  return views
    .filter((v) => /^\d{6}$/.test(v.periodId))
    .map((v) => {
      const rule = byId.get(v.validationRuleId)
      return {
        id: findingId('validation', v.organisationUnitId, v.periodId, v.validationRuleId, v.attributeOptionComboId),
        kind: 'validation',
        orgUnit: v.organisationUnitId,
        period: v.periodId,
        attributeOptionCombo: v.attributeOptionComboId,
        rule: {
          id: v.validationRuleId,
          name: rule?.displayName ?? v.validationRuleDescription ?? v.validationRuleId,
          operator: v.operator,
          left: v.leftSideValue,
          right: v.rightSideValue,
          leftSide: rule?.leftSide?.description,
          rightSide: rule?.rightSide?.description,
        },
      }
    })
}

/** One value of `GET /api/dataAnalysis/followup` (2.41 `FollowupValue`, the fields used here). */
export interface FollowupValue {
  de: string
  deName?: string
  pe: string
  ou: string
  coc: string
  cocName?: string
  aoc: string
  value?: string
}

export function followupFindings(values: readonly FollowupValue[]): Finding[] {
  return values.filter(monthly).map((v) => ({ ...cellFinding('followup', v), value: v.value }))
}

/** Findings in the order the screen lists them: month (latest first), then RC, then kind, then id. */
export function sortFindings(findings: readonly Finding[], rcName: (id: string) => string): Finding[] {
  return [...findings].sort(
    (a, b) =>
      b.period.localeCompare(a.period) ||
      rcName(a.orgUnit).localeCompare(rcName(b.orgUnit)) ||
      FINDING_KINDS.indexOf(a.kind) - FINDING_KINDS.indexOf(b.kind) ||
      a.id.localeCompare(b.id),
  )
}
