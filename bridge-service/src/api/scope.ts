/**
 * Org-unit scoping (issue 11 §5): a supervisor sees, through the bridge, only the records of the RC under their
 * DHIS2 org units (those units and their subtree), as DHIS2 itself would show them. National roles
 * (gestionnaire, administrateur) and API keys see everything. A record outside the caller's scope is answered
 * 404, as if it did not exist; a record whose org unit could not be read (quarantined for an unknown RC code)
 * belongs to no subtree and is shown to national roles only.
 *
 * The subtree is read from the latest metadata snapshot the bridge holds (every RC's `path` lists its
 * ancestors), so answering costs no DHIS2 request: one set of RC ids per snapshot and set of user org units.
 */
import type { Request } from 'express'
import type { LedgerRepositories } from '../ledger'
import { knownPrincipalOf, type Principal } from './auth'
import type { Role } from './roles'

/** Roles that see the whole country. */
const NATIONAL_ROLES: readonly Role[] = ['gestionnaire', 'administrateur']

export type OrgUnitScope =
  | { readonly all: true }
  /** `orgUnits`: the ids of the org units (RC) whose records the caller may see. */
  | { readonly all: false; readonly orgUnits: ReadonlySet<string> }

export const EVERYTHING: OrgUnitScope = { all: true }

export function isNational(principal: Principal): boolean {
  return (
    principal.kind === 'api-key' ||
    principal.orgUnits === undefined ||
    principal.roles.some((role) => NATIONAL_ROLES.includes(role))
  )
}

interface OrgUnitPath {
  id: string
  path: string
}

/** The org units under `roots` (themselves included), from `units`' paths. Pure. */
export function subtree(units: readonly OrgUnitPath[], roots: readonly string[]): Set<string> {
  const inside = new Set<string>()
  if (roots.length === 0) return inside
  const rootSet = new Set(roots)
  for (const unit of units) if (unit.path.split('/').some((id) => rootSet.has(id))) inside.add(unit.id)
  return inside
}

export type Snapshots = Pick<LedgerRepositories, 'snapshots'>['snapshots']

/** Scopes of callers, cached per snapshot and per set of user org units. */
export class Scopes {
  private snapshotId: string | undefined
  private units: readonly OrgUnitPath[] = []
  private readonly cache = new Map<string, OrgUnitScope>()
  private checkedAt = 0

  constructor(
    private readonly snapshots: Snapshots,
    private readonly now: () => number = Date.now,
    /** How long the snapshot id is trusted before asking the ledger again. */
    private readonly recheckMs = 30_000,
  ) {}

  async of(req: Request): Promise<OrgUnitScope> {
    const principal = knownPrincipalOf(req)
    if (!principal || isNational(principal)) return EVERYTHING
    await this.refresh()
    const roots = [...(principal.orgUnits ?? [])].sort()
    const key = roots.join(',')
    let scope = this.cache.get(key)
    if (!scope) {
      scope = { all: false, orgUnits: subtree(this.units, roots) }
      if (this.cache.size >= 1_000) this.cache.clear()
      this.cache.set(key, scope)
    }
    return scope
  }

  /** A scope narrowed to the org units under `root` (a zone, an aire sanitaire…), the caller's own limits kept. */
  async within(scope: OrgUnitScope, root: string): Promise<OrgUnitScope> {
    await this.refresh()
    const under = subtree(this.units, [root])
    return { all: false, orgUnits: scope.all ? under : new Set([...under].filter((id) => scope.orgUnits.has(id))) }
  }

  private async refresh(): Promise<void> {
    if (this.snapshotId !== undefined && this.now() - this.checkedAt < this.recheckMs) return
    const latest = await this.snapshots.latest<{ organisationUnits?: OrgUnitPath[] }>()
    this.checkedAt = this.now()
    if (latest?.id === this.snapshotId) return
    this.snapshotId = latest?.id
    this.units = (latest?.snapshot.organisationUnits ?? []).map((u) => ({ id: u.id, path: u.path }))
    this.cache.clear()
  }
}

/** Whether a record's org unit is in scope. */
export function inScope(scope: OrgUnitScope, orgUnit: string | null): boolean {
  return scope.all || (orgUnit !== null && scope.orgUnits.has(orgUnit))
}

/** The ledger filter of a scope (undefined: no filter). */
export function scopeFilter(scope: OrgUnitScope): { orgUnitIn?: readonly string[] } {
  return scope.all ? {} : { orgUnitIn: [...scope.orgUnits] }
}
