/**
 * DHIS2's object filter (`filter=property:operator:value`, web-api §6.3): dotted paths through
 * references (`parent.id`, `organisationUnitGroups.code`), every operator of the docs, `[a,b]` lists
 * for `in`, and `identifiable:token:…` over id, code and name. Several filters are AND-ed unless
 * `rootJunction=OR`.
 */
import { HttpError } from '../http/web-message'
import { SCHEMAS, type CollectionName } from './schema'
import type { RenderContext } from './fields'

export interface Filter {
  path: string[]
  operator: string
  value: string
}

const OPERATORS = new Set([
  'eq',
  '!eq',
  'ieq',
  'ne',
  'neq',
  'like',
  '!like',
  '$like',
  '!$like',
  'like$',
  '!like$',
  'ilike',
  '!ilike',
  '$ilike',
  '!$ilike',
  'ilike$',
  '!ilike$',
  'gt',
  'ge',
  'lt',
  'le',
  'null',
  '!null',
  'empty',
  '!empty',
  'token',
  '!token',
  'in',
  '!in',
])

export function parseFilter(text: string): Filter {
  const first = text.indexOf(':')
  const second = first < 0 ? -1 : text.indexOf(':', first + 1)
  const property = first < 0 ? text : text.slice(0, first)
  const operator = first < 0 ? '' : second < 0 ? text.slice(first + 1) : text.slice(first + 1, second)
  const value = second < 0 ? '' : text.slice(second + 1)
  if (!OPERATORS.has(operator)) {
    throw new HttpError(400, `Query failed because of a syntax error (Invalid filter operator: ${operator})`, 'E2014')
  }
  return { path: property.split('.'), operator, value }
}

/** Values the path reaches: a collection on the way fans out (any element may match). */
function valuesAt(
  object: Record<string, unknown>,
  collection: CollectionName | undefined,
  path: string[],
  ctx: RenderContext,
): unknown[] {
  const [head, ...rest] = path
  if (head === undefined) return [object]
  const info = collection ? SCHEMAS[collection].properties[head] : undefined
  let value: unknown = info?.computed && collection ? ctx.computed(collection, object, head) : object[head]
  if (value === undefined && collection && !(head in object)) value = ctx.computed(collection, object, head)
  const items = Array.isArray(value) ? value : [value]
  if (rest.length === 0) return Array.isArray(value) ? [value] : items
  const out: unknown[] = []
  for (const item of items) {
    if (item === null || typeof item !== 'object') continue
    let target = item as Record<string, unknown>
    if (info?.ref && !(rest.length === 1 && rest[0] === 'id')) {
      const resolved = ctx.resolve(info.ref, String(target.id))
      if (!resolved) continue
      target = resolved
    }
    out.push(...valuesAt(target, info?.ref, rest, ctx))
  }
  return out
}

function parseList(value: string): string[] {
  const inner = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value
  return inner.split(',').map((s) => s.trim())
}

function compare(actual: unknown, operator: string, value: string): boolean {
  const text =
    actual === undefined || actual === null ? undefined : typeof actual === 'object' ? undefined : String(actual)
  const lower = text?.toLowerCase()
  const v = value.toLowerCase()
  const numeric = typeof actual === 'number'
  switch (operator) {
    case 'eq':
      return text === value
    case '!eq':
    case 'ne':
    case 'neq':
      return text !== value
    case 'ieq':
      return lower === v
    case 'like':
      return text !== undefined && text.includes(value)
    case '!like':
      return text === undefined || !text.includes(value)
    case '$like':
      return text !== undefined && text.startsWith(value)
    case '!$like':
      return text === undefined || !text.startsWith(value)
    case 'like$':
      return text !== undefined && text.endsWith(value)
    case '!like$':
      return text === undefined || !text.endsWith(value)
    case 'ilike':
      return lower !== undefined && lower.includes(v)
    case '!ilike':
      return lower === undefined || !lower.includes(v)
    case '$ilike':
      return lower !== undefined && lower.startsWith(v)
    case '!$ilike':
      return lower === undefined || !lower.startsWith(v)
    case 'ilike$':
      return lower !== undefined && lower.endsWith(v)
    case '!ilike$':
      return lower === undefined || !lower.endsWith(v)
    case 'gt':
      return text !== undefined && (numeric ? Number(actual) > Number(value) : text > value)
    case 'ge':
      return text !== undefined && (numeric ? Number(actual) >= Number(value) : text >= value)
    case 'lt':
      return text !== undefined && (numeric ? Number(actual) < Number(value) : text < value)
    case 'le':
      return text !== undefined && (numeric ? Number(actual) <= Number(value) : text <= value)
    case 'null':
      return actual === undefined || actual === null
    case '!null':
      return actual !== undefined && actual !== null
    case 'empty':
      return Array.isArray(actual) ? actual.length === 0 : text === undefined || text === ''
    case '!empty':
      return Array.isArray(actual) ? actual.length > 0 : text !== undefined && text !== ''
    case 'in':
      return text !== undefined && parseList(value).includes(text)
    case '!in':
      return text === undefined || !parseList(value).includes(text)
    case 'token':
      return tokenMatch(lower, v)
    case '!token':
      return !tokenMatch(lower, v)
    default:
      return false
  }
}

/** Every word of the query must start a word of the text (DHIS2's token operator). */
function tokenMatch(text: string | undefined, query: string): boolean {
  if (text === undefined) return false
  const words = text.split(/[\s\-_/()]+/)
  return query
    .split(/\s+/)
    .filter(Boolean)
    .every((q) => words.some((w) => w.startsWith(q)) || text.includes(q))
}

export function matchesFilter(
  object: Record<string, unknown>,
  collection: CollectionName,
  filter: Filter,
  ctx: RenderContext,
): boolean {
  if (filter.path.length === 1 && filter.path[0] === 'identifiable' && filter.operator.endsWith('token')) {
    const haystack = [object.id, object.code, object.name]
      .filter((x) => typeof x === 'string')
      .join(' ')
      .toLowerCase()
    const hit = tokenMatch(haystack, filter.value.toLowerCase())
    return filter.operator === 'token' ? hit : !hit
  }
  const values = valuesAt(object, collection, filter.path, ctx)
  const negative =
    filter.operator.startsWith('!') ||
    filter.operator === 'ne' ||
    filter.operator === 'neq' ||
    filter.operator === 'null'
  if (values.length === 0) return compare(undefined, filter.operator, filter.value)
  return negative
    ? values.every((v) => compare(v, filter.operator, filter.value))
    : values.some((v) => compare(v, filter.operator, filter.value))
}
