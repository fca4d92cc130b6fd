import i18n from '@dhis2/d2-i18n'
import { OrganisationUnitTree } from '@dhis2/ui'
import { useState } from 'react'
import classes from './OrgUnits.module.css'
import type { OrgUnitNode } from './types'

interface TreeProps {
  /** The tops of the user's part of the hierarchy. */
  roots: readonly OrgUnitNode[]
  /** The id of the unit chosen now (highlighted once it was chosen in the tree). */
  selected?: string
  /** Which units can be chosen; clicking another one opens it instead. Default: any. */
  selectable?: (unit: OrgUnitNode) => boolean
  onSelect: (unit: OrgUnitNode) => void
}

/** What the tree's change event says of a unit. */
interface TreeUnit {
  id: string
  path: string
  displayName: string
}

const levelOf = (path: string) => path.split('/').filter(Boolean).length

/**
 * The user's part of the hierarchy, as every DHIS2 app shows it (@dhis2/ui OrganisationUnitTree): opened level by
 * level, the children of a unit loaded when it is opened. The tree answers clicks only, not the keyboard: the
 * search beside it is how keyboard and screen-reader users find a unit.
 */
export function OrgUnitTree({ roots, selected, selectable = () => true, onSelect }: TreeProps) {
  const [expanded, setExpanded] = useState<string[]>([])
  const [chosen, setChosen] = useState<TreeUnit | null>(null)
  // A unit's change event carries its full path (« /Bénin/…/zone/aire »), but the tree tells which units are open
  // by their path from the user's root (« /zone/aire »).
  const fromRoot = (path: string) => {
    const root = roots.find((r) => path.includes(`/${r.id}`))
    return root ? path.slice(path.indexOf(`/${root.id}`)) : path
  }
  const open = (path: string) =>
    setExpanded((paths) => (paths.includes(fromRoot(path)) ? paths : [...paths, fromRoot(path)]))
  return (
    <div className={classes.tree} role="group" aria-label={i18n.t('Organisation units')}>
      <OrganisationUnitTree
        roots={roots.map((r) => r.id)}
        singleSelection
        selected={chosen && chosen.id === selected ? [chosen.path] : []}
        // The paths open now: the propTypes take string[]; @dhis2/ui 10's typings say boolean by mistake.
        expanded={expanded as unknown as boolean}
        handleExpand={({ path }: { path: string }) => open(path)}
        handleCollapse={({ path }: { path: string }) => setExpanded((paths) => paths.filter((p) => p !== path))}
        onChange={(unit: TreeUnit) => {
          const node: OrgUnitNode = {
            id: unit.id,
            displayName: unit.displayName,
            path: unit.path,
            level: levelOf(unit.path),
          }
          if (!selectable(node)) return open(unit.path)
          setChosen(unit)
          onSelect(node)
        }}
      />
    </div>
  )
}
