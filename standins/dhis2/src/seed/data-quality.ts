/**
 * The seed's data-quality findings, known in advance so that a test can check that a data-quality screen
 * lists exactly them (issue 15 §3). After the reports are written:
 * 1. Natural outliers are smoothed away: in every monthly series (RC × data element × option combo), a value
 *    whose z-score against the series (population deviation, as DHIS2's Z_SCORE) reaches `SMOOTH_Z` is set
 *    to the series' median — mostly the RC's one month of a bed-net campaign. Then any rule left broken is
 *    mended by lowering its left side. The reports are then free of findings for DHIS2's default outlier
 *    detection (Z_SCORE, threshold 3) and for every validation rule.
 * 2. Four outliers are planted: one value ten times the series' largest, in a series with a value every
 *    month (with fewer than 11 values a single value cannot reach z = 3: √(n−1) is the ceiling).
 * 3. Four violations are planted, one per rule of the package (VR_TDR_POS, VR_CTA, VR_PDV, VR_AUTOTEST_SENS):
 *    the left side made larger than the right by a little, without making an outlier.
 * RC are taken from the end of the list (code order), away from the first RC of the Atlantique that the
 * end-to-end tests use; the choice depends only on the seeded reports, so it is the same at every run.
 * Z_SCORE is the only algorithm the seed is clean for: MOD_Z_SCORE (median absolute deviation) flags
 * ordinary Poisson variation by the hundred, as it would on real data.
 */
import type { OrganisationUnit } from '@relais/mappings'
import type { DataValueStore } from '../store/data-values'
import { relaisPackage } from '@relais/metadata'
import { uid } from './build-metadata'

export interface SeededFinding {
  kind: 'OUTLIER' | 'VALIDATION_RULE'
  /** The RC's org unit code (`RC-AQ-00042`) and uid. */
  rc: string
  orgUnit: string
  period: string
  /** The planted cell: data element (uid and code) and category option combo (uid and code). */
  dataElement: string
  dataElementCode: string
  categoryOptionCombo: string
  categoryOptionComboCode: string
  /** VALIDATION_RULE: the rule broken (uid and code). */
  validationRule?: string
  validationRuleCode?: string
  /** The value planted. */
  value: number
}

/** A value at or above this z-score in its series is smoothed (margin under the finding threshold, 3). */
export const SMOOTH_Z = 2.5

const DEFAULT = uid('categoryOptionCombo', 'default')
const SEXES = ['M', 'F']
const AGES = ['A_MOINS15', 'A_15_24', 'A_25PLUS']

/** The monthly numeric cells of the report (data element code, option combo code), as build-data writes them. */
const CELLS: [string, string][] = [
  ...SEXES.flatMap((s) => AGES.map((a): [string, string] => ['RC_VIH_SENS', `${s}_${a}`])),
  ['RC_VIH_PRES_M', 'default'],
  ['RC_VIH_PRES_F', 'default'],
  ['RC_VIH_AUTOTEST', 'M'],
  ['RC_VIH_AUTOTEST', 'F'],
  ['RC_VIH_REF_DEPIST', 'M'],
  ['RC_VIH_REF_DEPIST', 'F'],
  ['RC_VIH_PDV_RECH', 'default'],
  ['RC_VIH_PDV_RETR', 'default'],
  ['RC_TB_PRESUMES_REF', 'M'],
  ['RC_TB_PRESUMES_REF', 'F'],
  ['RC_TB_SUIVI_DOT', 'default'],
  ['RC_PALU_FIEVRE', 'M'],
  ['RC_PALU_FIEVRE', 'F'],
  ['RC_PALU_TDR', 'default'],
  ['RC_PALU_TDR_POS', 'default'],
  ['RC_PALU_CTA_24H', 'default'],
  ['RC_PALU_REF_GRAVE', 'default'],
  ['RC_PALU_MILDA', 'default'],
  ['RC_VAD', 'default'],
  ['RC_CAUSERIES', 'default'],
]

/** The package's rules, all `#{left} ≤ #{right}` over element totals (metadata/relais-metadata.json). */
const RULES: { code: string; left: string; right: string }[] = [
  { code: 'VR_TDR_POS', left: 'RC_PALU_TDR_POS', right: 'RC_PALU_TDR' },
  { code: 'VR_CTA', left: 'RC_PALU_CTA_24H', right: 'RC_PALU_TDR_POS' },
  { code: 'VR_PDV', left: 'RC_VIH_PDV_RETR', right: 'RC_VIH_PDV_RECH' },
  { code: 'VR_AUTOTEST_SENS', left: 'RC_VIH_AUTOTEST', right: 'RC_VIH_SENS' },
]

