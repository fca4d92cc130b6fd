import i18n from '@dhis2/d2-i18n'
import { useState } from 'react'
import classes from './OrgUnits.module.css'
import { RC_LEVEL, type OrgUnitNode } from './types'
import { useOrgUnitChildren } from './useOrgUnitChildren'

interface TreeProps {
  roots: OrgUnitNode[]
  selected?: string
  onSelect: (unit: OrgUnitNode) => void
}

/** The user's part of the hierarchy, opened level by level down to the RC. */
export function OrgUnitTree({ roots, selected, onSelect }: TreeProps) {
  return (
    <ul className={classes.tree} role="tree" aria-label={i18n.t('Organisation units')}>
      {roots.map((root) => (
        <TreeNode key={root.id} unit={root} selected={selected} onSelect={onSelect} />
      ))}
    </ul>
  )
}

function TreeNode({
  unit,
  selected,
  onSelect,
}: {
  unit: OrgUnitNode
  selected?: string
  onSelect: TreeProps['onSelect']
}) {
  const [open, setOpen] = useState(false)
  const { children, loading, error } = useOrgUnitChildren(unit.id, open)
  const isRc = unit.level >= RC_LEVEL
  const label = unit.code ? `${unit.displayName} (${unit.code})` : unit.displayName
  return (
    <li role="treeitem" aria-expanded={isRc ? undefined : open} aria-selected={selected === unit.id}>
      {isRc ? (
        <button
          type="button"
          className={selected === unit.id ? `${classes.treeRc} ${classes.treeSelected}` : classes.treeRc}
          onClick={() => onSelect(unit)}
        >
          {label}
        </button>
      ) : (
        <button type="button" className={classes.treeToggle} onClick={() => setOpen(!open)}>
          <span aria-hidden="true">{open ? '▾' : '▸'}</span> {label}
        </button>
      )}
      {open && (
        <ul role="group" className={classes.treeGroup}>
          {loading && <li className={classes.muted}>{i18n.t('Loading…')}</li>}
          {error && <li className={classes.error}>{error}</li>}
          {children?.map((child) => (
            <TreeNode key={child.id} unit={child} selected={selected} onSelect={onSelect} />
          ))}
        </ul>
      )}
    </li>
  )
}
