import i18n from '@dhis2/d2-i18n'
import { useState } from 'react'
import { OrgUnitSearch } from '../../shared/orgunits/OrgUnitSearch'
import { RC_LEVEL, type OrgUnitNode } from '../../shared/orgunits/types'
import { useOrgUnitChildren } from '../../shared/orgunits/useOrgUnitChildren'
import type { CurrentUser } from '../../shared/currentUser'
import classes from '../Dashboard.module.css'
import { userRootNodes } from '../../shared/orgunits/roots'

interface Props {
  user: CurrentUser
  selectedId: string
  onSelect: (unit: OrgUnitNode) => void
}

/**
 * Any org unit of the user's part of the hierarchy: the tree opens level by level and every level can be
 * chosen; the search (shared with Saisie) goes straight to one RC.
 */
export function OrgUnitChooser({ user, selectedId, onSelect }: Props) {
  const roots = userRootNodes(user)
  return (
    <section className={classes.chooser} aria-labelledby="relais-dashboard-ou">
      <h3 id="relais-dashboard-ou" className={classes.chooserTitle}>
        {i18n.t('Organisation unit')}
      </h3>
      <details className={classes.treeBox}>
        <summary>{i18n.t('Choose in the hierarchy')}</summary>
        <ul className={classes.tree} role="tree" aria-label={i18n.t('Organisation units')}>
          {roots.map((root) => (
            <TreeNode key={root.id} unit={root} selectedId={selectedId} onSelect={onSelect} />
          ))}
        </ul>
      </details>
      <OrgUnitSearch onSelect={onSelect} />
    </section>
  )
}

function TreeNode({
  unit,
  selectedId,
  onSelect,
}: {
  unit: OrgUnitNode
  selectedId: string
  onSelect: Props['onSelect']
}) {
  const [open, setOpen] = useState(false)
  const { children, loading, error } = useOrgUnitChildren(unit.id, open)
  const leaf = unit.level >= RC_LEVEL
  const selected = unit.id === selectedId
  return (
    <li role="treeitem" aria-expanded={leaf ? undefined : open} aria-selected={selected}>
      <span className={classes.treeRow}>
        {!leaf && (
          <button
            type="button"
            className={classes.treeToggle}
            aria-label={
              open
                ? i18n.t('Close {{name}}', { name: unit.displayName, interpolation: { escapeValue: false } })
                : i18n.t('Open {{name}}', { name: unit.displayName, interpolation: { escapeValue: false } })
            }
            onClick={() => setOpen(!open)}
          >
            <span aria-hidden="true">{open ? '▾' : '▸'}</span>
          </button>
        )}
        <button
          type="button"
          className={selected ? `${classes.treeUnit} ${classes.treeSelected}` : classes.treeUnit}
          aria-current={selected ? 'true' : undefined}
          onClick={() => onSelect(unit)}
        >
          {unit.code ? `${unit.displayName} (${unit.code})` : unit.displayName}
        </button>
      </span>
      {open && (
        <ul role="group" className={classes.treeGroup}>
          {loading && <li className={classes.muted}>{i18n.t('Loading…')}</li>}
          {error && <li className={classes.error}>{error}</li>}
          {children?.map((child) => (
            <TreeNode key={child.id} unit={child} selectedId={selectedId} onSelect={onSelect} />
          ))}
        </ul>
      )}
    </li>
  )
}