/** Where the outliers go: elements on no rule's left side, so a big value breaks no rule. */
const OUTLIER_CELLS: [string, string][] = [
  ['RC_VAD', 'default'],
  ['RC_VIH_PRES_M', 'default'],
  ['RC_PALU_FIEVRE', 'F'],
  ['RC_CAUSERIES', 'default'],
]

const cocCode = (code: string) => code
/** Rules keep the package's UIDs (they are not derived from codes). */
const ruleUid = (code: string) => relaisPackage().validationRules.find((r) => r.code === code)?.id ?? ''
const cocUid = (code: string) => (code === 'default' ? DEFAULT : uid('categoryOptionCombo', code))

/** One RC's monthly values: cell index → month index → value (undefined: not stored). */
type Grid = (number | undefined)[][]

function maxZ(series: (number | undefined)[]): { at: number; z: number } {
  let n = 0
  let sum = 0
  for (const v of series) {
    if (v === undefined) continue
    n++
    sum += v
  }
  if (n < 2) return { at: -1, z: 0 }
  const mean = sum / n
  let squares = 0
  for (const v of series) if (v !== undefined) squares += (v - mean) ** 2
  const sd = Math.sqrt(squares / n)
  if (sd === 0) return { at: -1, z: 0 }
  let best = { at: -1, z: 0 }
  series.forEach((v, i) => {
    if (v === undefined) return
    const z = Math.abs(v - mean) / sd
    if (z > best.z) best = { at: i, z }
  })
  return best
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}

const CELLS_OF = new Map<string, (readonly [[string, string], number])[]>()
CELLS.forEach((c, i) => CELLS_OF.set(c[0], [...(CELLS_OF.get(c[0]) ?? []), [c, i] as const]))
const cellsOf = (code: string) => CELLS_OF.get(code) ?? []

function total(grid: Grid, code: string, month: number): number | undefined {
  let sum: number | undefined
  for (const [, i] of cellsOf(code)) {
    const v = grid[i]?.[month]
    if (v !== undefined) sum = (sum ?? 0) + v
  }
  return sum
}

/** Lowers a rule's left side to its right side (largest cell first); true when something changed. */
function mend(grid: Grid, rule: (typeof RULES)[number], month: number): boolean {
  const left = total(grid, rule.left, month)
  if (left === undefined) return false
  let excess = left - (total(grid, rule.right, month) ?? 0)
  if (excess <= 0) return false
  const cells = cellsOf(rule.left)
    .map(([, i]) => i)
    .sort((a, b) => (grid[b]?.[month] ?? 0) - (grid[a]?.[month] ?? 0))
  for (const i of cells) {
    const v = grid[i]?.[month]
    if (v === undefined || excess <= 0) continue
    const cut = Math.min(v, excess)
    grid[i]![month] = v - cut === 0 ? undefined : v - cut
    excess -= cut
  }
  return true
}

function smooth(grid: Grid, months: number): void {
  for (let round = 0; round < 4; round++) {
    let changed = false
    grid.forEach((series) => {
      for (let guard = 0; guard < months; guard++) {
        const { at, z } = maxZ(series)
        if (at < 0 || z < SMOOTH_Z) break
        const others = series.filter((v, i): v is number => v !== undefined && i !== at)
        series[at] = Math.max(1, Math.round(median(others)))
        changed = true
      }
    })
    for (let m = 0; m < months; m++) for (const rule of RULES) if (mend(grid, rule, m)) changed = true
    if (!changed) return
  }
}

/**
 * Smooths the reports, plants the findings, writes the changed cells back and returns the findings (in
 * planting order: outliers, then violations). `rcs` are the active RC, in code order.
 */
