import type { CurrentUser } from '../currentUser'
import type { OrgUnitNode } from './types'

/** The tops of the user's part of the hierarchy (their assigned org units), where every tree starts. */
export function userRootNodes(user: CurrentUser): OrgUnitNode[] {
  return user.organisationUnits.map((unit) => ({ id: unit.id, displayName: unit.name, level: unit.level, path: '' }))
}
