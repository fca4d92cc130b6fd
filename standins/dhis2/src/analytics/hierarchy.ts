/**
 * The org-unit hierarchy as the analytics tables see it (the `uidlevelN` columns): org units numbered
 * in pre-order, so that a unit's sub-tree is the contiguous range [start, end) of positions. A sum over
 * a sub-tree is then two reads of a prefix-sum array, whatever the depth or size of the tree.
 */
import type { OrganisationUnit } from '@relais/mappings'
import { dayNumber } from './periods'

export class OrgUnitTree {
  readonly size: number
  /** Org unit id by position. */
  readonly ids: string[] = []
  readonly position = new Map<string, number>()
  /** Exclusive end of the sub-tree starting at a position. */
  readonly end: Int32Array
  readonly level: Uint8Array
  readonly parent: Int32Array
  /** Day numbers of opening / closing dates (closed: +∞ when open). */
  readonly opening: Float64Array
  readonly closed: Float64Array
  private readonly childLists: number[][] = []

  constructor(units: readonly OrganisationUnit[]) {
    const byId = new Map(units.map((u) => [u.id, u]))
    const children = new Map<string, OrganisationUnit[]>()
    const roots: OrganisationUnit[] = []
    for (const unit of units) {
      const parentId = unit.parent?.id
      if (parentId && byId.has(parentId)) {
        const list = children.get(parentId) ?? []
        list.push(unit)
        children.set(parentId, list)
      } else roots.push(unit)
    }
    this.size = units.length
    this.end = new Int32Array(this.size)
    this.level = new Uint8Array(this.size)
    this.parent = new Int32Array(this.size).fill(-1)
    this.opening = new Float64Array(this.size)
    this.closed = new Float64Array(this.size)
    // Iterative pre-order walk: a node's end is known when its last descendant has been numbered.
    const stack: { unit: OrganisationUnit; parent: number; exit: boolean; pos: number }[] = []
    for (let i = roots.length - 1; i >= 0; i--)
      stack.push({ unit: roots[i] as OrganisationUnit, parent: -1, exit: false, pos: -1 })
    while (stack.length > 0) {
      const frame = stack.pop() as (typeof stack)[number]
      if (frame.exit) {
        this.end[frame.pos] = this.ids.length
        continue
      }
      const pos = this.ids.length
      const unit = frame.unit
      this.ids.push(unit.id)
      this.position.set(unit.id, pos)
      this.level[pos] = unit.level
      this.parent[pos] = frame.parent
      this.opening[pos] = unit.openingDate ? dayNumber(unit.openingDate.slice(0, 10)) : -Infinity
      this.closed[pos] = unit.closedDate ? dayNumber(unit.closedDate.slice(0, 10)) : Infinity
      this.childLists[pos] = []
      if (frame.parent >= 0) this.childLists[frame.parent]?.push(pos)
      stack.push({ unit, parent: frame.parent, exit: true, pos })
      const kids = children.get(unit.id) ?? []
      for (let i = kids.length - 1; i >= 0; i--)
        stack.push({ unit: kids[i] as OrganisationUnit, parent: pos, exit: false, pos: -1 })
    }
  }

  childrenOf(pos: number): readonly number[] {
    return this.childLists[pos] ?? []
  }

  /** True when `pos` lies in the sub-tree of `ancestor` (itself included). */
  isWithin(pos: number, ancestor: number): boolean {
    return pos >= ancestor && pos < (this.end[ancestor] ?? 0)
  }
}

/** Positions as half-open ranges; overlapping sub-trees merge (a filter counts each value once). */
export type Ranges = Int32Array

export function rangesOf(tree: OrgUnitTree, positions: readonly number[]): Ranges {
  const sorted = [...new Set(positions)].sort((a, b) => a - b)
  const out: number[] = []
  let lastEnd = -1
  for (const pos of sorted) {
    const end = tree.end[pos] ?? pos + 1
    if (pos < lastEnd) continue // inside the previous sub-tree
    out.push(pos, end)
    lastEnd = end
  }
  return Int32Array.from(out)
}