export function plantFindings(store: DataValueStore, rcs: OrganisationUnit[], monthIds: string[]): SeededFinding[] {
  const months = monthIds.length
  if (months === 0) return []
  const grids = new Map<string, Grid>()
  const original = new Map<string, Grid>()
  for (const rc of rcs)
    grids.set(
      rc.id,
      CELLS.map(() => new Array<number | undefined>(months).fill(undefined)),
    )
  // One raw pass over the store (no object per value): the large seed holds millions of them.
  const cellIndex = new Map(CELLS.map(([de, coc], i) => [`${uid('dataElement', de)}.${cocUid(coc)}.${DEFAULT}`, i]))
  const monthIndex = new Map(monthIds.map((pe, i) => [pe, i]))
  store.forEachEntry((orgUnit, period, key, value, deleted) => {
    if (deleted) return
    const m = monthIndex.get(period)
    const i = cellIndex.get(key)
    if (m === undefined || i === undefined) return
    const grid = grids.get(orgUnit)
    if (grid) grid[i]![m] = Number(value)
  })
  for (const [id, grid] of grids) {
    original.set(
      id,
      grid.map((series) => [...series]),
    )
    smooth(grid, months)
  }

  const findings: SeededFinding[] = []
  const used = new Set<string>()
  // From the end of the list: the tests' RC (the first of the Atlantique) keep their reports as they are.
  const candidates = [...rcs].reverse()
  const record = (
    kind: SeededFinding['kind'],
    rc: OrganisationUnit,
    month: number,
    cell: [string, string],
    value: number,
    rule?: string,
  ) => {
    used.add(rc.id)
    findings.push({
      kind,
      rc: rc.code ?? rc.id,
      orgUnit: rc.id,
      period: monthIds[month] ?? '',
      dataElement: uid('dataElement', cell[0]),
      dataElementCode: cell[0],
      categoryOptionCombo: cocUid(cell[1]),
      categoryOptionComboCode: cocCode(cell[1]),
      ...(rule ? { validationRule: ruleUid(rule), validationRuleCode: rule } : {}),
      value,
    })
  }

  // Outliers: a full series (a value every month, at least 11), one month ten times its largest value.
  if (months >= 11) {
    OUTLIER_CELLS.forEach((cell, n) => {
      const index = CELLS.findIndex((c) => c[0] === cell[0] && c[1] === cell[1])
      const month = (3 + n * 2) % months
      for (const rc of candidates) {
        if (used.has(rc.id)) continue
        const grid = grids.get(rc.id)!
        const series = grid[index]!
        if (series.some((v) => v === undefined)) continue
        const value = Math.max(...(series as number[])) * 10 + 3 + n
        const trial = [...series]
        trial[month] = value
        const { at, z } = maxZ(trial)
        if (at !== month || z < 3.1) continue
        series[month] = value
        record('OUTLIER', rc, month, cell, value)
        return
      }
    })
  }

  // Violations: one per rule, the left side a little above the right; no outlier made.
  RULES.forEach((rule, n) => {
    const month = (months - 2 - n * 2 + months * 4) % months
    const leftCells = cellsOf(rule.left).map(([c, i]) => [c, i] as const)
    for (const rc of candidates) {
      if (used.has(rc.id)) continue
      const grid = grids.get(rc.id)!
      const right = total(grid, rule.right, month)
      const left = total(grid, rule.left, month)
      if (right === undefined || right < 2 || left === undefined) continue
      const [cell, index] = leftCells[0]!
      const others = left - (grid[index]![month] ?? 0)
      const value = right - others + 1 + (n % 2)
      if (value <= 0) continue
      const trial = grid.map((s) => [...s])
      trial[index]![month] = value
      if (maxZ(trial[index]!).z >= SMOOTH_Z) continue
      // The raised value must break only this rule (CTA's right side is TDR_POS, the left of VR_TDR_POS).
      const before = RULES.filter((r) => r !== rule).some((r) => {
        const l = total(trial, r.left, month)
        return l !== undefined && l > (total(trial, r.right, month) ?? 0)
      })
      if (before) continue
      grid[index]![month] = value
      record('VALIDATION_RULE', rc, month, [cell[0], cell[1]], value, rule.code)
      return
    }
  })

  // Write back what changed (the row's storedBy and created stay: the cell is the RC's own).
  for (const rc of rcs) {
    const grid = grids.get(rc.id)!
    const before = original.get(rc.id)!
    CELLS.forEach(([de, coc], i) => {
      monthIds.forEach((pe, m) => {
        const now = grid[i]![m]
        if (now === before[i]![m]) return
        const key = {
          dataElement: uid('dataElement', de),
          period: pe,
          orgUnit: rc.id,
          categoryOptionCombo: cocUid(coc),
          attributeOptionCombo: DEFAULT,
        }
        if (now === undefined) {
          // Lowered to zero: DHIS2 does not keep an insignificant zero, so the value goes.
          const existing = store.get(key)
          if (existing) store.set(key, { ...existing, value: '', deleted: true })
          return
        }
        store.seed(rc.id, pe, key.dataElement, key.categoryOptionCombo, DEFAULT, String(now), '', '')
      })
    })
  }
  return findings
}
