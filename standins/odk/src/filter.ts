/**
 * The part of OData `$filter` that ODK Central evaluates on submissions (kobo-odk-api.md §B3; cb
 * `lib/data/odata-filter.js`, `lib/data/submission.js filterableFields`): the six system fields,
 * `eq ne lt le gt ge and or not`, parentheses, literals (date-times, dates, 'strings', numbers, null).
 * Central turns the expression into SQL, so comparisons follow SQL's three-valued logic: anything
 * compared with a NULL column is unknown, and `not unknown` stays unknown (the row is not returned).
 * `eq null` / `ne null` are rewritten to IS NULL / NOT IS NULL, as Central does.
 *
 * Not implemented (answered 501 with a `stand-in:` detail): the functions `year month day hour minute
 * second now` — Central has them, Relais does not use them.
 */

/** Filterable fields → the column they read (cb `filterableFields`). */
export const FILTERABLE_FIELDS = [
  '__id',
  '__system/submissionDate',
  '__system/updatedAt',
  '__system/submitterId',
  '__system/reviewState',
  '__system/deletedAt',
] as const
export type FilterField = (typeof FILTERABLE_FIELDS)[number]

/** A column value: timestamps as microseconds since the epoch (PostgreSQL's precision), text, or null. */
export type ColumnValue = number | string | null

type Node =
  | { type: 'field'; field: FilterField }
  | { type: 'literal'; value: ColumnValue; kind: 'time' | 'string' | 'number' | 'null' }
  | { type: 'compare'; op: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'; left: Node; right: Node }
  | { type: 'and' | 'or'; left: Node; right: Node }
  | { type: 'not'; value: Node }

/** 400.18: the expression does not parse. */
export class FilterParseError extends Error {}
/** 501.5: a field Central does not filter on (form fields included). */
export class UnsupportedFilterField extends Error {
  constructor(
    readonly field: string,
    readonly at: number,
  ) {
    super(field)
  }
}
/** 501.4 in Central; here only the date functions, which the stand-in leaves out. */
export class UnsupportedFilterFeature extends Error {}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/
const DATE = /^\d{4}-\d{2}-\d{2}$/

/** An ISO literal as microseconds. A date alone is midnight UTC (Central's database runs in UTC). */
export function toMicros(text: string): number {
  const fraction = /\.(\d{1,6})/.exec(text)?.[1] ?? ''
  const ms = Date.parse(DATE.test(text) ? `${text}T00:00:00Z` : text)
  if (Number.isNaN(ms)) throw new FilterParseError(`invalid date literal ${text}`)
  const micros = Number(fraction.padEnd(6, '0').slice(3, 6))
  return ms * 1000 + micros
}

interface Token {
  text: string
  at: number
}

function tokenize(expr: string): Token[] {
  const tokens: Token[] = []
  const re = /\s*('(?:[^']|'')*'|\(|\)|[^\s()]+)/gy
  let match: RegExpExecArray | null
  let last = 0
  while ((match = re.exec(expr)) !== null) {
    const text = match[1] ?? ''
    tokens.push({ text, at: match.index + match[0].length - text.length })
    last = re.lastIndex
    if (last >= expr.length) break
  }
  if (expr.slice(last).trim() !== '') throw new FilterParseError(`unexpected text at ${last}`)
  return tokens
}

