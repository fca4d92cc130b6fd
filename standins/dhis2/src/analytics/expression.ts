/**
 * Indicator expressions (analytics §3.4): `#{de}`, `#{de.coc}`, `#{de.coc.aoc}`, `#{de.*.aoc}`,
 * `R{ds.METRIC}`, the item methods `.yearToDate()` and `.periodOffset(n)`, `[days]`,
 * `[periodInYear]`, `[yearlyPeriodCount]`, numbers, `+ - * / % ^` and parentheses. Items are
 * aggregated for the cell first, then the formula is evaluated with DHIS2's indicator missing-value
 * strategy SKIP_IF_ALL_VALUES_MISSING (a side whose items are all missing is null; otherwise a missing
 * item counts as 0).
 */

export const REPORTING_METRICS = [
  'REPORTING_RATE',
  'REPORTING_RATE_ON_TIME',
  'ACTUAL_REPORTS',
  'ACTUAL_REPORTS_ON_TIME',
  'EXPECTED_REPORTS',
] as const
export type ReportingMetric = (typeof REPORTING_METRICS)[number]

export const isReportingMetric = (s: string): s is ReportingMetric =>
  (REPORTING_METRICS as readonly string[]).includes(s)

export interface ExpressionItem {
  kind: 'DE' | 'RR'
  /** Data element, and COC / AOC restriction (null: all) for `#{}`. */
  de?: string
  coc?: string | null
  aoc?: string | null
  ds?: string
  metric?: ReportingMetric
  yearToDate: boolean
  periodOffset: number
}

export type PeriodVariable = 'days' | 'periodInYear' | 'yearlyPeriodCount'

type Node =
  | { t: 'num'; v: number }
  | { t: 'item'; i: number }
  | { t: 'var'; name: PeriodVariable }
  | { t: 'neg'; a: Node }
  | { t: 'bin'; op: string; a: Node; b: Node }

export interface ParsedExpression {
  root: Node
  /** One entry per occurrence, in reading order. */
  items: ExpressionItem[]
}

export class ExpressionError extends Error {}

