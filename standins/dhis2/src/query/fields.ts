/**
 * DHIS2's field filter (`fields=`, web-api §6.3): `id,name,parent[id,name]`, nested brackets or
 * parentheses, `*` / `:all`, `:owner`, `:identifiable`, `:nameable`, `!exclude`, `prop::size`,
 * `prop~rename(alias)`. References are expanded through the schema; without sub-fields a reference
 * renders as `{ "id": … }` as DHIS2 does.
 */
import { EMBEDDED_REFS, SCHEMAS, type CollectionName } from './schema'

export interface FieldNode {
  name: string
  children?: FieldNode[]
  transform?: 'size' | 'isEmpty' | 'isNotEmpty'
  rename?: string
  exclude?: boolean
}

export function parseFields(spec: string): FieldNode[] {
  let pos = 0
  const parseList = (): FieldNode[] => {
    const nodes: FieldNode[] = []
    while (pos < spec.length) {
      const ch = spec[pos]
      if (ch === ']' || ch === ')') break
      if (ch === ',') {
        pos++
        continue
      }
      nodes.push(parseNode())
    }
    return nodes
  }
  const parseNode = (): FieldNode => {
    let token = ''
    while (pos < spec.length && !',[]()'.includes(spec[pos] ?? '')) token += spec[pos++]
    token = token.trim()
    const node: FieldNode = { name: token }
    if (token.startsWith('!')) {
      node.exclude = true
      node.name = token.slice(1)
    }
    if (spec[pos] === '[' || spec[pos] === '(') {
      const isRename = node.name.endsWith('~rename')
      pos++
      if (isRename) {
        let alias = ''
        while (pos < spec.length && spec[pos] !== ')') alias += spec[pos++]
        pos++
        node.name = node.name.slice(0, -'~rename'.length)
        node.rename = alias.trim()
      } else {
        node.children = parseList()
        pos++ // closing bracket
      }
    }
    const transform = /^(.*)::(size|isEmpty|isNotEmpty)$/.exec(node.name)
    if (transform) {
      node.name = transform[1] ?? node.name
      node.transform = transform[2] as FieldNode['transform']
    }
    return node
  }
  return parseList()
}

export interface RenderContext {
  resolve(collection: CollectionName, id: string): Record<string, unknown> | undefined
  computed(collection: CollectionName, object: Record<string, unknown>, property: string): unknown
  /** Computed properties available on the collection (displayName, ancestors…). */
  computedNames(collection: CollectionName): string[]
}

const IDENTIFIABLE = ['id', 'code', 'name', 'displayName', 'created', 'lastUpdated', 'href']
const NAMEABLE = [...IDENTIFIABLE, 'shortName', 'displayShortName', 'description', 'displayDescription']

function expandPresets(
  nodes: FieldNode[],
  object: Record<string, unknown>,
  collection: CollectionName | undefined,
  ctx: RenderContext,
): FieldNode[] {
  const out: FieldNode[] = []
  const excluded = new Set(nodes.filter((n) => n.exclude).map((n) => n.name))
  const schema = collection ? SCHEMAS[collection] : undefined
  const add = (names: string[]) => {
    for (const name of names) if (!out.some((n) => n.name === name)) out.push({ name })
  }
  for (const node of nodes) {
    if (node.exclude) continue
    if (node.name === '*' || node.name === ':all') {
      add(Object.keys(object))
      if (collection) add(ctx.computedNames(collection).filter((n) => n.startsWith('display')))
    } else if (node.name === ':owner') {
      add(Object.keys(object).filter((k) => !schema?.properties[k]?.notOwner && !schema?.properties[k]?.computed))
    } else if (node.name === ':identifiable') add(IDENTIFIABLE)
    else if (node.name === ':nameable') add(NAMEABLE)
    else {
      const existing = out.findIndex((n) => n.name === node.name)
      if (existing >= 0) out[existing] = node
      else out.push(node)
    }
  }
  return out.filter((n) => !excluded.has(n.name))
}

export function renderObject(
  object: Record<string, unknown>,
  collection: CollectionName | undefined,
  fields: FieldNode[],
  ctx: RenderContext,
): Record<string, unknown> {
  const result: Record<string, unknown> = {}
  const schema = collection ? SCHEMAS[collection] : undefined
  for (const node of expandPresets(fields, object, collection, ctx)) {
    const info = schema?.properties[node.name]
    let value: unknown = info?.computed && collection ? ctx.computed(collection, object, node.name) : object[node.name]
    if (value === undefined && collection && !(node.name in object)) value = ctx.computed(collection, object, node.name)
    if (value === undefined) continue
    const refCollection = info?.ref ?? (collection ? undefined : EMBEDDED_REFS[node.name])
    value = renderValue(value, refCollection, node, ctx)
    if (node.transform) value = applyTransform(value, node.transform)
    result[node.rename ?? node.name] = value
  }
  return result
}

function renderValue(
  value: unknown,
  refCollection: CollectionName | undefined,
  node: FieldNode,
  ctx: RenderContext,
): unknown {
  if (Array.isArray(value)) return value.map((v) => renderValue(v, refCollection, node, ctx))
  if (value === null || typeof value !== 'object') return value
  const record = value as Record<string, unknown>
  if (refCollection) {
    const id = record.id
    if (!node.children) return { id }
    const target = typeof id === 'string' ? ctx.resolve(refCollection, id) : undefined
    return target ? renderObject(target, refCollection, node.children, ctx) : { id }
  }
  // An embedded object (dataSetElements, leftSide, settings…): sub-fields pick from it; its own
  // references (dataElement, categoryCombo…) expand through EMBEDDED_REFS.
  if (!node.children) return value
  const out: Record<string, unknown> = {}
  for (const child of expandPresets(node.children, record, undefined, ctx)) {
    const v = record[child.name]
    if (v === undefined) continue
    let rendered = renderValue(v, EMBEDDED_REFS[child.name], child, ctx)
    if (child.transform) rendered = applyTransform(rendered, child.transform)
    out[child.rename ?? child.name] = rendered
  }
  return out
}

function applyTransform(value: unknown, transform: NonNullable<FieldNode['transform']>): unknown {
  const size = Array.isArray(value) ? value.length : typeof value === 'string' ? value.length : value == null ? 0 : 1
  if (transform === 'size') return size
  if (transform === 'isEmpty') return size === 0
  return size > 0
}