export function parseFilter(expr: string): Node {
  const tokens = tokenize(expr)
  let i = 0
  const peek = () => tokens[i]?.text
  const next = (): Token => {
    const t = tokens[i++]
    if (!t) throw new FilterParseError('unexpected end of expression')
    return t
  }
  const orExpr = (): Node => {
    let left = andExpr()
    while (peek() === 'or') {
      i++
      left = { type: 'or', left, right: andExpr() }
    }
    return left
  }
  const andExpr = (): Node => {
    let left = unary()
    while (peek() === 'and') {
      i++
      left = { type: 'and', left, right: unary() }
    }
    return left
  }
  const unary = (): Node => {
    if (peek() === 'not') {
      i++
      return { type: 'not', value: unary() }
    }
    return comparison()
  }
  const comparison = (): Node => {
    const left = operand()
    const op = peek()
    if (op === 'eq' || op === 'ne' || op === 'lt' || op === 'le' || op === 'gt' || op === 'ge') {
      i++
      return { type: 'compare', op, left, right: operand() }
    }
    return left
  }
  const operand = (): Node => {
    const token = next()
    const text = token.text
    if (text === '(') {
      const inner = orExpr()
      if (next().text !== ')') throw new FilterParseError(`expected ) at ${token.at}`)
      return inner
    }
    if (/^(year|month|day|hour|minute|second|now)$/.test(text) && peek() === '(')
      throw new UnsupportedFilterFeature(`stand-in: the function ${text}() is not implemented`)
    if (text === 'null') return { type: 'literal', value: null, kind: 'null' }
    if (text.startsWith("'")) return { type: 'literal', value: text.slice(1, -1).replace(/''/g, "'"), kind: 'string' }
    if (DATE_TIME.test(text) || DATE.test(text)) return { type: 'literal', value: toMicros(text), kind: 'time' }
    if (/^-?\d+(\.\d+)?$/.test(text)) return { type: 'literal', value: Number(text), kind: 'number' }
    const field = text.replace(/^\$root\/Submissions\//, '')
    if ((FILTERABLE_FIELDS as readonly string[]).includes(field)) return { type: 'field', field: field as FilterField }
    if (/^[A-Za-z_$][\w/$]*$/.test(text)) throw new UnsupportedFilterField(text, token.at)
    throw new FilterParseError(`unexpected token ${text} at ${token.at}`)
  }
  const tree = orExpr()
  if (i !== tokens.length) throw new FilterParseError(`unexpected token ${tokens[i]?.text} at ${tokens[i]?.at}`)
  return tree
}

/** Does the expression mention `__system/deletedAt`? Then deleted rows are no longer hidden (cb `odataExcludeDeleted`). */
export function mentionsDeletedAt(node: Node): boolean {
  switch (node.type) {
    case 'field':
      return node.field === '__system/deletedAt'
    case 'literal':
      return false
    case 'not':
      return mentionsDeletedAt(node.value)
    default:
      return mentionsDeletedAt(node.left) || mentionsDeletedAt(node.right)
  }
}

/** SQL truth: true, false or null (unknown). */
type Truth = boolean | null

export function evaluate(node: Node, row: (field: FilterField) => ColumnValue): Truth {
  const value = (n: Node): ColumnValue => {
    if (n.type === 'field') return row(n.field)
    if (n.type === 'literal') return n.value
    const truth = evaluate(n, row)
    return truth === null ? null : truth ? 1 : 0
  }
  switch (node.type) {
    case 'field':
    case 'literal':
      return value(node) === null ? null : Boolean(value(node))
    case 'not': {
      const inner = evaluate(node.value, row)
      return inner === null ? null : !inner
    }
    case 'and': {
      const l = evaluate(node.left, row)
      const r = evaluate(node.right, row)
      if (l === false || r === false) return false
      return l === null || r === null ? null : true
    }
    case 'or': {
      const l = evaluate(node.left, row)
      const r = evaluate(node.right, row)
      if (l === true || r === true) return true
      return l === null || r === null ? null : false
    }
    case 'compare': {
      const l = value(node.left)
      const r = value(node.right)
      if (node.op === 'eq' || node.op === 'ne') {
        // IS NULL / IS NOT DISTINCT FROM: never unknown.
        const same = l === null || r === null ? l === r : l === r
        return node.op === 'eq' ? same : !same
      }
      if (l === null || r === null) return null
      switch (node.op) {
        case 'lt':
          return l < r
        case 'le':
          return l <= r
        case 'gt':
          return l > r
        case 'ge':
          return l >= r
      }
    }
  }
}