export function parseExpression(text: string): ParsedExpression {
  const items: ExpressionItem[] = []
  let pos = 0
  const skip = () => {
    while (pos < text.length && /\s/.test(text[pos] ?? '')) pos++
  }
  const fail = (what: string): never => {
    throw new ExpressionError(`${what} at ${pos} in '${text}'`)
  }
  const expect = (s: string) => {
    skip()
    if (!text.startsWith(s, pos)) fail(`Expected '${s}'`)
    pos += s.length
  }

  const parseItem = (prefix: string): Node => {
    const close = text.indexOf('}', pos)
    if (close < 0) fail('Unclosed item')
    const body = text.slice(pos, close).trim()
    pos = close + 1
    const parts = body.split('.')
    let item: ExpressionItem
    if (prefix === '#') {
      const [de, coc, aoc] = parts
      if (!de) fail('Empty data element')
      item = {
        kind: 'DE',
        de,
        coc: coc === undefined || coc === '*' ? null : coc,
        aoc: aoc === undefined || aoc === '*' ? null : aoc,
        yearToDate: false,
        periodOffset: 0,
      }
    } else if (prefix === 'R') {
      const [ds, metric] = parts
      if (!ds || !metric || !isReportingMetric(metric)) fail(`Not a reporting rate: ${body}`)
      item = { kind: 'RR', ds, metric: metric as ReportingMetric, yearToDate: false, periodOffset: 0 }
    } else return fail(`Unsupported item ${prefix}{}`)
    // Item methods.
    for (;;) {
      const save = pos
      skip()
      if (text[pos] !== '.') {
        pos = save
        break
      }
      pos++
      const m = /^([A-Za-z]+)\s*\(([^)]*)\)/.exec(text.slice(pos))
      if (!m) fail('Bad item method')
      const [whole = '', name, arg = ''] = m as RegExpExecArray
      pos += whole.length
      if (name === 'yearToDate') item.yearToDate = true
      else if (name === 'periodOffset') {
        const n = Number(arg.trim())
        if (!Number.isInteger(n)) fail('Bad period offset')
        item.periodOffset += n
      } else fail(`Unsupported item method ${String(name)}`)
    }
    items.push(item)
    return { t: 'item', i: items.length - 1 }
  }

  const primary = (): Node => {
    skip()
    const ch = text[pos]
    if (ch === '(') {
      pos++
      const node = expr()
      expect(')')
      return node
    }
    if (ch === '[') {
      const close = text.indexOf(']', pos)
      const name = text.slice(pos + 1, close).trim()
      if (close < 0 || (name !== 'days' && name !== 'periodInYear' && name !== 'yearlyPeriodCount'))
        fail('Unknown variable')
      pos = close + 1
      return { t: 'var', name: name as PeriodVariable }
    }
    const num = /^(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?/.exec(text.slice(pos))
    if (num) {
      pos += num[0].length
      return { t: 'num', v: Number(num[0]) }
    }
    const m = /^(#|R|C|N|OUG|I|D|A)\{/.exec(text.slice(pos))
    if (m) {
      pos += m[0].length
      return parseItem(m[1] ?? '')
    }
    return fail('Unexpected token')
  }
  const unary = (): Node => {
    skip()
    if (text[pos] === '-') {
      pos++
      return { t: 'neg', a: unary() }
    }
    if (text[pos] === '+') {
      pos++
      return unary()
    }
    return power()
  }
  const power = (): Node => {
    const base = primary()
    skip()
    if (text[pos] === '^') {
      pos++
      return { t: 'bin', op: '^', a: base, b: unary() }
    }
    return base
  }
  const term = (): Node => {
    let node = unary()
    for (;;) {
      skip()
      const op = text[pos]
      if (op !== '*' && op !== '/' && op !== '%') return node
      pos++
      node = { t: 'bin', op, a: node, b: unary() }
    }
  }
  const expr = (): Node => {
    let node = term()
    for (;;) {
      skip()
      const op = text[pos]
      if (op !== '+' && op !== '-') return node
      pos++
      node = { t: 'bin', op, a: node, b: term() }
    }
  }

  const root = expr()
  skip()
  if (pos < text.length) fail('Trailing text')
  return { root, items }
}

interface EvalState {
  values: readonly (number | undefined)[]
  vars: Record<PeriodVariable, number | undefined>
  invalid: boolean
}

function evalNode(node: Node, st: EvalState): number {
  switch (node.t) {
    case 'num':
      return node.v
    case 'item':
      return st.values[node.i] ?? 0
    case 'var': {
      const v = st.vars[node.name]
      if (v === undefined) st.invalid = true
      return v ?? 0
    }
    case 'neg':
      return -evalNode(node.a, st)
    case 'bin': {
      const a = evalNode(node.a, st)
      const b = evalNode(node.b, st)
      switch (node.op) {
        case '+':
          return a + b
        case '-':
          return a - b
        case '*':
          return a * b
        case '/':
        case '%':
          if (b === 0) {
            st.invalid = true
            return 0
          }
          return node.op === '/' ? a / b : a % b
        default:
          return a ** b
      }
    }
  }
}

/**
 * The value of an expression given its items' values (undefined = missing), or null when skipped: all
 * items missing (SKIP_IF_ALL_VALUES_MISSING) or a division by zero.
 */
export function evaluateExpression(
  parsed: ParsedExpression,
  values: readonly (number | undefined)[],
  vars: Record<PeriodVariable, number | undefined>,
): number | null {
  if (parsed.items.length > 0) {
    let found = false
    for (const v of values) if (v !== undefined) found = true
    if (!found) return null
  }
  const st: EvalState = { values, vars, invalid: false }
  const result = evalNode(parsed.root, st)
  return st.invalid || !Number.isFinite(result) ? null : result
}

export function hasPeriodOffset(parsed: ParsedExpression): boolean {
  return parsed.items.some((i) => i.periodOffset !== 0)
}
