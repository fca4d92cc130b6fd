/** An organisation unit as the pickers show and return it. */
export interface OrgUnitNode {
  id: string
  displayName: string
  code?: string
  level: number
  path: string
  /** Number of children (`children::size`), when known. */
  children?: number
}

/** Level of the relais communautaires (community-program.md): the level the report is entered for. */
export const RC_LEVEL = 5

export const ORG_UNIT_FIELDS = 'id,displayName,code,level,path'
