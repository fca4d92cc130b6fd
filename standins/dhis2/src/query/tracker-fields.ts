/**
 * The `fields` parameter of the tracker export (docs@2.41 `tracker.md` § "Request parameter to filter
 * responses"): `*` (all), `name`, `!name` (exclude), `name[sub,…]` (nested, on objects and lists of objects),
 * `:all` as `*`. The tracker's field filter drops null values, as DHIS2's does.
 */
export type FieldSpec = { all: boolean; include: Map<string, FieldSpec | true>; exclude: Set<string> }

const MAX_DEPTH = 5

/** Splits `a,b[c,d],e` at its top-level commas. */
function topLevel(text: string): string[] {
  const parts: string[] = []
  let depth = 0
  let current = ''
  for (const ch of text) {
    if (ch === '[' || ch === '(') depth++
    if (ch === ']' || ch === ')') depth--
    if (ch === ',' && depth === 0) {
      parts.push(current)
      current = ''
    } else current += ch
  }
  parts.push(current)
  return parts.map((p) => p.trim()).filter(Boolean)
}

export function parseTrackerFields(text: string, depth = 0): FieldSpec {
  const spec: FieldSpec = { all: false, include: new Map(), exclude: new Set() }
  for (const part of topLevel(text)) {
    if (part === '*' || part === ':all') spec.all = true
    else if (part.startsWith('!')) spec.exclude.add(part.slice(1))
    else {
      const open = part.search(/[[(]/)
      if (open > 0 && depth < MAX_DEPTH)
        spec.include.set(part.slice(0, open), parseTrackerFields(part.slice(open + 1, -1), depth + 1))
      else spec.include.set(open > 0 ? part.slice(0, open) : part, true)
    }
  }
  return spec
}

export function applyFields(value: unknown, spec: FieldSpec | true): unknown {
  if (value === null || value === undefined) return undefined
  if (Array.isArray(value)) return value.map((item) => applyFields(item, spec))
  if (typeof value !== 'object') return value
  const object = value as Record<string, unknown>
  if (spec === true) return dropNulls(object)
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(object)) {
    if (spec.exclude.has(key) || v === undefined || v === null) continue
    const sub = spec.include.get(key)
    if (sub !== undefined) out[key] = applyFields(v, sub)
    else if (spec.all) out[key] = applyFields(v, true)
  }
  return out
}

function dropNulls(object: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(object)) if (v !== undefined && v !== null) out[key] = applyFields(v, true)
  return out
}
