/**
 * What `relais setup` would change in DHIS2 (pure): each package object against DHIS2's copy, compared on
 * the fields the package sets only (DHIS2 adds times, owners, members, org units, which are not ours).
 * An update is DHIS2's object with the package's fields laid over it: DHIS2 2.41's import overwrites an
 * object whole (nulls included), so sending the package's fields alone would drop a data set's org units —
 * and an object sent without its sharing gets DHIS2's default one (public `rw------`, no group: no one may
 * enter its data), which is why the package carries the sharing of every object DHIS2 shares.
 * Sharing is compared on the package's own entries (public access, the Relais groups): extra groups or users
 * given in DHIS2 are kept, and judged by the daily security check instead.
 */

export type PlainObject = Record<string, unknown> & { id: string; code?: string }

export interface TypePlan {
  create: PlainObject[]
  update: PlainObject[]
  unchanged: number
  /** For the report: the codes of what changes, and the fields that differ per updated object. */
  changes: Array<{ code: string; action: 'create' | 'update'; fields?: string[] }>
}

/** Lists whose order means something: a category's options (option combo names), a section's form order. */
const ORDERED = new Set(['categoryOptions', 'categories', 'dataElements'])

/** DHIS2's value cut down to the shape of ours (the keys we set, recursively). */
function project(ours: unknown, theirs: unknown): unknown {
  if (Array.isArray(ours)) {
    if (!Array.isArray(theirs)) return theirs
    const shape = ours[0]
    return shape === undefined ? theirs : theirs.map((t) => project(shape, t))
  }
  if (ours !== null && typeof ours === 'object') {
    if (theirs === null || typeof theirs !== 'object') return theirs
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(ours))
      out[key] = project((ours as Record<string, unknown>)[key], (theirs as Record<string, unknown>)[key])
    return out
  }
  return theirs
}

/** A stable text for comparison: object keys sorted; unordered lists sorted too. */
function canonical(value: unknown, field = ''): string {
  if (Array.isArray(value)) {
    const items = value.map((v) => canonical(v))
    if (!ORDERED.has(field)) items.sort()
    return `[${items.join(',')}]`
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k], k)}`)
    return `{${entries.join(',')}}`
  }
  return JSON.stringify(value ?? null)
}

/** The fields of `ours` whose value DHIS2 does not hold as we set it. */
export function differingFields(ours: PlainObject, theirs: Record<string, unknown>): string[] {
  return Object.keys(ours).filter(
    (field) => canonical(ours[field], field) !== canonical(project(ours[field], theirs[field]), field),
  )
}

type SharingLike = { users?: object; userGroups?: object }

/**
 * DHIS2's object with ours laid over it. Sharing is merged rather than replaced: the groups and users DHIS2
 * holds beyond the package's (the bridge account's own access, a partner's read access) stay; ours win.
 */
function overlay(theirs: Record<string, unknown>, ours: PlainObject): PlainObject {
  const merged: PlainObject = { ...theirs, ...ours }
  const a = theirs.sharing as SharingLike | undefined
  const b = ours.sharing as SharingLike | undefined
  if (a && typeof a === 'object' && b && typeof b === 'object')
    merged.sharing = { ...a, ...b, users: { ...a.users, ...b.users }, userGroups: { ...a.userGroups, ...b.userGroups } }
  return merged
}

export function planType(ours: readonly PlainObject[], theirs: readonly Record<string, unknown>[]): TypePlan {
  const byId = new Map(theirs.map((t) => [String(t.id), t]))
  const plan: TypePlan = { create: [], update: [], unchanged: 0, changes: [] }
  for (const object of ours) {
    const current = byId.get(object.id)
    const code = object.code ?? object.id
    if (!current) {
      plan.create.push(object)
      plan.changes.push({ code, action: 'create' })
      continue
    }
    const fields = differingFields(object, current)
    if (fields.length === 0) {
      plan.unchanged++
      continue
    }
    plan.update.push(overlay(current, object))
    plan.changes.push({ code, action: 'update', fields })
  }
  return plan
}
