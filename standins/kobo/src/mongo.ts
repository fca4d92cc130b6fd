/**
 * The part of MongoDB's query language KoboToolbox passes through (kobo-odk-api.md §A2, kpi
 * `kpi/utils/mongo_helper.py`): whitelisted operators are applied; any other `$key` is base64-escaped by
 * Kobo as if it were a field name, so its clause matches nothing — reproduced here, not rejected.
 * Values compare like Mongo's: numbers with numbers, strings with strings (lexicographically — which is why
 * `_submission_time`, stored as `YYYY-MM-DDTHH:MM:SS` text, works with `$gt`), never across types.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
export type JsonObject = { [key: string]: Json }

/** Kobo answers HTTP 400 `["Unsupported query"]` when Mongo raises an OperationFailure. */
export class UnsupportedQuery extends Error {
  constructor(readonly detail: string = 'Unsupported query') {
    super(detail)
  }
}

// prettier-ignore
export const OPERATORS = new Set([
  '$or', '$and', '$in', '$nin', '$not', '$exists', '$gt', '$gte', '$lt', '$lte',
  '$regex', '$options', '$all', '$elemMatch', '$ne', '$expr', '$ifNull',
])

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v)

/** kpi `to_safe_dict`: unknown operators become harmless field names (`$` → `JA==`, `.` → `Lg==`). */
export function toSafeQuery(query: Json, top = true): Json {
  if (Array.isArray(query)) return query.map((q) => toSafeQuery(q, false))
  if (!isObject(query)) return query
  const out: JsonObject = {}
  for (const [key, value] of Object.entries(query)) {
    const safeKey = key.startsWith('$') && !OPERATORS.has(key) ? key.replace(/\$/g, 'JA==').replace(/\./g, 'Lg==') : key
    // Top-level `{"_id": "123"}` is coerced to a number; `{"_id": {"$gt": "123"}}` is not (KM to_safe_dict).
    const coerced = top && key === '_id' && typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value
    out[safeKey] = toSafeQuery(coerced, false)
  }
  return out
}

function lookup(doc: JsonObject, path: string): Json | undefined {
  if (Object.prototype.hasOwnProperty.call(doc, path)) return doc[path]
  let current: Json | undefined = doc
  for (const part of path.split('.')) {
    if (!isObject(current) || !Object.prototype.hasOwnProperty.call(current, part)) return undefined
    current = current[part]
  }
  return current
}

export function matches(doc: JsonObject, query: JsonObject): boolean {
  for (const [key, condition] of Object.entries(query)) {
    if (key === '$or' || key === '$and') {
      if (!Array.isArray(condition) || condition.length === 0 || !condition.every(isObject))
        throw new UnsupportedQuery(`${key} must be a nonempty array`)
      const results = condition.map((q) => matches(doc, q))
      if (key === '$or' ? !results.some(Boolean) : !results.every(Boolean)) return false
      continue
    }
    if (key === '$expr') throw new UnsupportedQuery('$expr is not implemented by the stand-in')
    if (key.startsWith('$')) throw new UnsupportedQuery(`unknown top level operator: ${key}`)
    if (!fieldMatches(lookup(doc, key), condition)) return false
  }
  return true
}

function fieldMatches(value: Json | undefined, condition: Json): boolean {
  if (isObject(condition)) {
    const keys = Object.keys(condition)
    const operators = keys.filter((k) => k.startsWith('$'))
    if (operators.length === 0) return equalsOrContains(value, condition)
    if (operators.length !== keys.length) throw new UnsupportedQuery('unknown operator in a field condition')
    return operators.every((op) => applyOperator(op, value, condition[op] as Json, condition))
  }
  return equalsOrContains(value, condition)
}

function applyOperator(op: string, value: Json | undefined, arg: Json, all: JsonObject): boolean {
  switch (op) {
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      return anyOf(value, (v) => {
        const c = compareSameType(v, arg)
        if (c === undefined) return false
        return op === '$gt' ? c > 0 : op === '$gte' ? c >= 0 : op === '$lt' ? c < 0 : c <= 0
      })
    case '$ne':
      return !equalsOrContains(value, arg)
    case '$in':
    case '$nin': {
      if (!Array.isArray(arg)) throw new UnsupportedQuery(`${op} needs an array`)
      const found = arg.some((a) => equalsOrContains(value, a))
      return op === '$in' ? found : !found
    }
    case '$exists':
      return Boolean(arg) === (value !== undefined)
    case '$regex': {
      const options = all.$options
      const regex = new RegExp(
        String(arg),
        typeof options === 'string' ? options.replace(/[^imsx]/g, '').replace('x', '') : '',
      )
      return anyOf(value, (v) => typeof v === 'string' && regex.test(v))
    }
    case '$options':
      if (!('$regex' in all)) throw new UnsupportedQuery('$options needs a $regex')
      return true
    case '$not':
      if (!isObject(arg)) throw new UnsupportedQuery('$not needs a regex or a document')
      return !fieldMatches(value, arg)
    case '$all':
      if (!Array.isArray(arg)) throw new UnsupportedQuery('$all needs an array')
      return Array.isArray(value) && arg.every((a) => value.some((v) => deepEqual(v, a)))
    case '$elemMatch':
      if (!isObject(arg)) throw new UnsupportedQuery('$elemMatch needs an Object')
      return (
        Array.isArray(value) &&
        value.some((v) =>
          isObject(v) && !Object.keys(arg).every((k) => k.startsWith('$')) ? matches(v, arg) : fieldMatches(v, arg),
        )
      )
    default:
      // $ifNull and $expr only make sense inside aggregation expressions.
      throw new UnsupportedQuery(`unknown operator: ${op}`)
  }
}

function anyOf(value: Json | undefined, test: (v: Json) => boolean): boolean {
  if (value === undefined) return false
  return Array.isArray(value) ? value.some(test) : test(value)
}

function equalsOrContains(value: Json | undefined, expected: Json): boolean {
  if (expected === null) return value === undefined || value === null
  if (value === undefined) return false
  if (deepEqual(value, expected)) return true
  return Array.isArray(value) && value.some((v) => deepEqual(v, expected))
}

function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((v, i) => deepEqual(v, b[i] as Json))
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a)
    const kb = Object.keys(b)
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && deepEqual(a[k] as Json, b[k] as Json))
  }
  return false
}

function compareSameType(a: Json, b: Json): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a - b
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0
  return undefined
}

// Mongo's cross-type sort order, the part that matters here: missing/null < numbers < strings < objects < arrays < booleans.
function typeRank(v: Json | undefined): number {
  if (v === undefined || v === null) return 0
  if (typeof v === 'number') return 1
  if (typeof v === 'string') return 2
  if (Array.isArray(v)) return 4
  if (typeof v === 'object') return 3
  return 5
}

export function sortDocuments(docs: JsonObject[], sort: Record<string, number>): JsonObject[] {
  const keys = Object.entries(sort)
  return [...docs].sort((x, y) => {
    for (const [key, direction] of keys) {
      const a = lookup(x, key)
      const b = lookup(y, key)
      const rank = typeRank(a) - typeRank(b)
      const c = rank !== 0 ? rank : (compareSameType(a ?? null, b ?? null) ?? 0)
      if (c !== 0) return direction < 0 ? -c : c
    }
    return 0
  })
}
